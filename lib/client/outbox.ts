import type { ProtocolError } from "../shared/errors";
import type { ChatMessage } from "../shared/protocol";

/**
 * Messages this browser has written but the server has not acknowledged yet.
 * They are kept in localStorage so a reload or a crashed tab loses nothing;
 * every tab of the browser sees the same outbox, and the server's idempotency
 * on (author, clientId) makes two tabs resending one entry harmless.
 */
export type OutboxEntry = {
  clientId: string;
  room: string;
  text: string;
  /** When it was written, ISO-8601, browser clock. */
  createdAt: string;
  /** `failed` entries were refused by the server and wait for the person to retry or discard them. */
  state: "pending" | "failed";
  error?: ProtocolError;
};

export type OutboxStorage = {
  load(room: string): OutboxEntry[];
  save(room: string, entries: readonly OutboxEntry[]): void;
  /** Calls back when another tab changes the room's outbox. */
  subscribe(room: string, onChange: () => void): () => void;
};

const CLIENT_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/** 20 random characters of the clientId alphabet: 120 bits, collision-free in practice. */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  let id = "";
  for (const byte of bytes) id += CLIENT_ID_ALPHABET[byte & 63];
  return id;
}

export function withEntry(entries: readonly OutboxEntry[], entry: OutboxEntry): OutboxEntry[] {
  return [...entries.filter((e) => e.clientId !== entry.clientId), entry];
}

export function withoutEntry(entries: readonly OutboxEntry[], clientId: string): OutboxEntry[] {
  return entries.filter((e) => e.clientId !== clientId);
}

export function withState(
  entries: readonly OutboxEntry[],
  clientId: string,
  state: OutboxEntry["state"],
  error?: ProtocolError,
): OutboxEntry[] {
  return entries.map((e) => {
    if (e.clientId !== clientId) return e;
    const { error: _previous, ...rest } = e;
    return error ? { ...rest, state, error } : { ...rest, state };
  });
}

/** Entries not yet visible as stored messages by this author (another tab may have delivered them). */
export function unconfirmed(
  entries: readonly OutboxEntry[],
  messages: readonly ChatMessage[],
  authorId: string | undefined,
): OutboxEntry[] {
  if (entries.length === 0 || !authorId) return [...entries];
  const pendingIds = new Set(entries.map((e) => e.clientId));
  const confirmed = new Set<string>();
  for (let i = messages.length - 1; i >= 0 && confirmed.size < pendingIds.size; i--) {
    const message = messages[i] as ChatMessage;
    if (message.author.id === authorId && pendingIds.has(message.clientId))
      confirmed.add(message.clientId);
  }
  return entries.filter((e) => !confirmed.has(e.clientId));
}

function isEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.clientId === "string" &&
    typeof e.room === "string" &&
    typeof e.text === "string" &&
    typeof e.createdAt === "string" &&
    (e.state === "pending" || e.state === "failed")
  );
}

const storageKey = (room: string) => `scrollback:outbox:v1:${room}`;

/** localStorage when the browser allows it, else memory (private modes, tests). */
export function browserOutboxStorage(): OutboxStorage {
  let local: Storage | null = null;
  try {
    local = window.localStorage;
    local.getItem("scrollback:probe");
  } catch {
    local = null;
  }
  if (!local) return memoryOutboxStorage();
  const storage = local;
  return {
    load(room) {
      try {
        const parsed: unknown = JSON.parse(storage.getItem(storageKey(room)) ?? "[]");
        return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
      } catch {
        return [];
      }
    },
    save(room, entries) {
      if (entries.length === 0) storage.removeItem(storageKey(room));
      else storage.setItem(storageKey(room), JSON.stringify(entries));
    },
    subscribe(room, onChange) {
      const listener = (event: StorageEvent) => {
        if (event.key === storageKey(room)) onChange();
      };
      window.addEventListener("storage", listener);
      return () => window.removeEventListener("storage", listener);
    },
  };
}

export function memoryOutboxStorage(): OutboxStorage {
  const rooms = new Map<string, OutboxEntry[]>();
  return {
    load: (room) => [...(rooms.get(room) ?? [])],
    save: (room, entries) => {
      rooms.set(room, [...entries]);
    },
    subscribe: () => () => {},
  };
}
