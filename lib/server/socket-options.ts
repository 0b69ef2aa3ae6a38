import type { ServerOptions } from "socket.io";
import {
  MAX_CLIENT_ID_LENGTH,
  MAX_MESSAGE_CODE_POINTS,
  MAX_ROOM_NAME_LENGTH,
} from "../shared/limits";

/**
 * The largest legal `message:send` frame: JSON escapes a control character as
 * six bytes (\u0000), the worst case per code point, plus room, clientId, event
 * name, ack id and framing.
 */
export const MAX_LEGAL_FRAME_BYTES =
  MAX_MESSAGE_CODE_POINTS * 6 + MAX_ROOM_NAME_LENGTH + MAX_CLIENT_ID_LENGTH + 512;

/**
 * Frames well beyond the legal maximum are still read, so that a text that is
 * merely too long (a long paste, or emoji at four bytes each only a little over
 * the limit) gets the `message_too_long` answer the protocol promises. Only a
 * frame far larger than any chat message closes the connection, which keeps
 * what one frame can cost the server bounded.
 */
export const MAX_FRAME_BYTES = 16 * MAX_LEGAL_FRAME_BYTES;

export function socketServerOptions(): Partial<ServerOptions> {
  return {
    serveClient: false,
    maxHttpBufferSize: MAX_FRAME_BYTES,
    // A client that has not finished connecting to the namespace is dropped.
    connectTimeout: 10_000,
    // Half-open connections are found by heartbeats within pingInterval + pingTimeout.
    pingInterval: 25_000,
    pingTimeout: 20_000,
  };
}
