import type { StoredMessage } from "./db-snapshot";

/*
 * The protocol's rules for stored data, written out again from
 * docs/protocol.md rather than imported from the schemas, so that a test
 * using them would notice if the schemas themselves let something through.
 */

const ROOM = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const codePoints = (text: string) => [...text].length;

/** Why a stored message breaks the protocol's rules, or null when it keeps them. */
export function messageViolation(message: StoredMessage): string | null {
  if (!ROOM.test(message.room)) return `room ${JSON.stringify(message.room)}`;
  if (!CLIENT_ID.test(message.client_id)) return `clientId ${JSON.stringify(message.client_id)}`;
  if (!message.text.isWellFormed()) return "text is not well-formed Unicode";
  if (message.text.trim() === "") return "text is blank";
  if (codePoints(message.text) > 4_000) return "text is over 4000 code points";
  return nameViolation(message.author_name);
}

/** Why a display name breaks the rules, or null when it keeps them. */
export function nameViolation(name: string): string | null {
  if (!name.isWellFormed()) return "name is not well-formed Unicode";
  if (name !== name.trim()) return "name is not trimmed";
  if (codePoints(name) < 1 || codePoints(name) > 32) return "name is not 1-32 characters";
  if (INVISIBLE_OR_CONTROL.test(name)) return "name has control, invisible or bidi characters";
  if (name !== name.normalize("NFC")) return "name is not NFC";
  if (
    !/[\p{L}\p{N}\p{P}\p{S}]/u.test(name.replace(/[\p{Default_Ignorable_Code_Point}\u2800]/gu, ""))
  )
    return "name has nothing visible";
  return null;
}
