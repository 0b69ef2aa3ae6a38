export type TextPart =
  | { kind: "text"; text: string }
  | {
      kind: "link";
      /** The address as written in the message. */
      text: string;
      href: string;
      /** What the link shows: the address with its real host and no invisible characters. */
      display: string;
      /** Not this app's own origin: opened in a new tab, without a handle on this one. */
      external: boolean;
    };

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

/**
 * Characters that draw nothing or reorder what follows (Cf: bidi embeddings,
 * overrides, isolates and marks, zero-width spaces and joiners): in a link's
 * text they could make `…\u202Efdp.exe` read as `…exe.pdf`.
 */
const INVISIBLE = /\p{Cf}/gu;

/** Where the authority (user, host, port) of `scheme://authority/…` ends: WHATWG URL parsing treats `\` as `/`. */
const AUTHORITY_END = /[/?#\\]/;

/**
 * The link for an address, or null unless it parses as an http(s) URL with a
 * host and no user name or password: `https://bank.example@evil.example`
 * names a user on evil.example, and reads as the bank.
 */
function toLink(candidate: string, ownOrigin: string | undefined): TextPart | null {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") return null;
  const afterScheme = candidate.indexOf("//") + 2;
  const authorityLength = candidate.slice(afterScheme).search(AUTHORITY_END);
  const authorityEnd = authorityLength === -1 ? candidate.length : afterScheme + authorityLength;
  if (url.username || url.password || candidate.slice(afterScheme, authorityEnd).includes("@"))
    return null;
  // The host as DNS will see it: a name written in other scripts shows as
  // punycode (`https://аpple.com` → `https://xn--pple-43d.com`), so a
  // look-alike cannot pass for the name it imitates.
  const display =
    `${candidate.slice(0, afterScheme)}${url.host}${candidate.slice(authorityEnd)}`.replace(
      INVISIBLE,
      "",
    );
  return {
    kind: "link",
    text: candidate,
    href: url.href,
    display,
    external: url.origin !== ownOrigin,
  };
}

/**
 * Splits message text into plain text and http(s) links. Only what parses as
 * an http or https URL without user information becomes a link; everything
 * else, including other schemes, stays text. The parts' `text` joined gives
 * back the text unchanged; a link's `display` is what to show. Links to
 * `ownOrigin` (this app) are not `external`.
 */
export function linkify(text: string, ownOrigin?: string): TextPart[] {
  const parts: TextPart[] = [];
  let plainFrom = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const candidate = trimEnd(match[0]);
    const link = toLink(candidate, ownOrigin);
    if (!link) continue;
    if (start > plainFrom) parts.push({ kind: "text", text: text.slice(plainFrom, start) });
    parts.push(link);
    plainFrom = start + candidate.length;
  }
  if (plainFrom < text.length) parts.push({ kind: "text", text: text.slice(plainFrom) });
  return parts;
}
