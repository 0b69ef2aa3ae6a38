import {
  foldName,
  literalSpans,
  type MentionAllKind,
  type MentionCandidate,
} from "../shared/mentions";

/**
 * The composer's `@name` suggestions, apart from any component: where the
 * `@` being typed is, which members match what follows it, and the draft
 * with a chosen name put in. The mention rule itself is lib/shared/mentions.ts.
 */

/** Longest text after `@` still looked up: past it the person is not typing a name. */
export const MAX_MENTION_QUERY = 40;
/** Suggestions shown at once. */
export const MAX_SUGGESTIONS = 8;

/** The `@…` the caret is in: the `@`'s offset, and what was typed after it up to the caret. */
export type MentionQuery = { start: number; end: number; query: string };

const WORD = /[\p{L}\p{N}\p{M}_]/u;

/**
 * The mention being typed at `caret`, or null: an `@` at the start of a word
 * (not in an email or code), followed up to the caret by at most
 * MAX_MENTION_QUERY characters with no line break or double space (names
 * have single spaces: "@Mary Ann").
 */
export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
  const from = Math.max(0, caret - MAX_MENTION_QUERY - 1);
  const at = text.lastIndexOf("@", caret - 1);
  if (at < from || at === -1) return null;
  const query = text.slice(at + 1, caret);
  if (/\n| {2}|^\s/.test(query)) return null;
  const before = at === 0 ? undefined : text[at - 1];
  if (before !== undefined && (WORD.test(before) || before === "@" || before === "`")) return null;
  if (literalSpans(text).some((span) => at >= span.start && at < span.end)) return null;
  return { start: at, end: caret, query };
}

export type Suggestion =
  | { kind: "person"; id: string; name: string }
  | { kind: "all"; name: MentionAllKind; description: string };

const ALL_DESCRIPTIONS: Record<MentionAllKind, string> = {
  room: "Notify everyone in this room",
  here: "Notify everyone online in this room",
};

/**
 * The members whose name starts with the query, then those with a later
 * word that does ("li" finds "Ben Li"), by name; `@room` and `@here` first
 * when the person may use them. The person themselves is left out.
 */
export function suggestMentions(
  query: string,
  members: readonly MentionCandidate[],
  options: { selfId?: string; mentionAll?: boolean; max?: number } = {},
): Suggestion[] {
  const wanted = foldName(query);
  const max = options.max ?? MAX_SUGGESTIONS;
  const everyone: Suggestion[] = options.mentionAll
    ? (["room", "here"] as const)
        .filter((kind) => kind.startsWith(wanted))
        .map((kind) => ({ kind: "all", name: kind, description: ALL_DESCRIPTIONS[kind] }))
    : [];
  const ranked: { rank: number; folded: string; member: MentionCandidate }[] = [];
  const seen = new Set<string>();
  for (const member of members) {
    if (member.id === options.selfId || seen.has(member.id)) continue;
    seen.add(member.id);
    const folded = foldName(member.name);
    if (folded.startsWith(wanted)) ranked.push({ rank: 0, folded, member });
    else if (folded.split(" ").some((word) => word.startsWith(wanted)))
      ranked.push({ rank: 1, folded, member });
  }
  ranked.sort((a, b) => a.rank - b.rank || a.folded.localeCompare(b.folded));
  const people: Suggestion[] = ranked.map(({ member }) => ({
    kind: "person",
    id: member.id,
    name: member.name,
  }));
  return [...everyone, ...people].slice(0, max);
}

/** The draft with `@query` replaced by `@Name ` and where the caret goes after it. */
export function insertMention(
  text: string,
  at: MentionQuery,
  name: string,
): { text: string; caret: number } {
  const after = text.slice(at.end);
  const inserted = `@${name}${after.startsWith(" ") ? "" : " "}`;
  const next = `${text.slice(0, at.start)}${inserted}${after}`;
  const caret = at.start + inserted.length + (after.startsWith(" ") ? 1 : 0);
  return { text: next, caret };
}

/** The next highlighted suggestion for ArrowDown (+1) or ArrowUp (-1), wrapping round. */
export function moveHighlight(current: number, by: 1 | -1, count: number): number {
  if (count === 0) return 0;
  return (current + by + count) % count;
}
