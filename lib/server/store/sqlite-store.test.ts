import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually } from "../testing/chat-test-server";
import { damageTablePages } from "../testing/damage-database";
import { describeChangeLogContract } from "./change-log-contract";
import { describeMembershipContract } from "./membership-contract";
import { describeMentionsContract } from "./mentions-contract";
import { describeNotificationsContract } from "./notifications-contract";
import { LATEST_SQLITE_SCHEMA_VERSION } from "./sqlite-migrations";
import { SqliteStore } from "./sqlite-store";
import { describeStoreContract } from "./store-contract";
import { type ChatStore, StoreCorruptError, StoreOpenError } from "./types";

/** A temporary directory holding one SQLite file, and every store opened on it. */
function tempDatabase() {
  const dir = mkdtempSync(join(tmpdir(), "scrollback-store-"));
  const path = join(dir, "nested", "scrollback.db");
  const stores: ChatStore[] = [];
  const open = () => {
    const store = new SqliteStore(path);
    stores.push(store);
    return store;
  };
  const destroy = async () => {
    for (const store of stores) await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { path, open, destroy };
}

const SQLITE_SYNCHRONOUS_FULL = 2;

describeStoreContract("SQLite", async () => {
  const database = tempDatabase();
  return {
    store: database.open(),
    reopen: async () => database.open(),
    destroy: database.destroy,
  };
});

describeChangeLogContract("SQLite", async () => {
  const database = tempDatabase();
  return {
    store: database.open(),
    reopen: async () => database.open(),
    destroy: database.destroy,
  };
});

describeMembershipContract("SQLite", async () => {
  const database = tempDatabase();
  return {
    store: database.open(),
    reopen: async () => database.open(),
    destroy: database.destroy,
  };
});

describeNotificationsContract("SQLite", async () => {
  const database = tempDatabase();
  return {
    store: database.open(),
    reopen: async () => database.open(),
    destroy: database.destroy,
  };
});

describeMentionsContract("SQLite", async () => {
  const database = tempDatabase();
  return {
    store: database.open(),
    reopen: async () => database.open(),
    destroy: database.destroy,
  };
});

describe("SqliteStore on disk", () => {
  let database: ReturnType<typeof tempDatabase>;
  beforeEach(() => {
    database = tempDatabase();
  });
  afterEach(async () => {
    await database.destroy();
  });

  /** A second, read-only connection, to see the file as another process would. */
  function inspect<T>(look: (db: Database.Database) => T): T {
    const db = new Database(database.path, { readonly: true });
    try {
      return look(db);
    } finally {
      db.close();
    }
  }

  it("creates the file, and its directory, where it is told", async () => {
    const store = database.open();
    await store.ping();
    expect(inspect((db) => db.pragma("journal_mode", { simple: true }))).toBe("wal");
  });

  it("commits with WAL and synchronous=FULL, so an acknowledged message survives a power loss", async () => {
    const store = database.open();
    // synchronous is a per-connection setting, so only the store's own handle can tell.
    const { db } = store.database;
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("synchronous", { simple: true })).toBe(SQLITE_SYNCHRONOUS_FULL);
  });

  it("records each migration once, and migrating an up-to-date file again changes nothing", async () => {
    const first = database.open();
    await first.messages.append({
      room: "general",
      clientId: "c1",
      author: { id: "u1", name: "Ana" },
      text: "kept",
    });
    await first.close();
    const recorded = () =>
      inspect((db) =>
        db
          .prepare<[], { version: number; name: string; applied_at: number }>(
            "SELECT version, name, applied_at FROM schema_migrations ORDER BY version",
          )
          .all(),
      );
    const afterFirstStart = recorded();

    const second = database.open();
    await second.close();
    const third = database.open();

    expect(afterFirstStart.map((m) => m.version)).toEqual(
      Array.from({ length: LATEST_SQLITE_SCHEMA_VERSION }, (_, i) => i + 1),
    );
    expect(recorded()).toEqual(afterFirstStart);
    expect((await third.messages.latest("general", 10)).messages.map((m) => m.text)).toEqual([
      "kept",
    ]);
  });

  /** Frames in the write-ahead log: every commit appends at least one (see sqlite.org/fileformat2.html). */
  function walFrames(db: Database.Database): number {
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    return Math.max(0, (statSync(`${database.path}-wal`).size - 32) / (pageSize + 24));
  }

  it("commits a burst of renames together, not one commit each, and not before the turn ends", async () => {
    const store = database.open();
    const { db } = store.database;
    await store.ping();
    db.pragma("wal_checkpoint(TRUNCATE)");
    const renames = Array.from({ length: 500 }, (_, i) => store.users.rename(`u${i}`, `Name ${i}`));
    // Nothing is written while the request that asked for it is still running.
    expect(inspect((other) => other.prepare("SELECT count(*) AS n FROM users").get())).toEqual({
      n: 0,
    });
    await Promise.all(renames);
    expect(inspect((other) => other.prepare("SELECT count(*) AS n FROM users").get())).toEqual({
      n: 500,
    });
    // One commit per rename would append at least 500 frames; grouped, a handful of pages.
    expect(walFrames(db)).toBeLessThan(50);
  });

  it("learns, when it migrates an older file, which of its rooms are shared", async () => {
    mkdirSync(dirname(database.path), { recursive: true });
    const seed = new Database(database.path);
    seed.exec(`
      CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);
      INSERT INTO schema_migrations VALUES (1, 'rooms, messages and users', 0);
      CREATE TABLE rooms (name TEXT PRIMARY KEY, latest_seq INTEGER NOT NULL, last_message_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX rooms_by_activity ON rooms (last_message_at DESC);
      CREATE TABLE messages (room TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, client_id TEXT NOT NULL,
        author_id TEXT NOT NULL, author_name TEXT NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL,
        PRIMARY KEY (room, seq)) WITHOUT ROWID;
      CREATE UNIQUE INDEX messages_by_id ON messages (id);
      CREATE UNIQUE INDEX messages_idempotency ON messages (room, author_id, client_id);
      CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO rooms VALUES ('talk', 3, 1000), ('alone', 2, 3000);
      INSERT INTO messages VALUES
        ('talk', 1, 'i1', 'c1', 'ana', 'Ana', 'hi', 100),
        ('talk', 2, 'i2', 'c2', 'ana', 'Ana', 'anyone?', 200),
        ('talk', 3, 'i3', 'c3', 'bea', 'Bea', 'me', 1000),
        ('alone', 1, 'i4', 'c4', 'cyd', 'Cyd', 'one', 2000),
        ('alone', 2, 'i5', 'c5', 'cyd', 'Cyd', 'two', 3000);
    `);
    seed.close();
    const store = database.open();
    expect((await store.rooms.recent(10)).map((r) => r.name)).toEqual(["talk", "alone"]);
    // The first author writing again leaves a room unshared; anyone else shares it.
    await store.messages.append({
      room: "alone",
      clientId: "c6",
      author: { id: "cyd", name: "Cyd" },
      text: "three",
    });
    expect((await store.rooms.recent(10)).map((r) => r.name)).toEqual(["talk", "alone"]);
    await store.messages.append({
      room: "alone",
      clientId: "c7",
      author: { id: "dee", name: "Dee" },
      text: "hi",
    });
    expect((await store.rooms.recent(10)).map((r) => r.name)).toEqual(["alone", "talk"]);
  });
});

describe("SqliteStore.open on a damaged file", () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "scrollback-damaged-"));
    path = join(dir, "scrollback.db");
    const store = new SqliteStore(path);
    const author = { id: "u1", name: "Ana" };
    await Promise.all(
      Array.from({ length: 1_500 }, (_, i) =>
        store.messages.append({ room: "old", clientId: `c${i}`, author, text: "x".repeat(300) }),
      ),
    );
    await store.close();
    damageTablePages(path, "messages");
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses it, naming the file and what the integrity check found", async () => {
    const opening = SqliteStore.open(path);
    await expect(opening).rejects.toBeInstanceOf(StoreOpenError);
    await expect(opening).rejects.toThrow(
      new RegExp(
        `^The database ${path} is damaged \\(PRAGMA quick_check found: Tree \\d+ page \\d+`,
      ),
    );
  });

  it("serves when the check outlasts its wait, and stops writes once the check finds the damage", async () => {
    const store = await SqliteStore.open(path, { integrityCheckWaitMs: 0 });
    try {
      expect(store.health.current.status).toBe("ok");
      await eventually(() => expect(store.health.current.status).toBe("corrupt"));
      expect(store.health.current).toMatchObject({
        detail: expect.stringContaining(`PRAGMA quick_check found damage in ${path}`),
      });
      await expect(
        store.messages.append({
          room: "new",
          clientId: "n1",
          author: { id: "u2", name: "Bo" },
          text: "refused",
        }),
      ).rejects.toBeInstanceOf(StoreCorruptError);
    } finally {
      await store.close();
    }
  });

  it("opens a sound file after checking it", async () => {
    const sound = join(dir, "sound.db");
    const first = new SqliteStore(sound);
    await first.close();
    const store = await SqliteStore.open(sound);
    expect(store.health.current.status).toBe("ok");
    await store.close();
  });
});

describe("SqliteStore's write-ahead log", () => {
  it("grows while another connection holds a read open, and is cut back to its size limit once that read ends", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scrollback-wal-"));
    const path = join(dir, "scrollback.db");
    // Small settings, so that a few megabytes show what production does with a few hundred.
    const limit = 256 * 1024;
    const store = new SqliteStore(path, {
      wal: { autocheckpointPages: 50, sizeLimitBytes: limit },
    });
    const walBytes = () => statSync(`${path}-wal`).size;
    const author = { id: "u1", name: "Ana" };
    let n = 0;
    const write = (messages: number) =>
      Promise.all(
        Array.from({ length: messages }, () =>
          store.messages.append({
            room: `r${n % 7}`,
            clientId: `c${n++}`,
            author,
            text: "x".repeat(2_000),
          }),
        ),
      );
    // A backup or a sqlite3 shell in the middle of a read.
    const reader = new Database(path, { readonly: true });
    try {
      await write(10);
      reader.exec("BEGIN");
      reader.prepare("SELECT count(*) FROM messages").get();
      for (let i = 0; i < 20; i++) await write(50);
      const grown = walBytes();
      expect(grown).toBeGreaterThan(4 * limit);

      reader.exec("COMMIT");
      // Two commits: the first checkpoints, the next restarts the log at its
      // limit. (A later one may grow it past the limit again for a while: the
      // search index merges the segments the burst left in one go.)
      for (let i = 0; i < 2; i++) await write(5);
      expect(walBytes()).toBeLessThanOrEqual(limit);
    } finally {
      reader.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
