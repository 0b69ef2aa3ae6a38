import type { ProtocolError } from "../shared/errors";
import { MAX_MESSAGE_CODE_POINTS, MAX_ROOM_NAME_LENGTH } from "../shared/limits";

/**
 * What a person reads when something failed: one sentence per error code,
 * written for people. Every component that shows an error takes its words
 * from here, so the same failure reads the same everywhere.
 */

/** The room-naming rule, as the landing page and the "No such room" page state it. */
export const ROOM_NAME_RULE = `Room names are 1–${MAX_ROOM_NAME_LENGTH} lowercase letters, digits, “-” and “_”, starting with a letter or digit.`;

/**
 * Codes whose reason is always the same. The others (`invalid_payload`,
 * `internal`, `invalid_name`, and any code a newer server sends) carry a
 * reason that varies, or a reference for the operator: the server's message
 * is shown for those.
 */
const SENTENCES: { readonly [C in ProtocolError["code"]]?: string } = {
  invalid_room: ROOM_NAME_RULE,
  empty_message: "There is nothing to send: the message is blank.",
  message_too_long: `The message is longer than ${MAX_MESSAGE_CODE_POINTS} characters. Edit it to shorten it.`,
  rate_limited: "You are sending too fast. Wait a moment and try again.",
  not_joined: "Not in the room yet. Try again in a moment.",
  room_exists: "A room with that name already exists.",
  unavailable: "The server is busy or cannot reach its database. Try again shortly.",
};

/** Said when a request could not be made: the page has no connection yet. */
export const NOT_CONNECTED_TEXT = "Not connected to the server yet. Try again in a moment.";
/** Said when a request went unanswered. */
export const NO_ANSWER_TEXT = "The server did not answer. Try again.";
/** Said when a failure came without a reason (an entry stored by an older version, say). */
export const REFUSED_TEXT = "The server refused it.";

/** A message of the server's as a sentence: no `field: ` prefix (older servers added one), a capital, a full stop. */
function asSentence(message: string): string {
  const text = message.trim().replace(/^[\w.]+: /, "");
  if (!text) return REFUSED_TEXT;
  const capitalised = text[0]?.toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/** The sentence a person reads for a failure. */
export function errorText(error: Pick<ProtocolError, "code" | "message"> | undefined): string {
  if (!error) return REFUSED_TEXT;
  return SENTENCES[error.code] ?? asSentence(error.message);
}
