import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isEmptyQuery, parseSearchQuery, type SearchQuery, utcDay } from "./search-query";

const none: SearchQuery = {
  words: [],
  phrases: [],
  excluded: [],
  from: [],
  in: [],
  before: null,
  after: null,
  on: null,
  hasLink: false,
  isReply: false,
};

const cases: [string, Partial<SearchQuery>][] = [
  ["", {}],
  ["   ", {}],
  ["deploy", { words: ["deploy"] }],
  ["deploy failed", { words: ["deploy", "failed"] }],
  ['"release notes"', { phrases: ["release notes"] }],
  ['"release    notes"', { phrases: ["release notes"] }],
  ['"one"', { words: ["one"] }],
  ['deploy "release notes" now', { words: ["deploy", "now"], phrases: ["release notes"] }],
  ["-staging", { excluded: ["staging"] }],
  ['deploy -"dry run"', { words: ["deploy"], excluded: ["dry run"] }],
  ["-", { words: ["-"] }],
  ["well-known", { words: ["well-known"] }],
  ["from:ana", { from: ["ana"] }],
  ["from:@ana", { from: ["ana"] }],
  ['from:"Ana Lee"', { from: ["Ana Lee"] }],
  ["FROM:ana", { from: ["ana"] }],
  ["from:", { words: ["from:"] }],
  ["from:@", { words: ["from:@"] }],
  ["in:ops", { in: ["ops"] }],
  ["in:#Ops", { in: ["ops"] }],
  ["in:not/a/room", { words: ["in:not/a/room"] }],
  ["from:ana from:bo in:a in:b", { from: ["ana", "bo"], in: ["a", "b"] }],
  ["before:2026-01-31", { before: "2026-01-31" }],
  ["after:2026-01-31", { after: "2026-01-31" }],
  ["on:2026-02-28", { on: "2026-02-28" }],
  ["on:2026-02-30", { words: ["on:2026-02-30"] }],
  ["before:yesterday", { words: ["before:yesterday"] }],
  ["after:2026-1-3", { words: ["after:2026-1-3"] }],
  ["has:link", { hasLink: true }],
  ["has:LINK", { hasLink: true }],
  ["has:file", { words: ["has:file"] }],
  ["is:reply", { isReply: true }],
  ["is:pinned", { words: ["is:pinned"] }],
  ["http://example.com/a:b", { words: ["http://example.com/a:b"] }],
  ['"unclosed phrase', { words: ["unclosed phrase"] }],
  ['a"b', { words: ["ab"] }],
  ["café naïve", { words: ["café", "naïve"] }],
  ["東京タワー", { words: ["東京タワー"] }],
  [
    'deploy "release notes" -staging from:ana in:ops after:2026-01-31 has:link is:reply',
    {
      words: ["deploy"],
      phrases: ["release notes"],
      excluded: ["staging"],
      from: ["ana"],
      in: ["ops"],
      after: "2026-01-31",
      hasLink: true,
      isReply: true,
    },
  ],
];

describe("parseSearchQuery", () => {
  it.each(cases)("%j", (input, expected) => {
    expect(parseSearchQuery(input)).toEqual({ ...none, ...expected });
  });

  it("never throws, and every word it keeps came from the input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (input) => {
        const query = parseSearchQuery(input);
        const unquoted = input.replaceAll('"', "");
        for (const word of [...query.words, ...query.phrases, ...query.excluded]) {
          expect(word.length).toBeGreaterThan(0);
          for (const part of word.split(" ")) expect(unquoted).toContain(part);
        }
      }),
    );
  });

  it("sees nothing to search in blank or quote-only input", () => {
    expect(isEmptyQuery(parseSearchQuery(' "" " '))).toBe(true);
    expect(isEmptyQuery(parseSearchQuery("from:ana"))).toBe(false);
  });
});

describe("utcDay", () => {
  it.each([
    ["2026-01-31", Date.UTC(2026, 0, 31)],
    ["2024-02-29", Date.UTC(2024, 1, 29)],
  ])("%s starts at midnight UTC", (day, start) => {
    expect(utcDay(day)).toEqual({ start, end: start + 86_400_000 });
  });
  it.each(["2026-02-29", "2026-13-01", "2026-00-10", "26-01-01", "2026-01-01T00:00"])(
    "%s is no day",
    (day) => expect(utcDay(day)).toBeNull(),
  );
});
