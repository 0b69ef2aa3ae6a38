/**
 * How far the person has read in each room: the highest seq seen, per room.
 * A guest's are this browser's, in localStorage so that every tab, the
 * landing page and the room switcher agree, and they survive a reload; a
 * signed-in person's are the account's, kept by the server for every device
 * (account-read-positions.ts). A position only ever moves forward.
 */
export type ReadPositions = {
  /** Room → read seq, for every room the person has opened. The same object until something changes. */
  snapshot(): ReadonlyMap<string, number>;
  /** Records that the reader has seen the room up to `seq`. */
  markRead(room: string, seq: number): void;
  /** Calls back on any change, from this tab or another. */
  subscribe(onChange: () => void): () => void;
  /**
   * False while the positions are still on their way (an account's, before
   * the server answered): until then a room's absence says nothing.
   */
  ready(): boolean;
};

/**
 * The positions moved forward by `incoming` (a lower seq never moves one
 * back); the same map when nothing moved, so that a snapshot stays the same
 * object and nothing re-renders.
 */
export function mergePositions(
  current: ReadonlyMap<string, number>,
  incoming: Readonly<Record<string, number>>,
): ReadonlyMap<string, number> {
  let merged: Map<string, number> | null = null;
  for (const [room, seq] of Object.entries(incoming)) {
    if (!Number.isSafeInteger(seq) || seq < 0) continue;
    if (seq <= (current.get(room) ?? -1)) continue;
    merged ??= new Map(current);
    merged.set(room, seq);
  }
  return merged ?? current;
}

/**
 * The rooms read further here than `stored` says: marks made before the
 * server's positions came, or while disconnected, which are to be sent again.
 */
export function aheadOf(
  local: ReadonlyMap<string, number>,
  stored: ReadonlyMap<string, number>,
): Map<string, number> {
  const ahead = new Map<string, number>();
  for (const [room, seq] of local) if (seq > (stored.get(room) ?? -1)) ahead.set(room, seq);
  return ahead;
}

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
    ready: () => true,
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
    ready: () => true,
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
  };
}

let shared: ReadPositions | null = null;

/** The browser's own positions, a guest's: over localStorage when the browser allows it, else memory. */
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

/**
 * The browser's positions and whose they are: the guest identity that made
 * them, so that a guest who signs up (and keeps their identity) takes them
 * to the account, and nobody else who signs in on this browser does.
 */
export type BrowserReads = {
  positions: ReadPositions;
  /** The guest identity the positions were made by, or null when unknown or already carried over. */
  owner(): string | null;
  own(userId: string | null): void;
};

const OWNER_KEY = "scrollback:read:owner:v1";

export function browserReads(): BrowserReads {
  // Storage refused (private mode, revoked): nothing is carried over, as nothing was kept.
  const storage = (): Storage | null => {
    try {
      return window.localStorage;
    } catch {
      return null;
    }
  };
  return {
    positions: browserReadPositions(),
    owner() {
      try {
        return storage()?.getItem(OWNER_KEY) ?? null;
      } catch {
        return null;
      }
    },
    own(userId) {
      try {
        if (userId === null) storage()?.removeItem(OWNER_KEY);
        else storage()?.setItem(OWNER_KEY, userId);
      } catch {
        // Full or refused: the positions simply stay the browser's.
      }
    },
  };
}

/** Browser positions in memory, for tests. */
export function memoryBrowserReads(positions: ReadPositions = memoryReadPositions()): BrowserReads {
  let owner: string | null = null;
  return {
    positions,
    owner: () => owner,
    own(userId) {
      owner = userId;
    },
  };
}

/**
 * The page's read positions, whichever source holds them: the browser's
 * until the server says the connection is signed in, the account's from
 * then on. Components subscribe to this one object; `use` changes what is
 * behind it and tells them.
 */
export class SwitchableReadPositions implements ReadPositions {
  private listeners = new Set<() => void>();
  private unsubscribe: (() => void) | null = null;

  constructor(private source: ReadPositions) {}

  /** The source in use: for telling whether a switch is needed. */
  get current(): ReadPositions {
    return this.source;
  }

  use(source: ReadPositions): void {
    if (source === this.source) return;
    this.unsubscribe?.();
    this.source = source;
    this.unsubscribe = this.listeners.size > 0 ? source.subscribe(this.changed) : null;
    this.changed();
  }

  snapshot(): ReadonlyMap<string, number> {
    return this.source.snapshot();
  }

  markRead(room: string, seq: number): void {
    this.source.markRead(room, seq);
  }

  ready(): boolean {
    return this.source.ready();
  }

  subscribe(onChange: () => void): () => void {
    if (this.listeners.size === 0) this.unsubscribe = this.source.subscribe(this.changed);
    this.listeners.add(onChange);
    return () => {
      this.listeners.delete(onChange);
      if (this.listeners.size === 0) {
        this.unsubscribe?.();
        this.unsubscribe = null;
      }
    };
  }

  private readonly changed = () => {
    for (const listener of [...this.listeners]) listener();
  };
}

let page: SwitchableReadPositions | null = null;

/** The page's one read positions, a guest's until a signed-in session says otherwise. */
export function pageReadPositions(): SwitchableReadPositions {
  page ??= new SwitchableReadPositions(browserReadPositions());
  return page;
}
