import { describe, expect, it } from "vitest";
import type { TextRange } from "../shared/protocol";
import { excerpt, highlightSegments, normalizeRanges } from "./search-highlight";

/** Segments written compactly: marked runs in [brackets]. */
function shown(text: string, ranges: TextRange[]): string {
  return highlightSegments(text, ranges)
    .map((s) => (s.match ? `[${s.text}]` : s.text))
    .join("");
}

const r = (start: number, end: number): TextRange => ({ start, end });

describe("highlightSegments", () => {
  it.each<[string, string, TextRange[], string]>([
    ["no ranges", "deploy the thing", [], "deploy the thing"],
    ["one word", "deploy the thing", [r(0, 6)], "[deploy] the thing"],
    ["a word at the end", "deploy the thing", [r(11, 16)], "deploy the [thing]"],
    ["the whole text", "deploy", [r(0, 6)], "[deploy]"],
    ["two words", "deploy the thing", [r(0, 6), r(11, 16)], "[deploy] the [thing]"],
    ["ranges out of order", "deploy the thing", [r(11, 16), r(0, 6)], "[deploy] the [thing]"],
    ["overlapping ranges merge", "deploy the thing", [r(0, 4), r(2, 6)], "[deploy] the thing"],
    ["one inside another", "deploy the thing", [r(0, 10), r(2, 4)], "[deploy the] thing"],
    ["touching ranges merge", "deploy", [r(0, 3), r(3, 6)], "[deploy]"],
    ["a duplicate", "deploy", [r(0, 6), r(0, 6)], "[deploy]"],
    ["past the end is cut at the end", "deploy", [r(3, 99)], "dep[loy]"],
    ["before the start is cut at the start", "deploy", [r(-5, 3)], "[dep]loy"],
    ["wholly outside is dropped", "deploy", [r(10, 20)], "deploy"],
    ["empty is dropped", "deploy", [r(2, 2)], "deploy"],
    ["reversed is dropped", "deploy", [r(4, 2)], "deploy"],
    ["not a number is dropped", "deploy", [r(Number.NaN, 3)], "deploy"],
    ["fractions widen to whole units", "deploy", [r(0.5, 2.5)], "[dep]loy"],
    ["accents are one unit each", "café crème", [r(5, 10)], "café [crème]"],
    ["CJK", "東京タワーに行く", [r(0, 2)], "[東京]タワーに行く"],
    ["an emoji is never cut in half (start)", "a😀b", [r(2, 4)], "a[😀b]"],
    ["an emoji is never cut in half (end)", "a😀b", [r(0, 2)], "[a😀]b"],
    ["empty text", "", [r(0, 3)], ""],
  ])("%s", (_case, text, ranges, expected) => {
    expect(shown(text, ranges)).toBe(expected);
  });

  it("joined, the segments are the text again", () => {
    const text = "a😀b café 東京 and more";
    for (const ranges of [[], [r(1, 3)], [r(0, 99), r(3, 4)], [r(-1, 2), r(5, 7), r(6, 12)]]) {
      expect(
        highlightSegments(text, ranges)
          .map((s) => s.text)
          .join(""),
      ).toBe(text);
    }
  });

  it("never leaves two marked runs side by side", () => {
    const segments = highlightSegments("abcdef", [r(0, 2), r(2, 4), r(4, 6)]);
    expect(segments).toEqual([{ text: "abcdef", match: true }]);
  });
});

describe("normalizeRanges", () => {
  it("does not change the ranges it was given", () => {
    const ranges = [r(0, 4), r(2, 6)];
    normalizeRanges("deploy", ranges);
    expect(ranges).toEqual([r(0, 4), r(2, 6)]);
  });
});

describe("excerpt", () => {
  const long = `${"word ".repeat(60)}needle ${"tail ".repeat(60)}`;
  const at = long.indexOf("needle");

  it("shows a short text whole", () => {
    expect(excerpt("find the needle", [r(9, 15)], 100)).toEqual({
      segments: [
        { text: "find the ", match: false },
        { text: "needle", match: true },
      ],
      cutBefore: false,
      cutAfter: false,
    });
  });

  it("shows a long text's match with what leads to it, starting at a word", () => {
    const part = excerpt(long, [r(at, at + 6)], 100);
    expect(part.cutBefore).toBe(true);
    expect(part.cutAfter).toBe(true);
    const text = part.segments.map((s) => s.text).join("");
    expect(text.length).toBeLessThanOrEqual(100);
    expect(text.startsWith("word ")).toBe(true);
    expect(part.segments.find((s) => s.match)?.text).toBe("needle");
  });

  it("shows the start of a long text without a match", () => {
    const part = excerpt(long, [], 50);
    expect(part.cutBefore).toBe(false);
    expect(part.cutAfter).toBe(true);
    expect(part.segments).toEqual([{ text: long.slice(0, 50), match: false }]);
  });

  it("shows the end of a long text whose match is at its end", () => {
    const text = `${"x".repeat(200)}needle`;
    const part = excerpt(text, [r(200, 206)], 50);
    expect(part.cutAfter).toBe(false);
    expect(part.segments.at(-1)).toEqual({ text: "needle", match: true });
  });

  it("does not cut an emoji in half at its edges", () => {
    const text = `${"😀".repeat(100)}`;
    const part = excerpt(text, [], 51);
    const shownText = part.segments.map((s) => s.text).join("");
    expect(shownText).toBe("😀".repeat(26));
  });
});
