import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type {
  ChangesPage,
  ChatMessage,
  Page,
  ReactionUsersResult,
  User,
} from "../../shared/protocol";
import { countReactions, decideChange, decodeReactions, encodeReactions } from "./message-changes";
import { takePage } from "./page-bytes";
import { LOCK_ATTEMPT_MS, MAX_LOCK_WAIT_MS, SqliteFaults } from "./sqlite-faults";
import { type IntegrityReport, quickCheckWithin } from "./sqlite-integrity";
import { migrateSqlite } from "./sqlite-migrations";
import { describeSqliteOpenFailure } from "./sqlite-open-failure";
import { classifySqliteError, type StorageFault } from "./storage-faults";
import { StoreHealth, type StoreHealthOptions } from "./store-health";
import { timeOrderedId } from "./time-ordered-id";
import {
  type AppendResult,
  ChangeRefusedError,
  type ChangeRequest,
  type ChangeResult,
  type ChatStore,
  type HistoryBatch,
  type NewMessage,
  type RoomSummary,
  StoreOpenError,
  StoreUnavailableError,
} from "./types";

type MessageRow = {
  room: string;
  seq: number;
  id: string;
  client_id: string;
  author_id: string;
  author_name: string;
  text: string;
  created_at: number;
  rev: number;
  edited_at: number | null;
  deleted: number;
  reply_to_id: string | null;
  reply_to_seq: number | null;
  reactions: string | null;
};

/** What a write inside the batch answers: a result, or the refusal its promise rejects with. */
type Outcome<T> = { value: T } | { refused: Error };

/**
 * A write waiting for the next group commit: `apply` runs inside the batch's
 * transaction, and the promise settles once that transaction committed.
 */
type PendingWrite = {
  apply: () => unknown;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
  /** When it was queued (performance.now()): a write waits for a lock only so long. */
  queuedAt: number;
};

/** At start, before a single client is served, waiting for a lock costs nobody anything. */
const OPEN_BUSY_TIMEOUT_MS = 5_000;
/**
 * How long opening waits for the integrity check before serving: the time a
 * database of around a gigabyte takes to check. A larger file finishes its
 * check in the background, and damage it finds then stops writes as damage
 * found by a read would.
 */
const INTEGRITY_CHECK_WAIT_MS = 3_000;
const WAL_AUTOCHECKPOINT_PAGES = 10_000;
/** Above the log's size at a checkpoint (the pages above, plus the last batch), so that it is not cut and regrown each time. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

type WalOptions = {
  /** Pages in the write-ahead log that start a checkpoint. */
  autocheckpointPages?: number;
  /** The size the log file is cut back to when it restarts. */
  sizeLimitBytes?: number;
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

/**
 * Opens and migrates the file, which reads its header and schema: a file that
 * is not a database, or whose first pages are damaged, fails here. Any error
 * becomes a StoreOpenError that names the file and says what is wrong.
 */
function openDatabase(path: string, wal: WalOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    // Opening may wait for another process (a starting instance migrating);
    // once serving, waits for locks happen between attempts instead.
    db.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    // Messages to many rooms dirty many pages per commit: checkpointing the WAL
    // every 10,000 pages (not 1,000) copies each page to the database once
    // instead of again and again, and a 64 MiB cache keeps the rooms' hot
    // pages in memory. Measured in docs/performance.md.
    db.pragma(`wal_autocheckpoint = ${wal.autocheckpointPages ?? WAL_AUTOCHECKPOINT_PAGES}`);
    // A checkpoint cannot pass a read transaction another connection holds
    // (a backup, a sqlite3 shell, the integrity check), so meanwhile the log
    // grows with every commit — and SQLite never shrinks the file by itself.
    // With a size limit, it is cut back to this once the log restarts.
    db.pragma(`journal_size_limit = ${wal.sizeLimitBytes ?? WAL_SIZE_LIMIT_BYTES}`);
    db.pragma("cache_size = -65536");
    // A deleted message's text must not linger in freed space of the file.
    db.pragma("secure_delete = ON");
    migrateSqlite(db);
    db.pragma(`busy_timeout = ${LOCK_ATTEMPT_MS}`);
    return db;
  } catch (error) {
    try {
      db?.close();
    } catch {
      // Already unusable; the error below says why.
    }
    throw new StoreOpenError(describeSqliteOpenFailure(path, error), { cause: error });
  }
}

const MESSAGE_COLUMNS =
  "room, seq, id, client_id, author_id, author_name, text, created_at, rev, edited_at, deleted, reply_to_id, reply_to_seq, reactions";

function toMessage(row: MessageRow): ChatMessage {
  return {
    id: row.id,
    room: row.room,
    seq: row.seq,
    rev: row.rev,
    clientId: row.client_id,
    author: { id: row.author_id, name: row.author_name },
    text: row.text,
    createdAt: new Date(row.created_at).toISOString(),
    editedAt: row.edited_at === null ? null : new Date(row.edited_at).toISOString(),
    deleted: row.deleted !== 0,
    replyTo:
      row.reply_to_id === null || row.reply_to_seq === null
        ? null
        : { id: row.reply_to_id, seq: row.reply_to_seq },
    reactions: decodeReactions(row.reactions),
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

/** A message as its row holds it. */
function toRow(message: ChatMessage): MessageRow {
  return {
    room: message.room,
    seq: message.seq,
    id: message.id,
    client_id: message.clientId,
    author_id: message.author.id,
    author_name: message.author.name,
    text: message.text,
    created_at: Date.parse(message.createdAt),
    rev: message.rev,
    edited_at: message.editedAt === null ? null : Date.parse(message.editedAt),
    deleted: message.deleted ? 1 : 0,
    reply_to_id: message.replyTo?.id ?? null,
    reply_to_seq: message.replyTo?.seq ?? null,
    reactions: encodeReactions(message.reactions),
  };
}

function unwrap<T>(outcome: Outcome<T>): T {
  if ("refused" in outcome) throw outcome.refused;
  return outcome.value;
}

export type SqliteStoreOptions = StoreHealthOptions & {
  /** The write-ahead log's checkpoint and size settings; the defaults suit production. */
  wal?: WalOptions;
  /** How long `open` waits for the integrity check before serving anyway. */
  integrityCheckWaitMs?: number;
};

/**
 * SQLite in WAL mode with synchronous=FULL: a commit is on disk before an ack,
 * so acknowledged messages survive a process crash and a power loss.
 *
 * better-sqlite3 is synchronous; every write (appends, renames) is queued
 * and committed together with the others in one transaction per turn of the
 * event loop (group commit), so the price of an fsync is shared by every
 * write that arrived meanwhile, and no kind of request costs the event loop
 * a commit of its own.
 *
 * Storage faults are answered, never waited out on the event loop: a full
 * disk or an I/O error rejects the write with StoreUnavailableError at once;
 * a lock held by another process is waited for between short attempts
 * (LockWait), for a bounded time; damaged data (SQLITE_CORRUPT, found by a
 * read, a write or the integrity check) stops every later write. `health`
 * follows the write results.
 */
export class SqliteStore implements ChatStore {
  readonly health: StoreHealth;
  private readonly db: Database.Database;
  private queue: PendingWrite[] = [];
  private flushScheduled = false;
  /** A committed batch is still being handed back: appends meanwhile wait and form the next batch. */
  private settling = false;
  private readonly settler = new SlicedSettler();
  private readonly faults: SqliteFaults;
  private integrityCheck: { cancel(): void } | undefined;
  private closed = false;
  /** The batch being committed deleted a message: its text is scrubbed from the log after commit. */
  private scrubAfterCommit = false;
  private readonly statements;
  private readonly applyAll: Database.Transaction<(writes: PendingWrite[]) => unknown[]>;

  /**
   * Opens the database for serving: the file is opened and migrated (which
   * reads its header and schema), then checked page by page (`quick_check`,
   * in a worker thread) for up to `integrityCheckWaitMs`. A file that is not
   * a database or is damaged is refused with a StoreOpenError naming it; a
   * check still running after the wait goes on while the store serves.
   */
  static async open(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    const store = new SqliteStore(path, options);
    if (path === ":memory:") return store;
    const checked = await quickCheckWithin(
      path,
      options.integrityCheckWaitMs ?? INTEGRITY_CHECK_WAIT_MS,
    );
    if ("stillRunning" in checked) {
      store.integrityCheck = checked.stillRunning;
      checked.stillRunning.result.then(
        (report) => store.integrityChecked(path, report),
        (error: unknown) => store.integrityChecked(path, { ok: false, problems: [String(error)] }),
      );
      return store;
    }
    const early = checked.report;
    if (!early.ok) {
      await store.close();
      throw new StoreOpenError(
        `The database ${path} is damaged (PRAGMA quick_check found: ${early.problems.join("; ")}). ` +
          "Restore it from a backup (docs/operations.md, Backups), or move it away to start with an empty history.",
      );
    }
    return store;
  }

  constructor(path: string, options: Omit<SqliteStoreOptions, "integrityCheckWaitMs"> = {}) {
    this.health = new StoreHealth(options);
    this.faults = new SqliteFaults(this.health, () => this.closed);
    this.db = openDatabase(path, options.wal ?? {});
    const db = this.db;
    this.statements = {
      byClientId: db.prepare<[string, string, string], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND author_id = ? AND client_id = ?`,
      ),
      // A room is shared once someone other than its first author writes in it.
      bumpSeq: db.prepare<[string, number, string], { latest_seq: number; latest_rev: number }>(
        `INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared) VALUES (?, 1, 1, ?, ?, 0)
         ON CONFLICT (name) DO UPDATE SET latest_seq = latest_seq + 1, latest_rev = latest_rev + 1,
           last_message_at = excluded.last_message_at,
           first_author = coalesce(first_author, excluded.first_author),
           shared = shared OR coalesce(first_author, excluded.first_author) <> excluded.first_author
         RETURNING latest_seq, latest_rev`,
      ),
      insert: db.prepare(
        `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (@room, @seq, @id, @client_id, @author_id, @author_name, @text, @created_at, @rev, @edited_at, @deleted, @reply_to_id, @reply_to_seq, @reactions)`,
      ),
      byId: db.prepare<[string, string], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ? AND room = ?`,
      ),
      bySeq: db.prepare<[string, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND seq = ?`,
      ),
      // Every change to a room's messages takes its next rev, inside the change's transaction.
      bumpRev: db.prepare<[string], { latest_rev: number }>(
        "UPDATE rooms SET latest_rev = latest_rev + 1 WHERE name = ? RETURNING latest_rev",
      ),
      edit: db.prepare<[string, number, number, string, number]>(
        "UPDATE messages SET text = ?, edited_at = ?, rev = ? WHERE room = ? AND seq = ?",
      ),
      // The text goes with the row's new version; secure_delete zeroes the old one's bytes.
      erase: db.prepare<[number, string, number]>(
        "UPDATE messages SET text = '', deleted = 1, reactions = NULL, rev = ? WHERE room = ? AND seq = ?",
      ),
      eraseReactions: db.prepare<[string, number]>(
        "DELETE FROM reactions WHERE room = ? AND seq = ?",
      ),
      setReactions: db.prepare<[string | null, number, string, number]>(
        "UPDATE messages SET reactions = ?, rev = ? WHERE room = ? AND seq = ?",
      ),
      addReaction: db.prepare<[string, number, string, string, number]>(
        "INSERT INTO reactions (room, seq, emoji, user_id, rev) VALUES (?, ?, ?, ?, ?)",
      ),
      removeReaction: db.prepare<[string, number, string, string]>(
        "DELETE FROM reactions WHERE room = ? AND seq = ? AND emoji = ? AND user_id = ?",
      ),
      mine: db.prepare<[string, number, string], { emoji: string }>(
        "SELECT emoji FROM reactions WHERE room = ? AND seq = ? AND user_id = ? ORDER BY rev",
      ),
      mineBetween: db.prepare<[string, string, number, number], { seq: number; emoji: string }>(
        "SELECT seq, emoji FROM reactions WHERE room = ? AND user_id = ? AND seq BETWEEN ? AND ? ORDER BY rev",
      ),
      reactors: db.prepare<[string, number, string, number], User>(
        `SELECT r.user_id AS id, coalesce(u.name, r.user_id) AS name
         FROM reactions r LEFT JOIN users u ON u.id = r.user_id
         WHERE r.room = ? AND r.seq = ? AND r.emoji = ? ORDER BY r.rev LIMIT ?`,
      ),
      reactorCount: db.prepare<[string, number, string], { count: number }>(
        "SELECT count(*) AS count FROM reactions WHERE room = ? AND seq = ? AND emoji = ?",
      ),
      changesAfter: db.prepare<[string, number, number], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = ? AND rev > ? ORDER BY rev ASC LIMIT ?`,
      ),
      importMessage: db.prepare(
        `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES (@room, @seq, @id, @client_id, @author_id, @author_name, @text, @created_at, @rev, @edited_at, @deleted, @reply_to_id, @reply_to_seq, @reactions)
         ON CONFLICT DO NOTHING`,
      ),
      idAtSeq: db.prepare<[string, number], { id: string }>(
        "SELECT id FROM messages WHERE room = ? AND seq = ?",
      ),
      idAtRev: db.prepare<[string, number], { id: string }>(
        "SELECT id FROM messages WHERE room = ? AND rev = ?",
      ),
      importReaction: db.prepare(
        "INSERT INTO reactions (room, seq, emoji, user_id, rev) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      ),
      importGeneration: db.prepare(
        `INSERT INTO credential_generations (user_id, generation, revoked_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET generation = max(generation, excluded.generation)`,
      ),
      // Counters only go up: a room that already has later messages keeps its own.
      importRoom: db.prepare(
        `INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared)
         VALUES (@name, @latest_seq, @latest_rev, @last_message_at, NULL, 0)
         ON CONFLICT (name) DO UPDATE SET latest_seq = max(latest_seq, excluded.latest_seq),
           latest_rev = max(latest_rev, excluded.latest_rev),
           last_message_at = max(last_message_at, excluded.last_message_at)`,
      ),
      // As migration 4 derives them: seq 1's author, and whether anyone else wrote.
      importRoomAuthors: db.prepare<[string]>(
        `UPDATE rooms SET first_author = (SELECT author_id FROM messages WHERE room = rooms.name AND seq = 1),
           shared = EXISTS (SELECT 1 FROM messages WHERE room = rooms.name AND author_id <> (
             SELECT author_id FROM messages WHERE room = rooms.name AND seq = 1))
         WHERE name = ?`,
      ),
      latestRev: db.prepare<[string], { latest_rev: number }>(
        "SELECT latest_rev FROM rooms WHERE name = ?",
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
      credentialGeneration: db.prepare<[string], { generation: number }>(
        "SELECT generation FROM credential_generations WHERE user_id = ?",
      ),
      revokeCredentials: db.prepare<[string, number], { generation: number }>(
        `INSERT INTO credential_generations (user_id, generation, revoked_at) VALUES (?, 1, ?)
         ON CONFLICT (user_id) DO UPDATE SET generation = generation + 1, revoked_at = excluded.revoked_at
         RETURNING generation`,
      ),
      ping: db.prepare("SELECT 1"),
      probe: db.prepare(
        `INSERT INTO write_probe (id, written_at) VALUES (1, ?)
         ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at`,
      ),
    };

    this.applyAll = db.transaction((writes: PendingWrite[]) =>
      writes.map((write) => write.apply()),
    );
    // A committed write of one row: it needs what a message needs — the write
    // lock, room in the log, a working disk — so its success means writes work again.
    this.health.setProbe(() => this.faults.write(() => this.statements.probe.run(Date.now())));
  }

  /** Queues a write for the next group commit. */
  private write<T>(apply: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error("store is closed"));
    if (!this.health.writable) return Promise.reject(this.faults.corruptError());
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        apply,
        resolve: resolve as (result: unknown) => void,
        reject,
        queuedAt: performance.now(),
      });
      this.scheduleFlush();
    });
  }

  appendMessage(input: NewMessage): Promise<AppendResult> {
    return this.write(() => this.appendOne(input)).then(unwrap);
  }

  changeMessage(input: ChangeRequest): Promise<ChangeResult> {
    return this.write(() => this.changeOne(input)).then(unwrap);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.settling || this.closed) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private appendOne(input: NewMessage): Outcome<AppendResult> {
    const { byClientId, byId, bumpSeq, insert, insertUser } = this.statements;
    const existing = byClientId.get(input.room, input.author.id, input.clientId);
    if (existing) return { value: { message: toMessage(existing), duplicate: true } };
    const answered = input.replyTo === undefined ? undefined : byId.get(input.replyTo, input.room);
    if (input.replyTo !== undefined && !answered)
      return { refused: new ChangeRefusedError("not_found") };

    const createdAt = Date.now();
    // The author's first write makes their row; a rename since then keeps its name.
    insertUser.run(input.author.id, input.author.name, createdAt);
    const bumped = bumpSeq.get(input.room, createdAt, input.author.id);
    if (bumped === undefined) throw new Error("room sequence was not returned");
    const seq = bumped.latest_seq;
    const row: MessageRow = {
      room: input.room,
      seq,
      id: timeOrderedId(createdAt),
      client_id: input.clientId,
      author_id: input.author.id,
      author_name: input.author.name,
      text: input.text,
      created_at: createdAt,
      rev: bumped.latest_rev,
      edited_at: null,
      deleted: 0,
      reply_to_id: answered?.id ?? null,
      reply_to_seq: answered?.seq ?? null,
      reactions: null,
    };
    insert.run(row);
    return { value: { message: toMessage(row), duplicate: false } };
  }

  async importHistory(
    batches: Iterable<HistoryBatch> | AsyncIterable<HistoryBatch>,
  ): Promise<{ messages: number }> {
    let messages = 0;
    for await (const batch of batches) {
      messages += await this.write(() => this.importOne(batch)).then(unwrap);
    }
    return { messages };
  }

  private importOne(batch: HistoryBatch): Outcome<number> {
    const s = this.statements;
    const rows = (batch.messages ?? []).map(toRow);
    // Checked before anything is written: a batch is imported whole or not at all.
    // A seq or rev already taken is fine only by this very message, from an earlier run.
    for (const row of rows) {
      const atSeq = s.idAtSeq.get(row.room, row.seq)?.id;
      const atRev = s.idAtRev.get(row.room, row.rev)?.id;
      if ((atSeq !== undefined && atSeq !== row.id) || (atRev !== undefined && atRev !== row.id))
        return {
          refused: new Error(
            "the target already holds other messages at the same seqs; nothing was imported",
          ),
        };
    }
    const now = Date.now();
    for (const user of batch.users ?? []) s.insertUser.run(user.id, user.name, now);
    for (const g of batch.credentialGenerations ?? [])
      s.importGeneration.run(g.userId, g.generation, now);
    const rooms = new Map<
      string,
      { latest_seq: number; latest_rev: number; last_message_at: number }
    >();
    for (const row of rows) {
      s.importMessage.run(row);
      const room = rooms.get(row.room) ?? { latest_seq: 0, latest_rev: 0, last_message_at: 0 };
      room.latest_seq = Math.max(room.latest_seq, row.seq);
      room.latest_rev = Math.max(room.latest_rev, row.rev);
      room.last_message_at = Math.max(room.last_message_at, row.created_at);
      rooms.set(row.room, room);
    }
    for (const r of batch.reactions ?? [])
      s.importReaction.run(r.room, r.seq, r.emoji, r.userId, r.rev);
    for (const [name, room] of rooms) {
      s.importRoom.run({ name, ...room });
      s.importRoomAuthors.run(name);
    }
    return { value: rows.length };
  }

  private changeOne({ room, id, actor, change }: ChangeRequest): Outcome<ChangeResult> {
    const s = this.statements;
    const row = s.byId.get(id, room);
    if (!row) return { refused: new ChangeRefusedError("not_found") };
    const mineBefore = s.mine.all(room, row.seq, actor.id).map((r) => r.emoji);
    const reactions = decodeReactions(row.reactions);
    const decision = decideChange(
      {
        authorId: row.author_id,
        text: row.text,
        deleted: row.deleted !== 0,
        reactions,
        mine: mineBefore,
      },
      actor.id,
      change,
    );
    if (decision.kind === "refuse") return { refused: new ChangeRefusedError(decision.code) };
    if (decision.kind === "unchanged")
      return { value: { message: toMessage(row), changed: false, mine: mineBefore } };

    const rev = s.bumpRev.get(room)?.latest_rev;
    if (rev === undefined) throw new Error("room rev was not returned");
    switch (change.kind) {
      case "edit":
        s.edit.run(change.text, Date.now(), rev, room, row.seq);
        break;
      case "delete":
        s.erase.run(rev, room, row.seq);
        s.eraseReactions.run(room, row.seq);
        this.scrubAfterCommit = true;
        break;
      case "reaction":
        if (change.added) {
          // A reaction is a write: it makes the identity's row, for reaction:users' names.
          s.insertUser.run(actor.id, actor.name, Date.now());
          s.addReaction.run(room, row.seq, change.emoji, actor.id, rev);
        } else {
          s.removeReaction.run(room, row.seq, change.emoji, actor.id);
        }
        s.setReactions.run(
          encodeReactions(countReactions(reactions, change.emoji, change.added)),
          rev,
          room,
          row.seq,
        );
        break;
    }
    const changed = s.bySeq.get(room, row.seq);
    if (!changed) throw new Error("changed message was not found");
    const mine = s.mine.all(room, row.seq, actor.id).map((r) => r.emoji);
    return { value: { message: toMessage(changed), changed: true, mine } };
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0) return;
    // Another write found the lock held: this batch waits for the next attempt too.
    if (this.faults.lock.blocked) {
      this.flushAfterLockWait();
      return;
    }
    const batch = this.queue;
    this.queue = [];
    if (!this.health.writable) {
      const error = this.faults.corruptError();
      for (const pending of batch) pending.reject(error);
      return;
    }
    try {
      // IMMEDIATE: the write lock is taken before anything is read, so a
      // snapshot cannot go stale between reading and writing.
      const results = this.applyAll.immediate(batch);
      this.faults.wrote();
      this.scrubDeletedText();
      this.settling = true;
      this.settler.settle(batch, results, () => {
        this.settling = false;
        if (this.queue.length > 0) this.scheduleFlush();
      });
    } catch (batchError) {
      const fault = classifySqliteError(batchError);
      if (fault?.kind === "busy") {
        // Back at the head of the queue, in order; what arrives meanwhile joins them.
        this.queue = batch.concat(this.queue);
        this.faults.lock.foundHeld();
        this.expireLockWaits(fault);
        this.flushAfterLockWait();
        return;
      }
      if (fault) {
        const error = this.faults.storageError(batchError, fault);
        for (const pending of batch) pending.reject(error);
        return;
      }
      // One bad write must not fail its neighbours: retry each on its own.
      if (batch.length === 1) {
        batch[0]?.reject(batchError);
        return;
      }
      for (const pending of batch) {
        try {
          const [result] = this.applyAll.immediate([pending]);
          this.faults.wrote();
          this.scrubDeletedText();
          pending.resolve(result);
        } catch (error) {
          const single = classifySqliteError(error);
          pending.reject(single ? this.faults.storageError(error, single) : error);
        }
      }
    }
  }

  /**
   * After a commit that deleted a message, before its ack: secure_delete has
   * zeroed the old row's bytes in the pages written, but earlier versions of
   * those pages still sit in the write-ahead log. A TRUNCATE checkpoint
   * copies the current pages into the database file and empties the log, so
   * neither file holds the text. Deletes are rare; a checkpoint that cannot
   * finish (a reader in another process) is retried with the next delete.
   */
  private scrubDeletedText(): void {
    if (!this.scrubAfterCommit) return;
    this.scrubAfterCommit = false;
    try {
      this.db.pragma("wal_checkpoint(TRUNCATE)");
    } catch {
      // The text is still removed from every table; only old page copies wait.
    }
  }

  private flushAfterLockWait(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    void this.faults.lock.nextAttempt().then(() => this.flush());
  }

  /** Appends that have waited for the lock as long as a write may are answered now. */
  private expireLockWaits(fault: StorageFault): void {
    const now = performance.now();
    const expired = this.queue.filter((pending) => now - pending.queuedAt >= MAX_LOCK_WAIT_MS);
    if (expired.length === 0) return;
    this.queue = this.queue.filter((pending) => now - pending.queuedAt < MAX_LOCK_WAIT_MS);
    const error = this.faults.storageError(new Error("the write lock stayed held"), fault);
    for (const pending of expired) pending.reject(error);
  }

  /** The background integrity check finished after the store began serving. */
  private integrityChecked(path: string, report: IntegrityReport): void {
    this.integrityCheck = undefined;
    if (report.ok || this.closed) return;
    this.health.corrupted(
      { kind: "corrupt", code: "quick_check" },
      `PRAGMA quick_check found damage in ${path}: ${report.problems.join("; ")}`,
    );
  }

  async latestMessages(room: string, limit: number): Promise<Page> {
    return this.faults.read(() =>
      toPage(this.statements.newest.iterate(room, limit + 1), limit, true),
    );
  }

  async messagesBefore(room: string, before: number, limit: number): Promise<Page> {
    return this.faults.read(() =>
      toPage(this.statements.before.iterate(room, before, limit + 1), limit, true),
    );
  }

  async messagesAfter(room: string, after: number, limit: number): Promise<Page> {
    return this.faults.read(() =>
      toPage(this.statements.after.iterate(room, after, limit + 1), limit, false),
    );
  }

  async changesAfter(room: string, after: number, limit: number): Promise<ChangesPage> {
    return this.faults.read(() => {
      const page = toPage(
        this.statements.changesAfter.iterate(room, after, limit + 1),
        limit,
        false,
      );
      return { ...page, latestRev: this.statements.latestRev.get(room)?.latest_rev ?? 0 };
    });
  }

  async reactionUsers(
    room: string,
    id: string,
    emoji: string,
    limit: number,
  ): Promise<ReactionUsersResult> {
    return this.faults.read(() => {
      const row = this.statements.byId.get(id, room);
      if (!row) throw new ChangeRefusedError("not_found");
      return {
        users: this.statements.reactors.all(room, row.seq, emoji, limit),
        count: this.statements.reactorCount.get(room, row.seq, emoji)?.count ?? 0,
      };
    });
  }

  async ownReactions(
    room: string,
    userId: string,
    messages: readonly ChatMessage[],
  ): Promise<Map<string, string[]>> {
    const own = new Map<string, string[]>();
    const reacted = messages.filter((message) => message.reactions.length > 0);
    if (reacted.length === 0) return own;
    const seqs = reacted.map((message) => message.seq);
    const idBySeq = new Map(reacted.map((message) => [message.seq, message.id]));
    const rows = this.faults.read(() =>
      this.statements.mineBetween.all(room, userId, Math.min(...seqs), Math.max(...seqs)),
    );
    for (const row of rows) {
      const id = idBySeq.get(row.seq);
      if (id === undefined) continue;
      own.set(id, [...(own.get(id) ?? []), row.emoji]);
    }
    return own;
  }

  async latestRev(room: string): Promise<number> {
    return this.faults.read(() => this.statements.latestRev.get(room)?.latest_rev ?? 0);
  }

  async latestSeq(room: string): Promise<number> {
    return this.faults.read(() => this.statements.latestSeq.get(room)?.latest_seq ?? 0);
  }

  async recentRooms(limit: number): Promise<RoomSummary[]> {
    return this.faults
      .read(() => this.statements.recentRooms.all(limit))
      .map((row) => ({
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
    return this.faults.read(() => this.statements.findUser.get(id) ?? null);
  }

  renameUser(id: string, name: string): Promise<User> {
    return this.write(() => {
      const user = this.statements.renameUser.get(id, name, Date.now());
      if (!user) throw new Error("renamed user was not returned");
      return user;
    });
  }

  async credentialGeneration(userId: string): Promise<number> {
    return this.faults.read(
      () => this.statements.credentialGeneration.get(userId)?.generation ?? 0,
    );
  }

  async revokeCredentials(userId: string): Promise<number> {
    const row = this.statements.revokeCredentials.get(userId, Date.now());
    if (!row) throw new Error("the new credential generation was not returned");
    return row.generation;
  }

  async ping(): Promise<void> {
    this.faults.read(() => this.statements.ping.get());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.integrityCheck?.cancel();
    this.health.close();
    // One last attempt for what is queued; whatever still finds the lock held
    // is answered unavailable (its clients resend) rather than left hanging.
    this.faults.lock.release();
    this.flush();
    this.closed = true;
    // Wakes writes still waiting for the lock; they find the store closed.
    this.faults.lock.release();
    const stranded = this.queue.splice(0);
    if (stranded.length > 0) {
      const error = new StoreUnavailableError("the store closed while waiting for the write lock", {
        fault: { kind: "busy", code: "SQLITE_BUSY" },
      });
      for (const pending of stranded) pending.reject(error);
    }
    this.db.close();
  }
}
