import type { ChatSocket } from "../transport/socket-types";

/** The Engine.IO connection under a Socket.IO socket. */
export type EngineSocket = ChatSocket["conn"];

/** The session id (`sid`); engine.io documents it as public but its typings mark it private. */
export const sessionId = (connection: EngineSocket): string =>
  (connection as unknown as { id: string }).id;

/*
 * What the server needs from an Engine.IO connection beyond its public API:
 * how much output waits for the client, and a way to drop it at once.
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

/**
 * About how many bytes wait to be written to this client: packets in
 * engine.io's write buffer, not yet handed to the transport, plus, over
 * WebSocket, what ws holds because the socket would not take it
 * (`bufferedAmount`). Neither is bounded by engine.io itself.
 */
export function bufferedBytes(connection: EngineSocket): number {
  const { writeBuffer = [], transport } = internals(connection);
  let bytes = 0;
  for (const packet of writeBuffer) bytes += packetBytes(packet);
  if (transport?.name === "websocket") bytes += transport.socket?.bufferedAmount ?? 0;
  return bytes;
}

/**
 * Drops the connection at once, buffers and all, and stops reading from it.
 * A polite close would queue a close frame behind data the client is not
 * reading, and keep parsing whatever the client still sends until it answers.
 */
export function cutOff(connection: EngineSocket): void {
  const { transport } = internals(connection);
  if (transport?.name === "websocket" && typeof transport.socket?.terminate === "function") {
    transport.socket.terminate();
    return;
  }
  connection.close(true);
}
