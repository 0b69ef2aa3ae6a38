import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { parseSearchQuery } from "../../shared/search-query";
import { createTestSchema } from "../testing/postgres";
import { migratePostgres } from "./postgres-migrations";
import { PostgresStore } from "./postgres-store";
import { migrateSqlite } from "./sqlite-migrations";
import { SqliteStore } from "./sqlite-store";
import type { ChatStore } from "./types";

/**
 * A history from before search (schema version 9): its rows are written in
 * an order other than their ids' (seq order of two rooms), one is deleted.
 */
const AT = Date.parse("2026-03-04T05:06:07.000Z");
const V9_MESSAGES = [
  ["general", 1, "00000000-0000-7000-8000-000000000002", "the café opens at nine", 0],
  ["general", 2, "00000000-0000-7000-8000-000000000004", "", 1],
  ["random", 1, "00000000-0000-7000-8000-000000000001", "東京タワーの café", 0],
  ["random", 2, "00000000-0000-7000-8000-000000000003", "cafe closed today", 0],
] as const;

async function expectIndexed(store: ChatStore): Promise<void> {
  const ids = (query: string) =>
    store.messages
      .search({
        query: parseSearchQuery(query),
        viewer: { userId: null, admin: false },
        order: "newest",
        limit: 10,
      })
      .then((found) => found.hits.map((hit) => hit.message.id));
  /** The old messages by the last digit of their ids. */
  const search = async (query: string) => (await ids(query)).map((id) => id.slice(-1));
  // Newest first in the order of the ids, whatever order the rows were in.
  expect(await search("cafe")).toEqual(["3", "2", "1"]);
  expect(await search("タワー")).toEqual(["1"]);
  const next = await store.messages.append({
    room: "general",
    clientId: "after-migration",
    author: { id: "cai", name: "Cai" },
    text: "a new café",
  });
  expect((await ids("café"))[0]).toBe(next.message.id);
  await store.messages.change({
    room: "random",
    id: "00000000-0000-7000-8000-000000000001",
    actor: { id: "ana", name: "Ana" },
    change: { kind: "edit", text: "大阪城" },
  });
  expect(await search("タワー")).toEqual([]);
  expect(await search("大阪城")).toEqual(["1"]);
}

describe("the search migration (v10) from a v9 history", () => {
  it("numbers and indexes SQLite's existing messages, and the indexes stay sound", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scrollback-v9-"));
    const path = join(dir, "scrollback.db");
    try {
      const old = new Database(path);
      migrateSqlite(old, 9);
      const insert = old.prepare(
        `INSERT INTO messages (room, seq, id, client_id, author_id, author_name, text, created_at, rev, deleted)
         VALUES (?, ?, ?, ?, 'ana', 'Ana', ?, ?, ?, ?)`,
      );
      for (const [room, seq, id, text, deleted] of V9_MESSAGES)
        insert.run(room, seq, id, `c${id}`, text, AT + seq, seq, deleted);
      old.exec(`INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared)
        VALUES ('general', 2, 2, ${AT}, 'ana', 0), ('random', 2, 2, ${AT}, 'ana', 0)`);
      old.close();

      const store = new SqliteStore(path);
      try {
        await expectIndexed(store);
      } finally {
        await store.close();
      }
      const check = new Database(path);
      try {
        // integrity-check with rank 1 compares the index with the text it was made from.
        check.exec("INSERT INTO message_fts (message_fts, rank) VALUES ('integrity-check', 1)");
        check.exec("INSERT INTO message_trigrams (message_trigrams) VALUES ('integrity-check')");
        const ids = check
          .prepare("SELECT search_id FROM messages ORDER BY id")
          .all()
          .map((row) => (row as { search_id: number }).search_id);
        expect(ids).toEqual([1, 2, 3, 4, 5]);
      } finally {
        check.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("indexes Postgres's existing messages", async () => {
    const schema = await createTestSchema();
    try {
      const pool = new pg.Pool({ connectionString: schema.url, max: 1 });
      const client = await pool.connect();
      try {
        await migratePostgres(client, 9);
        for (const [room, seq, id, text, deleted] of V9_MESSAGES)
          await client.query(
            `INSERT INTO messages (room, seq, id, client_id, author_id, author_name, text, created_at, rev, deleted)
             VALUES ($1, $2, $3, $4, 'ana', 'Ana', $5, $6, $2, $7)`,
            [room, seq, id, `c${id}`, text, new Date(AT + seq), deleted === 1],
          );
        await client.query(
          `INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared)
           VALUES ('general', 2, 2, $1, 'ana', false), ('random', 2, 2, $1, 'ana', false)`,
          [new Date(AT)],
        );
      } finally {
        client.release();
        await pool.end();
      }
      const store = await PostgresStore.open(schema.url, { poolSize: 2 });
      try {
        await expectIndexed(store);
      } finally {
        await store.close();
      }
    } finally {
      await schema.drop();
    }
  });
});
