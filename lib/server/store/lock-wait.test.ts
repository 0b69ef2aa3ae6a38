import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LockWait } from "./lock-wait";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/**
 * Writers as the store runs them: each waits while the lock is known to be
 * held, then tries once; `free` says whether that try gets the lock.
 */
function writers(lock: LockWait, count: number, free: () => boolean) {
  const attempts: number[] = [];
  const done: number[] = [];
  const run = async (id: number) => {
    for (;;) {
      while (lock.blocked) await lock.nextAttempt();
      attempts.push(id);
      if (free()) {
        lock.acquired();
        done.push(id);
        return;
      }
      lock.foundHeld();
    }
  };
  const all = Promise.all(Array.from({ length: count }, (_, id) => run(id)));
  return { attempts, done, all };
}

describe("LockWait", () => {
  it("lets only one writer try per step while the lock is held, with pauses that double up to the cap", async () => {
    const lock = new LockWait({ firstDelayMs: 10, maxDelayMs: 40 });
    let locked = true;
    const { attempts, done, all } = writers(lock, 5, () => !locked);
    await vi.advanceTimersByTimeAsync(0);
    // Writer 0 tried and found the lock held; the rest wait for the step.
    expect(attempts).toEqual([0]);

    const stepsAt: number[] = [];
    let last = attempts.length;
    for (let t = 1; t <= 200; t++) {
      await vi.advanceTimersByTimeAsync(1);
      if (attempts.length !== last) {
        expect(attempts.length - last).toBe(1);
        stepsAt.push(t);
        last = attempts.length;
      }
    }
    // Pauses 10, 20, 40, 40, 40: each step one try.
    expect(stepsAt.slice(0, 5)).toEqual([10, 30, 70, 110, 150]);

    locked = false;
    await vi.advanceTimersByTimeAsync(40);
    await all;
    expect(done.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it("starts from the first pause again after the lock was got", async () => {
    const lock = new LockWait({ firstDelayMs: 10, maxDelayMs: 1_000 });
    lock.foundHeld();
    await vi.advanceTimersByTimeAsync(10);
    lock.foundHeld();
    await vi.advanceTimersByTimeAsync(20);
    lock.acquired();
    lock.foundHeld();
    let woke = false;
    void lock.nextAttempt().then(() => {
      woke = true;
    });
    await vi.advanceTimersByTimeAsync(9);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(woke).toBe(true);
  });

  it("does not wait at all while the lock is not known to be held", async () => {
    const lock = new LockWait({ firstDelayMs: 10, maxDelayMs: 40 });
    let woke = false;
    void lock.nextAttempt().then(() => {
      woke = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(woke).toBe(true);
  });

  it("wakes every waiter at once on release", async () => {
    const lock = new LockWait({ firstDelayMs: 10_000, maxDelayMs: 10_000 });
    lock.foundHeld();
    const woken: number[] = [];
    for (const id of [1, 2, 3]) void lock.nextAttempt().then(() => woken.push(id));
    lock.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(woken).toEqual([1, 2, 3]);
    expect(lock.blocked).toBe(false);
  });
});
