/**
 * Finding `@name` mentions in a message's text, the one rule for the
 * composer (what it will mention), the renderer (what to style) and the
 * server (whom the stored message mentions). Pure: the caller brings the
 * people who may be mentioned; this finds which of them the text names.
 *
 * A mention is `@` at the start of a word (not inside `bob@example.com`),
 * then the longest candidate's name, compared as names are (NFC, case
 * folded), ending at the end of a word (`@Ann` is not a mention of "Ann" in
 * `@Anna`). Display names may hold spaces and any script, so the longest
 * name wins: `@Mary Ann hi` names "Mary Ann" when both "Mary" and "Mary Ann"
 * are members. `@room` and `@here` are found apart from people; whether they
 * take effect is the server's rule (`can("mention-all")`). Text Markdown
 * shows literally — code spans, fenced and indented code — and web addresses
 * (`https://host/@user`) mention no one, as lib/client/markdown/ renders them.
 */

/** A person who may be mentioned: their id and display name as stored. */
export type MentionCandidate = { id: string; name: string };

/** Where a mention is: UTF-16 offsets, `start` at the `@`, `end` exclusive. */
export type MentionSpan = { start: number; end: number };

export type PersonMention = MentionSpan & { userId: string };
export type EveryoneMention = MentionSpan & { kind: MentionAllKind };
export type MentionAllKind = "room" | "here";

export type MentionScan = { people: PersonMention[]; everyone: EveryoneMention[] };

export const MENTION_ALL_KINDS: readonly MentionAllKind[] = ["room", "here"];

/**
 * How names are compared: the app's stored form (NFC) without case, folded
 * through upper case so that `ß` and `SS` compare alike.
 */
export function foldName(name: string): string {
  return name.normalize("NFC").toUpperCase().toLowerCase().normalize("NFC");
}

const WORD = /[\p{L}\p{N}\p{M}_]/u;
const WORD_RUN = /^[\p{L}\p{N}\p{M}_]+/u;
/** As lib/client/linkify.ts finds addresses: an `@` in one is part of the address. */
const ADDRESS = /\bhttps?:\/\/[^\s<>"'`]+/giu;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && WORD.test(char);
}

/** The character (code point) just before `index`, or undefined at the start. */
function charBefore(text: string, index: number): string | undefined {
  if (index === 0) return undefined;
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) return text.slice(index - 2, index);
  return text[index - 1];
}

function charAt(text: string, index: number): string | undefined {
  const code = text.codePointAt(index);
  return code === undefined ? undefined : String.fromCodePoint(code);
}

/** Spans of text shown literally (code) or as an address: an `@` in them mentions no one. */
export function literalSpans(text: string): MentionSpan[] {
  const spans: MentionSpan[] = [];
  // Fenced and indented code blocks, line by line.
  let offset = 0;
  let fence: { char: string; length: number } | null = null;
  let previousBlank = true;
  let inIndented = false;
  const blocks: MentionSpan[] = [];
  for (const line of text.split("\n")) {
    const end = offset + line.length;
    if (fence) {
      blocks.push({ start: offset, end });
      const close = line.match(/^ {0,3}(`{3,}|~{3,})\s*$/);
      if (close?.[1]?.[0] === fence.char && (close[1]?.length ?? 0) >= fence.length) fence = null;
    } else {
      const open = line.match(FENCE_OPEN);
      const indented = /^(?: {4}|\t)/.test(line) && line.trim() !== "";
      if (open?.[1]) {
        fence = { char: open[1][0] ?? "`", length: open[1].length };
        blocks.push({ start: offset, end });
      } else if (indented && (previousBlank || inIndented)) {
        inIndented = true;
        blocks.push({ start: offset, end });
      } else if (line.trim() !== "") inIndented = false;
    }
    previousBlank = line.trim() === "";
    offset = end + 1;
  }
  spans.push(...blocks);
  const inBlock = (index: number) => blocks.some((b) => index >= b.start && index < b.end);
  // Inline code: a run of n backticks closed by the next run of exactly n.
  const runs = [...text.matchAll(/`+/g)].filter((m) => !inBlock(m.index));
  for (let i = 0; i < runs.length; i++) {
    const open = runs[i];
    if (!open) continue;
    const closeAt = runs.findIndex((r, j) => j > i && r[0].length === open[0].length);
    if (closeAt === -1) continue;
    const close = runs[closeAt];
    if (!close) continue;
    spans.push({ start: open.index, end: close.index + close[0].length });
    i = closeAt;
  }
  for (const m of text.matchAll(ADDRESS))
    spans.push({ start: m.index, end: m.index + m[0].length });
  return spans;
}

/** Offsets of every `@` that starts a word outside code and addresses. */
export function mentionStarts(text: string): number[] {
  if (!text.includes("@")) return [];
  const literal = literalSpans(text);
  const starts: number[] = [];
  for (let i = text.indexOf("@"); i !== -1; i = text.indexOf("@", i + 1)) {
    const before = charBefore(text, i);
    if (isWordChar(before) || before === "@" || before === "`") continue;
    if (literal.some((span) => i >= span.start && i < span.end)) continue;
    starts.push(i);
  }
  return starts;
}

/**
 * What follows each mention's `@`, for looking candidates up by name: the
 * run of letters and digits (or the first character, for a name that starts
 * with a symbol), at most `max` distinct ones. The server asks its store for
 * members whose name starts with these, instead of listing the room.
 */
export function mentionPrefixes(text: string, max = 20): string[] {
  const prefixes = new Set<string>();
  for (const start of mentionStarts(text)) {
    const rest = text.slice(start + 1, start + 1 + 64);
    const first = charAt(rest, 0);
    if (first === undefined || /\s/u.test(first)) continue;
    const word = rest.match(WORD_RUN)?.[0] ?? first;
    prefixes.add(word);
    if (prefixes.size >= max) break;
  }
  return [...prefixes];
}

type Folded = { id: string; name: string; folded: string };

/**
 * The mentions in `text` of these candidates, and of `@room`/`@here`, in
 * text order. A candidate whose name is longer than the keyword wins over
 * it (`@Room Service`); otherwise the keyword does.
 */
export function findMentions(text: string, candidates: readonly MentionCandidate[]): MentionScan {
  const scan: MentionScan = { people: [], everyone: [] };
  const starts = mentionStarts(text);
  if (starts.length === 0) return scan;
  const folded: Folded[] = candidates
    .map((c) => ({ id: c.id, name: c.name, folded: foldName(c.name) }))
    .filter((c) => c.folded.length > 0)
    .sort((a, b) => b.folded.length - a.folded.length);
  for (const start of starts) {
    const from = start + 1;
    let person: { id: string; folded: string; end: number } | undefined;
    for (const c of folded) {
      const end = matchEnd(text, from, c.folded);
      if (end !== null) {
        person = { id: c.id, folded: c.folded, end };
        break;
      }
    }
    let keyword: { kind: MentionAllKind; end: number } | undefined;
    for (const kind of MENTION_ALL_KINDS) {
      const end = matchEnd(text, from, kind);
      if (end !== null) keyword = { kind, end };
    }
    if (person && (!keyword || person.folded.length > keyword.kind.length)) {
      scan.people.push({ start, end: person.end, userId: person.id });
    } else if (keyword) {
      scan.everyone.push({ start, end: keyword.end, kind: keyword.kind });
    }
  }
  return scan;
}

/**
 * Where a name folded to `folded` ends when the text at `from` spells it, or
 * null. The typed form may be longer or shorter than the stored one (`SS`
 * for `ß`, decomposed accents), so ends are tried around the name's length.
 */
function matchEnd(text: string, from: number, folded: string): number | null {
  const first = Math.max(from + 1, from + Math.floor(folded.length / 2));
  const last = Math.min(text.length, from + folded.length * 2 + 2);
  for (let end = first; end <= last; end++) {
    if (foldName(text.slice(from, end)) !== folded) continue;
    // A name that ends in a word character must end the word; one that ends in
    // punctuation ("J.R.") ends where it ends.
    if (isWordChar(charBefore(text, end)) && isWordChar(charAt(text, end))) continue;
    return end;
  }
  return null;
}

/** The distinct ids a scan mentions, in the order first mentioned. */
export function mentionedIds(scan: MentionScan): string[] {
  return [...new Set(scan.people.map((m) => m.userId))];
}

/** `room` when the text has `@room` (it reaches more than `@here`), else `here`, else null. */
export function mentionAllOf(scan: MentionScan): MentionAllKind | null {
  if (scan.everyone.some((m) => m.kind === "room")) return "room";
  return scan.everyone.length > 0 ? "here" : null;
}
