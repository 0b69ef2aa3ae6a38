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
import { type ChatStore, RoomExistsError } from "./types";

/** A history written before rooms had settings (schema version 8): two rooms made by their messages. */
const FIRST_AT = Date.parse("2026-01-02T03:04:05.000Z");
const V8_MESSAGES = [
  ["general", 1, "00000000-0000-7000-8000-000000000001", "ana", "first", FIRST_AT],
  ["general", 2, "00000000-0000-7000-8000-000000000002", "bea", "second", FIRST_AT + 60_000],
  ["random", 1, "00000000-0000-7000-8000-000000000003", "bea", "elsewhere", FIRST_AT + 120_000],
] as const;

async function expectMigrated(store: ChatStore): Promise<void> {
  expect(await store.rooms.info("general")).toEqual({
    name: "general",
    visibility: "public",
    topic: "",
    ownerId: null,
    createdAt: new Date(FIRST_AT),
  });
  expect((await store.rooms.info("random"))?.createdAt).toEqual(new Date(FIRST_AT + 120_000));
  const page = await store.messages.changesAfter("general", 0, 10);
  expect(page.members).toEqual([]);
  for (const message of page.messages) expect(message).not.toHaveProperty("removedByModerator");
  expect((await store.rooms.recent(10)).map((r) => [r.name, r.visibility, r.topic])).toEqual([
    ["general", "public", ""],
    ["random", "public", ""],
  ]);
  // The old rooms' names are taken; their revs go on where the messages left them.
  await expect(
    store.rooms.create({
      name: "general",
      visibility: "private",
      topic: "",
      owner: { id: "cai", name: "Cai" },
    }),
  ).rejects.toBeInstanceOf(RoomExistsError);
  const joined = await store.members.change({
    room: "general",
    user: { id: "cai", name: "Cai" },
    kind: "joined",
    by: null,
  });
  expect(joined.change.rev).toBe(3);
  const next = await store.messages.append({
    room: "general",
    clientId: "after-migration",
    author: { id: "cai", name: "Cai" },
    text: "third",
  });
  expect([next.message.seq, next.message.rev]).toEqual([3, 4]);
  expect(await store.users.findByName("an", 5)).toEqual([{ id: "ana", name: "Ana" }]);
}

describe("the rooms migration (v9) from a v8 history", () => {
  it("makes SQLite's rooms public and ownerless, made at their first message", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scrollback-v8-"));
    const path = join(dir, "scrollback.db");
    try {
      const old = new Database(path);
      migrateSqlite(old, 8);
      const insert = old.prepare(
        `INSERT INTO messages (room, seq, id, client_id, author_id, author_name, text, created_at, rev)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const [room, seq, id, author, text, at] of V8_MESSAGES)
        insert.run(room, seq, id, `c${id}`, author, author, text, at, seq);
      old.exec(`INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared)
        VALUES ('general', 2, 2, ${FIRST_AT + 60_000}, 'ana', 1), ('random', 1, 1, ${FIRST_AT + 120_000}, 'bea', 0)`);
      old.exec(
        `INSERT INTO users (id, name, created_at) VALUES ('ana', 'Ana', 0), ('bea', 'Bea', 0)`,
      );
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

  it("makes Postgres's rooms public and ownerless, made at their first message", async () => {
    const schema = await createTestSchema();
    try {
      const pool = new pg.Pool({ connectionString: schema.url, max: 1 });
      const client = await pool.connect();
      try {
        await migratePostgres(client, 8);
        for (const [room, seq, id, author, text, at] of V8_MESSAGES)
          await client.query(
            `INSERT INTO messages (room, seq, id, client_id, author_id, author_name, text, created_at, rev)
             VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $2)`,
            [room, seq, id, `c${id}`, author, text, new Date(at)],
          );
        await client.query(
          `INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared)
           VALUES ('general', 2, 2, $1, 'ana', true), ('random', 1, 1, $2, 'bea', false)`,
          [new Date(FIRST_AT + 60_000), new Date(FIRST_AT + 120_000)],
        );
        await client.query(
          "INSERT INTO users (id, name, created_at) VALUES ('ana', 'Ana', now()), ('bea', 'Bea', now())",
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
