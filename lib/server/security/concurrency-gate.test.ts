import { describe, expect, it } from "vitest";
import { createConcurrencyGate } from "./concurrency-gate";

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe("the concurrency gate", () => {
  it("lets `maxRunning` start at once, queues `maxWaiting` more, and refuses the rest", async () => {
    const gate = createConcurrencyGate(2, 3);
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const refused: number[] = [];
    for (let i = 0; i < 7; i++) {
      void gate.acquire("a").then((release) => {
        if (!release) refused.push(i);
        else {
          started.push(i);
          releases.push(release);
        }
      });
    }
    await settled();
    expect(started).toEqual([0, 1]);
    expect(refused).toEqual([5, 6]);
    expect(gate.load("a")).toEqual({ running: 2, waiting: 3 });

    releases[0]?.();
    await settled();
    expect(started).toEqual([0, 1, 2]);
    releases[1]?.();
    releases[2]?.();
    await settled();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(gate.load("a")).toEqual({ running: 2, waiting: 0 });
    for (const release of releases) release();
    expect(gate.load("a")).toEqual({ running: 0, waiting: 0 });
  });

  it("keeps keys apart: one key's queue does not delay another", async () => {
    const gate = createConcurrencyGate(1, 1);
    await gate.acquire("busy");
    void gate.acquire("busy");
    expect(await gate.acquire("busy")).toBeNull();
    expect(await gate.acquire("other")).toEqual(expect.any(Function));
  });

  it("ignores a second release of the same slot", async () => {
    const gate = createConcurrencyGate(1, 0);
    const release = await gate.acquire("a");
    release?.();
    release?.();
    const again = await gate.acquire("a");
    expect(again).toEqual(expect.any(Function));
    expect(await gate.acquire("a")).toBeNull();
  });
});
