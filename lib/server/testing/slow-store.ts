import type { ChatStore, MessageStore } from "../store/types";

const PAGE_READS = new Set<PropertyKey>([
  "latest",
  "before",
  "after",
  "changesAfter",
] satisfies (keyof MessageStore)[]);

/**
 * A real store whose page reads each take `delayMs` longer, as on a database
 * across a network: for tests of what happens while several pages are
 * under way at once, which SQLite on a local disk answers too fast to see.
 */
export function slowPages(inner: ChatStore, delayMs: number): ChatStore {
  const messages = new Proxy(inner.messages, {
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
  return new Proxy(inner, {
    get(target, property) {
      if (property === "messages") return messages;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
