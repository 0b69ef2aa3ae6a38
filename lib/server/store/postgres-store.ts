import pg from "pg";
import type { ChatMessage, Page, User } from "../../shared/protocol";
import { migratePostgres } from "./postgres-migrations";
import { classifyPostgresError, describeFault } from "./storage-faults";
import { StoreHealth, type StoreHealthOptions } from "./store-health";
import { timeOrderedId } from "./time-ordered-id";
import {
  type AppendResult,
  type ChatStore,
  type NewMessage,
  type RoomSummary,
  StoreCorruptError,
  StoreUnavailableError,
} from "./types";

type MessageRow = {
  room: string;
  seq: string;
  id: string;
  client_id: string;
  author_id: string;
  author_name: string;
  text: string;
  created_at: Date;
};

const MESSAGE_COLUMNS = "room, seq, id, client_id, author_id, author_name, text, created_at";

const UNIQUE_VIOLATION = "23505";

/**
 * How long a statement may wait for a lock (a row another instance or an
 * operator's session holds) before it fails with 55P03 and its request is
 * answered `unavailable`: well within the time a client waits for an ack.
 */
const LOCK_TIMEOUT_MS = 2_000;

function toMessage(row: MessageRow): ChatMessage {
  return {
    id: row.id,
    room: row.room,
    seq: Number(row.seq),
    clientId: row.client_id,
    author: { id: row.author_id, name: row.author_name },
    text: row.text,
    createdAt: row.created_at.toISOString(),
  };
}

function toPage(rows: MessageRow[], limit: number, newestFirst: boolean): Page {
  const hasMore = rows.length > limit;
  const kept = hasMore ? rows.slice(0, limit) : rows;
  if (newestFirst) kept.reverse();
  return { messages: kept.map(toMessage), hasMore };
}

export type PostgresStoreOptions = StoreHealthOptions & {
  /** Connections in the pool; each in-flight send holds one for its transaction. */
  poolSize?: number;
};

/**
 * The same store on Postgres, for several instances sharing one history.
 * Each append is one transaction: the room row's `latest_seq` is bumped with
 * `INSERT … ON CONFLICT DO UPDATE`, which locks that row, so concurrent writers
 * to a room (on any instance) take turns and a rolled-back append gives its
 * seq back — sequences stay gap-free. The ack waits for COMMIT.
 *
 * Storage faults — a lost connection, a full disk (53100), a lock held past
 * LOCK_TIMEOUT_MS — reject with StoreUnavailableError, and the write results
 * feed `health`; data the server reports damaged (XX001, XX002) stops writes.
 */
export class PostgresStore implements ChatStore {
  readonly health: StoreHealth;
  private readonly pool: pg.Pool;
  private closed = false;
  /** Operations under way, so that close() lets them finish before ending the pool. */
  private readonly inFlight = new Set<Promise<unknown>>();

  private constructor(pool: pg.Pool, options: StoreHealthOptions) {
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

  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
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
    return new PostgresStore(pool, options);
  }

  /**
   * Runs one store operation: storage faults become StoreUnavailableError (or
   * StoreCorruptError), and a write's outcome is reported to `health`.
   */
  private run<T>(kind: "read" | "write", work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error("store is closed"));
    if (kind === "write" && !this.health.writable) return Promise.reject(this.corruptError());
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

  private async query<R extends pg.QueryResultRow>(
    text: string,
    values: unknown[],
    kind: "read" | "write" = "read",
  ): Promise<R[]> {
    return this.run(kind, async () => (await this.pool.query<R>(text, values)).rows);
  }

  appendMessage(input: NewMessage): Promise<AppendResult> {
    return this.run("write", async () => {
      try {
        return await this.appendOnce(input);
      } catch (error) {
        // The same clientId sent twice at once: the loser finds the winner's row.
        if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
        return this.appendOnce(input);
      }
    });
  }

  private async appendOnce(input: NewMessage): Promise<AppendResult> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query("BEGIN");
      const existing = await client.query<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = $1 AND author_id = $2 AND client_id = $3`,
        [input.room, input.author.id, input.clientId],
      );
      const found = existing.rows[0];
      if (found) {
        await client.query("COMMIT");
        return { message: toMessage(found), duplicate: true };
      }
      const bumped = await client.query<{ latest_seq: string; now: Date }>(
        `INSERT INTO rooms (name, latest_seq, last_message_at) VALUES ($1, 1, clock_timestamp())
         ON CONFLICT (name) DO UPDATE SET latest_seq = rooms.latest_seq + 1, last_message_at = excluded.last_message_at
         RETURNING latest_seq, last_message_at AS now`,
        [input.room],
      );
      const bump = bumped.rows[0];
      if (!bump) throw new Error("room sequence was not returned");
      const inserted = await client.query<MessageRow>(
        `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${MESSAGE_COLUMNS}`,
        [
          input.room,
          bump.latest_seq,
          timeOrderedId(),
          input.clientId,
          input.author.id,
          input.author.name,
          input.text,
          bump.now,
        ],
      );
      await client.query("COMMIT");
      const row = inserted.rows[0];
      if (!row) throw new Error("inserted message was not returned");
      return { message: toMessage(row), duplicate: false };
    } catch (error) {
      broken = classifyPostgresError(error)?.kind === "connection";
      if (!broken) await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      // A connection that failed mid-transaction is discarded rather than reused.
      client.release(broken);
    }
  }

  async latestMessages(room: string, limit: number): Promise<Page> {
    const rows = await this.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = $1 ORDER BY seq DESC LIMIT $2`,
      [room, limit + 1],
    );
    return toPage(rows, limit, true);
  }

  async messagesBefore(room: string, before: number, limit: number): Promise<Page> {
    const rows = await this.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`,
      [room, before, limit + 1],
    );
    return toPage(rows, limit, true);
  }

  async messagesAfter(room: string, after: number, limit: number): Promise<Page> {
    const rows = await this.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room = $1 AND seq > $2 ORDER BY seq ASC LIMIT $3`,
      [room, after, limit + 1],
    );
    return toPage(rows, limit, false);
  }

  async latestSeq(room: string): Promise<number> {
    const rows = await this.query<{ latest_seq: string }>(
      "SELECT latest_seq FROM rooms WHERE name = $1",
      [room],
    );
    return rows[0] ? Number(rows[0].latest_seq) : 0;
  }

  async recentRooms(limit: number): Promise<RoomSummary[]> {
    const rows = await this.query<{ name: string; latest_seq: string; last_message_at: Date }>(
      "SELECT name, latest_seq, last_message_at FROM rooms ORDER BY last_message_at DESC LIMIT $1",
      [limit],
    );
    return rows.map((row) => ({
      name: row.name,
      latestSeq: Number(row.latest_seq),
      lastMessageAt: row.last_message_at.toISOString(),
    }));
  }

  async createUser(user: User): Promise<User> {
    // Two tabs presenting the same new cookie may race to create it: the first wins, both get it.
    await this.query(
      "INSERT INTO users (id, name, created_at) VALUES ($1, $2, now()) ON CONFLICT (id) DO NOTHING",
      [user.id, user.name],
      "write",
    );
    const stored = await this.findUser(user.id);
    if (!stored) throw new Error("created user was not found");
    return stored;
  }

  async findUser(id: string): Promise<User | null> {
    const rows = await this.query<User>("SELECT id, name FROM users WHERE id = $1", [id]);
    return rows[0] ?? null;
  }

  async renameUser(id: string, name: string): Promise<User | null> {
    const rows = await this.query<User>(
      "UPDATE users SET name = $2 WHERE id = $1 RETURNING id, name",
      [id, name],
      "write",
    );
    return rows[0] ?? null;
  }

  async credentialGeneration(userId: string): Promise<number> {
    const rows = await this.query<{ generation: number }>(
      "SELECT generation FROM credential_generations WHERE user_id = $1",
      [userId],
    );
    return rows[0]?.generation ?? 0;
  }

  async revokeCredentials(userId: string): Promise<number> {
    const rows = await this.query<{ generation: number }>(
      `INSERT INTO credential_generations (user_id, generation, revoked_at) VALUES ($1, 1, now())
       ON CONFLICT (user_id) DO UPDATE SET generation = credential_generations.generation + 1, revoked_at = now()
       RETURNING generation`,
      [userId],
    );
    const generation = rows[0]?.generation;
    if (generation === undefined) throw new Error("the new credential generation was not returned");
    return generation;
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
