import { z } from "zod";
import { type ErrorCode, type Fail, isErrorCode } from "../errors";
import {
  DEFAULT_PAGE_SIZE,
  MAX_CLIENT_ID_LENGTH,
  MAX_MESSAGE_CODE_POINTS,
  MAX_PAGE_SIZE,
  MIN_PAGE_SIZE,
} from "../limits";
import { isRoomName } from "../room-name";
import { codePointLength, hasVisibleText } from "../text";

// Zod compiles object schemas with `new Function` when it may, and probes
// for that the first time one is made; in the browser the probe is refused
// by the Content-Security-Policy (no 'unsafe-eval') and reported as a
// violation. This module is evaluated before any protocol schema is made.
if (typeof window !== "undefined") z.config({ jitless: true });

/*
 * Inbound payloads are validated in one pass; each refinement names the protocol
 * error it stands for, and `toProtocolError` reports the one that comes first in
 * the documented order. Anything without a code (wrong type, missing field,
 * malformed Unicode) is `invalid_payload`. Unknown keys are stripped, so a bot
 * written against a newer server keeps working.
 */

export type Ok<T extends object = object> = { ok: true } & T;
export type Result<T extends object = object> = Ok<T> | Fail;
export type Ack<T extends object = object> = (result: Result<T>) => void;

export const coded = (code: ErrorCode, message: string) => ({ message, params: { code } });

/**
 * A JavaScript string may hold lone surrogates, which are not Unicode text at
 * all; and NUL, which no chat needs and Postgres text cannot store.
 */
export const wellFormedString = z
  .string()
  .refine((s) => s.isWellFormed(), "must be well-formed Unicode")
  .refine((s) => !s.includes("\u0000"), "must not contain NUL characters");

export const roomSchema = z
  .string()
  .refine(
    isRoomName,
    coded("invalid_room", "room must be 1-64 of a-z 0-9 - _, starting with a letter or digit"),
  );

export const clientIdSchema = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9_-]{1,${MAX_CLIENT_ID_LENGTH}}$`),
    "clientId must be 1-64 of A-Z a-z 0-9 _ -",
  );

/** Message ids are server-made UUIDs; anything longer is not one of ours. */
export const messageIdSchema = z
  .string()
  .regex(/^[0-9a-f-]{1,64}$/, "id must be a message id as the server sent it");

export const messageTextSchema = wellFormedString
  .refine(hasVisibleText, coded("empty_message", "message text is blank"))
  .refine(
    (s) => codePointLength(s) <= MAX_MESSAGE_CODE_POINTS,
    coded("message_too_long", `message text is longer than ${MAX_MESSAGE_CODE_POINTS} characters`),
  );

export const seqCursor = z.int().nonnegative();

/** Page sizes are clamped, not rejected: asking for too many is not an error. */
export const pageSize = z
  .int()
  .optional()
  .transform((n) => Math.min(MAX_PAGE_SIZE, Math.max(MIN_PAGE_SIZE, n ?? DEFAULT_PAGE_SIZE)));

const PRECEDENCE: readonly ErrorCode[] = [
  "invalid_payload",
  "invalid_name",
  "invalid_room",
  "empty_message",
  "message_too_long",
  "invalid_attachment",
];

/**
 * Picks the protocol error for a failed parse: the earliest in the documented
 * order. Our own refinements say in words what they are about ("message text
 * is blank"), so their message goes out as written, without a `field: ` prefix
 * that people would see; zod's built-in messages name no field, so the field
 * follows them in brackets, for bot authors.
 */
export function toProtocolError(error: z.ZodError): { code: ErrorCode; message: string } {
  let best: { code: ErrorCode; message: string } | undefined;
  for (const issue of error.issues) {
    const declared = issue.code === "custom" ? issue.params?.code : undefined;
    const code: ErrorCode = isErrorCode(declared) ? declared : "invalid_payload";
    const field = issue.code !== "custom" && issue.path.length > 0 ? issue.path.join(".") : "";
    const candidate = { code, message: field ? `${issue.message} (${field})` : issue.message };
    if (!best || PRECEDENCE.indexOf(code) < PRECEDENCE.indexOf(best.code)) best = candidate;
  }
  return best ?? { code: "invalid_payload", message: "invalid payload" };
}
