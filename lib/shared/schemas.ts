import { z } from "zod";
import { type ErrorCode, isErrorCode } from "./errors";
import {
  DEFAULT_PAGE_SIZE,
  MAX_CLIENT_ID_LENGTH,
  MAX_MESSAGE_CODE_POINTS,
  MAX_PAGE_SIZE,
  MIN_PAGE_SIZE,
} from "./limits";
import { displayNameProblem, normalizeDisplayName } from "./names/name-rules";
import { isRoomName } from "./room-name";
import { codePointLength, hasVisibleText } from "./text";

/*
 * Inbound payloads are validated in one pass; each refinement names the protocol
 * error it stands for, and `toProtocolError` reports the one that comes first in
 * the documented order. Anything without a code (wrong type, missing field,
 * malformed Unicode) is `invalid_payload`. Unknown keys are stripped, so a bot
 * written against a newer server keeps working.
 */

const coded = (code: ErrorCode, message: string) => ({ message, params: { code } });

/**
 * A JavaScript string may hold lone surrogates, which are not Unicode text at
 * all; and NUL, which no chat needs and Postgres text cannot store.
 */
const wellFormedString = z
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

export const messageTextSchema = wellFormedString
  .refine(hasVisibleText, coded("empty_message", "message text is blank"))
  .refine(
    (s) => codePointLength(s) <= MAX_MESSAGE_CODE_POINTS,
    coded("message_too_long", `message text is longer than ${MAX_MESSAGE_CODE_POINTS} characters`),
  );

/** A display name is stored normalized (names/name-rules.ts); one that breaks the rules is `invalid_name`. */
export const displayNameSchema = wellFormedString
  .transform(normalizeDisplayName)
  .superRefine((name, context) => {
    const problem = displayNameProblem(name);
    if (problem) context.addIssue({ code: "custom", ...coded("invalid_name", problem) });
  });

const seqCursor = z.int().nonnegative();

/** Page sizes are clamped, not rejected: asking for too many is not an error. */
const pageSize = z
  .int()
  .optional()
  .transform((n) => Math.min(MAX_PAGE_SIZE, Math.max(MIN_PAGE_SIZE, n ?? DEFAULT_PAGE_SIZE)));

export const roomJoinSchema = z.object({
  room: roomSchema,
  since: seqCursor.optional(),
  limit: pageSize,
});
export const roomLeaveSchema = z.object({ room: roomSchema });
export const messageSendSchema = z.object({
  room: roomSchema,
  text: messageTextSchema,
  clientId: clientIdSchema,
});
export const historyBeforeSchema = z.object({
  room: roomSchema,
  before: seqCursor,
  limit: pageSize,
});
export const historyAfterSchema = z.object({ room: roomSchema, after: seqCursor, limit: pageSize });
export const userRenameSchema = z.object({ name: displayNameSchema });
export const typingSchema = z.object({ room: roomSchema });

/** What a connecting client may put in Socket.IO's `auth`. Invalid fields are ignored, not fatal. */
export const handshakeAuthSchema = z.object({
  token: z.string().max(512).optional().catch(undefined),
  name: displayNameSchema.optional().catch(undefined),
});

export type RoomJoinRequest = z.input<typeof roomJoinSchema>;
export type RoomLeaveRequest = z.input<typeof roomLeaveSchema>;
export type MessageSendRequest = z.input<typeof messageSendSchema>;
export type HistoryBeforeRequest = z.input<typeof historyBeforeSchema>;
export type HistoryAfterRequest = z.input<typeof historyAfterSchema>;
export type UserRenameRequest = z.input<typeof userRenameSchema>;
export type TypingNotice = z.input<typeof typingSchema>;

const PRECEDENCE: readonly ErrorCode[] = [
  "invalid_payload",
  "invalid_name",
  "invalid_room",
  "empty_message",
  "message_too_long",
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
