import { findMentions, type MentionCandidate } from "../shared/mentions";

/**
 * What a shown message's mentions look like: the people it names whose
 * names are known here (the room's members), the reader, and whether its
 * `@room`/`@here` took effect. The server's `mentions` say who; the text
 * says where (lib/shared/mentions.ts finds them again).
 */
export type MentionMarks = {
  people: readonly MentionCandidate[];
  selfId: string | undefined;
  /** The message's `@room`/`@here` took effect (mentionsAll is set). */
  all: boolean;
};

export type MentionKind = "self" | "other" | "all";

export type MarkedPart = { kind: "text"; text: string } | { kind: MentionKind; text: string };

/** A run of text split into plain text and mentions, styled by whom they name. */
export function markMentions(text: string, marks: MentionMarks | undefined): MarkedPart[] {
  if (!marks || !text.includes("@")) return [{ kind: "text", text }];
  const scan = findMentions(text, marks.people);
  const spans: { start: number; end: number; kind: MentionKind }[] = [
    ...scan.people.map((m) => ({
      start: m.start,
      end: m.end,
      kind: (m.userId === marks.selfId ? "self" : "other") as MentionKind,
    })),
    ...(marks.all
      ? scan.everyone.map((m) => ({ start: m.start, end: m.end, kind: "all" as const }))
      : []),
  ].sort((a, b) => a.start - b.start);
  const parts: MarkedPart[] = [];
  let at = 0;
  for (const span of spans) {
    if (span.start > at) parts.push({ kind: "text", text: text.slice(at, span.start) });
    parts.push({ kind: span.kind, text: text.slice(span.start, span.end) });
    at = span.end;
  }
  if (at < text.length) parts.push({ kind: "text", text: text.slice(at) });
  return parts;
}

/** Whether the message calls on the reader: named, or `@room`/`@here` that took effect, by someone else. */
export function mentionsReader(
  message: { author: { id: string }; mentions?: string[]; mentionsAll?: string },
  readerId: string | undefined,
): boolean {
  if (readerId === undefined || message.author.id === readerId) return false;
  return message.mentions?.includes(readerId) === true || message.mentionsAll !== undefined;
}

/** Tailwind classes for each kind of mention: the reader's own stand out. */
export const MENTION_CLASSES: Record<MentionKind, string> = {
  self: "rounded bg-amber-200 px-0.5 font-semibold text-amber-950 dark:bg-amber-300",
  all: "rounded bg-amber-100 px-0.5 font-semibold text-amber-950 dark:bg-amber-200",
  other:
    "rounded bg-indigo-50 px-0.5 font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200",
};
