import pg from "pg";
import { MAX_PAGE_BYTES, MESSAGE_OVERHEAD_BYTES } from "../../shared/limits";
import type {
  ChangesPage,
  ChatMessage,
  Page,
  ReactionUsersResult,
  User,
} from "../../shared/protocol";
import { countReactions, decideChange, decodeReactions, encodeReactions } from "./message-changes";
import { takePage } from "./page-bytes";
import { migratePostgres } from "./postgres-migrations";
import { classifyPostgresError, describeFault } from "./storage-faults";
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
  rev: string;
  edited_at: Date | null;
  deleted: boolean;
  reply_to_id: string | null;
  reply_to_seq: string | null;
  reactions: string | null;
};

const MESSAGE_COLUMNS =
  "room, seq, id, client_id, author_id, author_name, text, created_at, rev, edited_at, deleted, reply_to_id, reply_to_seq, reactions";

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
    rev: Number(row.rev),
    clientId: row.client_id,
    author: { id: row.author_id, name: row.author_name },
    text: row.text,
    createdAt: row.created_at.toISOString(),
    editedAt: row.edited_at?.toISOString() ?? null,
    deleted: row.deleted,
    replyTo:
      row.reply_to_id === null || row.reply_to_seq === null
        ? null
        : { id: row.reply_to_id, seq: Number(row.reply_to_seq) },
    reactions: decodeReactions(row.reactions),
  };
}

/** Rows per INSERT: large enough to be fast, small enough to stay under Postgres's parameter limit. */
const IMPORT_ROWS = 500;

/** One multi-row INSERT: `%VALUES%` becomes ($1, $2, …), ($n+1, …) for the rows given. */
async function insertRows(client: pg.PoolClient, sql: string, rows: unknown[][]): Promise<void> {
  for (let from = 0; from < rows.length; from += IMPORT_ROWS) {
    const slice = rows.slice(from, from + IMPORT_ROWS);
    const width = slice[0]?.length ?? 0;
    const groups = slice.map(
      (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(", ")})`,
    );
    await client.query(sql.replace("%VALUES%", groups.join(", ")), slice.flat());
  }
}

async function importBatch(client: pg.PoolClient, batch: HistoryBatch): Promise<number> {
  await insertRows(
    client,
    "INSERT INTO users (id, name, created_at) VALUES %VALUES% ON CONFLICT (id) DO NOTHING",
    (batch.users ?? []).map((u) => [u.id, u.name, new Date()]),
  );
  // Revocations never go backwards: a credential revoked on either side stays revoked.
  await insertRows(
    client,
    `INSERT INTO credential_generations (user_id, generation, revoked_at) VALUES %VALUES%
     ON CONFLICT (user_id) DO UPDATE SET
       generation = GREATEST(credential_generations.generation, excluded.generation)`,
    (batch.credentialGenerations ?? []).map((g) => [g.userId, g.generation, new Date()]),
  );
  const messages = batch.messages ?? [];
  await insertRows(
    client,
    `INSERT INTO messages (${MESSAGE_COLUMNS}) VALUES %VALUES% ON CONFLICT DO NOTHING`,
    messages.map((m) => [
      m.room,
      m.seq,
      m.id,
      m.clientId,
      m.author.id,
      m.author.name,
      m.text,
      new Date(m.createdAt),
      m.rev,
      m.editedAt === null ? null : new Date(m.editedAt),
      m.deleted,
      m.replyTo?.id ?? null,
      m.replyTo?.seq ?? null,
      encodeReactions(m.reactions),
    ]),
  );
  // A row skipped on conflict is fine only if it is this very message from an
  // earlier run; other messages at the same seqs mean the target is not a copy.
  for (let from = 0; from < messages.length; from += IMPORT_ROWS) {
    const ids = messages.slice(from, from + IMPORT_ROWS).map((m) => m.id);
    const { rows } = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM messages WHERE id = ANY($1::text[])",
      [ids],
    );
    if (Number(rows[0]?.n) !== ids.length)
      throw new Error(
        "the target already holds other messages at the same seqs; nothing was imported",
      );
  }
  await insertRows(
    client,
    "INSERT INTO reactions (room, seq, emoji, user_id, rev) VALUES %VALUES% ON CONFLICT DO NOTHING",
    (batch.reactions ?? []).map((r) => [r.room, r.seq, r.emoji, r.userId, r.rev]),
  );
  const rooms = new Map<string, { seq: number; rev: number; at: number }>();
  for (const m of messages) {
    const room = rooms.get(m.room) ?? { seq: 0, rev: 0, at: 0 };
    rooms.set(m.room, {
      seq: Math.max(room.seq, m.seq),
      rev: Math.max(room.rev, m.rev),
      at: Math.max(room.at, Date.parse(m.createdAt)),
    });
  }
  // Counters only go up: a room that already has later messages keeps its own.
  await insertRows(
    client,
    `INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at) VALUES %VALUES%
     ON CONFLICT (name) DO UPDATE SET latest_seq = GREATEST(rooms.latest_seq, excluded.latest_seq),
       latest_rev = GREATEST(rooms.latest_rev, excluded.latest_rev),
       last_message_at = GREATEST(rooms.last_message_at, excluded.last_message_at)`,
    [...rooms].map(([name, r]) => [name, r.seq, r.rev, new Date(r.at)]),
  );
  return messages.length;
}

function maxRev(rows: readonly MessageRow[]): number {
  let highest = 0;
  for (const row of rows) highest = Math.max(highest, Number(row.rev));
  return highest;
}

function toPage(rows: MessageRow[], limit: number, newestFirst: boolean): Page {
  const page = takePage(rows, limit, (row) => row.text);
  if (newestFirst) page.rows.reverse();
  return { messages: page.rows.map(toMessage), hasMore: page.hasMore };
}

/**
 * A page query that sends no more than the page's byte bound: rows in scan
 * order with a running total of their weight, cut by the database after the
 * first row that no longer fits (kept, like the row beyond the limit, only
 * to tell that more exist — the second row always is, since the first is
 * taken however long), so that a page of the longest messages is not
 * shipped whole to be trimmed here. `takePage` then applies the same rule.
 */
function pageQuery(where: string, order: "ASC" | "DESC", by: "seq" | "rev" = "seq"): string {
  const weight = `(octet_length(text) + ${MESSAGE_OVERHEAD_BYTES})`;
  return `SELECT ${MESSAGE_COLUMNS} FROM (
      SELECT ${MESSAGE_COLUMNS},
        sum(${weight}) OVER (ORDER BY ${by} ${order}) - ${weight} AS before_row,
        row_number() OVER (ORDER BY ${by} ${order}) AS position
      FROM messages WHERE ${where} ORDER BY ${by} ${order} LIMIT $LIMIT
    ) page
    WHERE before_row <= ${MAX_PAGE_BYTES} OR position <= 2
    ORDER BY ${by} ${order}`;
}

const NEWEST_PAGE = pageQuery("room = $1", "DESC").replace("$LIMIT", "$2");
const PAGE_BEFORE = pageQuery("room = $1 AND seq < $2", "DESC").replace("$LIMIT", "$3");
const PAGE_AFTER = pageQuery("room = $1 AND seq > $2", "ASC").replace("$LIMIT", "$3");
const CHANGES_AFTER = pageQuery("room = $1 AND rev > $2", "ASC", "rev").replace("$LIMIT", "$3");

export type PostgresStoreOptions = StoreHealthOptions & {
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

  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
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
    return new PostgresStore(
      pool,
      poolSize * (options.maxWaitingPerConnection ?? DEFAULT_MAX_WAITING_PER_CONNECTION),
      options,
    );
  }

  /**
   * Runs one store operation: storage faults become StoreUnavailableError (or
   * StoreCorruptError), and a write's outcome is reported to `health`.
   */
  private run<T>(kind: "read" | "write", work: () => Promise<T>): Promise<T> {
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
      let answered: { id: string; seq: string } | undefined;
      if (input.replyTo !== undefined) {
        const found = await client.query<{ id: string; seq: string }>(
          "SELECT id, seq FROM messages WHERE id = $1 AND room = $2",
          [input.replyTo, input.room],
        );
        answered = found.rows[0];
        if (!answered) throw new ChangeRefusedError("not_found");
      }
      // The author's first write makes their row; a rename since then keeps its name.
      await client.query(
        "INSERT INTO users (id, name, created_at) VALUES ($1, $2, now()) ON CONFLICT (id) DO NOTHING",
        [input.author.id, input.author.name],
      );
      // A room is shared once someone other than its first author writes in it.
      const bumped = await client.query<{ latest_seq: string; latest_rev: string; now: Date }>(
        `INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared)
         VALUES ($1, 1, 1, clock_timestamp(), $2, false)
         ON CONFLICT (name) DO UPDATE SET latest_seq = rooms.latest_seq + 1,
           latest_rev = rooms.latest_rev + 1,
           last_message_at = excluded.last_message_at,
           first_author = coalesce(rooms.first_author, excluded.first_author),
           shared = rooms.shared OR coalesce(rooms.first_author, excluded.first_author) <> excluded.first_author
         RETURNING latest_seq, latest_rev, last_message_at AS now`,
        [input.room, input.author.id],
      );
      const bump = bumped.rows[0];
      if (!bump) throw new Error("room sequence was not returned");
      const inserted = await client.query<MessageRow>(
        `INSERT INTO messages (${MESSAGE_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, false, $10, $11, NULL) RETURNING ${MESSAGE_COLUMNS}`,
        [
          input.room,
          bump.latest_seq,
          timeOrderedId(),
          input.clientId,
          input.author.id,
          input.author.name,
          input.text,
          bump.now,
          bump.latest_rev,
          answered?.id ?? null,
          answered?.seq ?? null,
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

  changeMessage(input: ChangeRequest): Promise<ChangeResult> {
    return this.run("write", () => this.inTransaction((client) => this.changeOnce(client, input)));
  }

  /** One transaction on its own connection; a connection that failed mid-way is discarded. */
  private async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
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

  private async changeOnce(
    client: pg.PoolClient,
    { room, id, actor, change }: ChangeRequest,
  ): Promise<ChangeResult> {
    // The room's row is locked first, as appends lock it: changes to a room
    // (from any instance) take turns, so each reads the state the previous
    // committed, and a rolled-back change gives its rev back.
    const locked = await client.query("SELECT 1 FROM rooms WHERE name = $1 FOR UPDATE", [room]);
    if (locked.rowCount === 0) throw new ChangeRefusedError("not_found");
    const found = await client.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1 AND room = $2`,
      [id, room],
    );
    const row = found.rows[0];
    if (!row) throw new ChangeRefusedError("not_found");
    const mineOf = async () =>
      (
        await client.query<{ emoji: string }>(
          "SELECT emoji FROM reactions WHERE room = $1 AND seq = $2 AND user_id = $3 ORDER BY rev",
          [room, row.seq, actor.id],
        )
      ).rows.map((r) => r.emoji);
    const mineBefore = await mineOf();
    const reactions = decodeReactions(row.reactions);
    const decision = decideChange(
      {
        authorId: row.author_id,
        text: row.text,
        deleted: row.deleted,
        reactions,
        mine: mineBefore,
      },
      actor.id,
      change,
    );
    if (decision.kind === "refuse") throw new ChangeRefusedError(decision.code);
    if (decision.kind === "unchanged")
      return { message: toMessage(row), changed: false, mine: mineBefore };

    const bumped = await client.query<{ latest_rev: string }>(
      "UPDATE rooms SET latest_rev = latest_rev + 1 WHERE name = $1 RETURNING latest_rev",
      [room],
    );
    const rev = bumped.rows[0]?.latest_rev;
    if (rev === undefined) throw new Error("room rev was not returned");
    let updated: pg.QueryResult<MessageRow>;
    switch (change.kind) {
      case "edit":
        updated = await client.query<MessageRow>(
          `UPDATE messages SET text = $1, edited_at = clock_timestamp(), rev = $2
           WHERE room = $3 AND seq = $4 RETURNING ${MESSAGE_COLUMNS}`,
          [change.text, rev, room, row.seq],
        );
        break;
      case "delete":
        await client.query("DELETE FROM reactions WHERE room = $1 AND seq = $2", [room, row.seq]);
        updated = await client.query<MessageRow>(
          `UPDATE messages SET text = '', deleted = true, reactions = NULL, rev = $1
           WHERE room = $2 AND seq = $3 RETURNING ${MESSAGE_COLUMNS}`,
          [rev, room, row.seq],
        );
        break;
      case "reaction":
        if (change.added) {
          // A reaction is a write: it makes the identity's row, for reaction:users' names.
          await client.query(
            "INSERT INTO users (id, name, created_at) VALUES ($1, $2, now()) ON CONFLICT (id) DO NOTHING",
            [actor.id, actor.name],
          );
          await client.query(
            "INSERT INTO reactions (room, seq, emoji, user_id, rev) VALUES ($1, $2, $3, $4, $5)",
            [room, row.seq, change.emoji, actor.id, rev],
          );
        } else {
          await client.query(
            "DELETE FROM reactions WHERE room = $1 AND seq = $2 AND emoji = $3 AND user_id = $4",
            [room, row.seq, change.emoji, actor.id],
          );
        }
        updated = await client.query<MessageRow>(
          `UPDATE messages SET reactions = $1, rev = $2
           WHERE room = $3 AND seq = $4 RETURNING ${MESSAGE_COLUMNS}`,
          [
            encodeReactions(countReactions(reactions, change.emoji, change.added)),
            rev,
            room,
            row.seq,
          ],
        );
        break;
    }
    const changed = updated.rows[0];
    if (!changed) throw new Error("changed message was not returned");
    return { message: toMessage(changed), changed: true, mine: await mineOf() };
  }

  importHistory(
    batches: Iterable<HistoryBatch> | AsyncIterable<HistoryBatch>,
  ): Promise<{ messages: number }> {
    return this.run("write", () =>
      this.inTransaction(async (client) => {
        let messages = 0;
        const rooms = new Set<string>();
        for await (const batch of batches) {
          messages += await importBatch(client, batch);
          for (const message of batch.messages ?? []) rooms.add(message.room);
        }
        // As migration 4 derives them: seq 1's author, and whether anyone else wrote.
        await client.query(
          `UPDATE rooms SET first_author = (SELECT author_id FROM messages WHERE room = rooms.name AND seq = 1)
           WHERE name = ANY($1::text[])`,
          [[...rooms]],
        );
        await client.query(
          `UPDATE rooms SET shared = EXISTS (
             SELECT 1 FROM messages WHERE room = rooms.name AND author_id <> rooms.first_author
           ) WHERE name = ANY($1::text[])`,
          [[...rooms]],
        );
        return { messages };
      }),
    );
  }

  async changesAfter(room: string, after: number, limit: number): Promise<ChangesPage> {
    // latestRev is read before the page: revs commit in order (the room row
    // is locked until commit), so the page, read later, holds every change
    // up to it — a reader that got the whole page is current at latestRev.
    const before = await this.latestRev(room);
    const rows = await this.query<MessageRow>(CHANGES_AFTER, [room, after, limit + 1]);
    const page = toPage(rows, limit, false);
    const reached = page.hasMore ? 0 : maxRev(rows);
    return { ...page, latestRev: Math.max(before, reached) };
  }

  async reactionUsers(
    room: string,
    id: string,
    emoji: string,
    limit: number,
  ): Promise<ReactionUsersResult> {
    const found = await this.query<{ seq: string }>(
      "SELECT seq FROM messages WHERE id = $1 AND room = $2",
      [id, room],
    );
    const seq = found[0]?.seq;
    if (seq === undefined) throw new ChangeRefusedError("not_found");
    const [users, counted] = await Promise.all([
      this.query<User>(
        `SELECT r.user_id AS id, coalesce(u.name, r.user_id) AS name
         FROM reactions r LEFT JOIN users u ON u.id = r.user_id
         WHERE r.room = $1 AND r.seq = $2 AND r.emoji = $3 ORDER BY r.rev LIMIT $4`,
        [room, seq, emoji, limit],
      ),
      this.query<{ count: string }>(
        "SELECT count(*) AS count FROM reactions WHERE room = $1 AND seq = $2 AND emoji = $3",
        [room, seq, emoji],
      ),
    ]);
    return { users, count: Number(counted[0]?.count ?? 0) };
  }

  async ownReactions(
    room: string,
    userId: string,
    messages: readonly ChatMessage[],
  ): Promise<Map<string, string[]>> {
    const own = new Map<string, string[]>();
    const reacted = messages.filter((message) => message.reactions.length > 0);
    if (reacted.length === 0) return own;
    const idBySeq = new Map(reacted.map((message) => [message.seq, message.id]));
    const rows = await this.query<{ seq: string; emoji: string }>(
      "SELECT seq, emoji FROM reactions WHERE room = $1 AND user_id = $2 AND seq = ANY($3::bigint[]) ORDER BY rev",
      [room, userId, [...idBySeq.keys()]],
    );
    for (const row of rows) {
      const id = idBySeq.get(Number(row.seq));
      if (id === undefined) continue;
      own.set(id, [...(own.get(id) ?? []), row.emoji]);
    }
    return own;
  }

  async latestRev(room: string): Promise<number> {
    const rows = await this.query<{ latest_rev: string }>(
      "SELECT latest_rev FROM rooms WHERE name = $1",
      [room],
    );
    return rows[0] ? Number(rows[0].latest_rev) : 0;
  }

  async latestMessages(room: string, limit: number): Promise<Page> {
    const rows = await this.query<MessageRow>(NEWEST_PAGE, [room, limit + 1]);
    return toPage(rows, limit, true);
  }

  async messagesBefore(room: string, before: number, limit: number): Promise<Page> {
    const rows = await this.query<MessageRow>(PAGE_BEFORE, [room, before, limit + 1]);
    return toPage(rows, limit, true);
  }

  async messagesAfter(room: string, after: number, limit: number): Promise<Page> {
    const rows = await this.query<MessageRow>(PAGE_AFTER, [room, after, limit + 1]);
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
      "SELECT name, latest_seq, last_message_at FROM rooms ORDER BY shared DESC, last_message_at DESC LIMIT $1",
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

  async renameUser(id: string, name: string): Promise<User> {
    // An identity's row is made by its first write, a rename as much as a message.
    const rows = await this.query<User>(
      `INSERT INTO users (id, name, created_at) VALUES ($1, $2, now())
       ON CONFLICT (id) DO UPDATE SET name = excluded.name RETURNING id, name`,
      [id, name],
      "write",
    );
    const user = rows[0];
    if (!user) throw new Error("renamed user was not returned");
    return user;
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
