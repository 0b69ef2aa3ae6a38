import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { linkify, type TextPart } from "./linkify";

const link = (text: string, href = text): TextPart => ({ kind: "link", text, href });
const text = (t: string): TextPart => ({ kind: "text", text: t });

describe("linkify", () => {
  it.each<[string, string, TextPart[]]>([
    ["plain text", "hello there", [text("hello there")]],
    ["an empty string", "", []],
    ["a bare link", "https://example.org/", [link("https://example.org/")]],
    ["http too", "see http://example.org/a", [text("see "), link("http://example.org/a")]],
    [
      "a link ending a sentence",
      "Read https://example.org/docs.",
      [text("Read "), link("https://example.org/docs"), text(".")],
    ],
    [
      "a link in parentheses",
      "(see https://example.org/x)",
      [text("(see "), link("https://example.org/x"), text(")")],
    ],
    [
      "a link with its own parentheses",
      "https://en.wikipedia.org/wiki/Rust_(programming_language)",
      [link("https://en.wikipedia.org/wiki/Rust_(programming_language)")],
    ],
    [
      "a query and a fragment",
      "https://example.org/s?q=a&b=c#top!",
      [link("https://example.org/s?q=a&b=c#top"), text("!")],
    ],
    [
      "uppercase scheme",
      "HTTPS://EXAMPLE.ORG",
      [link("HTTPS://EXAMPLE.ORG", "https://example.org/")],
    ],
    [
      "two links",
      "https://a.example and https://b.example",
      [
        link("https://a.example", "https://a.example/"),
        text(" and "),
        link("https://b.example", "https://b.example/"),
      ],
    ],
    ["javascript: stays text", "javascript:alert(1)", [text("javascript:alert(1)")]],
    ["data: stays text", "data:text/html,<script>", [text("data:text/html,<script>")]],
    ["ftp stays text", "ftp://example.org/file", [text("ftp://example.org/file")]],
    ["a scheme with no host stays text", "https:// nothing", [text("https:// nothing")]],
    ["a scheme glued to a word stays text", "xhttps://example.org", [text("xhttps://example.org")]],
    [
      "markup around a link is not part of it",
      '<a href="https://evil.example">',
      [text('<a href="'), link("https://evil.example", "https://evil.example/"), text('">')],
    ],
    [
      "a link over several lines keeps the lines",
      "one\nhttps://example.org/\ntwo",
      [text("one\n"), link("https://example.org/"), text("\ntwo")],
    ],
  ])("%s", (_case, input, expected) => {
    expect(linkify(input)).toEqual(expected);
  });

  it("gives back the text unchanged, and links only to http(s)", () => {
    const pieces = fc.constantFrom(
      "https://example.org",
      "http://x.y/z?(a)",
      "javascript:void(0)",
      "https://",
      " ",
      "\n",
      ".",
      ")",
      "(",
      "😀",
      "word",
      "<b>",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 12 }), (chunks) => {
        const input = chunks.join("");
        const parts = linkify(input);
        expect(parts.map((p) => p.text).join("")).toBe(input);
        for (const part of parts) {
          if (part.kind === "link") expect(new URL(part.href).protocol).toMatch(/^https?:$/);
        }
      }),
    );
  });
});
