/** Gives a slot back; calling it again does nothing. */
export type Release = () => void;

/**
 * Counts open connections per key (a client address) and refuses a new one
 * once a key holds `max`. Counting is exact rather than windowed: a slot is
 * taken when a connection is admitted and given back when it closes.
 */
export type ConnectionLimiter = {
  acquire(key: string): Release | null;
  count(key: string): number;
};

export function createConnectionLimiter(max: number): ConnectionLimiter {
  const open = new Map<string, number>();
  return {
    acquire(key) {
      const current = open.get(key) ?? 0;
      if (current >= max) return null;
      open.set(key, current + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const remaining = (open.get(key) ?? 1) - 1;
        // Keys with no connection are dropped, so the map only holds live addresses.
        if (remaining <= 0) open.delete(key);
        else open.set(key, remaining);
      };
    },
    count: (key) => open.get(key) ?? 0,
  };
}
