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

/** A history from before files (schema version 12): one message names someone, one is deleted. */
const AT = Date.parse("2026-03-04T05:06:07.000Z");
const V12_MESSAGES = [
  ["general", 1, "00000000-0000-7000-8000-000000000001", "hello @Bea", '["bea"]', 0],
  ["general", 2, "00000000-0000-7000-8000-000000000002", "", null, 1],
  ["general", 3, "00000000-0000-7000-8000-000000000003", "still here", null, 0],
] as const;

async function expectMigrated(store: ChatStore): Promise<void> {
  const page = await store.messages.latest("general", 10);
  expect(page.messages.map((m) => [m.seq, m.id, m.text, m.deleted, m.mentions])).toEqual(
    V12_MESSAGES.map(([, seq, id, text, mentions, deleted]) => [
      seq,
      id,
      text,
      deleted === 1,
      mentions === null ? undefined : JSON.parse(mentions),
    ]),
  );
  for (const message of page.messages) expect(message).not.toHaveProperty("attachments");
  // The new table is there and takes part in a send at once.
  await store.uploads.add({
    id: "00000001-0000-4000-8000-000000000000",
    uploaderId: "ana",
    address: "203.0.113.7",
    name: "after.txt",
    size: 5,
    type: "text/plain",
    contentKey: "f".repeat(64),
    width: null,
    height: null,
    placeholder: null,
    variants: [],
    createdAt: new Date(),
  });
  const { message } = await store.messages.append({
    room: "general",
    clientId: "after-migration",
    author: { id: "ana", name: "Ana" },
    text: "",
    attachments: ["00000001-0000-4000-8000-000000000000"],
  });
  expect(message.seq).toBe(4);
  expect(message.attachments).toEqual([
    { id: "00000001-0000-4000-8000-000000000000", name: "after.txt", size: 5, type: "text/plain" },
  ]);
}

describe("the files migration (v13) from a v12 history", () => {
  it("keeps SQLite's messages as they were, without attachments", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scrollback-v12-"));
    const path = join(dir, "scrollback.db");
    try {
      const old = new Database(path);
      migrateSqlite(old, 12);
      const insert = old.prepare(
        `INSERT INTO messages (room, seq, id, client_id, author_id, author_name, text, created_at, rev, deleted, mentions, search_id)
         VALUES (?, ?, ?, ?, 'ana', 'Ana', ?, ?, ?, ?, ?, ?)`,
      );
      for (const [room, seq, id, text, mentions, deleted] of V12_MESSAGES)
        insert.run(room, seq, id, `c${id}`, text, AT + seq, seq, deleted, mentions, seq);
      old.exec(`INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared)
        VALUES ('general', 3, 3, ${AT}, 'ana', 0)`);
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

  it("keeps Postgres's messages as they were, without attachments", async () => {
    const schema = await createTestSchema();
    try {
      const pool = new pg.Pool({ connectionString: schema.url, max: 1 });
      const client = await pool.connect();
      try {
        await migratePostgres(client, 12);
        for (const [room, seq, id, text, mentions, deleted] of V12_MESSAGES)
          await client.query(
            `INSERT INTO messages (room, seq, id, client_id, author_id, author_name, text, created_at, rev, deleted, mentions)
             VALUES ($1, $2, $3, $4, 'ana', 'Ana', $5, $6, $2, $7, $8)`,
            [room, seq, id, `c${id}`, text, new Date(AT + seq), deleted === 1, mentions],
          );
        await client.query(
          `INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared)
           VALUES ('general', 3, 3, $1, 'ana', false)`,
          [new Date(AT)],
        );
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
