import { describe, expect, it } from "vitest";
import {
  expireTypists,
  nextExpiry,
  noTypists,
  startedTyping,
  stoppedTyping,
  type Typists,
  typingUsers,
} from "./typing-state";

const ana = { id: "a", name: "Ana" };
const bea = { id: "b", name: "Bea" };
const EXPIRY = 1_000;
const names = (typists: Typists) => typingUsers(typists).map((u) => u.name);

describe("typing state", () => {
  it("lists typists longest-typing first; a refresh keeps a typist's place and extends their time", () => {
    let typists = startedTyping(noTypists, ana, 0, EXPIRY);
    typists = startedTyping(typists, bea, 100, EXPIRY);
    typists = startedTyping(typists, ana, 500, EXPIRY);
    expect(names(typists)).toEqual(["Ana", "Bea"]);
    expect(typists.get("a")?.until).toBe(1_500);
    expect(nextExpiry(typists)).toBe(1_100);
  });

  it.each<[string, number, string[]]>([
    ["before anyone's time is up", 1_099, ["Bea", "Ana"]],
    ["when the first typist's time is up", 1_100, ["Ana"]],
    ["when both are up", 1_500, []],
  ])("expires typists %s", (_case, now, expected) => {
    let typists = startedTyping(noTypists, bea, 100, EXPIRY);
    typists = startedTyping(typists, ana, 500, EXPIRY);
    expect(names(expireTypists(typists, now))).toEqual(expected);
  });

  it("returns the same map when nothing changes, so views do not re-render", () => {
    const typists = startedTyping(noTypists, ana, 0, EXPIRY);
    expect(expireTypists(typists, 10)).toBe(typists);
    expect(stoppedTyping(typists, "nobody")).toBe(typists);
  });

  it("forgets a typist who stopped; a name change follows their next notice", () => {
    let typists = startedTyping(noTypists, ana, 0, EXPIRY);
    typists = startedTyping(typists, { id: "a", name: "Ana Souza" }, 10, EXPIRY);
    expect(names(typists)).toEqual(["Ana Souza"]);
    expect(names(stoppedTyping(typists, "a"))).toEqual([]);
    expect(nextExpiry(noTypists)).toBeNull();
  });
});
