import { describe, expect, it } from "vitest";
import { toEmoji } from "../shared/emoji";
import {
  canChange,
  lastEditable,
  QUICK_REACTIONS,
  QUOTE_CHARS,
  quoteOf,
  reactorsText,
} from "./message-actions";
import type { ShownMessage } from "./shown-message";

const ann = { id: "u-ann", name: "Ann" };
const bob = { id: "u-bob", name: "Bob" };

function message(seq: number, author = ann, change: Partial<ShownMessage> = {}): ShownMessage {
  return {
    id: `m${seq}`,
    room: "general",
    seq,
    rev: seq,
    clientId: `c${seq}`,
    author,
    text: `text ${seq}`,
    createdAt: "2026-01-01T00:00:00.000Z",
    editedAt: null,
    deleted: false,
    replyTo: null,
    reactions: [],
    pending: false,
    ...change,
  };
}

describe("canChange", () => {
  it.each([
    { name: "own message", m: message(1), me: ann.id, expected: true },
    { name: "someone else's", m: message(1, bob), me: ann.id, expected: false },
    {
      name: "own, deleted",
      m: message(1, ann, { deleted: true, text: "" }),
      me: ann.id,
      expected: false,
    },
    { name: "before the session is known", m: message(1), me: undefined, expected: false },
  ])("$name → $expected", ({ m, me, expected }) => {
    expect(canChange(m, me)).toBe(expected);
  });
});

describe("lastEditable", () => {
  it("is the person's newest message that is not deleted", () => {
    const messages = [message(1), message(2), message(3, bob), message(4, ann, { deleted: true })];
    expect(lastEditable(messages, ann.id)?.id).toBe("m2");
  });
  it("is null when the person has nothing to edit", () => {
    expect(lastEditable([message(1, bob)], ann.id)).toBeNull();
    expect(lastEditable([], ann.id)).toBeNull();
  });
});

describe("quoteOf", () => {
  const held = new Map(
    [
      message(1),
      message(2, bob, { deleted: true, text: "" }),
      message(3, ann, { text: "a\n\nb" }),
      message(5, ann, { text: "> **bold** and `code`\n- item" }),
    ].map((m) => [m.id, m] as const),
  );
  it.each([
    { id: "m1", expected: { kind: "message", author: ann, text: "text 1" } },
    { id: "m2", expected: { kind: "deleted" } },
    { id: "m3", expected: { kind: "message", author: ann, text: "a b" } },
    { id: "m5", expected: { kind: "message", author: ann, text: "bold and code item" } },
    { id: "m9", expected: { kind: "unloaded" } },
  ])("$id", ({ id, expected }) => {
    expect(quoteOf(held, { id })).toEqual(expected);
  });
  it("shortens a long text to one line's worth, by characters not code units", () => {
    const long = message(4, ann, { text: "😀".repeat(QUOTE_CHARS + 5) });
    const quote = quoteOf(new Map([[long.id, long]]), { id: long.id });
    expect(quote.kind === "message" && Array.from(quote.text)).toHaveLength(QUOTE_CHARS + 1);
  });
});

describe("reactorsText", () => {
  const user = (i: number) => ({ id: `u${i}`, name: `P${i}` });
  it.each([
    { users: [ann], count: 1, me: bob.id, expected: "Ann reacted with 👍" },
    { users: [ann, bob], count: 2, me: bob.id, expected: "You and Ann reacted with 👍" },
    { users: [ann, bob, user(3)], count: 3, me: "x", expected: "Ann, Bob and P3 reacted with 👍" },
    { users: [ann], count: 4, me: "x", expected: "Ann and 3 others reacted with 👍" },
    { users: [ann], count: 2, me: "x", expected: "Ann and 1 other reacted with 👍" },
    {
      users: Array.from({ length: 12 }, (_, i) => user(i)),
      count: 150,
      me: "x",
      expected: "P0, P1, P2, P3, P4, P5, P6, P7, P8, P9 and 140 others reacted with 👍",
    },
    { users: [], count: 5, me: "x", expected: "5 reacted with 👍" },
  ])("$expected", ({ users, count, me, expected }) => {
    expect(reactorsText({ users, count }, "👍", me)).toBe(expected);
  });
});

it("offers quick reactions the server accepts as they are", () => {
  for (const emoji of QUICK_REACTIONS) expect(toEmoji(emoji)).toBe(emoji);
});
