/**
 * Whether Markdown could render `text` differently from plain text. Most
 * chat messages are plain sentences: those are shown without the Markdown
 * parser, which is then only fetched (a chunk of its own) for the messages
 * that need it. Errs towards true: a false here must mean the two renderings
 * show the same text and links (a property test holds it to that).
 */
const SIGNIFICANT = [
  // Emphasis, strikethrough, code, raw HTML and autolinks, links and images, tables, entities, escapes, setext underlines.
  /[*_~`<>[\]!|&\\=]/,
  // A line that opens a block: a list item, a heading, a quote, indented code, or that starts with spaces Markdown would trim.
  /^[ \t]|^(?:[-+]|\d{1,9}[.)])(?:[ \t]|$)|^#/m,
  // Paragraph breaks and hard line breaks, which Markdown turns into elements.
  /\n[ \t]*\n|[ \t]\n|\s$|^\s|\r/,
];

export function mayBeFormatted(text: string): boolean {
  return SIGNIFICANT.some((pattern) => pattern.test(text));
}
