import type { ChatMessage, Page } from "../../../shared/protocol";
import { attachmentFields, encodeAttachments } from "../attachment-rows";
import { encodeMentions, mentionFields, mentionsOfMessage } from "../mention-rows";
import { decodeReactions, encodeReactions } from "../message-changes";
import { takePage } from "../page-bytes";

/** A message as SQLite's messages table holds it. */
export type MessageRow = {
  room: string;
  seq: number;
  id: string;
  client_id: string;
  author_id: string;
  author_name: string;
  text: string;
  created_at: number;
  rev: number;
  edited_at: number | null;
  deleted: number;
  reply_to_id: string | null;
  reply_to_seq: number | null;
  reactions: string | null;
  /** 1 when a moderator (not the author) deleted it. */
  removed_by_moderator: number;
  /** A JSON array of the user ids it names; null for none. */
  mentions: string | null;
  /** "room" or "here" when its `@room`/`@here` took effect. */
  mentions_all: string | null;
  /** JSON of the Attachment[] it shows; null for none (and once deleted). */
  attachments: string | null;
};

export const MESSAGE_COLUMNS =
  "room, seq, id, client_id, author_id, author_name, text, created_at, rev, edited_at, deleted, reply_to_id, reply_to_seq, reactions, removed_by_moderator, mentions, mentions_all, attachments";

export function toMessage(row: MessageRow): ChatMessage {
  return {
    id: row.id,
    room: row.room,
    seq: row.seq,
    rev: row.rev,
    clientId: row.client_id,
    author: { id: row.author_id, name: row.author_name },
    text: row.text,
    createdAt: new Date(row.created_at).toISOString(),
    editedAt: row.edited_at === null ? null : new Date(row.edited_at).toISOString(),
    deleted: row.deleted !== 0,
    // Only when set: a message no moderator removed has no such key at all.
    ...(row.removed_by_moderator ? { removedByModerator: true as const } : {}),
    replyTo:
      row.reply_to_id === null || row.reply_to_seq === null
        ? null
        : { id: row.reply_to_id, seq: row.reply_to_seq },
    reactions: decodeReactions(row.reactions),
    ...mentionFields(row.mentions, row.mentions_all),
    ...attachmentFields(row.attachments),
  };
}

/**
 * Rows streamed with LIMIT n+1 (the extra row only tells whether more exist),
 * read no further than the page's byte bound.
 */
export function toPage(rows: Iterable<MessageRow>, limit: number, newestFirst: boolean): Page {
  // The stored JSON is what weighedText makes of the message's attachments.
  const page = takePage(rows, limit, (row) => row.text + (row.attachments ?? ""));
  if (newestFirst) page.rows.reverse();
  return { messages: page.rows.map(toMessage), hasMore: page.hasMore };
}

/** A message as its row holds it. */
export function toRow(message: ChatMessage): MessageRow {
  return {
    room: message.room,
    seq: message.seq,
    id: message.id,
    client_id: message.clientId,
    author_id: message.author.id,
    author_name: message.author.name,
    text: message.text,
    created_at: Date.parse(message.createdAt),
    rev: message.rev,
    edited_at: message.editedAt === null ? null : Date.parse(message.editedAt),
    deleted: message.deleted ? 1 : 0,
    reply_to_id: message.replyTo?.id ?? null,
    reply_to_seq: message.replyTo?.seq ?? null,
    reactions: encodeReactions(message.reactions),
    removed_by_moderator: message.removedByModerator ? 1 : 0,
    mentions: encodeMentions(mentionsOfMessage(message)),
    mentions_all: message.deleted ? null : (message.mentionsAll ?? null),
    attachments: message.deleted ? null : encodeAttachments(message.attachments),
  };
}
