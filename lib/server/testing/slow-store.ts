import type { ChatStore } from "../store/types";

const PAGE_READS = new Set<PropertyKey>([
  "latestMessages",
  "messagesBefore",
  "messagesAfter",
  "changesAfter",
]);

/**
 * A real store whose page reads each take `delayMs` longer, as on a database
 * across a network: for tests of what happens while several pages are
 * under way at once, which SQLite on a local disk answers too fast to see.
 */
export function slowPages(inner: ChatStore, delayMs: number): ChatStore {
  return new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (!PAGE_READS.has(property)) return value.bind(target);
      return async (...args: unknown[]) => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return value.apply(target, args);
      };
    },
  });
}
