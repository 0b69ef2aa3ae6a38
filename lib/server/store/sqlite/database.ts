import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { LOCK_ATTEMPT_MS, MAX_LOCK_WAIT_MS, SqliteFaults } from "../sqlite-faults";
import { type IntegrityReport, quickCheckWithin } from "../sqlite-integrity";
import { migrateSqlite } from "../sqlite-migrations";
import { describeSqliteOpenFailure } from "../sqlite-open-failure";
import { classifySqliteError, type StorageFault } from "../storage-faults";
import { StoreHealth, type StoreHealthOptions } from "../store-health";
import { StoreOpenError, StoreUnavailableError } from "../types";

/** What a write inside the batch answers: a result, or the refusal its promise rejects with. */
export type Outcome<T> = { value: T } | { refused: Error };

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

export type WalOptions = {
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

export function unwrap<T>(outcome: Outcome<T>): T {
  if ("refused" in outcome) throw outcome.refused;
  return outcome.value;
}

export type SqliteDatabaseOptions = StoreHealthOptions & {
  /** The write-ahead log's checkpoint and size settings; the defaults suit production. */
  wal?: WalOptions;
  /** How long `open` waits for the integrity check before serving anyway. */
  integrityCheckWaitMs?: number;
};

/**
 * The connection every aggregate's store shares, and its one writer: SQLite
 * in WAL mode with synchronous=FULL, so a commit is on disk before an ack and
 * acknowledged messages survive a process crash and a power loss.
 *
 * better-sqlite3 is synchronous; every write (appends, changes, renames) is
 * queued here and committed together with the others in one transaction per
 * turn of the event loop (group commit), so the price of an fsync is shared
 * by every write that arrived meanwhile, whichever aggregate it is for, and no
 * kind of request costs the event loop a commit of its own.
 *
 * Storage faults are answered, never waited out on the event loop: a full
 * disk or an I/O error rejects the write with StoreUnavailableError at once;
 * a lock held by another process is waited for between short attempts
 * (LockWait), for a bounded time; damaged data (SQLITE_CORRUPT, found by a
 * read, a write or the integrity check) stops every later write. `health`
 * follows the write results.
 */
export class SqliteDatabase {
  readonly health: StoreHealth;
  readonly db: Database.Database;
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
  private readonly pingStatement: Database.Statement;
  private readonly applyAll: Database.Transaction<(writes: PendingWrite[]) => unknown[]>;

  /**
   * Opens the database for serving: the file is opened and migrated (which
   * reads its header and schema), then checked page by page (`quick_check`,
   * in a worker thread) for up to `integrityCheckWaitMs`. A file that is not
   * a database or is damaged is refused with a StoreOpenError naming it; a
   * check still running after the wait goes on while the store serves.
   */
  static async open(path: string, options: SqliteDatabaseOptions = {}): Promise<SqliteDatabase> {
    const store = new SqliteDatabase(path, options);
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

  constructor(path: string, options: Omit<SqliteDatabaseOptions, "integrityCheckWaitMs"> = {}) {
    this.health = new StoreHealth(options);
    this.faults = new SqliteFaults(this.health, () => this.closed);
    this.db = openDatabase(path, options.wal ?? {});
    this.pingStatement = this.db.prepare("SELECT 1");
    const probe = this.db.prepare(
      `INSERT INTO write_probe (id, written_at) VALUES (1, ?)
       ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at`,
    );
    this.applyAll = this.db.transaction((writes: PendingWrite[]) =>
      writes.map((write) => write.apply()),
    );
    // A committed write of one row: it needs what a message needs — the write
    // lock, room in the log, a working disk — so its success means writes work again.
    this.health.setProbe(() => this.faults.write(() => probe.run(Date.now())));
  }

  /** Queues a write for the next group commit; `apply` runs inside the batch's transaction. */
  write<T>(apply: () => T): Promise<T> {
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

  /** A read, its storage faults classified (damage found stops writes). */
  read<T>(read: () => T): T {
    return this.faults.read(read);
  }

  /** Called inside a write that deleted a message: its text is scrubbed from the log once committed. */
  scrubAfterThisCommit(): void {
    this.scrubAfterCommit = true;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.settling || this.closed) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
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

  async ping(): Promise<void> {
    this.faults.read(() => this.pingStatement.get());
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
