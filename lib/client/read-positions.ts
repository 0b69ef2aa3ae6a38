/**
 * How far this browser has read in each room: the highest seq seen, per room,
 * in localStorage so that every tab, the landing page and the room switcher
 * agree, and it survives a reload. A position only ever moves forward.
 */
export type ReadPositions = {
  /** Room → read seq, for every room this browser has opened. The same object until something changes. */
  snapshot(): ReadonlyMap<string, number>;
  /** Records that the reader has seen the room up to `seq`. */
  markRead(room: string, seq: number): void;
  /** Calls back on any change, from this tab or another. */
  subscribe(onChange: () => void): () => void;
};

const KEY_PREFIX = "scrollback:read:v1:";

export function webReadPositions(
  storage: Storage,
  events: Pick<Window, "addEventListener" | "removeEventListener">,
): ReadPositions {
  const listeners = new Set<() => void>();
  // Positions the storage refused (full, revoked): this page still uses them.
  const unsaved = new Map<string, number>();
  let current: ReadonlyMap<string, number> | null = null;

  const changed = () => {
    current = null;
    for (const listener of listeners) listener();
  };

  function read(): ReadonlyMap<string, number> {
    const positions = new Map<string, number>();
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (!key?.startsWith(KEY_PREFIX)) continue;
      const seq = Number(storage.getItem(key));
      if (Number.isSafeInteger(seq) && seq >= 0) positions.set(key.slice(KEY_PREFIX.length), seq);
    }
    for (const [room, seq] of unsaved)
      if (seq > (positions.get(room) ?? -1)) positions.set(room, seq);
    return positions;
  }

  const onStorage = (event: StorageEvent) => {
    if (event.key === null || event.key.startsWith(KEY_PREFIX)) changed();
  };

  return {
    snapshot() {
      current ??= read();
      return current;
    },
    markRead(room, seq) {
      if (seq <= (this.snapshot().get(room) ?? -1)) return;
      try {
        storage.setItem(`${KEY_PREFIX}${room}`, String(seq));
        unsaved.delete(room);
      } catch {
        unsaved.set(room, seq);
      }
      changed();
    },
    subscribe(onChange) {
      if (listeners.size === 0) events.addEventListener("storage", onStorage);
      listeners.add(onChange);
      return () => {
        listeners.delete(onChange);
        if (listeners.size === 0) events.removeEventListener("storage", onStorage);
      };
    },
  };
}

export function memoryReadPositions(): ReadPositions {
  const listeners = new Set<() => void>();
  let positions: ReadonlyMap<string, number> = new Map();
  return {
    snapshot: () => positions,
    markRead(room, seq) {
      if (seq <= (positions.get(room) ?? -1)) return;
      positions = new Map(positions).set(room, seq);
      for (const listener of listeners) listener();
    },
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
  };
}

let shared: ReadPositions | null = null;

/** One store per page, over localStorage when the browser allows it, else memory. */
export function browserReadPositions(): ReadPositions {
  if (shared) return shared;
  try {
    window.localStorage.getItem("scrollback:probe");
    shared = webReadPositions(window.localStorage, window);
  } catch {
    shared = memoryReadPositions();
  }
  return shared;
}
