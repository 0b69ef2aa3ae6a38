import type { TextRange } from "../shared/protocol";

/** A run of a message's text, matched by the search or not. */
export type Segment = { text: string; match: boolean };

/** A boundary at `i` would fall between the two halves of a surrogate pair. */
function splitsPair(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return false;
  const before = text.charCodeAt(i - 1);
  const after = text.charCodeAt(i);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

/**
 * The ranges as something safe to cut a text by: inside the text, whole
 * characters (never half of a surrogate pair), non-empty, ascending, and
 * merged where they overlap or touch. The server's ranges are trusted for
 * nothing: a range from an older index or another engine may be off.
 */
export function normalizeRanges(text: string, ranges: readonly TextRange[]): TextRange[] {
  const clean: TextRange[] = [];
  for (const range of ranges) {
    if (!Number.isFinite(range.start) || !Number.isFinite(range.end)) continue;
    let start = Math.max(0, Math.min(text.length, Math.floor(range.start)));
    let end = Math.max(0, Math.min(text.length, Math.ceil(range.end)));
    if (splitsPair(text, start)) start--;
    if (splitsPair(text, end)) end++;
    if (end > start) clean.push({ start, end });
  }
  clean.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: TextRange[] = [];
  for (const range of clean) {
    const last = merged.at(-1);
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** The text cut into runs to render, the matched ones to be marked; joined, they are the text again. */
export function highlightSegments(text: string, ranges: readonly TextRange[]): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const { start, end } of normalizeRanges(text, ranges)) {
    if (start > at) segments.push({ text: text.slice(at, start), match: false });
    segments.push({ text: text.slice(start, end), match: true });
    at = end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), match: false });
  return segments;
}

/** A long message's part worth showing in a result; `cutBefore`/`cutAfter` say where text was left out. */
export type Excerpt = { segments: Segment[]; cutBefore: boolean; cutAfter: boolean };

/**
 * At most about `max` UTF-16 units of the text, starting up to `lead` units
 * before the first match so that it shows with some of what leads to it.
 * A short text is shown whole.
 */
export function excerpt(
  text: string,
  ranges: readonly TextRange[],
  max: number,
  lead = 40,
): Excerpt {
  if (text.length <= max)
    return { segments: highlightSegments(text, ranges), cutBefore: false, cutAfter: false };
  const first = normalizeRanges(text, ranges)[0];
  let start = first ? Math.max(0, Math.min(first.start - lead, text.length - max)) : 0;
  // Begin at a word where one begins before the match, rather than in the middle of one.
  if (start > 0 && first) {
    const space = text.indexOf(" ", start);
    if (space !== -1 && space < first.start) start = space + 1;
  }
  if (splitsPair(text, start)) start--;
  let end = Math.min(text.length, start + max);
  if (splitsPair(text, end)) end++;
  const shifted = ranges.map((r) => ({ start: r.start - start, end: r.end - start }));
  return {
    segments: highlightSegments(text.slice(start, end), shifted),
    cutBefore: start > 0,
    cutAfter: end < text.length,
  };
}
