import Database from "better-sqlite3";
import pg from "pg";
import { PostgresStore } from "./postgres-store";

export type CopyReport = { users: number; messages: number; rooms: number };

type SqliteMessage = {
  room: string;
  seq: number;
  id: string;
  client_id: string;
  author_id: string;
  author_name: string;
  text: string;
  created_at: number;
};

/** Rows per INSERT: large enough to be fast, small enough to stay under Postgres's parameter limit. */
const BATCH_ROWS = 500;

/**
 * Copies a SQLite history into Postgres as it is — same ids, seqs, clientIds,
 * authors and times — so clients that hold seqs keep working after the move.
 * It runs in one Postgres transaction: a failure leaves the target untouched,
 * and running it again skips what is already there. The target must not hold
 * different messages for the same rooms; the copy refuses rather than mix them.
 */
export async function copySqliteToPostgres(
  sqlitePath: string,
  postgresUrl: string,
  onProgress: (copied: number, total: number) => void = () => {},
): Promise<CopyReport> {
  // Opening the store runs the Postgres migrations, so the schema exists.
  await (await PostgresStore.open(postgresUrl, { poolSize: 1 })).close();

  const source = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  const target = new pg.Client({ connectionString: postgresUrl });
  await target.connect();
  try {
    const total = (source.prepare("SELECT count(*) AS n FROM messages").get() as { n: number }).n;
    await target.query("BEGIN");

    const users = source.prepare("SELECT id, name, created_at FROM users").all() as {
      id: string;
      name: string;
      created_at: number;
    }[];
    for (let i = 0; i < users.length; i += BATCH_ROWS) {
      const batch = users.slice(i, i + BATCH_ROWS);
      await insertRows(
        target,
        "INSERT INTO users (id, name, created_at) VALUES %VALUES% ON CONFLICT (id) DO NOTHING",
        batch.map((u) => [u.id, u.name, new Date(u.created_at)]),
      );
    }

    // Revocations come along, and never go backwards: a credential revoked on
    // either side stays revoked. A database from before revocations has none.
    const hasGenerations = source
      .prepare(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'credential_generations'",
      )
      .get();
    const generations = hasGenerations
      ? (source
          .prepare("SELECT user_id, generation, revoked_at FROM credential_generations")
          .all() as { user_id: string; generation: number; revoked_at: number }[])
      : [];
    for (let i = 0; i < generations.length; i += BATCH_ROWS) {
      await insertRows(
        target,
        `INSERT INTO credential_generations (user_id, generation, revoked_at) VALUES %VALUES%
         ON CONFLICT (user_id) DO UPDATE SET
           generation = GREATEST(credential_generations.generation, excluded.generation),
           revoked_at = GREATEST(credential_generations.revoked_at, excluded.revoked_at)`,
        generations
          .slice(i, i + BATCH_ROWS)
          .map((g) => [g.user_id, g.generation, new Date(g.revoked_at)]),
      );
    }

    let copied = 0;
    const rows = source
      .prepare(
        "SELECT room, seq, id, client_id, author_id, author_name, text, created_at FROM messages ORDER BY room, seq",
      )
      .iterate() as IterableIterator<SqliteMessage>;
    let batch: SqliteMessage[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await insertRows(
        target,
        `INSERT INTO messages (room, seq, id, client_id, author_id, author_name, text, created_at)
         VALUES %VALUES% ON CONFLICT (room, seq) DO NOTHING`,
        batch.map((m) => [
          m.room,
          m.seq,
          m.id,
          m.client_id,
          m.author_id,
          m.author_name,
          m.text,
          new Date(m.created_at),
        ]),
      );
      // A row skipped on conflict is fine only if it is this very message from an
      // earlier run; other messages at the same seqs mean the target is not a copy.
      const { rows: present } = await target.query<{ n: string }>(
        "SELECT count(*) AS n FROM messages WHERE id = ANY($1::text[])",
        [batch.map((m) => m.id)],
      );
      if (Number(present[0]?.n) !== batch.length) {
        throw new Error(
          "the target already holds other messages at the same seqs; nothing was copied",
        );
      }
      copied += batch.length;
      batch = [];
      onProgress(copied, total);
    };
    for (const row of rows) {
      batch.push(row);
      if (batch.length === BATCH_ROWS) await flush();
    }
    await flush();

    const rooms = source.prepare("SELECT name, latest_seq, last_message_at FROM rooms").all() as {
      name: string;
      latest_seq: number;
      last_message_at: number;
    }[];
    for (const room of rooms) {
      await target.query(
        `INSERT INTO rooms (name, latest_seq, last_message_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET latest_seq = GREATEST(rooms.latest_seq, excluded.latest_seq),
           last_message_at = GREATEST(rooms.last_message_at, excluded.last_message_at)`,
        [room.name, room.latest_seq, new Date(room.last_message_at)],
      );
    }
    // Which rooms are shared (listed first) follows from their messages, whatever
    // schema the SQLite file was last opened with.
    const names = rooms.map((room) => room.name);
    await target.query(
      `UPDATE rooms SET first_author = (SELECT author_id FROM messages WHERE room = rooms.name AND seq = 1)
       WHERE name = ANY($1::text[])`,
      [names],
    );
    await target.query(
      `UPDATE rooms SET shared = EXISTS (
         SELECT 1 FROM messages WHERE room = rooms.name AND author_id <> rooms.first_author
       ) WHERE name = ANY($1::text[])`,
      [names],
    );

    await target.query("COMMIT");
    return { users: users.length, messages: total, rooms: rooms.length };
  } catch (error) {
    await target.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    source.close();
    await target.end();
  }
}

/** One multi-row INSERT: `%VALUES%` becomes ($1, $2, …), ($n+1, …) for the rows given. */
async function insertRows(client: pg.Client, sql: string, rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const width = rows[0]?.length ?? 0;
  const groups = rows.map(
    (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(", ")})`,
  );
  await client.query(sql.replace("%VALUES%", groups.join(", ")), rows.flat());
}
