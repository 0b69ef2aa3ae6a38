import type { SearchHit } from "../../../shared/protocol";
import { isEmptyQuery, utcDay } from "../../../shared/search-query";
import { highlightsOf, MATCH_END, MATCH_START } from "../search-highlights";
import {
  BEST_WINDOW,
  containsPattern,
  type SearchTerms,
  SUBSTRING_SCRIPTS_REGEX,
  searchTerms,
} from "../search-terms";
import type { SearchInput } from "../types";
import type { PostgresDatabase } from "./database";
import { type MessageRow, toMessage } from "./message-rows";

type HitRow = MessageRow & { marked: string | null };

/** A term as websearch_to_tsquery reads a quoted run: its words, in order, nothing else. */
function quoted(term: string): string {
  return `"${term.replaceAll('"', " ")}"`;
}

/**
 * The websearch_to_tsquery text of the query's words: every word and phrase
 * quoted (so `or`, `-` and the like are words, not syntax), each exclusion
 * as `-"…"`. websearch_to_tsquery never raises on its input.
 */
export function websearchText(terms: SearchTerms): string | null {
  const wanted = [...terms.words, ...terms.phrases].map(quoted);
  if (wanted.length === 0) return null;
  return [...wanted, ...terms.excludedWords.map((term) => `-${quoted(term)}`)].join(" ");
}

/** ts_headline's options: the whole text back, every match between the two marks. */
const HEADLINE_OPTIONS = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, HighlightAll=true`;

const COLUMNS =
  "m.room, m.seq, m.id, m.client_id, m.author_id, m.author_name, m.text, m.created_at, m.rev, m.edited_at, m.deleted, m.reply_to_id, m.reply_to_seq, m.reactions, m.removed_by_moderator, m.mentions, m.mentions_all, m.attachments";

/**
 * One search, as one statement: the GIN index of search_vector finds the
 * words, the partial trigram index the substrings; rooms are scoped as
 * rooms.recent scopes them. Newest first by message id (time-ordered), or
 * best first by ts_rank then newest; `before` is the previous page's last
 * hit, whose rank for this query is computed again to go on after it.
 * ts_headline runs only on the page's rows.
 */
export async function searchPostgres(
  database: PostgresDatabase,
  input: SearchInput,
): Promise<{ hits: SearchHit[]; hasMore: boolean }> {
  const terms = searchTerms(input.query);
  if (
    isEmptyQuery(input.query) ||
    terms.unmatchable ||
    input.authorIds?.length === 0 ||
    input.rooms?.length === 0
  )
    return { hits: [], hasMore: false };
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const words = websearchText(terms);
  const query = words === null ? null : param(words);
  const tsquery = query === null ? null : `websearch_to_tsquery('scrollback', ${query})`;
  const viewer = param(input.viewer.userId);
  const where = [
    "m.deleted = false",
    `m.room IN (SELECT name FROM rooms
       WHERE visibility = 'public'
          OR (${param(input.viewer.admin)} AND visibility = 'private')
          OR (${viewer}::text IS NOT NULL AND name IN (
                SELECT room FROM room_members WHERE user_id = ${viewer} AND role IS NOT NULL)))`,
  ];
  if (tsquery !== null) where.push(`m.search_vector @@ ${tsquery}`);
  if (input.rooms) where.push(`m.room = ANY(${param(input.rooms)}::text[])`);
  if (input.authorIds) where.push(`m.author_id = ANY(${param(input.authorIds)}::text[])`);
  const { before, after, on } = input.query;
  const beforeDay = before === null ? null : utcDay(before);
  const afterDay = after === null ? null : utcDay(after);
  const onDay = on === null ? null : utcDay(on);
  if (beforeDay) where.push(`m.created_at < ${param(new Date(beforeDay.start))}`);
  if (afterDay) where.push(`m.created_at >= ${param(new Date(afterDay.end))}`);
  if (onDay)
    where.push(
      `m.created_at >= ${param(new Date(onDay.start))} AND m.created_at < ${param(new Date(onDay.end))}`,
    );
  if (input.query.hasLink) where.push("m.text ~* 'https?://'");
  if (input.query.isReply) where.push("m.reply_to_id IS NOT NULL");
  if (terms.substrings.length > 0) {
    // The partial index's own predicate, as a literal: the planner may then use it.
    where.push(`m.text ~ '${SUBSTRING_SCRIPTS_REGEX}'`);
    for (const term of terms.substrings) where.push(`m.text ILIKE ${param(containsPattern(term))}`);
  }
  for (const term of terms.excludedSubstrings)
    where.push(`m.text NOT ILIKE ${param(containsPattern(term))}`);
  if (tsquery === null)
    for (const term of terms.excludedWords)
      where.push(
        `NOT (m.search_vector @@ websearch_to_tsquery('scrollback', ${param(quoted(term))}))`,
      );

  // Normalization 1 divides by the log of the length: among messages that
  // mention a word as often, the shorter one is the better match (as bm25 has it).
  const score = tsquery === null ? "0::real" : `ts_rank(m.search_vector, ${tsquery}, 1)`;
  const best = input.order === "best" && tsquery !== null;
  // As on SQLite, best first ranks the newest BEST_WINDOW matches: ts_rank
  // reads every match it ranks. The cursor applies within that window.
  const from = best
    ? `(SELECT * FROM messages m WHERE ${where.join(" AND ")} ORDER BY m.id DESC LIMIT ${param(BEST_WINDOW)}) m`
    : "messages m";
  const filters = best ? [] : [...where];
  if (input.before !== undefined) {
    const cursor = param(input.before);
    filters.push(
      best
        ? `(${score}, m.id) < ((SELECT ts_rank(c.search_vector, ${tsquery}, 1) FROM messages c WHERE c.id = ${cursor}), ${cursor})`
        : `m.id < ${cursor}`,
    );
  }
  const order = best ? "score DESC, id DESC" : "id DESC";
  const marked =
    query === null
      ? "NULL"
      : `ts_headline('scrollback', page.text, websearch_to_tsquery('scrollback', ${query}), ${param(HEADLINE_OPTIONS)})`;
  const sql = `SELECT page.*, ${marked} AS marked FROM (
      SELECT ${COLUMNS}, ${score} AS score FROM ${from}
      ${filters.length > 0 ? `WHERE ${filters.join(" AND ")}` : ""}
      ORDER BY ${order} LIMIT ${param(input.limit + 1)}
    ) page ORDER BY ${order}`;
  const rows = await database.query<HitRow>(sql, values);
  const hasMore = rows.length > input.limit;
  const hits = rows.slice(0, input.limit).map((row) => ({
    message: toMessage(row),
    highlights: highlightsOf(row.text, row.marked, terms.substrings),
  }));
  return { hits, hasMore };
}
