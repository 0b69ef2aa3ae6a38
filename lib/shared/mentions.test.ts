import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  findMentions,
  type MentionCandidate,
  mentionAllOf,
  mentionedIds,
  mentionPrefixes,
} from "./mentions";

const people: MentionCandidate[] = [
  { id: "ann", name: "Ann" },
  { id: "anna", name: "Anna" },
  { id: "mary", name: "Mary" },
  { id: "maryann", name: "Mary Ann" },
  { id: "zoe", name: "Zoë" },
  { id: "li", name: "李小龙" },
  { id: "jr", name: "J.R." },
  { id: "service", name: "Room Service" },
];

const ids = (text: string) => mentionedIds(findMentions(text, people));

describe("findMentions", () => {
  it.each<[string, string, string[]]>([
    ["a name after @", "hi @Ann", ["ann"]],
    ["case does not matter", "hi @aNN!", ["ann"]],
    ["the longest name wins", "@Anna and @Ann", ["anna", "ann"]],
    ["a name with a space", "ping @Mary Ann please", ["maryann"]],
    ["the shorter name when the longer does not follow", "@Mary Anne", ["mary"]],
    ["a name must end a word", "@Annabel", []],
    ["punctuation ends a name", "(@Ann), @Ann's, @Ann.", ["ann"]],
    ["accents, composed", "x @zoë", ["zoe"]],
    ["accents, decomposed", "x @zoe\u0308", ["zoe"]],
    ["an accent missing is another name", "x @zoe", []],
    ["another script", "你好@李小龙", []],
    ["another script after a space", "你好 @李小龙 吗", ["li"]],
    ["a name ending in punctuation", "@J.R. said", ["jr"]],
    ["an email is not a mention", "write ann@Ann.example", []],
    ["inline code is literal", "`@Ann` but @Mary", ["mary"]],
    ["double backticks", "``a ` @Ann`` @Anna", ["anna"]],
    ["an unclosed backtick is text", "` @Ann", ["ann"]],
    ["a fenced block is literal", "```\n@Ann\n```\n@Mary", ["mary"]],
    ["an unclosed fence runs to the end", "~~~\n@Ann\n@Mary", []],
    ["indented code is literal", "text\n\n    @Ann\n@Mary", ["mary"]],
    ["an address is not a mention", "see https://example.com/@Ann now", []],
    ["@ alone", "@ Ann @", []],
    ["the same person twice is one id", "@Ann @ann", ["ann"]],
    ["no @, no mention", "Ann", []],
    ["a longer name beats a keyword", "@Room Service please", ["service"]],
  ])("%s", (_name, text, expected) => {
    expect(ids(text)).toEqual(expected);
  });

  it("finds @room and @here apart from people", () => {
    const scan = findMentions("@here and @ROOM, not @rooms", people);
    expect(scan.everyone.map((m) => m.kind)).toEqual(["here", "room"]);
    expect(mentionAllOf(scan)).toBe("room");
    expect(mentionAllOf(findMentions("@here", []))).toBe("here");
    expect(mentionAllOf(findMentions("`@here`", []))).toBeNull();
  });

  it("gives spans from the @ to the end of the name", () => {
    const text = "hey @Mary Ann, and @here";
    const scan = findMentions(text, people);
    const [mary] = scan.people;
    const [here] = scan.everyone;
    expect(mary && text.slice(mary.start, mary.end)).toBe("@Mary Ann");
    expect(here && text.slice(here.start, here.end)).toBe("@here");
  });

  it("finds a mention of any name typed after @ at a word's start, and never one inside a word", () => {
    const name = fc
      .stringMatching(/^[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ ]{0,10}[A-Za-zÀ-ÿ]$/)
      .filter((n) => !/ {2}/.test(n));
    fc.assert(
      fc.property(
        name,
        fc.constantFrom("", "hi ", "(", "\n"),
        fc.constantFrom("", " x", ".", "!"),
        (n, before, after) => {
          const candidates = [{ id: "x", name: n }];
          expect(mentionedIds(findMentions(`${before}@${n}${after}`, candidates))).toEqual(["x"]);
          expect(
            mentionedIds(findMentions(`${before}@${n.toUpperCase()}${after}`, candidates)),
          ).toEqual(["x"]);
          expect(mentionedIds(findMentions(`a${before.trim()}b@${n}${after}`, candidates))).toEqual(
            [],
          );
          expect(mentionedIds(findMentions(`\`@${n}\``, candidates))).toEqual([]);
        },
      ),
    );
  });

  it("only ever mentions candidates, with spans that start at an @", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("@", "A", "n", " ", "`", "M", "a", "r", "y", "\n") }),
        (text) => {
          const scan = findMentions(text, people);
          for (const m of scan.people) {
            expect(text[m.start]).toBe("@");
            expect(people.some((p) => p.id === m.userId)).toBe(true);
          }
        },
      ),
    );
  });
});

describe("mentionPrefixes", () => {
  it.each<[string, string, string[]]>([
    ["the word after each @", "@Mary Ann and @Bob's", ["Mary", "Bob"]],
    ["a symbol-first name", "@🦊 Fox", ["🦊"]],
    ["none in code or emails", "`@Ann` a@b.c", []],
    ["nothing after @", "@ x @", []],
    ["each once", "@ann @ann", ["ann"]],
  ])("%s", (_name, text, expected) => {
    expect(mentionPrefixes(text)).toEqual(expected);
  });

  it("is bounded", () => {
    const text = Array.from({ length: 100 }, (_, i) => `@n${i}`).join(" ");
    expect(mentionPrefixes(text, 20)).toHaveLength(20);
  });
});
