import { z } from "zod";
import { messageIdSchema, roomSchema, wellFormedString } from "./common";
import type { ChatMessage } from "./messages";

/**
 * Full-text search and the Mentions view (docs/protocol.md, "Search").
 * The query is the language people know from Slack and Mattermost, parsed by
 * `parseSearchQuery` (lib/shared/search-query.ts); anything it cannot parse
 * is searched as text, never refused.
 */

/** Longest search query, in code points: longer ones are refused as `invalid_payload`. */
export const MAX_SEARCH_QUERY_CODE_POINTS = 500;
/** Search and mention pages hold at most this many results (and 20 when none is asked). */
export const MAX_SEARCH_PAGE = 50;
export const DEFAULT_SEARCH_PAGE = 20;

/** A span of `message.text` to highlight: UTF-16 offsets, `start` inclusive, `end` exclusive. */
export type TextRange = { start: number; end: number };

/** One match: the message in its current state, and where the query matched its text. */
export type SearchHit = { message: ChatMessage; highlights: TextRange[] };

/** `newest` (the default): newest first, paged with `before`. `best`: best match (bm25 / ts_rank) first. */
export const SEARCH_ORDERS = ["newest", "best"] as const;
export type SearchOrder = (typeof SEARCH_ORDERS)[number];

const searchPageSize = z
  .int()
  .optional()
  .transform((n) => Math.min(MAX_SEARCH_PAGE, Math.max(1, n ?? DEFAULT_SEARCH_PAGE)));

export const searchSchema = z.object({
  query: wellFormedString.refine(
    (s) => [...s].length <= MAX_SEARCH_QUERY_CODE_POINTS,
    `query is longer than ${MAX_SEARCH_QUERY_CODE_POINTS} characters`,
  ),
  /** Only this room (as `in:room` does). */
  room: roomSchema.optional(),
  /**
   * The id of the last result already shown: the next page. With order
   * `newest`, results older than it; with `best`, the results after it in rank.
   */
  before: messageIdSchema.optional(),
  limit: searchPageSize,
  order: z.enum(SEARCH_ORDERS).optional(),
});
export type SearchRequest = z.input<typeof searchSchema>;
export type SearchResult = { results: SearchHit[]; hasMore: boolean };

/** `mentions:list`: messages that mention the asker by name, newest first, in rooms they may read now. */
export const mentionsListSchema = z.object({
  before: messageIdSchema.optional(),
  limit: searchPageSize,
});
export type MentionsListRequest = z.input<typeof mentionsListSchema>;
export type MentionsListResult = { messages: ChatMessage[]; hasMore: boolean };
