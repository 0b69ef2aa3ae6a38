import type { EngineSocket } from "./handshake-guard";
import type { Logger } from "./logger";

/*
 * A client that stops reading keeps its TCP window shut; everything broadcast
 * to it then waits in the server's memory: in engine.io's per-connection
 * write buffer (packets not yet handed to the transport) and, over WebSocket,
 * in ws's socket buffer (`bufferedAmount`). Neither is bounded by engine.io,
 * so a periodic sweep measures both and cuts off a connection over the limit.
 * engine.io keeps these fields out of its typings; they are read defensively.
 */

type PacketInternals = { data?: unknown };
type ConnectionInternals = {
  writeBuffer?: PacketInternals[];
  transport?: { name?: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
};

const internals = (connection: EngineSocket) => connection as unknown as ConnectionInternals;

function packetBytes(packet: PacketInternals): number {
  const { data } = packet;
  // String length (UTF-16 units) rather than UTF-8 bytes: O(1), and the same order of size.
  if (typeof data === "string") return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/** About how many bytes wait to be written to this client. */
export function bufferedBytes(connection: EngineSocket): number {
  const { writeBuffer = [], transport } = internals(connection);
  let bytes = 0;
  for (const packet of writeBuffer) bytes += packetBytes(packet);
  if (transport?.name === "websocket") bytes += transport.socket?.bufferedAmount ?? 0;
  return bytes;
}

/**
 * Drops the connection at once, buffers and all. A polite close would queue a
 * close frame behind the data the client is not reading and wait for it.
 */
export function cutOff(connection: EngineSocket): void {
  const { transport } = internals(connection);
  if (transport?.name === "websocket" && typeof transport.socket?.terminate === "function") {
    transport.socket.terminate();
    return;
  }
  connection.close(true);
}

export type SlowClientSweeper = { stop(): void };

export function sweepSlowClients(
  connections: ReadonlyMap<string, EngineSocket>,
  options: { maxBufferedBytes: number; intervalMs: number },
  logger: Logger,
): SlowClientSweeper {
  const timer = setInterval(() => {
    for (const connection of connections.values()) {
      const bytes = bufferedBytes(connection);
      if (bytes <= options.maxBufferedBytes) continue;
      logger.warn({ bytes }, "client is not reading its messages; connection cut off");
      cutOff(connection);
    }
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
