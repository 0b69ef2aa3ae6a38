import type { MentionAllKind } from "../../shared/mentions";
import type { ChatMessage } from "../../shared/protocol";

/**
 * Whom a message names, as the server resolved it from its text and the
 * room's members (lib/server/mentions/): the store keeps it beside the text,
 * in the messages row and in message_mentions, in the write's transaction.
 */
export type MessageMentions = { userIds: readonly string[]; all: MentionAllKind | null };

export const NO_MENTIONS: MessageMentions = { userIds: [], all: null };

/** The messages row's `mentions` column: a JSON array of ids, NULL for none. */
export function encodeMentions(mentions: MessageMentions | undefined): string | null {
  return mentions && mentions.userIds.length > 0 ? JSON.stringify(mentions.userIds) : null;
}

/** The row's columns as the message carries them: absent keys when it names no one. */
export function mentionFields(
  mentions: string | null | undefined,
  all: string | null | undefined,
): Pick<ChatMessage, "mentions" | "mentionsAll"> {
  const ids = mentions ? (JSON.parse(mentions) as string[]) : [];
  return {
    ...(ids.length > 0 ? { mentions: ids } : {}),
    ...(all === "room" || all === "here" ? { mentionsAll: all } : {}),
  };
}

/** What a message (from another store, for the copy tool) says it mentions. */
export function mentionsOfMessage(message: ChatMessage): MessageMentions {
  if (message.deleted) return NO_MENTIONS;
  return { userIds: message.mentions ?? [], all: message.mentionsAll ?? null };
}
