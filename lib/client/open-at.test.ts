import { describe, expect, it } from "vitest";
import { messageLink, parseAt, withoutAt } from "./open-at";

describe("parseAt", () => {
  it.each<[string | null, number | null]>([
    ["1", 1],
    ["742", 742],
    ["9007199254740991", 9007199254740991],
    [null, null],
    ["", null],
    ["0", null],
    ["-3", null],
    ["007", null],
    ["1.5", null],
    ["1e3", null],
    [" 12", null],
    ["12abc", null],
    ["99999999999999999", null],
  ])("%j → %j", (value, expected) => {
    expect(parseAt(value)).toBe(expected);
  });
});

describe("messageLink", () => {
  it("names the room and the message's seq", () => {
    expect(messageLink("general", 42)).toBe("/chat/general?at=42");
  });
  it("is read back by parseAt", () => {
    const url = new URL(messageLink("ops-room_2", 7), "https://example.org");
    expect(url.pathname).toBe("/chat/ops-room_2");
    expect(parseAt(url.searchParams.get("at"))).toBe(7);
  });
});

describe("withoutAt", () => {
  it.each<[string, string, string, string]>([
    ["/chat/general", "?at=42", "", "/chat/general"],
    ["/chat/general", "?at=42&x=1", "", "/chat/general?x=1"],
    ["/chat/general", "?x=1&at=42", "#top", "/chat/general?x=1#top"],
    ["/chat/general", "", "", "/chat/general"],
  ])("%s%s%s → %s", (pathname, search, hash, expected) => {
    expect(withoutAt(pathname, search, hash)).toBe(expected);
  });
});
