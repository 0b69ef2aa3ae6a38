/** Every failure the protocol can report (docs/protocol.md says when each is used). */
export const ERROR_CODES = [
  "invalid_payload",
  "invalid_name",
  "invalid_room",
  "empty_message",
  "message_too_long",
  "rate_limited",
  "not_joined",
  "not_found",
  "forbidden",
  "room_exists",
  "reaction_limit",
  "invalid_attachment",
  "unavailable",
  "internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ProtocolError = { code: ErrorCode; message: string; retryAfterMs?: number };

export type Fail = { ok: false; error: ProtocolError };

export function fail(code: ErrorCode, message: string, retryAfterMs?: number): Fail {
  return retryAfterMs === undefined
    ? { ok: false, error: { code, message } }
    : { ok: false, error: { code, message, retryAfterMs } };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}
