import { describe, expect, it } from "vitest";
import { memoryReadPositions, type ReadPositions, webReadPositions } from "./read-positions";
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
