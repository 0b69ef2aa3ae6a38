import { hasText, type SearchQuery } from "../../shared/search-query";

/**
 * Scripts written without spaces between words (Chinese, Japanese) and
 * Hangul, whose particles cling to words: a word tokenizer makes one token
 * of a whole run of them, so a word inside it is found as a substring.
 * The SQLite trigger that feeds the trigram index tests the same ranges
 * (SUBSTRING_SCRIPTS_GLOB), and Postgres's trigram index is partial on
 * SUBSTRING_SCRIPTS_REGEX; keep the three alike.
 */
const SUBSTRING_SCRIPT =
  /[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]/u;

/** The same ranges as SUBSTRING_SCRIPT, as a SQLite GLOB pattern (matching text holding any of them). */
export const SUBSTRING_SCRIPTS_GLOB = "*[ᄀ-ᇿぁ-ヿ㄰-㆏㐀-䶿一-鿿가-힯豈-﫿ｦ-ﾟ]*";

/** The same ranges again, as a Postgres regular expression (the trigram index's predicate). */
export const SUBSTRING_SCRIPTS_REGEX = "[ᄀ-ᇿぁ-ヿ㄰-㆏㐀-䶿一-鿿가-힯豈-﫿ｦ-ﾟ]";

/** Nothing a tokenizer would keep: no letter, no digit. */
const NO_WORD = /^[^\p{L}\p{N}]*$/u;

/**
 * Best first ranks the newest this many matches, on both engines: ranking
 * costs every match it scores, and a word in every tenth message of a
 * million matches a hundred thousand. Among the newest matches is where
 * people look in a chat.
 */
export const BEST_WINDOW = 1_000;

/** A query's text, sorted by how each engine finds it. */
export type SearchTerms = {
  /** Words for the word index (each must appear). */
  words: string[];
  /** Runs of words for the word index (each must appear, in order). */
  phrases: string[];
  /** Words and phrases in substring scripts: each must appear as written, anywhere. */
  substrings: string[];
  /** Words or phrases of the word index that must not appear. */
  excludedWords: string[];
  /** Substrings that must not appear. */
  excludedSubstrings: string[];
  /**
   * The query asked for text, but none of it is anything a tokenizer keeps
   * (only punctuation, say): nothing can match.
   */
  unmatchable: boolean;
};

export function isSubstringTerm(term: string): boolean {
  return SUBSTRING_SCRIPT.test(term);
}

/** Sorts the query's words, phrases and exclusions for the engines (pure). */
export function searchTerms(query: SearchQuery): SearchTerms {
  const terms: SearchTerms = {
    words: [],
    phrases: [],
    substrings: [],
    excludedWords: [],
    excludedSubstrings: [],
    unmatchable: false,
  };
  for (const word of query.words) {
    if (NO_WORD.test(word)) continue;
    if (isSubstringTerm(word)) terms.substrings.push(word);
    else terms.words.push(word);
  }
  for (const phrase of query.phrases) {
    if (NO_WORD.test(phrase)) continue;
    if (isSubstringTerm(phrase)) terms.substrings.push(phrase);
    else terms.phrases.push(phrase);
  }
  for (const excluded of query.excluded) {
    if (NO_WORD.test(excluded)) continue;
    if (isSubstringTerm(excluded)) terms.excludedSubstrings.push(excluded);
    else terms.excludedWords.push(excluded);
  }
  terms.unmatchable =
    hasText(query) && terms.words.length + terms.phrases.length + terms.substrings.length === 0;
  return terms;
}

/** A LIKE pattern for text containing `term` (with `\` as the escape character). */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
