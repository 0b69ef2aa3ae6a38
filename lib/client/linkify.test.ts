import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { linkify, type TextPart } from "./linkify";

const link = (text: string, href = text, display = text, external = true): TextPart => ({
  kind: "link",
  text,
  href,
  display,
  external,
});
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
      [link("HTTPS://EXAMPLE.ORG", "https://example.org/", "HTTPS://example.org")],
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

  describe("links that would pass for something else", () => {
    it.each<[string, string, TextPart[]]>([
      [
        "a Cyrillic look-alike host shows as the host it really is",
        "log in at https://аpple.com/login now",
        [
          text("log in at "),
          link(
            "https://аpple.com/login",
            "https://xn--pple-43d.com/login",
            "https://xn--pple-43d.com/login",
          ),
          text(" now"),
        ],
      ],
      [
        "any host written outside ASCII shows as DNS sees it, port kept",
        "https://münchen.de:8080/karte",
        [
          link(
            "https://münchen.de:8080/karte",
            "https://xn--mnchen-3ya.de:8080/karte",
            "https://xn--mnchen-3ya.de:8080/karte",
          ),
        ],
      ],
      [
        "a zero-width space in the host is not shown",
        "https://exa\u200bmple.org/",
        [link("https://exa\u200bmple.org/", "https://example.org/", "https://example.org/")],
      ],
      [
        "a right-to-left override cannot turn fdp.exe into exe.pdf",
        "https://files.example/\u202efdp.exe",
        [
          link(
            "https://files.example/\u202efdp.exe",
            "https://files.example/%E2%80%AEfdp.exe",
            "https://files.example/fdp.exe",
          ),
        ],
      ],
      [
        "isolates and marks are dropped from the shown text too",
        "https://files.example/\u2067a\u2069\u200fb",
        [
          link(
            "https://files.example/\u2067a\u2069\u200fb",
            "https://files.example/%E2%81%A7a%E2%81%A9%E2%80%8Fb",
            "https://files.example/ab",
          ),
        ],
      ],
      [
        "a user name before the host: not a link",
        "https://bank.example@evil.example/login",
        [text("https://bank.example@evil.example/login")],
      ],
      [
        "a user name and password: not a link",
        "see https://user:pass@host.example/",
        [text("see https://user:pass@host.example/")],
      ],
      [
        "an empty user name: not a link",
        "https://@host.example/",
        [text("https://@host.example/")],
      ],
      [
        "an @ in the path is not user information",
        "https://social.example/@ana",
        [link("https://social.example/@ana")],
      ],
      [
        "a backslash ends the host, as browsers parse it",
        "https://evil.example\\@good.example",
        [
          link(
            "https://evil.example\\@good.example",
            "https://evil.example/@good.example",
            "https://evil.example\\@good.example",
          ),
        ],
      ],
    ])("%s", (_case, input, expected) => {
      expect(linkify(input)).toEqual(expected);
    });
  });

  it("marks links to this app's own origin as not external, and everything else as external", () => {
    const own = "https://chat.example.org";
    expect(
      linkify(
        "https://chat.example.org/chat/lobby http://chat.example.org/x https://chat.example.org:8443/ https://other.example/",
        own,
      ).flatMap((part) => (part.kind === "link" ? [part.external] : [])),
    ).toEqual([false, true, true, true]);
    expect(linkify("https://chat.example.org/chat/lobby")[0]).toMatchObject({ external: true });
  });

  it("gives back the text unchanged, and links only to http(s)", () => {
    const pieces = fc.constantFrom(
      "https://example.org",
      "https://user@example.org",
      "https://аpple.com",
      "\u202e",
      "\u200b",
      "@",
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
          if (part.kind !== "link") continue;
          const url = new URL(part.href);
          expect(url.protocol).toMatch(/^https?:$/);
          expect(url.username + url.password).toBe("");
          expect(part.display).not.toMatch(/\p{Cf}/u);
        }
      }),
    );
  });
});
