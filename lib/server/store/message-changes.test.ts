import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_REACTIONS_PER_MESSAGE } from "../../shared/limits";
import type { ReactionCount } from "../../shared/protocol";
import {
  type ChangeTarget,
  countReactions,
  decideChange,
  decodeReactions,
  encodeReactions,
  type MessageChange,
} from "./message-changes";

const message = (overrides: Partial<ChangeTarget> = {}): ChangeTarget => ({
  authorId: "ana",
  text: "hello",
  deleted: false,
  reactions: [],
  mine: [],
  ...overrides,
});
const full: ReactionCount[] = Array.from({ length: MAX_REACTIONS_PER_MESSAGE }, (_, i) => ({
  emoji: String.fromCodePoint(0x1f600 + i),
  count: 1,
}));

describe("decideChange", () => {
  const rows: [string, ChangeTarget, string, MessageChange, ReturnType<typeof decideChange>][] = [
    ["the author edits", message(), "ana", { kind: "edit", text: "hi" }, { kind: "apply" }],
    [
      "the author edits to the same text",
      message(),
      "ana",
      { kind: "edit", text: "hello" },
      { kind: "unchanged" },
    ],
    [
      "someone else edits",
      message(),
      "bea",
      { kind: "edit", text: "hi" },
      { kind: "refuse", code: "forbidden" },
    ],
    [
      "the author edits a deleted message",
      message({ deleted: true, text: "" }),
      "ana",
      { kind: "edit", text: "hi" },
      { kind: "refuse", code: "not_found" },
    ],
    [
      "someone else edits a deleted message",
      message({ deleted: true, text: "" }),
      "bea",
      { kind: "edit", text: "hi" },
      { kind: "refuse", code: "not_found" },
    ],
    ["the author deletes", message(), "ana", { kind: "delete" }, { kind: "apply" }],
    [
      "the author deletes again",
      message({ deleted: true, text: "" }),
      "ana",
      { kind: "delete" },
      { kind: "unchanged" },
    ],
    [
      "someone else deletes",
      message(),
      "bea",
      { kind: "delete" },
      { kind: "refuse", code: "forbidden" },
    ],
    [
      "someone else deletes a deleted message",
      message({ deleted: true }),
      "bea",
      { kind: "delete" },
      { kind: "refuse", code: "forbidden" },
    ],
    [
      "anyone reacts",
      message(),
      "bea",
      { kind: "reaction", emoji: "👍", added: true },
      { kind: "apply" },
    ],
    [
      "reacting again with the same emoji",
      message({ reactions: [{ emoji: "👍", count: 1 }], mine: ["👍"] }),
      "bea",
      { kind: "reaction", emoji: "👍", added: true },
      { kind: "unchanged" },
    ],
    [
      "removing a reaction one has",
      message({ reactions: [{ emoji: "👍", count: 2 }], mine: ["👍"] }),
      "bea",
      { kind: "reaction", emoji: "👍", added: false },
      { kind: "apply" },
    ],
    [
      "removing a reaction one has not",
      message({ reactions: [{ emoji: "👍", count: 2 }] }),
      "bea",
      { kind: "reaction", emoji: "👍", added: false },
      { kind: "unchanged" },
    ],
    [
      "reacting to a deleted message",
      message({ deleted: true }),
      "bea",
      { kind: "reaction", emoji: "👍", added: true },
      { kind: "refuse", code: "not_found" },
    ],
    [
      "a 21st distinct emoji",
      message({ reactions: full }),
      "bea",
      { kind: "reaction", emoji: "👍", added: true },
      { kind: "refuse", code: "reaction_limit" },
    ],
    [
      "joining one of the 20 emoji already there",
      message({ reactions: full }),
      "bea",
      { kind: "reaction", emoji: "😀", added: true },
      { kind: "apply" },
    ],
    [
      "removing from a message with 20 emoji",
      message({ reactions: full, mine: ["😀"] }),
      "bea",
      { kind: "reaction", emoji: "😀", added: false },
      { kind: "apply" },
    ],
  ];
  it.each(rows)("%s", (_name, target, actor, change, expected) => {
    expect(decideChange(target, actor, change)).toEqual(expected);
  });
});

describe("countReactions", () => {
  it.each([
    ["a first reaction", [], "👍", true, [{ emoji: "👍", count: 1 }]],
    ["a second person", [{ emoji: "👍", count: 1 }], "👍", true, [{ emoji: "👍", count: 2 }]],
    [
      "a new emoji goes last",
      [{ emoji: "👍", count: 2 }],
      "🎉",
      true,
      [
        { emoji: "👍", count: 2 },
        { emoji: "🎉", count: 1 },
      ],
    ],
    [
      "one of two leaves, keeping its place",
      [
        { emoji: "👍", count: 2 },
        { emoji: "🎉", count: 1 },
      ],
      "👍",
      false,
      [
        { emoji: "👍", count: 1 },
        { emoji: "🎉", count: 1 },
      ],
    ],
    [
      "the last one leaves",
      [
        { emoji: "👍", count: 1 },
        { emoji: "🎉", count: 1 },
      ],
      "👍",
      false,
      [{ emoji: "🎉", count: 1 }],
    ],
  ] as [string, ReactionCount[], string, boolean, ReactionCount[]][])(
    "%s",
    (_name, before, emoji, added, after) => {
      expect(countReactions(before, emoji, added)).toEqual(after);
    },
  );

  it("equals counting the people who hold each emoji, in order of first appearance, after any sequence of valid changes", () => {
    const emoji = fc.constantFrom("👍", "🎉", "❤️", "🇵🇹");
    const person = fc.constantFrom("ana", "bea", "cid");
    fc.assert(
      fc.property(fc.array(fc.tuple(person, emoji, fc.boolean()), { maxLength: 60 }), (steps) => {
        let counts: ReactionCount[] = [];
        const held = new Map<string, Set<string>>();
        const order: string[] = [];
        for (const [who, e, added] of steps) {
          const holders = held.get(e) ?? new Set<string>();
          // Only changes that change something reach countReactions (decideChange says unchanged otherwise).
          if (holders.has(who) === added) continue;
          counts = countReactions(counts, e, added);
          if (added) {
            if (holders.size === 0) order.push(e);
            holders.add(who);
          } else {
            holders.delete(who);
            if (holders.size === 0) order.splice(order.indexOf(e), 1);
          }
          held.set(e, holders);
        }
        expect(counts).toEqual(order.map((e) => ({ emoji: e, count: held.get(e)?.size ?? 0 })));
        expect(decodeReactions(encodeReactions(counts))).toEqual(counts);
      }),
    );
  });
});
