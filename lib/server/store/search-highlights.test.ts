import { describe, expect, it } from "vitest";
import {
  highlightsOf,
  mergeRanges,
  rangesFromMarked,
  rangesOfSubstring,
} from "./search-highlights";

const S = "\u0001";
const E = "\u0002";

describe("rangesFromMarked", () => {
  it.each([
    ["no marks", "deploy now", "deploy now", []],
    ["one word", "deploy now", `${S}deploy${E} now`, [{ start: 0, end: 6 }]],
    [
      "two words",
      "deploy the release",
      `${S}deploy${E} the ${S}release${E}`,
      [
        { start: 0, end: 6 },
        { start: 11, end: 18 },
      ],
    ],
    [
      "a phrase marked whole",
      "the release notes",
      `the ${S}release notes${E}`,
      [{ start: 4, end: 17 }],
    ],
    [
      "a phrase marked word by word, joined",
      "ab cd",
      `${S}ab${E}${S} cd${E}`,
      [{ start: 0, end: 5 }],
    ],
    // UTF-16 offsets: an emoji before the match counts two.
    ["after an astral character", "😀 café", `😀 ${S}café${E}`, [{ start: 3, end: 7 }]],
    ["folded accents mark the text as written", "Café", `${S}Café${E}`, [{ start: 0, end: 4 }]],
    ["an unclosed mark is dropped", "a b", `${S}a b`, []],
    ["an empty mark is dropped", "a b", `${S}${E}a b`, []],
    ["a marked copy that is not the text", "a  b", `${S}a${E} b`, []],
    ["null", "text", null, []],
  ] as const)("%s", (_name, text, marked, expected) => {
    expect(rangesFromMarked(text, marked)).toEqual(expected);
  });
});

describe("rangesOfSubstring", () => {
  it.each([
    ["東京タワーに行きました", "タワー", [{ start: 2, end: 5 }]],
    [
      "ああああ",
      "ああ",
      [
        { start: 0, end: 2 },
        { start: 2, end: 4 },
      ],
    ],
    ["abc", "", []],
    ["abc", "x", []],
  ] as const)("%s / %s", (text, term, expected) => {
    expect(rangesOfSubstring(text, term)).toEqual(expected);
  });
});

describe("mergeRanges and highlightsOf", () => {
  it("sorts and joins overlapping or touching ranges", () => {
    expect(
      mergeRanges([
        { start: 5, end: 8 },
        { start: 0, end: 2 },
        { start: 2, end: 3 },
        { start: 6, end: 10 },
      ]),
    ).toEqual([
      { start: 0, end: 3 },
      { start: 5, end: 10 },
    ]);
  });

  it("joins the engine's marks with the substrings' places", () => {
    expect(highlightsOf("plan 東京 plan", `${S}plan${E} 東京 ${S}plan${E}`, ["東京"])).toEqual([
      { start: 0, end: 4 },
      { start: 5, end: 7 },
      { start: 8, end: 12 },
    ]);
  });
});
