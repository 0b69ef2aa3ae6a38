import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findMentions, mentionedIds } from "../shared/mentions";
import {
  insertMention,
  mentionQueryAt,
  moveHighlight,
  suggestMentions,
} from "./mention-autocomplete";

const members = [
  { id: "me", name: "Me Myself" },
  { id: "ben", name: "Ben Li" },
  { id: "bea", name: "Bea" },
  { id: "lia", name: "Lia" },
  { id: "zoe", name: "Zoë" },
];

describe("mentionQueryAt", () => {
  it.each<[string, string, string | null]>([
    ["right after @", "hi @", ""],
    ["letters after @", "hi @be", "be"],
    ["a space inside a name", "hi @Ben L", "Ben L"],
    ["at the start", "@z", "z"],
    ["an email is not a mention", "mail ann@ex", null],
    ["a line break ends it", "@ben\nx", null],
    ["two spaces end it", "@ben  x", null],
    ["a space right after @", "@ ben", null],
    ["right after a backtick", "`@be", null],
    ["an unclosed code span before", "` @be", "be"],
    ["in closed code", "`@be` ", null],
    ["no @", "hello", null],
  ])("%s", (_name, text, expected) => {
    expect(mentionQueryAt(text, text.length)?.query ?? null).toBe(expected);
  });

  it("looks only before the caret", () => {
    expect(mentionQueryAt("@be and more", 3)).toEqual({ start: 0, end: 3, query: "be" });
  });
});

describe("suggestMentions", () => {
  it.each<[string, string, boolean, string[]]>([
    ["everyone but me for a bare @", "", false, ["Bea", "Ben Li", "Lia", "Zoë"]],
    ["a name's start, then a later word's", "li", false, ["Lia", "Ben Li"]],
    ["case and accents as names compare", "ZOË", false, ["Zoë"]],
    [
      "@room and @here for those who may",
      "",
      true,
      ["room", "here", "Bea", "Ben Li", "Lia", "Zoë"],
    ],
    ["only matching keywords", "he", true, ["here"]],
    ["nothing matches", "qq", true, []],
  ])("%s", (_name, query, mentionAll, expected) => {
    expect(
      suggestMentions(query, members, { selfId: "me", mentionAll }).map((s) => s.name),
    ).toEqual(expected);
  });

  it("is bounded", () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ id: `u${i}`, name: `Ann ${i}` }));
    expect(suggestMentions("ann", many, { max: 8 })).toHaveLength(8);
  });
});

describe("insertMention", () => {
  it("replaces what was typed with the name and a space, caret after it", () => {
    const text = "hi @be";
    const at = mentionQueryAt(text, text.length);
    if (!at) throw new Error("no query");
    expect(insertMention(text, at, "Ben Li")).toEqual({ text: "hi @Ben Li ", caret: 11 });
  });

  it("keeps what follows the caret", () => {
    const text = "hi @be there";
    const at = mentionQueryAt(text, 6);
    if (!at) throw new Error("no query");
    expect(insertMention(text, at, "Bea")).toEqual({ text: "hi @Bea there", caret: 8 });
  });

  it("inserts what the shared rule then finds as a mention of that person", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...members),
        fc.string({ unit: fc.constantFrom("a", " ", "x", ".") }),
        (member, before) => {
          const text = `${before} @`;
          const at = mentionQueryAt(text, text.length);
          if (!at) return;
          const { text: next } = insertMention(text, at, member.name);
          expect(mentionedIds(findMentions(next, members))).toContain(member.id);
        },
      ),
    );
  });
});

describe("moveHighlight", () => {
  it("wraps round both ways", () => {
    expect(moveHighlight(2, 1, 3)).toBe(0);
    expect(moveHighlight(0, -1, 3)).toBe(2);
    expect(moveHighlight(0, 1, 0)).toBe(0);
  });
});
