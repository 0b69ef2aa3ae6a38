import type { NetworkStatus } from "../network";

/**
 * The browser's network signal as a test sets it: Node has no `online` and
 * `offline` events, so tests of the sync engine flip this instead, while the
 * socket beneath stays real. The browser tests use the real events.
 */
export function switchableNetwork(): NetworkStatus & { set(online: boolean): void } {
  let online = true;
  const listeners = new Set<() => void>();
  return {
    online: () => online,
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    set(next) {
      online = next;
      for (const listener of listeners) listener();
    },
  };
}
