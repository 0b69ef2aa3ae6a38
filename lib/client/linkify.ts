export type TextPart =
  | { kind: "text"; text: string }
  | { kind: "link"; text: string; href: string };

/** A run that starts like a web address; what it really holds is decided by URL parsing below. */
const CANDIDATE = /\bhttps?:\/\/[^\s<>"'`]+/giu;
/** Punctuation that ends a sentence rather than a link. */
const TRAILING = /[.,;:!?…'"*_~]+$/u;
const PAIRS: Record<string, string> = { ")": "(", "]": "[", "}": "{" };

/** Drops trailing punctuation, and closing brackets the link did not open: "(see https://a.b/c)". */
function trimEnd(candidate: string): string {
  let text = candidate;
  for (;;) {
    const trimmed = text.replace(TRAILING, "");
    const last = trimmed.at(-1);
    const opener = last === undefined ? undefined : PAIRS[last];
    if (opener !== undefined && count(trimmed, opener) < count(trimmed, last as string)) {
      text = trimmed.slice(0, -1);
      continue;
    }
    return trimmed;
  }
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}

/** The address as a link target, or null unless it parses as an http(s) URL with a host. */
function safeHref(text: string): string | null {
  try {
    const url = new URL(text);
    if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") return null;
    return url.href;
  } catch {
    return null;
  }
}

/**
 * Splits message text into plain text and http(s) links. Only what parses as
 * an http or https URL becomes a link; everything else, including other
 * schemes, stays text. The parts joined give back the text unchanged.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let plainFrom = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const candidate = trimEnd(match[0]);
    const href = safeHref(candidate);
    if (!href) continue;
    if (start > plainFrom) parts.push({ kind: "text", text: text.slice(plainFrom, start) });
    parts.push({ kind: "link", text: candidate, href });
    plainFrom = start + candidate.length;
  }
  if (plainFrom < text.length) parts.push({ kind: "text", text: text.slice(plainFrom) });
  return parts;
}
