import pg from "pg";
import { migratePostgres } from "../postgres-migrations";
import { classifyPostgresError, describeFault } from "../storage-faults";
import { StoreHealth, type StoreHealthOptions } from "../store-health";
import { StoreCorruptError, StoreUnavailableError } from "../types";

/**
 * How long a statement may wait for a lock (a row another instance or an
 * operator's session holds) before it fails with 55P03 and its request is
 * answered `unavailable`: well within the time a client waits for an ack.
 */
const LOCK_TIMEOUT_MS = 2_000;

export type PostgresDatabaseOptions = StoreHealthOptions & {
  /** Connections in the pool; each in-flight send holds one for its transaction. */
  poolSize?: number;
  /**
   * Operations that may wait for a pool connection, as a multiple of the pool
   * size. Beyond it the store answers `unavailable` at once: a flood then
   * meets a refusal instead of a queue that grows without bound, its queries
   * waiting for minutes behind each other and everyone else's.
   */
  maxWaitingPerConnection?: number;
};

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_MAX_WAITING_PER_CONNECTION = 100;

/**
 * The pool every aggregate's store shares, and what each of their operations
 * goes through (`run`): storage faults — a lost connection, a full disk
 * (53100), a lock held past LOCK_TIMEOUT_MS — reject with
 * StoreUnavailableError, and the write results feed `health`; data the
 * server reports damaged (XX001, XX002) stops writes.
 */
export class PostgresDatabase {
  readonly health: StoreHealth;
  readonly pool: pg.Pool;
  private closed = false;
  /** Operations under way, so that close() lets them finish before ending the pool. */
  private readonly inFlight = new Set<Promise<unknown>>();

  private constructor(
    pool: pg.Pool,
    private readonly maxWaiting: number,
    options: StoreHealthOptions,
  ) {
    this.pool = pool;
    this.health = new StoreHealth(options);
    this.health.setProbe(() =>
      this.run("write", async () => {
        await this.pool.query(
          `INSERT INTO write_probe (id, written_at) VALUES (1, now())
           ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at`,
        );
      }),
    );
  }

  static async open(url: string, options: PostgresDatabaseOptions = {}): Promise<PostgresDatabase> {
    const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
    const pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      lock_timeout: LOCK_TIMEOUT_MS,
    });
    // An idle connection dropped by the server must not crash the process;
    // the pool replaces it and the next query reports any lasting outage.
    pool.on("error", () => {});
    const client = await pool.connect();
    try {
      // Instances starting together wait for each other's migrations as long as it takes.
      await client.query("SET lock_timeout = 0");
      await migratePostgres(client);
      await client.query("RESET lock_timeout");
    } finally {
      client.release();
    }
    return new PostgresDatabase(
      pool,
      poolSize * (options.maxWaitingPerConnection ?? DEFAULT_MAX_WAITING_PER_CONNECTION),
      options,
    );
  }

  /**
   * Runs one store operation: storage faults become StoreUnavailableError (or
   * StoreCorruptError), and a write's outcome is reported to `health`.
   */
  run<T>(kind: "read" | "write", work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error("store is closed"));
    if (kind === "write" && !this.health.writable) return Promise.reject(this.corruptError());
    // A flood meets a refusal here rather than a queue that grows without bound.
    if (this.pool.waitingCount >= this.maxWaiting)
      return Promise.reject(
        new StoreUnavailableError("Postgres is busy: too many queries waiting", {
          fault: { kind: "capacity", code: "pool_queue_full" },
        }),
      );
    const operation = work().then(
      (result) => {
        if (kind === "write") this.health.writeSucceeded();
        return result;
      },
      (error: unknown) => {
        const fault = classifyPostgresError(error);
        if (!fault) throw error;
        if (fault.kind === "corrupt") {
          this.health.corrupted(fault, `${describeFault(fault)}: ${(error as Error).message}`);
          throw this.corruptError(error);
        }
        // Postgres locks rows, not the database: one room's lock held elsewhere
        // says nothing about the other rooms' writes.
        if (kind === "write" && fault.kind !== "busy") this.health.writeFailed(fault);
        throw new StoreUnavailableError(`Postgres is unavailable: ${describeFault(fault)}`, {
          cause: error,
          fault,
        });
      },
    );
    this.inFlight.add(operation);
    const forget = () => this.inFlight.delete(operation);
    operation.then(forget, forget);
    return operation;
  }

  private corruptError(cause?: unknown): StoreCorruptError {
    const state = this.health.current;
    return new StoreCorruptError(
      `writes are stopped: ${state.status === "corrupt" ? state.detail : "the database reported damaged data"}`,
      { cause, code: state.status === "corrupt" ? state.fault.code : undefined },
    );
  }

  async query<R extends pg.QueryResultRow>(
    text: string,
    values: unknown[],
    kind: "read" | "write" = "read",
  ): Promise<R[]> {
    return this.run(kind, async () => (await this.pool.query<R>(text, values)).rows);
  }

  /** One transaction on its own connection; a connection that failed mid-way is discarded. */
  async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      broken = classifyPostgresError(error)?.kind === "connection";
      if (!broken) await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.query("SELECT 1", []);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.health.close();
    await Promise.allSettled([...this.inFlight]);
    await this.pool.end();
  }
}
