/** A Storage area in memory, as localStorage behaves within one tab. */
export class MemoryStorage implements Storage {
  readonly items = new Map<string, string>();
  /** When set, writes throw as a full localStorage does. */
  full = false;
  get length() {
    return this.items.size;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (this.full) throw new DOMException("quota exceeded", "QuotaExceededError");
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  clear() {
    this.items.clear();
  }
}

/** A window whose `storage` events never fire: one tab alone. */
export const noEvents = { addEventListener: () => {}, removeEventListener: () => {} };

/** A window whose `storage` events a test fires, as another tab's writes would. */
export function storageEvents(): {
  target: Pick<Window, "addEventListener" | "removeEventListener">;
  fire(key: string | null): void;
} {
  const target = new EventTarget();
  return {
    target: target as unknown as Window,
    fire(key) {
      const event = new Event("storage") as Event & { key: string | null };
      event.key = key;
      target.dispatchEvent(event);
    },
  };
}
