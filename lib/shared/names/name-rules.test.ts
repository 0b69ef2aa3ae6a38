import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { displayNameProblem, normalizeDisplayName } from "./name-rules";

describe("normalizeDisplayName", () => {
  it.each([
    ["surrounding spaces", "  Ana  ", "Ana"],
    ["a run of spaces inside", "Ana   Souza", "Ana Souza"],
    ["a no-break space inside", "Ana\u00a0Souza", "Ana Souza"],
    ["an ideographic space around", "\u3000山田\u3000", "山田"],
    ["a decomposed accent (NFD)", "Jose\u0301", "José"],
    ["a decomposed Hangul syllable", "\u1100\u1161", "가"],
    ["a name already normal", "Zoë 名前 🦊", "Zoë 名前 🦊"],
  ])("composes and tidies %s", (_case, raw, expected) => {
    expect(normalizeDisplayName(raw)).toBe(expected);
  });

  it("is idempotent, and its result is NFC", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (raw) => {
        const once = normalizeDisplayName(raw);
        expect(normalizeDisplayName(once)).toBe(once);
        expect(once.normalize("NFC")).toBe(once);
      }),
    );
  });
});

describe("displayNameProblem", () => {
  it.each([
    ["a plain name", "Ana"],
    ["two words", "Ana Souza"],
    ["an apostrophe", "O'Brien"],
    ["an accent", "José"],
    ["Latin and Han", "Zoë 名前"],
    ["Cyrillic alone", "Сара"],
    ["Hangul", "김민수"],
    ["an emoji with its variation selector", "❤️ Ana"],
    ["only an emoji", "🦊"],
    ["Braille letters, which are not blank", "⠁⠃"],
    ["32 characters", "x".repeat(32)],
    ["32 emoji (64 UTF-16 units)", "😀".repeat(32)],
  ])("accepts %s", (_case, name) => {
    expect(displayNameProblem(name)).toBeNull();
  });

  const BLANK = "A name can't be blank.";
  const INVISIBLE = "A name needs at least one visible letter, digit or symbol.";
  const HIDDEN = "A name can't contain control, invisible or text-direction characters.";
  it.each([
    ["nothing", "", BLANK],
    ["only a Hangul filler (U+3164)", "\u3164", INVISIBLE],
    ["only Hangul choseong fillers (U+115F)", "\u115f\u115f", INVISIBLE],
    ["only a halfwidth Hangul filler (U+FFA0)", "\uffa0", INVISIBLE],
    ["only the blank Braille pattern (U+2800)", "\u2800\u2800", INVISIBLE],
    ["only zero-width spaces", "\u200b\u200b", INVISIBLE],
    ["only a word joiner and a soft hyphen", "\u2060\u00ad", INVISIBLE],
    ["only a combining accent", "\u0301", INVISIBLE],
    ["only a musical null notehead", "\u{1D159}", INVISIBLE],
    ["a Hangul filler after the name", "Ana\u3164", HIDDEN],
    ["a zero-width space inside", "A\u200bna", HIDDEN],
    ["a combining grapheme joiner", "An\u034fa", HIDDEN],
    ["a right-to-left override", "\u202eanA", HIDDEN],
    ["a bidi isolate", "\u2066Ana\u2069", HIDDEN],
    ["a control character", "Ana\u0007", HIDDEN],
    ["a line separator", "Ana\u2028Bea", HIDDEN],
    [
      "a leading combining mark",
      "\u0301Ana",
      "A name can't start with an accent or other combining mark.",
    ],
    ["33 characters", "x".repeat(33), "A name can be at most 32 characters long."],
    [
      "a Cyrillic А in a Latin name",
      "Аlice",
      "This name mixes Cyrillic and Latin letters. Use one alphabet, so that look-alike letters can't pass for someone else's name.",
    ],
    [
      "three scripts",
      "Amit अमित علي",
      "This name mixes Latin, Devanagari and Arabic letters. Use one alphabet, so that look-alike letters can't pass for someone else's name.",
    ],
  ])("refuses %s, saying why", (_case, name, problem) => {
    expect(displayNameProblem(name)).toBe(problem);
  });
});
