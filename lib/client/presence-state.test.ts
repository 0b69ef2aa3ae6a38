import { describe, expect, it } from "vitest";
import type { PresenceChange, PresenceList, User } from "../shared/protocol";
import {
  applyChange,
  applyList,
  emptyPresence,
  onlineView,
  type PresenceState,
  reconnected,
} from "./presence-state";

const ana: User = { id: "a", name: "Ana" };
const bea: User = { id: "b", name: "Bea" };
const caio: User = { id: "c", name: "Caio" };
const zoe: User = { id: "z", name: "Zoe" };

const list = (users: User[], count = users.length): PresenceList => ({ room: "r", users, count });
const change = (online: User[], offline: string[] = []): PresenceChange => ({
  room: "r",
  online,
  offline,
});

type Event = ["list", PresenceList] | ["change", PresenceChange];
const replay = (events: Event[], from: PresenceState = emptyPresence) =>
  events.reduce(
    (state, [kind, payload]) =>
      kind === "list"
        ? applyList(state, payload as PresenceList)
        : applyChange(state, payload as PresenceChange),
    from,
  );

describe("presence state", () => {
  it.each<[string, Event[], User | null, string[], number]>([
    // case, events in arrival order, me, names shown, count
    ["nothing yet: just me", [], ana, ["Ana"], 1],
    ["the list", [["list", list([ana, bea])]], ana, ["Ana", "Bea"], 2],
    ["me first, then by name", [["list", list([caio, zoe, bea])]], zoe, ["Zoe", "Bea", "Caio"], 3],
    [
      "someone arrives",
      [
        ["list", list([ana])],
        ["change", change([bea])],
      ],
      ana,
      ["Ana", "Bea"],
      2,
    ],
    [
      "someone leaves",
      [
        ["list", list([ana, bea])],
        ["change", change([], ["b"])],
      ],
      ana,
      ["Ana"],
      1,
    ],
    [
      "a rename replaces the name",
      [
        ["list", list([ana, bea])],
        ["change", change([{ id: "b", name: "Beatriz" }])],
      ],
      ana,
      ["Ana", "Beatriz"],
      2,
    ],
    [
      "an arrival that came before the list is laid over it",
      [
        ["change", change([caio])],
        ["list", list([ana])],
      ],
      ana,
      ["Ana", "Caio"],
      2,
    ],
    [
      "a departure that came before the list is laid over it",
      [
        ["change", change([], ["b"])],
        ["list", list([ana, bea])],
      ],
      ana,
      ["Ana"],
      1,
    ],
    [
      "the latest news about a person wins, whatever came before the list",
      [
        ["change", change([], ["b"])],
        ["change", change([bea])],
        ["list", list([ana])],
      ],
      ana,
      ["Ana", "Bea"],
      2,
    ],
    [
      "a list that names only some still counts everyone",
      [["list", list([ana, bea], 10)]],
      ana,
      ["Ana", "Bea"],
      10,
    ],
    [
      "an unnamed person leaving lowers the count",
      [
        ["list", list([ana, bea], 10)],
        ["change", change([], ["someone-unnamed"])],
      ],
      ana,
      ["Ana", "Bea"],
      9,
    ],
    [
      "a list that did not name me counted me",
      [["list", list([bea, caio], 5)]],
      zoe,
      ["Zoe", "Bea", "Caio"],
      5,
    ],
    [
      "a departure of someone unknown changes nothing",
      [
        ["list", list([ana])],
        ["change", change([], ["x"])],
      ],
      ana,
      ["Ana"],
      1,
    ],
  ])("%s", (_case, events, me, names, count) => {
    const view = onlineView(replay(events), me);
    expect(view.people.map((u) => u.name)).toEqual(names);
    expect(view.count).toBe(count);
  });

  it("after a reconnect keeps showing who was there until the new list replaces them", () => {
    const before = replay([["list", list([ana, bea])]]);
    const meanwhile = reconnected(before);
    expect(onlineView(meanwhile, ana).people.map((u) => u.name)).toEqual(["Ana", "Bea"]);
    const after = replay(
      [
        ["change", change([caio])],
        ["list", list([ana])],
      ],
      meanwhile,
    );
    expect(onlineView(after, ana).people.map((u) => u.name)).toEqual(["Ana", "Caio"]);
  });
});
