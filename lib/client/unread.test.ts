import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../shared/protocol";
import {
  firstUnreadSeq,
  titleWithUnread,
  unreadCount,
  unreadInRoom,
  unreadMentions,
} from "./unread";

const ME = "me";
/** Messages by seq; the letter says who wrote it: m = me, o = someone else. */
function messages(authors: string, firstSeq = 1): ChatMessage[] {
  return [...authors].map((who, i) => ({
    id: `id-${firstSeq + i}`,
    room: "general",
    seq: firstSeq + i,
    clientId: `c-${firstSeq + i}`,
    author: { id: who === "m" ? ME : "other", name: who },
    text: "hi",
    createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
    rev: 1,
    editedAt: null,
    deleted: false,
    replyTo: null,
    reactions: [],
  }));
}

describe("unread in an open room", () => {
  it.each<[string, string, number | undefined, number, number | null]>([
    // case, authors of seq 1.., read seq, unread count, divider before seq
    ["a room never opened here", "ooo", undefined, 0, null],
    ["everything read", "ooo", 3, 0, null],
    ["two new from others", "ooooo", 3, 2, 4],
    ["my own messages are not unread", "ooomm", 3, 0, null],
    ["the divider skips my own reply", "ooomo", 3, 1, 5],
    ["others after mine", "oomoo", 2, 2, 4],
    ["read further than held (another tab read on)", "ooo", 10, 0, null],
    ["nothing held", "", 0, 0, null],
  ])("%s", (_case, authors, readSeq, count, divider) => {
    const held = messages(authors);
    expect(unreadCount(held, readSeq, ME)).toBe(count);
    expect(firstUnreadSeq(held, readSeq, ME)).toBe(divider);
  });

  it("counts only what is held when older pages were never loaded", () => {
    const held = messages("oooo", 101);
    expect(unreadCount(held, 50, ME)).toBe(4);
    expect(firstUnreadSeq(held, 50, ME)).toBe(101);
  });
});

describe("unread in a room that is not open", () => {
  it.each<[number, number | undefined, number]>([
    [10, undefined, 0],
    [10, 10, 0],
    [10, 7, 3],
    [0, 0, 0],
    // The room was reset under a stale position.
    [3, 10, 0],
  ])("latest %i, read %s → %i", (latest, read, expected) => {
    expect(unreadInRoom(latest, read)).toBe(expected);
  });
});

describe("titleWithUnread", () => {
  it.each<[string, number, string]>([
    ["#general · Scrollback", 0, "#general · Scrollback"],
    ["#general · Scrollback", 3, "(3) #general · Scrollback"],
    ["(3) #general · Scrollback", 5, "(5) #general · Scrollback"],
    ["(5) #general · Scrollback", 0, "#general · Scrollback"],
    ["#general · Scrollback", 150, "(99+) #general · Scrollback"],
    ["(99+) #general · Scrollback", 2, "(2) #general · Scrollback"],
  ])("%s with %i unread → %s", (title, unread, expected) => {
    expect(titleWithUnread(title, unread)).toBe(expected);
  });
});

describe("unreadMentions", () => {
  it.each<[string, number[] | undefined, number | undefined, number]>([
    ["none listed", undefined, 3, 0],
    ["those after the read position", [9, 7, 4], 5, 2],
    ["none after it", [4, 2], 4, 0],
    ["every one in a room never opened", [4, 2], undefined, 2],
  ])("%s", (_name, seqs, read, expected) => {
    expect(unreadMentions(seqs, read)).toBe(expected);
  });
});
