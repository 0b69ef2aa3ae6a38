import type { ReactionUsersResult, User } from "../shared/protocol";
import type { ShownMessage } from "./shown-message";
import type { PendingFile } from "./upload-state";

/**
 * What the timeline lets a person do to messages: the room client's change
 * operations, as the components use them. Each is applied at once to what
 * the person sees (marked pending) and kept in the outbox until the server
 * has it.
 */
export type MessageChanges = {
  say(
    text: string,
    options?: { replyTo?: { id: string; seq: number }; files?: readonly PendingFile[] },
  ): void;
  edit(id: string, text: string): void;
  remove(id: string): void;
  toggleReaction(id: string, emoji: string): void;
  reactionUsers(id: string, emoji: string): Promise<ReactionUsersResult>;
  /** Brings the message with this seq into the timeline (loading around it); false if it cannot. */
  jumpTo(seq: number): Promise<boolean>;
};

/** Only the author may change a message, and a deleted one is gone for good. */
export function canChange(message: ShownMessage, me: string | undefined): boolean {
  return me !== undefined && message.author.id === me && !message.deleted;
}

/** The message Up-arrow in an empty box edits: the person's newest that is not deleted. */
export function lastEditable(
  messages: readonly ShownMessage[],
  me: string | undefined,
): ShownMessage | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as ShownMessage;
    if (canChange(message, me)) return message;
  }
  return null;
}

/** What a reply's quote shows of the message it answers. */
export type QuoteView =
  | { kind: "message"; author: User; text: string }
  | { kind: "deleted" }
  /** Not in the timeline (older than what is loaded): still a way to jump to it. */
  | { kind: "unloaded" };

/** The longest a quote's text gets: one line of context, not the message again. */
export const QUOTE_CHARS = 140;

/** The quote of `replyTo` from the messages held, in their current state: an edit shows, a delete shows as deleted. */
export function quoteOf(
  byId: ReadonlyMap<string, ShownMessage>,
  replyTo: { id: string },
): QuoteView {
  const original = byId.get(replyTo.id);
  if (!original) return { kind: "unloaded" };
  if (original.deleted) return { kind: "deleted" };
  // The quote is plain text: the marks of formatting would only be noise in one line.
  const oneLine = original.text
    .replace(/\*\*|__|~~|`+/g, "")
    .replace(/^\s{0,3}(?:>|[-+*]|#{1,6})\s+/gm, "")
    .replace(/\s+/g, " ")
    .trim();
  const chars = Array.from(oneLine);
  const text = chars.length > QUOTE_CHARS ? `${chars.slice(0, QUOTE_CHARS).join("")}…` : oneLine;
  return { kind: "message", author: original.author, text };
}

/** The names the "who reacted" tooltip lists before saying how many more. */
export const REACTORS_NAMED = 10;

/** "You, Ann and 3 others reacted with 👍": the person first, as they are who they look for. */
export function reactorsText(
  result: ReactionUsersResult,
  emoji: string,
  me: string | undefined,
): string {
  const mine = result.users.some((user) => user.id === me);
  const others = result.users.filter((user) => user.id !== me).map((user) => user.name);
  const names = [...(mine ? ["You"] : []), ...others].slice(0, REACTORS_NAMED);
  const rest = Math.max(0, result.count - names.length);
  if (names.length === 0) return `${result.count} reacted with ${emoji}`;
  const listed =
    rest > 0
      ? `${names.join(", ")} and ${rest} ${rest === 1 ? "other" : "others"}`
      : names.length === 1
        ? (names[0] as string)
        : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  return `${listed} reacted with ${emoji}`;
}

/** Emoji offered at once, before the full picker loads: the ones chats see most. */
export const QUICK_REACTIONS: readonly string[] = ["👍", "❤️", "😂", "🎉", "😮", "😢", "🙏", "👀"];
