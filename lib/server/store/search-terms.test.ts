import { describe, expect, it } from "vitest";
import { parseSearchQuery } from "../../shared/search-query";
import { websearchText } from "./postgres/search";
import { containsPattern, searchTerms } from "./search-terms";
import { ftsMatch } from "./sqlite/search";

describe("searchTerms", () => {
  it.each([
    ["deploy now", { words: ["deploy", "now"], unmatchable: false }],
    ['"release notes" -staging', { phrases: ["release notes"], excludedWords: ["staging"] }],
    ["東京 タワー plan", { words: ["plan"], substrings: ["東京", "タワー"] }],
    ['"京都の 秋" -タワー', { substrings: ["京都の 秋"], excludedSubstrings: ["タワー"] }],
    ["서울에서", { substrings: ["서울에서"] }],
    ["!!! ???", { words: [], unmatchable: true }],
    ["from:ana", { words: [], unmatchable: false }],
    ["-- -!!", { excludedWords: [], unmatchable: false }],
  ] as const)("%s", (query, expected) => {
    expect(searchTerms(parseSearchQuery(query))).toMatchObject(expected);
  });
});

describe("the engines' query text", () => {
  it.each([
    ["deploy now", '("deploy" AND "now")', '"deploy" "now"'],
    ['"release notes" -staging', '("release notes") NOT "staging"', '"release notes" -"staging"'],
    ["a -b -c", '("a") NOT "b" NOT "c"', '"a" -"b" -"c"'],
    ["or and not", '("or" AND "and" AND "not")', '"or" "and" "not"'],
    [
      "NEAR(a b) col:x ^y z*",
      '("NEAR(a" AND "b)" AND "col:x" AND "^y" AND "z*")',
      '"NEAR(a" "b)" "col:x" "^y" "z*"',
    ],
    ["-only", null, null],
    ["東京", null, null],
  ] as const)("%s", (query, fts, websearch) => {
    const terms = searchTerms(parseSearchQuery(query));
    expect(ftsMatch(terms)).toBe(fts);
    expect(websearchText(terms)).toBe(websearch);
  });

  it("escapes LIKE's wildcards", () => {
    expect(containsPattern("50%_a\\b")).toBe("%50\\%\\_a\\\\b%");
  });
});
