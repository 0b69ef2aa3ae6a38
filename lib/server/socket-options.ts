import type { ServerOptions } from "socket.io";
import {
  MAX_CLIENT_ID_LENGTH,
  MAX_MESSAGE_CODE_POINTS,
  MAX_ROOM_NAME_LENGTH,
} from "../shared/limits";

/**
 * The largest legal `message:send` frame. The worst case per code point is an
 * encoder that writes ASCII only (Python's json.dumps by default): a code
 * point outside the Basic Multilingual Plane becomes a surrogate pair of two
 * `\uXXXX` escapes, twelve bytes. Add room, clientId, event name, ack id and
 * framing. A frame bigger than that cannot be a valid request, and closes its
 * connection; clients learn the limit from the handshake (`maxPayload`).
 */
export const MAX_FRAME_BYTES =
  MAX_MESSAGE_CODE_POINTS * 12 + MAX_ROOM_NAME_LENGTH + MAX_CLIENT_ID_LENGTH + 512;

export function socketServerOptions(
  overrides: Partial<ServerOptions> = {},
): Partial<ServerOptions> {
  return {
    serveClient: false,
    maxHttpBufferSize: MAX_FRAME_BYTES,
    // A client that has not finished connecting to the namespace is dropped.
    connectTimeout: 10_000,
    // Half-open connections are found by heartbeats within pingInterval + pingTimeout.
    pingInterval: 25_000,
    pingTimeout: 20_000,
    // Compression would put attacker-chosen text beside the identity token in
    // one compressed stream (CRIME/BREACH), and costs CPU per frame.
    perMessageDeflate: false,
    httpCompression: false,
    ...overrides,
  };
}
