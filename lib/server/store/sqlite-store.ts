import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { ChatMessage, Page, User } from "../../shared/protocol";
import { takePage } from "./page-bytes";
import { migrateSqlite } from "./sqlite-migrations";
import { timeOrderedId } from "./time-ordered-id";
import type { AppendResult, ChatStore, NewMessage, RoomSummary } from "./types";

type MessageRow = {
  room: string;
  seq: number;
  id: string;
  client_id: string;
  author_id: string;
  author_name: string;
  text: string;
  created_at: number;
};

/**
 * A write waiting for the next group commit: `apply` runs inside the batch's
 * transaction, and the promise settles once that transaction committed.
 */
type PendingWrite = {
  apply: () => unknown;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
};

/**
 * How long one turn of the event loop should spend on a group commit's
 * results. Each result goes on (in microtasks) to acknowledge and broadcast
 * its message — a thousand socket writes in a busy room — so a batch of
 * hundreds settled at once would hold the loop for seconds, starving reads,
 * heartbeats and the slow-client sweep. Results are handed back a slice per
 * turn; the slice doubles while turns stay well under the budget (quiet
 * rooms: a whole batch in one turn) and halves when a turn overruns it.
 */
const SETTLE_BUDGET_MS = 5;
const MAX_SLICE = 1024;

class SlicedSettler {
  private slice = 8;

  settle(batch: PendingWrite[], results: unknown[], done: () => void, from = 0): void {
    const startedAt = performance.now();
    const end = Math.min(batch.length, from + this.slice);
    for (let i = from; i < end; i++) batch[i]?.resolve(results[i]);
    // The next turn starts after these results' continuations have run.
    setImmediate(() => {
      const took = performance.now() - startedAt;
      if (took > SETTLE_BUDGET_MS) this.slice = Math.max(1, Math.floor(this.slice / 2));
      else if (took < SETTLE_BUDGET_MS / 2) this.slice = Math.min(MAX_SLICE, this.slice * 2);
      if (end < batch.length) this.settle(batch, results, done, end);
      else done();
    });
  }
}

const MESSAGE_COLUMNS = "room, seq, id, client_id, author_id, author_name, text, created_at";

function toMessage(row: MessageRow): ChatMessage {
  return {
    id: row.id,
    room: row.room,
    seq: row.seq,
    clientId: row.client_id,
    author: { id: row.author_id, name: row.author_name },
    text: row.text,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/**
 * Rows streamed with LIMIT n+1 (the extra row only tells whether more exist),
 * read no further than the page's byte bound.
 */
function toPage(rows: Iterable<MessageRow>, limit: number, newestFirst: boolean): Page {
  const page = takePage(rows, limit, (row) => row.text);
  if (newestFirst) page.rows.reverse();
  return { messages: page.rows.map(toMessage), hasMore: page.hasMore };
}

/**
 * SQLite in WAL mode with synchronous=FULL: a commit is on disk before an ack,
 * so acknowledged messages survive a process crash and a power loss.
 *
 * better-sqlite3 is synchronous; every write (appends, renames) is queued
 * and committed together with the others in one transaction per turn of the
 * event loop (group commit), so the price of an fsync is shared by every
 * write that arrived meanwhile, and no kind of request costs the event loop
 * a commit of its own.
 */
export class SqliteStore implements ChatStore {
  private readonly db: Database.Database;
  private queue: PendingWrite[] = [];
  private flushScheduled = false;
  /** A committed batch is still being handed back: appends meanwhile wait and form the next batch. */
  private settling = false;
  private readonly settler = new SlicedSettler();
  private closed = false;
  private readonly statements;
  private readonly applyAll: (writes: PendingWrite[]) => unknown[];

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = FULL");
    this.db.pragma("busy_timeout = 5000");
    // Messages to many rooms dirty many pages per commit: checkpointing the WAL
    // every 10,000 pages (not 1,000) copies each page to the database once
    // instead of again and again, and a 64 MiB cache keeps the rooms' hot
    // pages in memory. Measured in docs/performance.md.
    this.db.pragma("wal_autocheckpoint = 10000");
    this.db.pragma("cache_size = -65536");
    migrateSqlite(this.db);

    const db = this.db;
    this.statements = {
      byClientId: db.prepare<[string, string, string], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND author_id = ? AND client_id = ?`,
      ),
      // A room is shared once someone other than its first author writes in it.
      bumpSeq: db.prepare<[string, number, string], { latest_seq: number }>(
        `INSERT INTO rooms (name, latest_seq, last_message_at, first_author, shared) VALUES (?, 1, ?, ?, 0)
         ON CONFLICT (name) DO UPDATE SET latest_seq = latest_seq + 1, last_message_at = excluded.last_message_at,
           first_author = coalesce(first_author, excluded.first_author),
           shared = shared OR coalesce(first_author, excluded.first_author) <> excluded.first_author
         RETURNING latest_seq`,
      ),
      insert: db.prepare(
        `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (@room, @seq, @id, @client_id, @author_id, @author_name, @text, @created_at)`,
      ),
      newest: db.prepare<[string, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? ORDER BY seq DESC LIMIT ?`,
      ),
      before: db.prepare<[string, number, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
      ),
      after: db.prepare<[string, number, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND seq > ? ORDER BY seq ASC LIMIT ?`,
      ),
      latestSeq: db.prepare<[string], { latest_seq: number }>(
        "SELECT latest_seq FROM rooms WHERE name = ?",
      ),
      recentRooms: db.prepare<
        [number],
        { name: string; latest_seq: number; last_message_at: number }
      >(
        "SELECT name, latest_seq, last_message_at FROM rooms ORDER BY shared DESC, last_message_at DESC LIMIT ?",
      ),
      insertUser: db.prepare(
        "INSERT INTO users (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
      ),
      findUser: db.prepare<[string], User>("SELECT id, name FROM users WHERE id = ?"),
      // An identity's row is made by its first write, a rename as much as a message.
      renameUser: db.prepare<[string, string, number], User>(
        `INSERT INTO users (id, name, created_at) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name RETURNING id, name`,
      ),
      ping: db.prepare("SELECT 1"),
    };

    this.applyAll = db.transaction((writes: PendingWrite[]) =>
      writes.map((write) => write.apply()),
    );
  }

  /** Queues a write for the next group commit. */
  private write<T>(apply: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error("store is closed"));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ apply, resolve: resolve as (result: unknown) => void, reject });
      this.scheduleFlush();
    });
  }

  appendMessage(input: NewMessage): Promise<AppendResult> {
    return this.write(() => this.appendOne(input));
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.settling || this.closed) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private appendOne(input: NewMessage): AppendResult {
    const { byClientId, bumpSeq, insert, insertUser } = this.statements;
    const existing = byClientId.get(input.room, input.author.id, input.clientId);
    if (existing) return { message: toMessage(existing), duplicate: true };

    const createdAt = Date.now();
    // The author's first write makes their row; a rename since then keeps its name.
    insertUser.run(input.author.id, input.author.name, createdAt);
    const seq = bumpSeq.get(input.room, createdAt, input.author.id)?.latest_seq;
    if (seq === undefined) throw new Error("room sequence was not returned");
    const row: MessageRow = {
      room: input.room,
      seq,
      id: timeOrderedId(createdAt),
      client_id: input.clientId,
      author_id: input.author.id,
      author_name: input.author.name,
      text: input.text,
      created_at: createdAt,
    };
    insert.run(row);
    return { message: toMessage(row), duplicate: false };
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    try {
      const results = this.applyAll(batch);
      this.settling = true;
      this.settler.settle(batch, results, () => {
        this.settling = false;
        if (this.queue.length > 0) this.scheduleFlush();
      });
    } catch (batchError) {
      // One bad write must not fail its neighbours: retry each on its own.
      if (batch.length === 1) {
        batch[0]?.reject(batchError);
        return;
      }
      for (const pending of batch) {
        try {
          const [result] = this.applyAll([pending]);
          pending.resolve(result);
        } catch (error) {
          pending.reject(error);
        }
      }
    }
  }

  async latestMessages(room: string, limit: number): Promise<Page> {
    return toPage(this.statements.newest.iterate(room, limit + 1), limit, true);
  }

  async messagesBefore(room: string, before: number, limit: number): Promise<Page> {
    return toPage(this.statements.before.iterate(room, before, limit + 1), limit, true);
  }

  async messagesAfter(room: string, after: number, limit: number): Promise<Page> {
    return toPage(this.statements.after.iterate(room, after, limit + 1), limit, false);
  }

  async latestSeq(room: string): Promise<number> {
    return this.statements.latestSeq.get(room)?.latest_seq ?? 0;
  }

  async recentRooms(limit: number): Promise<RoomSummary[]> {
    return this.statements.recentRooms.all(limit).map((row) => ({
      name: row.name,
      latestSeq: row.latest_seq,
      lastMessageAt: new Date(row.last_message_at).toISOString(),
    }));
  }

  createUser(user: User): Promise<User> {
    return this.write(() => {
      // Two tabs presenting the same new cookie may race to create it: the first wins, both get it.
      this.statements.insertUser.run(user.id, user.name, Date.now());
      const stored = this.statements.findUser.get(user.id);
      if (!stored) throw new Error("created user was not found");
      return stored;
    });
  }

  async findUser(id: string): Promise<User | null> {
    return this.statements.findUser.get(id) ?? null;
  }

  renameUser(id: string, name: string): Promise<User> {
    return this.write(() => {
      const user = this.statements.renameUser.get(id, name, Date.now());
      if (!user) throw new Error("renamed user was not returned");
      return user;
    });
  }

  async ping(): Promise<void> {
    this.statements.ping.get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    this.db.close();
  }
}
