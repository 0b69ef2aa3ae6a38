import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createTestSchema } from "../testing/postgres";
import { migratePostgres } from "./postgres-migrations";
import { PostgresStore } from "./postgres-store";
import { migrateSqlite } from "./sqlite-migrations";
import { SqliteStore } from "./sqlite-store";
import type { ChatStore } from "./types";

/** A history written before the change log: schema version 4, no revs. */
const V4_MESSAGES = [
  ["general", 1, "00000000-0000-7000-8000-000000000001", "ana", "first"],
  ["general", 2, "00000000-0000-7000-8000-000000000002", "bea", "second"],
  ["general", 3, "00000000-0000-7000-8000-000000000003", "ana", "third"],
  ["random", 1, "00000000-0000-7000-8000-000000000004", "bea", "elsewhere"],
] as const;

async function expectMigrated(store: ChatStore): Promise<void> {
  const general = await store.changesAfter("general", 0, 50);
  expect(general.messages.map((m) => [m.seq, m.rev, m.text, m.deleted, m.editedAt])).toEqual([
    [1, 1, "first", false, null],
    [2, 2, "second", false, null],
    [3, 3, "third", false, null],
  ]);
  expect(general.latestRev).toBe(3);
  expect(await store.latestRev("random")).toBe(1);
  expect(general.messages.every((m) => m.replyTo === null && m.reactions.length === 0)).toBe(true);
  const first = general.messages[0];
  if (!first) throw new Error("no first message");
  const edited = await store.changeMessage({
    room: "general",
    id: first.id,
    actor: { id: "ana", name: "Ana" },
    change: { kind: "edit", text: "first, edited" },
  });
  expect(edited.message.rev).toBe(4);
  const next = await store.appendMessage({
    room: "general",
    clientId: "after-migration",
    author: { id: "bea", name: "Bea" },
    text: "fourth",
  });
  expect([next.message.seq, next.message.rev]).toEqual([4, 5]);
}

describe("the change log's migration (v5) from a v4 history", () => {
  it("gives every SQLite message rev = seq and every room latestRev = latestSeq", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scrollback-v4-"));
    const path = join(dir, "scrollback.db");
    try {
      const old = new Database(path);
      migrateSqlite(old, 4);
      const insert = old.prepare(
        `INSERT INTO messages (room, seq, id, client_id, author_id, author_name, text, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const [room, seq, id, author, text] of V4_MESSAGES)
        insert.run(room, seq, id, `c${id}`, author, author, text, Date.now());
      old.exec(`INSERT INTO rooms (name, latest_seq, last_message_at, first_author, shared)
        VALUES ('general', 3, 0, 'ana', 1), ('random', 1, 0, 'bea', 0)`);
      old.close();

      const store = new SqliteStore(path);
      try {
        await expectMigrated(store);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives every Postgres message rev = seq and every room latestRev = latestSeq", async () => {
    const schema = await createTestSchema();
    try {
      const pool = new pg.Pool({ connectionString: schema.url, max: 1 });
      const client = await pool.connect();
      try {
        await migratePostgres(client, 4);
        for (const [room, seq, id, author, text] of V4_MESSAGES)
          await client.query(
            `INSERT INTO messages (room, seq, id, client_id, author_id, author_name, text, created_at)
             VALUES ($1, $2, $3, $4, $5, $5, $6, now())`,
            [room, seq, id, `c${id}`, author, text],
          );
        await client.query(`INSERT INTO rooms (name, latest_seq, last_message_at, first_author, shared)
          VALUES ('general', 3, now(), 'ana', true), ('random', 1, now(), 'bea', false)`);
      } finally {
        client.release();
        await pool.end();
      }
      const store = await PostgresStore.open(schema.url, { poolSize: 2 });
      try {
        await expectMigrated(store);
      } finally {
        await store.close();
      }
    } finally {
      await schema.drop();
    }
  });
});
