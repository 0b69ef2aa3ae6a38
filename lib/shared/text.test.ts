import { describe, expect, it } from "vitest";
import { hasVisibleText } from "./text";

describe("hasVisibleText", () => {
  it.each([
    ["nothing", ""],
    ["spaces, tabs and newlines", " \t\n "],
    ["no-break and ideographic spaces", "\u00a0\u3000\u2007"],
    ["zero-width spaces", "\u200b\u200b\u200b"],
    ["zero-width joiners and non-joiners", "\u200d\u200c\u200d"],
    ["a word joiner and a byte-order mark", "\u2060\ufeff"],
    ["bidi overrides and isolates", "\u202e\u2066\u2069\u202c"],
    ["the Hangul fillers", "\u3164\u115f\u1160\uffa0"],
    ["the blank Braille pattern", "\u2800\u2800"],
    ["a soft hyphen", "\u00ad"],
    ["variation selectors", "\ufe0f\u{e0100}"],
    ["a combining grapheme joiner", "\u034f"],
    ["tag characters", "\u{e0020}\u{e0041}"],
    ["all of them with spaces", " \u200b \u3164 \u2800 \u202e "],
  ])("%s is blank", (_, text) => {
    expect(hasVisibleText(text)).toBe(false);
  });

  it.each([
    ["a letter", "a"],
    ["a letter among zero-width spaces", "\u200ba\u200b"],
    ["a digit", "0"],
    ["punctuation", "."],
    ["an emoji", "😀"],
    ["an emoji sequence with joiners", "👩\u200d💻"],
    ["a flag", "🇫🇷"],
    ["Hangul", "한"],
    ["a non-blank Braille pattern", "\u2801"],
    ["an accent on its own", "\u0301"],
    ["a control character that is not whitespace", "\u0007"],
  ])("%s is visible", (_, text) => {
    expect(hasVisibleText(text)).toBe(true);
  });
});
