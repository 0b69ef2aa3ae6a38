import { findMentions, mentionAllOf, mentionedIds, mentionPrefixes } from "../../shared/mentions";
import type { User } from "../../shared/protocol";
import type { MessageMentions } from "../store/mention-rows";
import type { MemberStore } from "../store/types";

/** Distinct `@words` looked up per message: a text of a thousand `@`s costs no more than this. */
export const MAX_MENTION_LOOKUPS = 10;
/** Members fetched per looked-up word: enough for the names a word starts, bounded for a crowd. */
export const MEMBERS_PER_LOOKUP = 25;

/**
 * What to ask the store for one `@word`: the longest start of it that every
 * engine's lower() folds alike — up to its first non-ASCII letter, since
 * SQLite folds ASCII only — or, for a word that starts with one, both its
 * cases. The exact comparison is then the shared rule's (findMentions).
 */
export function lookupPrefixes(word: string): string[] {
  const chars = [...word.normalize("NFC")];
  const first = chars.findIndex(
    (c) => (c.codePointAt(0) ?? 0) > 0x7f && c.toLowerCase() !== c.toUpperCase(),
  );
  if (first === -1) return [chars.join("")];
  if (first > 0) return [chars.slice(0, first).join("")];
  const letter = chars[0] ?? "";
  return [...new Set([letter.toLowerCase(), letter.toUpperCase()])];
}

/**
 * Whom a message's text names, from the room's current members only (in a
 * public room too: a reader who never joined is not someone the room can
 * call), never the author; `@room`/`@here` only when `mayMentionAll` (the
 * author's `can("mention-all")`), otherwise they are text. Only a text with
 * an `@` costs anything, and then a few name lookups — never the member list.
 */
export async function resolveMentions(
  members: Pick<MemberStore, "findByName">,
  input: { room: string; text: string; authorId: string },
  mayMentionAll: () => Promise<boolean>,
): Promise<MessageMentions | undefined> {
  if (!input.text.includes("@")) return undefined;
  const words = mentionPrefixes(input.text, MAX_MENTION_LOOKUPS);
  const prefixes = [...new Set(words.flatMap(lookupPrefixes))].slice(0, MAX_MENTION_LOOKUPS * 2);
  const candidates = new Map<string, User>();
  for (const prefix of prefixes)
    for (const user of await members.findByName(input.room, prefix, MEMBERS_PER_LOOKUP))
      if (user.id !== input.authorId) candidates.set(user.id, user);
  const scan = findMentions(input.text, [...candidates.values()]);
  const userIds = mentionedIds(scan);
  const everyone = mentionAllOf(scan);
  const all = everyone !== null && (await mayMentionAll()) ? everyone : null;
  if (userIds.length === 0 && all === null) return undefined;
  return { userIds, all };
}
