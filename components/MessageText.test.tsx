import fc from "fast-check";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { mayBeFormatted } from "@/lib/client/markdown/may-be-formatted";
import FormattedText from "./FormattedText";
import { PlainText } from "./MessageText";

const ORIGIN = "https://chat.example";

/** What a reader gets from markup: the text shown, and where each link goes. */
function reading(html: string): { text: string; hrefs: string[] } {
  return {
    text: html.replace(/<[^>]*>/g, ""),
    hrefs: [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] as string),
  };
}

describe("mayBeFormatted", () => {
  it.each([
    { text: "hello there", expected: false },
    { text: "see https://a.example/x?y=1", expected: true },
    { text: "see https://a.example/path", expected: false },
    { text: "it's 5 o'clock (roughly), ok?", expected: false },
    { text: "line one\nline two", expected: false },
    { text: "**bold**", expected: true },
    { text: "snake_case", expected: true },
    { text: "a `b`", expected: true },
    { text: "- item", expected: true },
    { text: "1. item", expected: true },
    { text: "2) item", expected: true },
    { text: "# heading", expected: true },
    { text: "> quote", expected: true },
    { text: "a\n\nb", expected: true },
    { text: "    indented", expected: true },
    { text: "Tom & Jerry", expected: true },
    { text: "a - b + c", expected: false },
    { text: "3.14 is pi", expected: false },
  ])("$text → $expected", ({ text, expected }) => {
    expect(mayBeFormatted(text)).toBe(expected);
  });

  it("says false only when Markdown would show the same text and links as plain text", () => {
    const piece = fc.constantFrom(
      ..."abcxyzABC0129 .,;:?'\"/()@-+#\n\t%$^{}".split(""),
      "https://a.example/",
      "1. ",
      "- ",
      "+ ",
      "  ",
      "http://b.example/p",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 25 }), (pieces) => {
        const text = pieces.join("");
        fc.pre(!mayBeFormatted(text));
        const plain = reading(renderToStaticMarkup(<PlainText text={text} origin={ORIGIN} />));
        const formatted = reading(
          renderToStaticMarkup(<FormattedText text={text} origin={ORIGIN} />),
        );
        expect(formatted).toEqual(plain);
      }),
      { numRuns: 500 },
    );
  });
});

describe("mentions in a message", () => {
  const marks = {
    people: [
      { id: "me", name: "Mia" },
      { id: "ben", name: "Ben Li" },
    ],
    selfId: "me",
    all: true,
  };
  const spans = (html: string) =>
    [...html.matchAll(/<span class="([^"]*)">([^<]*)<\/span>/g)].map((m) => ({
      self: (m[1] as string).includes("bg-amber-200"),
      text: m[2],
    }));

  it("styles the reader's own mention apart from others', plain or formatted, and the same text either way", () => {
    const text = "hi @Mia and @Ben Li";
    const plain = renderToStaticMarkup(<PlainText text={text} origin={ORIGIN} mentions={marks} />);
    const formatted = renderToStaticMarkup(
      <FormattedText text={`**${text}**`} origin={ORIGIN} mentions={marks} />,
    );
    for (const html of [plain, formatted])
      expect(spans(html)).toEqual([
        { self: true, text: "@Mia" },
        { self: false, text: "@Ben Li" },
      ]);
    expect(reading(plain).text).toBe(text);
  });

  it("leaves mentions in code and links as they are", () => {
    const html = renderToStaticMarkup(
      <FormattedText text={"`@Mia` https://a.example/@Mia"} origin={ORIGIN} mentions={marks} />,
    );
    expect(spans(html)).toEqual([]);
  });
});
