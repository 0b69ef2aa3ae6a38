import type { ChatMetrics } from "../ops/metrics";
import type { InFlight } from "./in-flight";
import { answersEveryRequest } from "./request-handler";
import type { ChatSocket } from "./socket-types";

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
 * stay unaware of both.
 *
 * Only what will be answered is counted: an event with an acknowledgement
 * callback but no request handler (a notice sent with one, an unknown event)
 * is never answered, and neither is a request that Socket.IO drops because
 * its connection closed before the request reached its handler — so those
 * stop counting when the connection closes. Otherwise each would hold a
 * shutdown for its whole drain time. Requests sent without a callback are not
 * tracked; nothing waits for them.
 */
export function trackRequests(
  socket: ChatSocket,
  inFlight: InFlight,
  metrics: ChatMetrics | undefined,
): void {
  const unanswered = new Set<() => void>();
  socket.once("disconnect", () => {
    for (const end of unanswered) end();
    unanswered.clear();
  });
  socket.use((packet, next) => {
    const last = packet.length - 1;
    const ack = packet[last];
    const event = packet[0];
    if (typeof ack !== "function") {
      next();
      return;
    }
    const answered = socket.listeners(event as never).some(answersEveryRequest);
    const stop = answered ? inFlight.begin() : () => {};
    const end = () => {
      unanswered.delete(end);
      stop();
    };
    if (answered) unanswered.add(end);
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
