import { isRoomName } from "./room-name";

/**
 * A search as people type it in Slack or Mattermost, taken apart:
 *
 *   deploy "release notes" -staging from:ana in:ops after:2026-01-31 has:link is:reply
 *
 * Every message found must hold every word and phrase and none of the
 * excluded ones, and pass every filter. Nothing here is an error: whatever
 * does not parse as an operator (`from:`, `before:someday`, an unclosed
 * quote) is searched as text, as written.
 */
export type SearchQuery = {
  /** Words that must all appear (as words: the engine's tokenizer decides what one is). */
  words: string[];
  /** Runs of words that must appear together, in this order. */
  phrases: string[];
  /** Words or phrases that must not appear. */
  excluded: string[];
  /** Authors, by display name (any of them); an `@` in front is dropped. */
  from: string[];
  /** Room names (any of them); a `#` in front is dropped. */
  in: string[];
  /** YYYY-MM-DD: only messages written before that day began (UTC). */
  before: string | null;
  /** YYYY-MM-DD: only messages written after that day ended (UTC). */
  after: string | null;
  /** YYYY-MM-DD: only messages written on that day (UTC). */
  on: string | null;
  /** Only messages with a link in their text. */
  hasLink: boolean;
  /** Only replies. */
  isReply: boolean;
};

/** The query holds nothing to match or filter on: there is nothing to search for. */
export function isEmptyQuery(query: SearchQuery): boolean {
  return (
    query.words.length === 0 &&
    query.phrases.length === 0 &&
    query.from.length === 0 &&
    query.in.length === 0 &&
    query.before === null &&
    query.after === null &&
    query.on === null &&
    !query.hasLink &&
    !query.isReply
  );
}

/** The query has words or phrases for the full-text index (filters alone scan by time). */
export function hasText(query: SearchQuery): boolean {
  return query.words.length > 0 || query.phrases.length > 0;
}

/** Start and end (exclusive) of a YYYY-MM-DD day in UTC, in epoch ms; null for no such day. */
export function utcDay(date: string): { start: number; end: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const start = Date.UTC(year, month - 1, day);
  const back = new Date(start);
  // 2026-02-30 would roll over to March: not a day anyone meant.
  if (
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month - 1 ||
    back.getUTCDate() !== day
  )
    return null;
  return { start, end: start + 86_400_000 };
}

/** Cuts the input into tokens: runs of non-space, with "quoted" parts kept whole (quotes included). */
function tokenize(input: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let quoted = false;
  for (const char of input) {
    if (char === '"') quoted = !quoted;
    if (!quoted && /\s/u.test(char)) {
      if (current) tokens.push(current);
      current = "";
      continue;
    }
    current += char;
  }
  if (current) tokens.push(current);
  return tokens;
}

/** `"release notes"` → `release notes`; a lone or unclosed quote is dropped. */
function unquote(token: string): string {
  return token.replaceAll('"', "").trim();
}

function isQuoted(token: string): boolean {
  return token.length >= 2 && token.startsWith('"') && token.endsWith('"');
}

const OPERATOR = /^(from|in|before|after|on|has|is):(.+)$/is;

/** Applies one `name:value` operator; false when it is not one we know (then it is text). */
function applyOperator(query: SearchQuery, name: string, rawValue: string): boolean {
  const value = unquote(rawValue);
  if (!value) return false;
  switch (name.toLowerCase()) {
    case "from": {
      const person = value.replace(/^@/, "");
      if (!person) return false;
      query.from.push(person);
      return true;
    }
    case "in": {
      const room = value.replace(/^#/, "").toLowerCase();
      if (!isRoomName(room)) return false;
      query.in.push(room);
      return true;
    }
    case "before":
    case "after":
    case "on": {
      if (utcDay(value) === null) return false;
      query[name.toLowerCase() as "before" | "after" | "on"] = value;
      return true;
    }
    case "has":
      if (value.toLowerCase() !== "link") return false;
      query.hasLink = true;
      return true;
    case "is":
      if (value.toLowerCase() !== "reply") return false;
      query.isReply = true;
      return true;
    default:
      return false;
  }
}

/** Parses a search as typed; never throws (see SearchQuery). */
export function parseSearchQuery(input: string): SearchQuery {
  const query: SearchQuery = {
    words: [],
    phrases: [],
    excluded: [],
    from: [],
    in: [],
    before: null,
    after: null,
    on: null,
    hasLink: false,
    isReply: false,
  };
  const addText = (token: string) => {
    if (isQuoted(token)) {
      const phrase = unquote(token);
      if (!phrase) return;
      // A "phrase" of one word is that word: engines match both the same way.
      if (/\s/u.test(phrase)) query.phrases.push(phrase.replace(/\s+/gu, " "));
      else query.words.push(phrase);
      return;
    }
    const word = unquote(token);
    if (word) query.words.push(word);
  };
  for (const token of tokenize(input)) {
    const operator = OPERATOR.exec(token);
    if (operator && applyOperator(query, operator[1] as string, operator[2] as string)) continue;
    if (token.startsWith("-") && token.length > 1) {
      const excluded = unquote(token.slice(1)).replace(/\s+/gu, " ");
      if (excluded) {
        query.excluded.push(excluded);
        continue;
      }
    }
    addText(token);
  }
  return query;
}
