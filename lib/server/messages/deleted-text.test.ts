import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { PostgresStore } from "../store/postgres-store";
import { ChatTestServer, request } from "../testing/chat-test-server";
import { createTestSchema } from "../testing/postgres";

/**
 * A deleted message's text, and every earlier version of it, is gone: from
 * every answer, every table, and — on SQLite — from the bytes of the
 * database file and its write-ahead log. (Postgres keeps dead row versions
 * until autovacuum reclaims them; docs/delivery.md says so. What SQL can
 * read is checked here.)
 */
let server: ChatTestServer | undefined;
let dropSchema: (() => Promise<void>) | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
  await dropSchema?.();
  dropSchema = undefined;
});

/** Sends a short and a long message with unique markers, edits both, reacts, deletes both. */
async function writeEditAndDelete(chat: ChatTestServer, beforeDelete = () => {}) {
  const marker = () => `MARK${randomBytes(8).toString("hex")}`;
  const markers = { short: marker(), shortEdited: marker(), long: marker(), longEdited: marker() };
  const ana = await chat.connect({ auth: { name: "Ana" } });
  const bea = await chat.connect({ auth: { name: "Bea" } });
  await request(ana.socket, "room:join", { room: "general" });
  const send = async (text: string, clientId: string) => {
    const ack = await request(ana.socket, "message:send", { room: "general", text, clientId });
    if (!ack.ok) throw new Error(JSON.stringify(ack));
    return ack.message;
  };
  await send("before", "c0");
  // Longer than a database page: its text lives in overflow pages.
  const filler = "€".repeat(3_000);
  const short = await send(`short ${markers.short}`, "c1");
  const long = await send(`${filler} ${markers.long} ${filler}`.slice(0, 3_900), "c2");
  await send("after", "c3");
  await request(ana.socket, "message:edit", {
    room: "general",
    id: short.id,
    text: `short ${markers.shortEdited}`,
  });
  await request(ana.socket, "message:edit", {
    room: "general",
    id: long.id,
    text: `${filler.slice(0, 1_000)} ${markers.longEdited} ${filler.slice(0, 1_000)}`,
  });
  await request(bea.socket, "reaction:add", { room: "general", id: short.id, emoji: "👍" });
  beforeDelete();
  for (const message of [short, long]) {
    const deleted = await request(ana.socket, "message:delete", {
      room: "general",
      id: message.id,
    });
    expect(deleted).toMatchObject({ ok: true, message: { deleted: true, text: "" } });
  }
  const answers = JSON.stringify([
    await request(bea.socket, "room:join", { room: "general" }),
    await request(bea.socket, "history:after", { room: "general", after: 0 }),
    await request(bea.socket, "history:before", { room: "general", before: 10 }),
    await request(bea.socket, "history:around", { room: "general", seq: 2 }),
    await request(bea.socket, "changes:after", { room: "general", after: 0 }),
  ]);
  return { markers: Object.values(markers), answers };
}

describe("a deleted message's text", () => {
  it("is in no answer, no SQLite table, and no byte of the database file or its log", async () => {
    server = await ChatTestServer.start();
    const path = server.dbPath;
    // As for a message that has been there a while: copied from the log into the file.
    const { markers, answers } = await writeEditAndDelete(server, () => {
      const other = new Database(path);
      other.pragma("wal_checkpoint(TRUNCATE)");
      other.close();
    });
    for (const marker of markers) expect(answers).not.toContain(marker);

    const db = new Database(server.dbPath, { readonly: true });
    try {
      const tables = db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all();
      expect(tables.map((t) => t.name)).toContain("reactions");
      for (const { name } of tables) {
        const rows = JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all());
        for (const marker of markers) expect(rows, `table ${name}`).not.toContain(marker);
      }
    } finally {
      db.close();
    }
    for (const file of [server.dbPath, `${server.dbPath}-wal`]) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file);
      for (const marker of markers) expect(bytes.indexOf(marker), file).toBe(-1);
    }
  });

  it("is in no answer and in no Postgres table", async () => {
    const schema = await createTestSchema();
    dropSchema = schema.drop;
    server = await ChatTestServer.start({
      openStore: () => PostgresStore.open(schema.url, { poolSize: 4 }),
    });
    const { markers, answers } = await writeEditAndDelete(server);
    for (const marker of markers) expect(answers).not.toContain(marker);

    const client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    try {
      const { rows: tables } = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
        [schema.name],
      );
      expect(tables.map((t) => t.table_name)).toContain("reactions");
      for (const { table_name } of tables) {
        const { rows } = await client.query(`SELECT * FROM "${table_name}"`);
        const dump = JSON.stringify(rows);
        for (const marker of markers) expect(dump, `table ${table_name}`).not.toContain(marker);
      }
    } finally {
      await client.end();
    }
  });
});

describe("a deleted message's file names", () => {
  it("are in no answer once deleted, and in no byte of the SQLite file or its log once the sweeper forgot the uploads", async () => {
    server = await ChatTestServer.start();
    const chat = server;
    const marker = `MARK${randomBytes(8).toString("hex")}`;
    const ana = await chat.connect({ auth: { name: "Ana" } });
    await request(ana.socket, "room:join", { room: "general" });
    const id = "0000abcd-0000-4000-8000-000000000000";
    await chat.store.uploads.add({
      id,
      uploaderId: ana.session.user.id,
      address: "127.0.0.1",
      name: `${marker}.pdf`,
      size: 10,
      type: "application/pdf",
      contentKey: "c".repeat(64),
      width: null,
      height: null,
      placeholder: null,
      variants: [],
      createdAt: new Date(),
    });
    const sent = await request(ana.socket, "message:send", {
      room: "general",
      clientId: "f1",
      attachments: [id],
    });
    if (!sent.ok) throw new Error(JSON.stringify(sent));
    // As for a message that has been there a while: copied from the log into the file.
    const other = new Database(chat.dbPath);
    other.pragma("wal_checkpoint(TRUNCATE)");
    other.close();
    await request(ana.socket, "message:delete", { room: "general", id: sent.message.id });
    const answers = JSON.stringify([
      await request(ana.socket, "history:after", { room: "general", after: 0 }),
      await request(ana.socket, "changes:after", { room: "general", after: 0 }),
    ]);
    expect(answers).not.toContain(marker);
    // What the file sweeper does with a released upload.
    const released = await chat.store.uploads.releasable(new Date(0), 10);
    expect(released.map((u) => u.id)).toEqual([id]);
    expect(await chat.store.uploads.forget([id])).toEqual(["c".repeat(64)]);
    for (const file of [chat.dbPath, `${chat.dbPath}-wal`]) {
      if (!existsSync(file)) continue;
      expect(readFileSync(file).indexOf(marker), file).toBe(-1);
    }
  });
});
