import type { ProtocolError } from "../shared/errors";
import type { Attachment, ChatMessage, ReplyRef } from "../shared/protocol";

/**
 * What this browser has done in a room that the server has not acknowledged
 * yet: messages written, and edits, deletes and reactions made. They are kept
 * in localStorage so a reload or a crashed tab loses nothing, and applied in
 * order when the link is up; every tab of the browser sees the same outbox.
 * Resending is harmless: the server keeps one message per (author, clientId),
 * and a change that changes nothing succeeds without taking a rev.
 */
type OperationBase = {
  /** The operation's key in storage; for a send also the message's idempotency key. */
  clientId: string;
  room: string;
  /** When it was made, ISO-8601, browser clock; operations are applied oldest first. */
  createdAt: string;
  /** `failed` sends were refused by the server and wait for the person to retry or discard them. */
  state: "pending" | "failed";
  error?: ProtocolError;
  /** The identity (user id) that made it; only it sends it (outbox-identity.ts). Absent before accounts. */
  by?: string;
};

/**
 * A file a message carries. Until `attachment` is set the bytes are only in
 * the page that picked them (`OutboxEntry.page`): the outbox waits for that
 * page's upload (outbox-files.ts) and then records the attachment, so any tab
 * can send the message.
 */
export type OutboxFile = {
  /** The uploading page's key for the file (uploads.ts). */
  localId: string;
  name: string;
  size: number;
  type: string;
  attachment?: Attachment;
};

/** A message written: what `snapshot.outbox` lists. */
export type OutboxEntry = OperationBase & {
  kind?: "send";
  text: string;
  /** The message it answers, when it is a reply. */
  replyTo?: ReplyRef;
  /** Files it carries, in the order picked. */
  files?: OutboxFile[];
  /** The page (page-lock.ts) that holds the bytes of files not yet uploaded. */
  page?: string;
  /** Its files can never be uploaded (their page closed first): only Edit or Discard help. */
  filesLost?: boolean;
};
export type EditOperation = OperationBase & { kind: "edit"; id: string; text: string };
export type DeleteOperation = OperationBase & { kind: "delete"; id: string };
export type ReactionOperation = OperationBase & {
  kind: "react" | "unreact";
  id: string;
  emoji: string;
};
/** A change to a stored message, by its id. */
export type ChangeOperation = EditOperation | DeleteOperation | ReactionOperation;
export type OutboxOperation = OutboxEntry | ChangeOperation;

export function isSend(operation: OutboxOperation): operation is OutboxEntry {
  return operation.kind === undefined || operation.kind === "send";
}

export function isChange(operation: OutboxOperation): operation is ChangeOperation {
  return !isSend(operation);
}

/** A change without its bookkeeping: what `plan` is asked to queue. */
export type ChangeRequest =
  | { kind: "edit"; id: string; text: string }
  | { kind: "delete"; id: string }
  | { kind: "react" | "unreact"; id: string; emoji: string };

/** What queuing a change does to the outbox: entries to remove, and the one to add, if any. */
export type OutboxPlan = { remove: string[]; add: ChangeRequest | null };

/**
 * Coalesces a new change with the pending ones on the same message, where the
 * result the server ends with is the same: a second edit replaces the first;
 * a delete drops the message's pending edits and reactions (so no text of a
 * deleted message stays stored) and makes later changes moot; a reaction and
 * its removal cancel out. Failed entries are left alone.
 */
export function plan(existing: readonly OutboxOperation[], change: ChangeRequest): OutboxPlan {
  const onMessage = existing.filter(
    (e): e is ChangeOperation => isChange(e) && e.state === "pending" && e.id === change.id,
  );
  if (onMessage.some((e) => e.kind === "delete")) return { remove: [], add: null };
  switch (change.kind) {
    case "edit":
      return {
        remove: onMessage.filter((e) => e.kind === "edit").map((e) => e.clientId),
        add: change,
      };
    case "delete":
      return {
        remove: onMessage.filter((e) => e.kind !== "delete").map((e) => e.clientId),
        add: change,
      };
    case "react":
    case "unreact": {
      const same = onMessage.filter(
        (e): e is ReactionOperation =>
          (e.kind === "react" || e.kind === "unreact") && e.emoji === change.emoji,
      );
      const last = same.at(-1);
      if (last?.kind === change.kind) return { remove: [], add: null };
      if (last) return { remove: [last.clientId], add: null };
      return { remove: [], add: change };
    }
  }
}

/** The pending changes to purge once the message is known to be deleted: its text must not stay stored. */
export function staleAfterDelete(existing: readonly OutboxOperation[], id: string): string[] {
  return existing.filter((e) => isChange(e) && e.id === id).map((e) => e.clientId);
}

/**
 * One record per entry, never a shared list: tabs write concurrently and see
 * each other's writes late, so a read-modify-write of one list would let a tab
 * that removes a delivered entry overwrite an entry another tab just added.
 */
export type OutboxStorage = {
  /** The room's operations, oldest first. */
  load(room: string): OutboxOperation[];
  /** Adds the operation, or replaces the one with its clientId. */
  put(entry: OutboxOperation): void;
  remove(room: string, clientId: string): void;
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

/** Oldest first; clientId breaks ties so that every tab sends in the same order. */
export function byAge(a: OutboxOperation, b: OutboxOperation): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0;
}

/**
 * A timestamp for a new entry that sorts after every entry already written,
 * even when the clock has not moved on or has gone back.
 */
export function nextCreatedAt(entries: readonly OutboxOperation[], now: number): string {
  const newest = entries.reduce((max, e) => Math.max(max, Date.parse(e.createdAt) || 0), 0);
  return new Date(Math.max(now, newest + 1)).toISOString();
}

export function asPending<T extends OutboxOperation>(entry: T): T {
  const { error: _error, ...rest } = entry;
  return { ...rest, state: "pending" } as T;
}

export function asFailed<T extends OutboxOperation>(entry: T, error: ProtocolError): T {
  return { ...entry, state: "failed", error };
}

/**
 * Refusals after which sending the same text again cannot succeed: the text
 * itself was refused. Retrying after any other failure may work (an internal
 * error can pass); editing works after every one.
 */
const TEXT_REFUSALS = new Set<ProtocolError["code"]>([
  "invalid_payload",
  "invalid_room",
  "empty_message",
  "message_too_long",
]);

/** Whether Retry can help a failed entry; otherwise only Edit or Discard can. */
export function canRetry(entry: OutboxEntry): boolean {
  if (entry.filesLost) return false;
  return entry.state === "failed" && !(entry.error && TEXT_REFUSALS.has(entry.error.code));
}

/**
 * The order in which waiting entries are shown after the stored messages:
 * those still being sent (oldest first, as they will be stored), then the
 * failed ones, so a failed message never sits between messages that were
 * stored after it.
 */
export function inDisplayOrder(entries: readonly OutboxEntry[]): OutboxEntry[] {
  return [
    ...entries.filter((e) => e.state === "pending"),
    ...entries.filter((e) => e.state === "failed"),
  ];
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

function isProtocolError(value: unknown): value is ProtocolError {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  return typeof e.code === "string" && typeof e.message === "string";
}

function isOutboxFile(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const f = value as Record<string, unknown>;
  const attachment = f.attachment as Record<string, unknown> | undefined;
  return (
    typeof f.localId === "string" &&
    typeof f.name === "string" &&
    typeof f.size === "number" &&
    typeof f.type === "string" &&
    (attachment === undefined ||
      (typeof attachment === "object" &&
        attachment !== null &&
        typeof attachment.id === "string" &&
        typeof attachment.name === "string"))
  );
}

function isReplyRef(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r.id === "string" && typeof r.seq === "number";
}

/**
 * Reads a stored operation of any version: entries written before the outbox
 * carried operations have no `kind` and are sends.
 */
function isOperation(value: unknown): value is OutboxOperation {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  const common =
    typeof e.clientId === "string" &&
    typeof e.room === "string" &&
    typeof e.createdAt === "string" &&
    (e.state === "pending" || e.state === "failed") &&
    (e.by === undefined || typeof e.by === "string");
  if (!common) return false;
  switch (e.kind) {
    case undefined:
    case "send":
      return (
        typeof e.text === "string" &&
        (e.replyTo === undefined || isReplyRef(e.replyTo)) &&
        (e.files === undefined || (Array.isArray(e.files) && e.files.every(isOutboxFile))) &&
        (e.page === undefined || typeof e.page === "string")
      );
    case "edit":
      return typeof e.id === "string" && typeof e.text === "string";
    case "delete":
      return typeof e.id === "string";
    case "react":
    case "unreact":
      return typeof e.id === "string" && typeof e.emoji === "string";
    default:
      return false;
  }
}

const KEY_PREFIX = "scrollback:outbox:v2:";
/** Room names and clientIds never contain ":", so the key splits unambiguously. */
const roomPrefix = (room: string) => `${KEY_PREFIX}${room}:`;
const entryKey = (room: string, clientId: string) => `${roomPrefix(room)}${clientId}`;

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
  return webOutboxStorage(local, window);
}

/** The outbox over a Web Storage area; `events` delivers other tabs' `storage` events. */
export function webOutboxStorage(
  storage: Storage,
  events: Pick<Window, "addEventListener" | "removeEventListener">,
): OutboxStorage {
  function read(key: string): OutboxOperation | null {
    try {
      const parsed: unknown = JSON.parse(storage.getItem(key) ?? "null");
      if (!isOperation(parsed) || key !== entryKey(parsed.room, parsed.clientId)) return null;
      // A reason this version cannot read is dropped; the entry itself still loads.
      if (parsed.error !== undefined && !isProtocolError(parsed.error)) {
        const { error: _unreadable, ...entry } = parsed;
        return entry as OutboxOperation;
      }
      return parsed;
    } catch {
      return null;
    }
  }
  // Entries the storage refused (full, or revoked): this page still sends them,
  // they only lose the protection against a reload.
  const unsaved = new Map<string, OutboxOperation>();
  return {
    load(room) {
      const prefix = roomPrefix(room);
      const entries = new Map<string, OutboxOperation>();
      for (const [key, entry] of unsaved) if (key.startsWith(prefix)) entries.set(key, entry);
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        if (!key?.startsWith(prefix)) continue;
        const entry = read(key);
        if (entry) entries.set(key, entry);
      }
      return [...entries.values()].sort(byAge);
    },
    put(entry) {
      const key = entryKey(entry.room, entry.clientId);
      try {
        storage.setItem(key, JSON.stringify(entry));
        unsaved.delete(key);
      } catch {
        unsaved.set(key, entry);
      }
    },
    remove(room, clientId) {
      const key = entryKey(room, clientId);
      unsaved.delete(key);
      storage.removeItem(key);
    },
    subscribe(room, onChange) {
      const prefix = roomPrefix(room);
      const listener = (event: StorageEvent) => {
        // A null key means the whole storage was cleared.
        if (event.key === null || event.key.startsWith(prefix)) onChange();
      };
      events.addEventListener("storage", listener);
      return () => events.removeEventListener("storage", listener);
    },
  };
}

export function memoryOutboxStorage(): OutboxStorage {
  const rooms = new Map<string, Map<string, OutboxOperation>>();
  const entriesOf = (room: string) => {
    let entries = rooms.get(room);
    if (!entries) {
      entries = new Map();
      rooms.set(room, entries);
    }
    return entries;
  };
  return {
    load: (room) => [...entriesOf(room).values()].sort(byAge),
    put: (entry) => {
      entriesOf(entry.room).set(entry.clientId, { ...entry });
    },
    remove: (room, clientId) => {
      entriesOf(room).delete(clientId);
    },
    subscribe: () => () => {},
  };
}
