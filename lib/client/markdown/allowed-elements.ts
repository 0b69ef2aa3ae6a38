/**
 * The HTML a message may render to; anything else the parser produces is
 * dropped and its content kept. No images, no inputs (GFM task lists), no
 * tables, no headings: links only through ./linkify-text.ts, spans only
 * through ./mention-text.ts (raw HTML is never parsed, so none is typed).
 */
export const ALLOWED_ELEMENTS: readonly string[] = [
  "p",
  "br",
  "strong",
  "em",
  "del",
  "code",
  "pre",
  "blockquote",
  "ul",
  "ol",
  "li",
  "a",
  "span",
];
