import type { ChatMetrics } from "../ops/metrics";
import type { ChatSocket } from "./chat-types";
import type { InFlight } from "./in-flight";

type Answer = {
  ok?: unknown;
  message?: { seq?: unknown };
  duplicate?: unknown;
  error?: { code?: unknown };
};

/**
 * Watches every request of a connection through its acknowledgement, before
 * any guard or handler runs: the request counts as in flight until answered
 * (so a shutdown can wait for it), and its answer feeds the metrics. Handlers
 * stay unaware of both. Requests sent without an acknowledgement callback are
 * not tracked; nothing waits for them.
 */
export function trackRequests(
  socket: ChatSocket,
  inFlight: InFlight,
  metrics: ChatMetrics | undefined,
): void {
  socket.use((packet, next) => {
    const last = packet.length - 1;
    const ack = packet[last];
    if (typeof ack !== "function") {
      next();
      return;
    }
    const event = packet[0];
    const end = inFlight.begin();
    const started = performance.now();
    packet[last] = (answer: Answer, ...rest: unknown[]) => {
      end();
      if (metrics) {
        if (answer?.error?.code === "rate_limited") metrics.rateLimited(String(event));
        if (event === "message:send" && answer?.ok === true) {
          metrics.ackLatency((performance.now() - started) / 1000);
          if (answer.duplicate === false) metrics.messageStored();
        }
      }
      (ack as (...args: unknown[]) => void)(answer, ...rest);
    };
    next();
  });
}
