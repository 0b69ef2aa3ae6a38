import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { ChatMessage, Page, User } from "../../shared/protocol";
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

type PendingAppend = {
  input: NewMessage;
  resolve: (result: AppendResult) => void;
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

  settle(batch: PendingAppend[], results: AppendResult[], done: () => void, from = 0): void {
    const startedAt = performance.now();
    const end = Math.min(batch.length, from + this.slice);
    for (let i = from; i < end; i++) batch[i]?.resolve(results[i] as AppendResult);
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

/** Rows fetched with LIMIT n+1: the extra row only tells whether more exist. */
function toPage(rows: MessageRow[], limit: number, newestFirst: boolean): Page {
  const hasMore = rows.length > limit;
  const kept = hasMore ? rows.slice(0, limit) : rows;
  if (newestFirst) kept.reverse();
  return { messages: kept.map(toMessage), hasMore };
}

/**
 * SQLite in WAL mode with synchronous=FULL: a commit is on disk before an ack,
 * so acknowledged messages survive a process crash and a power loss.
 *
 * better-sqlite3 is synchronous; appends are queued and committed together in
 * one transaction per turn of the event loop (group commit), so the price of an
 * fsync is shared by every message that arrived meanwhile.
 */
export class SqliteStore implements ChatStore {
  private readonly db: Database.Database;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  /** A committed batch is still being handed back: appends meanwhile wait and form the next batch. */
  private settling = false;
  private readonly settler = new SlicedSettler();
  private closed = false;
  private readonly statements;
  private readonly appendAll: (inputs: NewMessage[]) => AppendResult[];

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
      bumpSeq: db.prepare<[string, number], { latest_seq: number }>(
        `INSERT INTO rooms (name, latest_seq, last_message_at) VALUES (?, 1, ?)
         ON CONFLICT (name) DO UPDATE SET latest_seq = latest_seq + 1, last_message_at = excluded.last_message_at
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
        "SELECT name, latest_seq, last_message_at FROM rooms ORDER BY last_message_at DESC LIMIT ?",
      ),
      insertUser: db.prepare(
        "INSERT INTO users (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
      ),
      findUser: db.prepare<[string], User>("SELECT id, name FROM users WHERE id = ?"),
      renameUser: db.prepare<[string, string], User>(
        "UPDATE users SET name = ? WHERE id = ? RETURNING id, name",
      ),
      credentialGeneration: db.prepare<[string], { generation: number }>(
        "SELECT generation FROM credential_generations WHERE user_id = ?",
      ),
      revokeCredentials: db.prepare<[string, number], { generation: number }>(
        `INSERT INTO credential_generations (user_id, generation, revoked_at) VALUES (?, 1, ?)
         ON CONFLICT (user_id) DO UPDATE SET generation = generation + 1, revoked_at = excluded.revoked_at
         RETURNING generation`,
      ),
      ping: db.prepare("SELECT 1"),
    };

    this.appendAll = db.transaction((inputs: NewMessage[]) =>
      inputs.map((input) => this.appendOne(input)),
    );
  }

  appendMessage(input: NewMessage): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error("store is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.settling || this.closed) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private appendOne(input: NewMessage): AppendResult {
    const { byClientId, bumpSeq, insert } = this.statements;
    const existing = byClientId.get(input.room, input.author.id, input.clientId);
    if (existing) return { message: toMessage(existing), duplicate: true };

    const createdAt = Date.now();
    const seq = bumpSeq.get(input.room, createdAt)?.latest_seq;
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
      const results = this.appendAll(batch.map((pending) => pending.input));
      this.settling = true;
      this.settler.settle(batch, results, () => {
        this.settling = false;
        if (this.queue.length > 0) this.scheduleFlush();
      });
    } catch (batchError) {
      // One bad append must not fail its neighbours: retry each on its own.
      if (batch.length === 1) {
        batch[0]?.reject(batchError);
        return;
      }
      for (const pending of batch) {
        try {
          const [result] = this.appendAll([pending.input]);
          pending.resolve(result as AppendResult);
        } catch (error) {
          pending.reject(error);
        }
      }
    }
  }

  async latestMessages(room: string, limit: number): Promise<Page> {
    return toPage(this.statements.newest.all(room, limit + 1), limit, true);
  }

  async messagesBefore(room: string, before: number, limit: number): Promise<Page> {
    return toPage(this.statements.before.all(room, before, limit + 1), limit, true);
  }

  async messagesAfter(room: string, after: number, limit: number): Promise<Page> {
    return toPage(this.statements.after.all(room, after, limit + 1), limit, false);
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

  async createUser(user: User): Promise<User> {
    // Two tabs presenting the same new cookie may race to create it: the first wins, both get it.
    this.statements.insertUser.run(user.id, user.name, Date.now());
    const stored = this.statements.findUser.get(user.id);
    if (!stored) throw new Error("created user was not found");
    return stored;
  }

  async findUser(id: string): Promise<User | null> {
    return this.statements.findUser.get(id) ?? null;
  }

  async renameUser(id: string, name: string): Promise<User | null> {
    return this.statements.renameUser.get(name, id) ?? null;
  }

  async credentialGeneration(userId: string): Promise<number> {
    return this.statements.credentialGeneration.get(userId)?.generation ?? 0;
  }

  async revokeCredentials(userId: string): Promise<number> {
    const row = this.statements.revokeCredentials.get(userId, Date.now());
    if (!row) throw new Error("the new credential generation was not returned");
    return row.generation;
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
