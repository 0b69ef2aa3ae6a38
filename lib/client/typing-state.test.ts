import { describe, expect, it } from "vitest";
import {
  expireTypists,
  heardStop,
  messageArrived,
  nextExpiry,
  noTypists,
  STOP_EXPLAINS_MESSAGE_MS,
  startedTyping,
  stoppedTyping,
  type TypingStops,
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

  // The events as one client hears them, in order: who is listed typing at the end.
  type Heard = ["start" | "stop" | "message", typeof ana, number];
  const hear = (events: Heard[]) => {
    let state: { typists: Typists; stops: TypingStops } = { typists: noTypists, stops: new Map() };
    for (const [kind, user, at] of events) {
      if (kind === "start")
        state = { ...state, typists: startedTyping(state.typists, user, at, 10_000) };
      else if (kind === "stop") state = heardStop(state.typists, state.stops, user.id, at);
      else state = messageArrived(state.typists, state.stops, user.id, at);
    }
    return names(state.typists);
  };

  it.each<[string, Heard[], string[]]>([
    [
      "a message clears its typist (a bot that never says stop)",
      [
        ["start", ana, 0],
        ["message", ana, 10],
      ],
      [],
    ],
    [
      "stop, then the message: nobody",
      [
        ["start", ana, 0],
        ["stop", ana, 10],
        ["message", ana, 20],
      ],
      [],
    ],
    [
      "stop, a start on the next message, then the first message: still typing",
      [
        ["start", ana, 0],
        ["stop", ana, 10],
        ["start", ana, 15],
        ["message", ana, 40],
      ],
      ["Ana"],
    ],
    [
      "the stop explains one message only: the next one clears again",
      [
        ["stop", ana, 10],
        ["start", ana, 15],
        ["message", ana, 40],
        ["message", ana, 50],
      ],
      [],
    ],
    [
      "a stop too old to explain the message does not keep a typist",
      [
        ["stop", ana, 0],
        ["start", ana, 5],
        ["message", ana, STOP_EXPLAINS_MESSAGE_MS + 1],
      ],
      [],
    ],
    [
      "another person's stop explains nothing of Ana's",
      [
        ["stop", bea, 0],
        ["start", ana, 5],
        ["message", ana, 20],
      ],
      [],
    ],
  ])("%s", (_name, events, typing) => {
    expect(hear(events)).toEqual(typing);
  });
});
