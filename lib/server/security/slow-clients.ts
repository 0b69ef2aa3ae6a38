import type { Logger } from "../logger";
import { bufferedBytes, cutOff, type EngineSocket } from "./engine-connection";
import { connectionsToCutOff } from "./output-budget";

export type SlowClientSweeper = { stop(): void };

/**
 * A client that stops reading keeps its TCP window shut, and everything
 * broadcast to it waits in the server's memory. A periodic sweep measures
 * each connection's queued output and cuts off those over the limit; and
 * because a thousand clients each just under it would still exhaust the
 * server, it also holds all of them together to a server-wide budget,
 * cutting off the slowest readers first (an overload makes every reader
 * slow: shedding some keeps the server up for the rest).
 */
export function sweepSlowClients(
  connections: ReadonlyMap<string, EngineSocket>,
  options: { maxBufferedBytes: number; maxBufferedBytesTotal: number; intervalMs: number },
  logger: Logger,
): SlowClientSweeper {
  const timer = setInterval(() => {
    const queued = [...connections.values()].map((connection) => ({
      key: connection,
      bytes: bufferedBytes(connection),
    }));
    const cut = connectionsToCutOff(queued, {
      perConnection: options.maxBufferedBytes,
      total: options.maxBufferedBytesTotal,
    });
    if (cut.length === 0) return;
    for (const connection of cut) cutOff(connection);
    logger.warn(
      { connections: cut.length, queuedBytes: queued.reduce((sum, q) => sum + q.bytes, 0) },
      "clients not reading their messages fast enough; connections cut off",
    );
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
