/**
 * At most `maxRunning` pieces of work under way per key (a client address),
 * with up to `maxWaiting` more queued behind them in arrival order; beyond
 * that, `acquire` refuses at once. Each key waits only behind its own work,
 * so one address with a thousand requests delays itself, not the others.
 */
export type ConcurrencyGate = {
  /** Resolves with a release function once the work may start; null when the queue is full. */
  acquire(key: string): Promise<(() => void) | null>;
  /** Work under way and waiting for `key`, for tests and metrics. */
  load(key: string): { running: number; waiting: number };
};

type Lane = { running: number; waiting: (() => void)[] };

export function createConcurrencyGate(maxRunning: number, maxWaiting: number): ConcurrencyGate {
  const lanes = new Map<string, Lane>();

  function releaser(key: string, lane: Lane): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = lane.waiting.shift();
      // The slot passes straight to the next in line; the lane goes when it is idle.
      if (next) next();
      else if (--lane.running === 0) lanes.delete(key);
    };
  }

  return {
    acquire(key) {
      let lane = lanes.get(key);
      if (!lane) {
        lane = { running: 0, waiting: [] };
        lanes.set(key, lane);
      }
      const current = lane;
      if (current.running < maxRunning) {
        current.running++;
        return Promise.resolve(releaser(key, current));
      }
      if (current.waiting.length >= maxWaiting) return Promise.resolve(null);
      return new Promise((resolve) => {
        current.waiting.push(() => resolve(releaser(key, current)));
      });
    },
    load(key) {
      const lane = lanes.get(key);
      return { running: lane?.running ?? 0, waiting: lane?.waiting.length ?? 0 };
    },
  };
}
