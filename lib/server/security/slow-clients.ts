import type { Logger } from "../logger";
import { bufferedBytes, cutOff, type EngineSocket } from "./engine-connection";

export type SlowClientSweeper = { stop(): void };

/**
 * A client that stops reading keeps its TCP window shut, and everything
 * broadcast to it waits in the server's memory. A periodic sweep measures
 * each connection's queued output and cuts off one over the limit.
 */
export function sweepSlowClients(
  connections: ReadonlyMap<string, EngineSocket>,
  options: { maxBufferedBytes: number; intervalMs: number },
  logger: Logger,
): SlowClientSweeper {
  const timer = setInterval(() => {
    for (const [sid, connection] of connections) {
      const bytes = bufferedBytes(connection);
      if (bytes <= options.maxBufferedBytes) continue;
      logger.warn({ sid, bytes }, "client is not reading its messages; connection cut off");
      cutOff(connection);
    }
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
