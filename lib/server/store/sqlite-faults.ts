import { LockWait } from "./lock-wait";
import { classifySqliteError, describeFault, type StorageFault } from "./storage-faults";
import type { StoreHealth } from "./store-health";
import { StoreCorruptError, StoreUnavailableError } from "./types";

/**
 * SQLite's own busy handler sleeps the whole process: this is as long as one
 * attempt may wait for a lock synchronously. Longer waits happen between
 * attempts, off the event loop (LockWait).
 */
export const LOCK_ATTEMPT_MS = 10;
/**
 * How long a write waits for a lock another process holds before it is
 * answered `unavailable`: well within the time a client waits for an ack.
 */
export const MAX_LOCK_WAIT_MS = 2_000;
const LOCK_RETRY = { firstDelayMs: 20, maxDelayMs: 250 };

/**
 * How the SQLite store meets storage faults, kept apart from what it stores:
 * every synchronous call into better-sqlite3 goes through `read` or `write`
 * (the group commit uses `lock`, `wrote` and `storageError` itself), which
 * turn SQLite's errors into StoreUnavailableError for the request and into
 * `health` for readiness. A full disk or an I/O error is answered at once; a
 * lock another process holds is waited for between short attempts, for a
 * bounded time; damage stops every later write.
 */
export class SqliteFaults {
  readonly lock = new LockWait(LOCK_RETRY);

  constructor(
    private readonly health: StoreHealth,
    private readonly isClosed: () => boolean,
  ) {}

  /** Runs one synchronous write, after the lock waits of other writes, under the rules above. */
  async write<T>(work: () => T): Promise<T> {
    const startedAt = performance.now();
    for (;;) {
      if (this.isClosed())
        throw new StoreUnavailableError("the store is closed", {
          fault: { kind: "connection", code: "closed" },
        });
      if (!this.health.writable) throw this.corruptError();
      if (this.lock.blocked) {
        await this.lock.nextAttempt();
        continue;
      }
      try {
        const result = work();
        this.wrote();
        return result;
      } catch (error) {
        const fault = classifySqliteError(error);
        if (!fault) throw error;
        if (fault.kind !== "busy" || performance.now() - startedAt >= MAX_LOCK_WAIT_MS)
          throw this.storageError(error, fault);
        this.lock.foundHeld();
      }
    }
  }

  /** A read: storage faults become StoreUnavailableError, and damage stops writes. */
  read<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      const fault = classifySqliteError(error);
      if (!fault) throw error;
      if (fault.kind === "corrupt") throw this.storageError(error, fault);
      throw new StoreUnavailableError(`SQLite read failed: ${describeFault(fault)}`, {
        cause: error,
        fault,
      });
    }
  }

  /** A write committed: the lock was free and the disk took it. */
  wrote(): void {
    this.lock.acquired();
    this.health.writeSucceeded();
  }

  /** The error a write's caller gets for a storage fault, which `health` hears of first. */
  storageError(cause: unknown, fault: StorageFault): StoreUnavailableError {
    if (fault.kind === "corrupt") {
      this.health.corrupted(fault, `${describeFault(fault)}: ${(cause as Error).message}`);
      return this.corruptError(cause);
    }
    this.health.writeFailed(fault);
    return new StoreUnavailableError(`SQLite write failed: ${describeFault(fault)}`, {
      cause,
      fault,
    });
  }

  /** What every write is answered once damage was found. */
  corruptError(cause?: unknown): StoreCorruptError {
    const state = this.health.current;
    const detail = state.status === "corrupt" ? state.detail : "the database is damaged";
    return new StoreCorruptError(`writes are stopped: ${detail}`, {
      cause,
      code: state.status === "corrupt" ? state.fault.code : undefined,
    });
  }
}
