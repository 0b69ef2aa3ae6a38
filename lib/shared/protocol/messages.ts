import { z } from "zod";
import { toEmoji } from "../emoji";
import { MAX_ATTACHMENTS_PER_MESSAGE, MAX_MESSAGE_CODE_POINTS } from "../limits";
import { codePointLength, hasVisibleText } from "../text";
import { type Attachment, attachmentIdSchema } from "./attachments";
import {
  clientIdSchema,
  coded,
  messageIdSchema,
  messageTextSchema,
  pageSize,
  roomSchema,
  seqCursor,
  wellFormedString,
} from "./common";
import type { MemberChange } from "./membership";
import type { User } from "./users";

/** The message a reply answers: enough to find it (`history:around { seq }`). */
export type ReplyRef = { id: string; seq: number };

/**
 * One emoji's reactions on a message. `me` is only in answers to the
 * person's own requests — broadcasts are one frame for the whole room.
 */
export type ReactionCount = { emoji: string; count: number; me?: boolean };

export type ChatMessage = {
  /** Server-assigned, unique. */
  id: string;
  room: string;
  /** Per room: 1, 2, 3, … exactly +1 per stored message; a deleted message keeps its seq. */
  seq: number;
  /** Per room: the rev of this message's latest change (created, edited, deleted, reacted to). */
  rev: number;
  /** Idempotency key chosen by the sender. */
  clientId: string;
  author: User;
  /** Stored verbatim; "" once deleted. */
  text: string;
  /** ISO-8601, server clock. */
  createdAt: string;
  /** ISO-8601 time of the latest edit, null if never edited. */
  editedAt: string | null;
  /** A deleted message is a tombstone: no text, no reactions, same seq. */
  deleted: boolean;
  /** Present (true) on a message deleted by a moderator, owner or admin rather than its author. */
  removedByModerator?: true;
  replyTo: ReplyRef | null;
  /**
   * The user ids its text mentions by `@name`, computed by the server from
   * the text and the room's members (never taken from a payload). Absent
   * when it mentions no one.
   */
  mentions?: string[];
  /** `@room` (every member) or `@here` (members online now), when a moderator or owner wrote one. */
  mentionsAll?: "room" | "here";
  /** In first-reacted order. */
  reactions: ReactionCount[];
  /**
   * The files it carries, in the order the sender named them; absent when
   * none (and on a deleted message: its files are removed with it).
   */
  attachments?: Attachment[];
};

/** What a reaction change did, so that clients keep their own `me` right. */
export type ReactionChange = { emoji: string; userId: string; added: boolean };

/** The payload of `message:updated`: the message's new state, and for reactions what changed. */
export type MessageUpdate = ChatMessage & { reaction?: ReactionChange };

export type Page = { messages: ChatMessage[]; hasMore: boolean };
/**
 * `changes:after`: messages whose rev > after, ascending by rev, each once in
 * its current state; and the memberships whose latest change has a rev in the
 * same span (`members`, also ascending by rev). Together they account for
 * every rev up to the page's last.
 */
export type ChangesPage = Page & { latestRev: number; members: MemberChange[] };
/** `history:around`: the message with that seq (or the nearest) in the middle of its neighbours. */
export type AroundPage = { messages: ChatMessage[]; hasMoreBefore: boolean; hasMoreAfter: boolean };

export type MessageSendResult = { message: ChatMessage; duplicate: boolean };
export type MessageChangeResult = { message: ChatMessage };
/** Who reacted with an emoji: at most MAX_REACTION_USERS_LISTED people, in reaction order, and how many in all. */
export type ReactionUsersResult = { users: User[]; count: number };

export const emojiSchema = z.string().transform((text, context) => {
  const emoji = toEmoji(text);
  if (emoji === null) {
    context.addIssue({ code: "custom", message: "emoji must be exactly one emoji" });
    return z.NEVER;
  }
  return emoji;
});

/** A message's text before the blank check: a message of files alone may have none. */
const sentTextSchema = wellFormedString.refine(
  (s) => codePointLength(s) <= MAX_MESSAGE_CODE_POINTS,
  coded("message_too_long", `message text is longer than ${MAX_MESSAGE_CODE_POINTS} characters`),
);

/**
 * `text` may be blank (or absent) when the message carries files; a message
 * with neither is `empty_message`. Parsed, `text` is a string ("" for files
 * alone) and `attachments` a list (empty for none).
 */
export const messageSendSchema = z
  .object({
    room: roomSchema,
    text: sentTextSchema.optional(),
    clientId: clientIdSchema,
    replyTo: messageIdSchema.optional(),
    attachments: z
      .array(attachmentIdSchema)
      // A refinement, not .max(): only a custom issue carries its code to the answer.
      .refine(
        (ids) => ids.length <= MAX_ATTACHMENTS_PER_MESSAGE,
        coded("invalid_attachment", `at most ${MAX_ATTACHMENTS_PER_MESSAGE} files per message`),
      )
      .refine(
        (ids) => new Set(ids).size === ids.length,
        coded("invalid_attachment", "the same file is named twice"),
      )
      .optional(),
  })
  .superRefine((payload, context) => {
    if ((payload.attachments?.length ?? 0) === 0 && !hasVisibleText(payload.text ?? ""))
      context.addIssue({
        code: "custom",
        path: ["text"],
        ...coded("empty_message", "message text is blank"),
      });
  })
  .transform(({ text = "", attachments = [], ...rest }) => ({
    ...rest,
    text: hasVisibleText(text) ? text : "",
    attachments,
  }));
export const messageEditSchema = z.object({
  room: roomSchema,
  id: messageIdSchema,
  text: messageTextSchema,
});
export const messageDeleteSchema = z.object({ room: roomSchema, id: messageIdSchema });
export const reactionSchema = z.object({
  room: roomSchema,
  id: messageIdSchema,
  emoji: emojiSchema,
});
export const historyBeforeSchema = z.object({
  room: roomSchema,
  before: seqCursor,
  limit: pageSize,
});
export const historyAfterSchema = z.object({ room: roomSchema, after: seqCursor, limit: pageSize });
export const historyAroundSchema = z.object({ room: roomSchema, seq: seqCursor, limit: pageSize });
export const changesAfterSchema = z.object({ room: roomSchema, after: seqCursor, limit: pageSize });

export type MessageSendRequest = z.input<typeof messageSendSchema>;
export type MessageEditRequest = z.input<typeof messageEditSchema>;
export type MessageDeleteRequest = z.input<typeof messageDeleteSchema>;
export type ReactionRequest = z.input<typeof reactionSchema>;
export type HistoryBeforeRequest = z.input<typeof historyBeforeSchema>;
export type HistoryAfterRequest = z.input<typeof historyAfterSchema>;
export type HistoryAroundRequest = z.input<typeof historyAroundSchema>;
export type ChangesAfterRequest = z.input<typeof changesAfterSchema>;
