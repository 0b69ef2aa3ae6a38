import { MAX_PAGE_BYTES, MESSAGE_OVERHEAD_BYTES } from "../../../shared/limits";
import type { ChatMessage, Page } from "../../../shared/protocol";
import { attachmentFields } from "../attachment-rows";
import { mentionFields } from "../mention-rows";
import { decodeReactions } from "../message-changes";
import { takePage } from "../page-bytes";

/** A message as Postgres's messages table returns it (bigints as strings). */
export type MessageRow = {
  room: string;
  seq: string;
  id: string;
  client_id: string;
  author_id: string;
  author_name: string;
  text: string;
  created_at: Date;
  rev: string;
  edited_at: Date | null;
  deleted: boolean;
  reply_to_id: string | null;
  reply_to_seq: string | null;
  reactions: string | null;
  /** When a moderator (not the author) deleted it. */
  removed_by_moderator: boolean;
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
    seq: Number(row.seq),
    rev: Number(row.rev),
    clientId: row.client_id,
    author: { id: row.author_id, name: row.author_name },
    text: row.text,
    createdAt: row.created_at.toISOString(),
    editedAt: row.edited_at?.toISOString() ?? null,
    deleted: row.deleted,
    // Only when set: a message no moderator removed has no such key at all.
    ...(row.removed_by_moderator ? { removedByModerator: true as const } : {}),
    replyTo:
      row.reply_to_id === null || row.reply_to_seq === null
        ? null
        : { id: row.reply_to_id, seq: Number(row.reply_to_seq) },
    reactions: decodeReactions(row.reactions),
    ...mentionFields(row.mentions, row.mentions_all),
    ...attachmentFields(row.attachments),
  };
}

export function toPage(rows: MessageRow[], limit: number, newestFirst: boolean): Page {
  // The stored JSON is what weighedText makes of the message's attachments.
  const page = takePage(rows, limit, (row) => row.text + (row.attachments ?? ""));
  if (newestFirst) page.rows.reverse();
  return { messages: page.rows.map(toMessage), hasMore: page.hasMore };
}

/**
 * A page query that sends no more than the page's byte bound: rows in scan
 * order with a running total of their weight, cut by the database after the
 * first row that no longer fits (kept, like the row beyond the limit, only
 * to tell that more exist — the second row always is, since the first is
 * taken however long), so that a page of the longest messages is not
 * shipped whole to be trimmed here. `takePage` then applies the same rule.
 */
export function pageQuery(where: string, order: "ASC" | "DESC", by: "seq" | "rev" = "seq"): string {
  const weight = `(octet_length(text) + coalesce(octet_length(attachments), 0) + ${MESSAGE_OVERHEAD_BYTES})`;
  return `SELECT ${MESSAGE_COLUMNS} FROM (
      SELECT ${MESSAGE_COLUMNS},
        sum(${weight}) OVER (ORDER BY ${by} ${order}) - ${weight} AS before_row,
        row_number() OVER (ORDER BY ${by} ${order}) AS position
      FROM messages WHERE ${where} ORDER BY ${by} ${order} LIMIT $LIMIT
    ) page
    WHERE before_row <= ${MAX_PAGE_BYTES} OR position <= 2
    ORDER BY ${by} ${order}`;
}

export const NEWEST_PAGE = pageQuery("room = $1", "DESC").replace("$LIMIT", "$2");
export const PAGE_BEFORE = pageQuery("room = $1 AND seq < $2", "DESC").replace("$LIMIT", "$3");
export const PAGE_AFTER = pageQuery("room = $1 AND seq > $2", "ASC").replace("$LIMIT", "$3");
export const CHANGES_AFTER = pageQuery("room = $1 AND rev > $2", "ASC", "rev").replace(
  "$LIMIT",
  "$3",
);
