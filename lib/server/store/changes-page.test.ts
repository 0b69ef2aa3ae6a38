import { describe, expect, it } from "vitest";
import { MAX_PAGE_BYTES, MESSAGE_OVERHEAD_BYTES } from "../../shared/limits";
import type { ChatMessage, MemberChange } from "../../shared/protocol";
import { takeChanges } from "./changes-page";

const message = (rev: number, text = "hi"): ChatMessage => ({
  id: `m${rev}`,
  room: "r",
  seq: rev,
  rev,
  clientId: `c${rev}`,
  author: { id: "a", name: "A" },
  text,
  createdAt: new Date(0).toISOString(),
  editedAt: null,
  deleted: false,
  replyTo: null,
  reactions: [],
});
const member = (rev: number): MemberChange => ({
  room: "r",
  rev,
  user: { id: `u${rev}`, name: "U" },
  kind: "joined",
  role: "member",
  mutedUntil: null,
  by: null,
  at: new Date(0).toISOString(),
});
const revs = (page: ReturnType<typeof takeChanges>) =>
  [...page.messages, ...page.members].map((c) => c.rev).toSorted((a, b) => a - b);

describe("takeChanges", () => {
  it.each([
    ["members only", [], [1, 2, 3], 5, [1, 2, 3], false],
    ["messages only", [1, 2, 3], [], 5, [1, 2, 3], false],
    ["interleaved, within the limit", [2, 4], [1, 3, 5], 5, [1, 2, 3, 4, 5], false],
    ["interleaved, cut at the limit", [2, 4, 6], [1, 3, 5], 4, [1, 2, 3, 4], true],
    ["members first, cut at the limit", [5, 6], [1, 2, 3, 4], 4, [1, 2, 3, 4], true],
    ["messages first, cut at the limit", [1, 2, 3, 4], [5, 6], 4, [1, 2, 3, 4], true],
    ["nothing", [], [], 5, [], false],
  ])("%s", (_case, messageRevs, memberRevs, limit, expected, hasMore) => {
    const page = takeChanges(
      messageRevs.map((r) => message(r)),
      memberRevs.map(member),
      limit,
    );
    expect(revs(page)).toEqual(expected);
    expect(page.hasMore).toBe(hasMore);
  });

  it("counts memberships against the byte bound, as messages without text", () => {
    const long = "x".repeat(MAX_PAGE_BYTES - 2 * MESSAGE_OVERHEAD_BYTES);
    // A member change, then a message that fits only alone with it, then more.
    const page = takeChanges([message(2, long), message(3)], [member(1), member(4)], 10);
    expect(revs(page)).toEqual([1, 2]);
    expect(page.hasMore).toBe(true);
    // The first change is always taken, however long.
    const huge = takeChanges([message(1, "x".repeat(MAX_PAGE_BYTES * 2))], [member(2)], 10);
    expect(revs(huge)).toEqual([1]);
    expect(huge.hasMore).toBe(true);
  });

  it("stops reading the messages where it stops taking", () => {
    let read = 0;
    function* stream() {
      for (let rev = 1; rev <= 100; rev++) {
        read++;
        yield message(rev);
      }
    }
    takeChanges(stream(), [], 3);
    expect(read).toBe(4);
  });
});
