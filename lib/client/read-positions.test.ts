import { describe, expect, it } from "vitest";
import {
  aheadOf,
  memoryReadPositions,
  mergePositions,
  type ReadPositions,
  SwitchableReadPositions,
  webReadPositions,
} from "./read-positions";
import { MemoryStorage, noEvents, storageEvents } from "./testing/memory-storage";

describe.each<[string, () => ReadPositions]>([
  ["webReadPositions", () => webReadPositions(new MemoryStorage(), noEvents)],
  ["memoryReadPositions", memoryReadPositions],
])("%s", (_name, make) => {
  it("records how far each room was read, only ever forward", () => {
    const positions = make();
    positions.markRead("general", 5);
    positions.markRead("general", 3);
    positions.markRead("random", 0);
    expect(Object.fromEntries(positions.snapshot())).toEqual({ general: 5, random: 0 });
  });

  it("is ready at once: the browser holds its positions itself", () => {
    expect(make().ready()).toBe(true);
  });

  it("keeps the same snapshot until something changes, and tells subscribers when it does", () => {
    const positions = make();
    let calls = 0;
    const unsubscribe = positions.subscribe(() => calls++);
    const first = positions.snapshot();
    expect(positions.snapshot()).toBe(first);
    positions.markRead("general", 1);
    positions.markRead("general", 1);
    expect(calls).toBe(1);
    expect(positions.snapshot()).not.toBe(first);
    unsubscribe();
    positions.markRead("general", 2);
    expect(calls).toBe(1);
  });
});

describe("webReadPositions on localStorage", () => {
  it("shares positions with other tabs through storage, and hears of their changes", () => {
    const local = new MemoryStorage();
    const events = storageEvents();
    const mine = webReadPositions(local, events.target);
    let calls = 0;
    mine.subscribe(() => calls++);
    // Another tab writes and the browser tells this one.
    webReadPositions(local, noEvents).markRead("general", 7);
    events.fire("scrollback:read:v1:general");
    events.fire("unrelated");
    expect(calls).toBe(1);
    expect(mine.snapshot().get("general")).toBe(7);
  });

  it("ignores records it cannot read, and keeps positions the storage refuses for this page", () => {
    const local = new MemoryStorage();
    local.setItem("scrollback:read:v1:broken", "soon");
    local.setItem("scrollback:read:v1:negative", "-4");
    const positions = webReadPositions(local, noEvents);
    local.full = true;
    positions.markRead("general", 9);
    expect(Object.fromEntries(positions.snapshot())).toEqual({ general: 9 });
  });
});

const map = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe("mergePositions", () => {
  it.each<[string, Record<string, number>, Record<string, number>, Record<string, number>]>([
    ["takes a room it did not have", { general: 3 }, { random: 2 }, { general: 3, random: 2 }],
    ["moves a position forward", { general: 3 }, { general: 7 }, { general: 7 }],
    ["never moves one back", { general: 7 }, { general: 3 }, { general: 7 }],
    ["takes a room first read at 0", {}, { quiet: 0 }, { quiet: 0 }],
    ["keeps rooms the other side does not name", { a: 1, b: 2 }, {}, { a: 1, b: 2 }],
    ["takes each room on its own", { a: 5, b: 5 }, { a: 9, b: 1 }, { a: 9, b: 5 }],
    ["ignores seqs that are no positions", { a: 1 }, { a: -1, b: 1.5, c: Number.NaN }, { a: 1 }],
  ])("%s", (_case, current, incoming, expected) => {
    expect(Object.fromEntries(mergePositions(map(current), incoming))).toEqual(expected);
  });

  it.each<[string, Record<string, number>, Record<string, number>]>([
    ["an equal position", { general: 3 }, { general: 3 }],
    ["a lower one", { general: 3 }, { general: 2 }],
    ["nothing", { general: 3 }, {}],
  ])(
    "answers the same map for %s, so that a snapshot stays the same object",
    (_c, current, incoming) => {
      const before = map(current);
      expect(mergePositions(before, incoming)).toBe(before);
    },
  );

  it("leaves the map it was given as it was", () => {
    const before = map({ general: 1 });
    mergePositions(before, { general: 2 });
    expect(Object.fromEntries(before)).toEqual({ general: 1 });
  });
});

describe("aheadOf", () => {
  it.each<[string, Record<string, number>, Record<string, number>, Record<string, number>]>([
    ["nothing when the server has it all", { a: 3 }, { a: 3 }, {}],
    ["a room read further here", { a: 5 }, { a: 3 }, { a: 5 }],
    ["a room the server has never stored", { a: 0 }, {}, { a: 0 }],
    ["not a room the server has further", { a: 2 }, { a: 4 }, {}],
  ])("%s", (_case, local, stored, expected) => {
    expect(Object.fromEntries(aheadOf(map(local), map(stored)))).toEqual(expected);
  });
});

describe("SwitchableReadPositions", () => {
  it("shows and marks through its source, and tells subscribers when the source changes", () => {
    const guest = memoryReadPositions();
    guest.markRead("general", 2);
    const page = new SwitchableReadPositions(guest);
    let calls = 0;
    page.subscribe(() => calls++);
    expect(page.snapshot().get("general")).toBe(2);

    const account = memoryReadPositions();
    page.use(account);
    expect(calls).toBe(1);
    expect(page.snapshot().get("general")).toBeUndefined();
    page.markRead("random", 4);
    expect(account.snapshot().get("random")).toBe(4);
    expect(guest.snapshot().has("random")).toBe(false);
    expect(calls).toBe(2);

    // The old source's changes are no longer this page's.
    guest.markRead("general", 9);
    expect(calls).toBe(2);
    page.use(account);
    expect(calls).toBe(2);
  });
});
