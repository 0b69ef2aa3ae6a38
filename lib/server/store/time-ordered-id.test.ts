import { describe, expect, it } from "vitest";
import { timeOrderedId } from "./time-ordered-id";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("timeOrderedId", () => {
  it("is a UUID version 7 carrying its millisecond", () => {
    const at = Date.UTC(2026, 10, 27, 2, 0, 0, 123);
    const id = timeOrderedId(at);
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16)).toBe(at);
  });

  it("sorts by time across milliseconds, and never repeats", () => {
    const ids = Array.from({ length: 20_000 }, (_, i) =>
      timeOrderedId(1_700_000_000_000 + Math.floor(i / 100)),
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 100; i < ids.length; i += 100)
      expect((ids[i - 1] as string) < (ids[i] as string)).toBe(true);
  });
});
