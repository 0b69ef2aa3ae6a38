import type Database from "better-sqlite3";
import type { SearchHit } from "../../../shared/protocol";
import { isEmptyQuery, utcDay } from "../../../shared/search-query";
import { highlightsOf, MATCH_END, MATCH_START } from "../search-highlights";
import { BEST_WINDOW, containsPattern, type SearchTerms, searchTerms } from "../search-terms";
import type { SearchInput } from "../types";
import { type MessageRow, toMessage } from "./message-rows";

/** Substrings shorter than a trigram cannot use the trigram index: they are matched with LIKE. */
const TRIGRAM = 3;
/** Statements kept prepared, by their text: queries differ only in which filters they hold. */
const PREPARED_KEPT = 200;

type HitRow = MessageRow & { search_id: number; marked: string | null; score: number | null };

/** An FTS5 string: the term in double quotes, its own quotes doubled, so no syntax gets through. */
function ftsString(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/**
 * The word index's MATCH expression: every word and phrase, none of the
 * excluded. Everything is quoted, so `NEAR`, `*`, `^`, `col:` and
 * parentheses typed by a person are text (the tokenizer drops the marks).
 */
export function ftsMatch(terms: SearchTerms): string | null {
  const wanted = [...terms.words, ...terms.phrases].map(ftsString);
  if (wanted.length === 0) return null;
  let match = `(${wanted.join(" AND ")})`;
  for (const excluded of terms.excludedWords) match += ` NOT ${ftsString(excluded)}`;
  return match;
}

/**
 * Which index a query is driven by: the word index when it has words, the
 * trigram index when it has only substrings (one long enough), else a scan
 * of messages newest first, filtered.
 */
type Driver =
  | { kind: "words"; match: string }
  | { kind: "trigrams"; match: string }
  | { kind: "scan"; substrings: boolean };

function driverOf(terms: SearchTerms): Driver {
  const words = ftsMatch(terms);
  if (words !== null) return { kind: "words", match: words };
  const long = terms.substrings.filter((term) => [...term].length >= TRIGRAM);
  if (long.length > 0) return { kind: "trigrams", match: long.map(ftsString).join(" AND ") };
  return { kind: "scan", substrings: terms.substrings.length > 0 };
}

/**
 * One search over the messages the viewer's rooms hold (scoped as
 * rooms.recent scopes them), in one read. Ordered newest first by search_id
 * (the order messages were written), or best first by bm25 then newest;
 * `before` is the previous page's last hit, found again by its id (its
 * score is computed again for the same query: the page goes on after it).
 */
export class SqliteSearch {
  private readonly prepared = new Map<
    string,
    Database.Statement<Record<string, unknown>, HitRow>
  >();

  constructor(private readonly db: Database.Database) {}

  run(input: SearchInput): { hits: SearchHit[]; hasMore: boolean } {
    const terms = searchTerms(input.query);
    if (
      isEmptyQuery(input.query) ||
      terms.unmatchable ||
      input.authorIds?.length === 0 ||
      input.rooms?.length === 0
    )
      return { hits: [], hasMore: false };
    const driver = driverOf(terms);
    const params: Record<string, unknown> = {
      viewer: input.viewer.userId,
      admin: input.viewer.admin ? 1 : 0,
      take: input.limit + 1,
    };
    const where: string[] = [
      "m.deleted = 0",
      `m.room IN (SELECT name FROM rooms
        WHERE visibility = 'public'
           OR (@admin = 1 AND visibility = 'private')
           OR (@viewer IS NOT NULL AND name IN (
                 SELECT room FROM room_members WHERE user_id = @viewer AND role IS NOT NULL)))`,
    ];
    const list = (prefix: string, values: readonly string[]) =>
      values
        .map((value, i) => {
          params[`${prefix}${i}`] = value;
          return `@${prefix}${i}`;
        })
        .join(", ");
    if (input.rooms) where.push(`m.room IN (${list("room", input.rooms)})`);
    if (input.authorIds) where.push(`m.author_id IN (${list("author", input.authorIds)})`);
    this.addDays(input, where, params);
    if (input.query.hasLink) where.push("(m.text LIKE '%http://%' OR m.text LIKE '%https://%')");
    if (input.query.isReply) where.push("m.reply_to_id IS NOT NULL");
    terms.substrings.forEach((term, i) => {
      // The trigram index has found the long ones already when it drives.
      if (driver.kind === "trigrams" && [...term].length >= TRIGRAM) return;
      params[`sub${i}`] = containsPattern(term);
      where.push(`m.text LIKE @sub${i} ESCAPE '\\'`);
    });
    terms.excludedSubstrings.forEach((term, i) => {
      params[`nsub${i}`] = containsPattern(term);
      where.push(`m.text NOT LIKE @nsub${i} ESCAPE '\\'`);
    });
    // Exclusions the word index cannot take as NOT (it has no wanted words to subtract from).
    if (driver.kind !== "words")
      terms.excludedWords.forEach((term, i) => {
        params[`nword${i}`] = ftsString(term);
        where.push(
          `NOT EXISTS (SELECT 1 FROM message_fts WHERE message_fts MATCH @nword${i} AND rowid = m.search_id)`,
        );
      });

    const sql = this.statementText(driver, input, where, params);
    const rows = this.statement(sql).all(params);
    const hasMore = rows.length > input.limit;
    const markLater = driver.kind === "words" && input.order === "best";
    const hits = rows.slice(0, input.limit).map((row) => ({
      message: toMessage(row),
      highlights: highlightsOf(
        row.text,
        markLater && driver.kind === "words"
          ? this.marked(driver.match, row.search_id)
          : row.marked,
        terms.substrings,
      ),
    }));
    return { hits, hasMore };
  }

  private addDays(input: SearchInput, where: string[], params: Record<string, unknown>): void {
    const { before, after, on } = input.query;
    const beforeDay = before === null ? null : utcDay(before);
    const afterDay = after === null ? null : utcDay(after);
    const onDay = on === null ? null : utcDay(on);
    if (beforeDay) {
      params.beforeDay = beforeDay.start;
      where.push("m.created_at < @beforeDay");
    }
    if (afterDay) {
      params.afterDay = afterDay.end;
      where.push("m.created_at >= @afterDay");
    }
    if (onDay) {
      params.onStart = onDay.start;
      params.onEnd = onDay.end;
      where.push("m.created_at >= @onStart AND m.created_at < @onEnd");
    }
  }

  private statementText(
    driver: Driver,
    input: SearchInput,
    where: string[],
    params: Record<string, unknown>,
  ): string {
    const columns =
      "m.room, m.seq, m.id, m.client_id, m.author_id, m.author_name, m.text, m.created_at, m.rev, m.edited_at, m.deleted, m.reply_to_id, m.reply_to_seq, m.reactions, m.removed_by_moderator, m.mentions, m.mentions_all, m.attachments, m.search_id";
    if (input.before !== undefined) params.before = input.before;
    const cursorId = "(SELECT search_id FROM messages WHERE id = @before)";
    if (driver.kind === "scan") {
      if (input.before !== undefined)
        where.push(`${driver.substrings ? "d.id" : "m.search_id"} < ${cursorId}`);
      if (!driver.substrings)
        return `SELECT ${columns}, NULL AS marked, NULL AS score FROM messages m
          WHERE ${where.join(" AND ")} ORDER BY m.search_id DESC LIMIT @take`;
      // Substrings too short for a trigram are in messages the trigram index
      // holds: its docsize table lists their rowids (one row each, newest
      // last), a far shorter scan than every message when few are in these
      // scripts.
      return `SELECT ${columns}, NULL AS marked, NULL AS score
        FROM message_trigrams_docsize d CROSS JOIN messages m ON m.search_id = d.id
        WHERE ${where.join(" AND ")} ORDER BY d.id DESC LIMIT @take`;
    }
    const index = driver.kind === "words" ? "message_fts" : "message_trigrams";
    params.match = driver.match;
    // Only the word index's matches are marked; substrings are found in the text.
    const marked =
      driver.kind === "words"
        ? `highlight(message_fts, 0, '${MATCH_START}', '${MATCH_END}')`
        : "NULL";
    // CROSS JOIN keeps the index as the outer loop: it yields matches in
    // rowid order (newest first without a sort) and each is looked up once.
    const inner = `SELECT ${columns}, ${marked} AS marked, bm25(${index}) AS score
      FROM ${index} CROSS JOIN messages m ON m.search_id = ${index}.rowid
      WHERE ${index} MATCH @match AND ${where.join(" AND ")}`;
    if (input.order === "newest") {
      const cursor = input.before === undefined ? "" : ` AND ${index}.rowid < ${cursorId}`;
      return `${inner}${cursor} ORDER BY ${index}.rowid DESC LIMIT @take`;
    }
    // Best first sorts the window's matches: the sort carries only rowids
    // and scores, and the page's rows are read (and marked) after it.
    params.window = BEST_WINDOW;
    const ranked = `SELECT ${index}.rowid AS sid, bm25(${index}) AS score
      FROM ${index} CROSS JOIN messages m ON m.search_id = ${index}.rowid
      WHERE ${index} MATCH @match AND ${where.join(" AND ")}
      ORDER BY ${index}.rowid DESC LIMIT @window`;
    // The cursor's own score for this query, computed as the page's were.
    const cursorScore = `(SELECT bm25(${index}) FROM ${index}
      WHERE ${index} MATCH @match AND rowid = ${cursorId})`;
    const after =
      input.before === undefined
        ? ""
        : `WHERE score > ${cursorScore} OR (score = ${cursorScore} AND sid < ${cursorId})`;
    return `SELECT ${columns}, NULL AS marked, page.score AS score FROM (
        SELECT sid, score FROM (${ranked}) ${after} ORDER BY score, sid DESC LIMIT @take
      ) page CROSS JOIN messages m ON m.search_id = page.sid
      ORDER BY page.score, page.sid DESC`;
  }

  /** The word index's marks of one hit (for best-first pages, whose query marks none). */
  private marked(match: string, searchId: number): string | null {
    const row = this.statement(
      `SELECT highlight(message_fts, 0, '${MATCH_START}', '${MATCH_END}') AS marked
       FROM message_fts WHERE message_fts MATCH @match AND rowid = @sid`,
    ).get({ match, sid: searchId });
    return row?.marked ?? null;
  }

  private statement(sql: string): Database.Statement<Record<string, unknown>, HitRow> {
    let statement = this.prepared.get(sql);
    if (!statement) {
      if (this.prepared.size >= PREPARED_KEPT) this.prepared.clear();
      statement = this.db.prepare<Record<string, unknown>, HitRow>(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }
}
