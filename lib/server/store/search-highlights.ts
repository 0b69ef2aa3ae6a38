import type { TextRange } from "../../shared/protocol";

/** What the engines are asked to put around a match: control characters no message holds. */
export const MATCH_START = "\u0001";
export const MATCH_END = "\u0002";

/**
 * The ranges of `text` that the engine marked in `marked` (its copy of the
 * text with MATCH_START/MATCH_END around each match: FTS5 `highlight`,
 * Postgres `ts_headline` with HighlightAll), as UTF-16 offsets into `text`.
 * When the marked copy is not the text with marks added (a text that holds
 * the marks itself, or an engine that changed whitespace), nothing is
 * highlighted rather than the wrong thing.
 */
export function rangesFromMarked(text: string, marked: string | null): TextRange[] {
  if (marked === null || marked === "") return [];
  const ranges: TextRange[] = [];
  let plain = "";
  let start: number | null = null;
  for (let i = 0; i < marked.length; i++) {
    const char = marked[i] as string;
    if (char === MATCH_START) {
      if (start === null) start = plain.length;
    } else if (char === MATCH_END) {
      if (start !== null && plain.length > start) ranges.push({ start, end: plain.length });
      start = null;
    } else {
      plain += char;
    }
  }
  if (plain !== text) return [];
  return mergeRanges(ranges);
}

/** Every place `term` occurs in `text`, as written (for substring matches, which no engine marks). */
export function rangesOfSubstring(text: string, term: string): TextRange[] {
  const ranges: TextRange[] = [];
  if (term === "") return ranges;
  for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + term.length))
    ranges.push({ start: at, end: at + term.length });
  return ranges;
}

/** Ranges in order, overlapping or touching ones joined into one. */
export function mergeRanges(ranges: readonly TextRange[]): TextRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: TextRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** The highlights of one hit: the engine's marks and every substring term's places. */
export function highlightsOf(
  text: string,
  marked: string | null,
  substrings: readonly string[],
): TextRange[] {
  return mergeRanges([
    ...rangesFromMarked(text, marked),
    ...substrings.flatMap((term) => rangesOfSubstring(text, term)),
  ]);
}
