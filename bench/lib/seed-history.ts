import { randomUUID } from "node:crypto";
import { join } from "node:path";
import Database from "better-sqlite3";
import { migrateSqlite } from "../../lib/server/store/sqlite-migrations";
import { Target } from "./targets";
import { BENCH_ROOM, type TargetKind } from "./wire";

const BATCH = 50_000;

/**
 * Writes `count` messages into the bench room of a new Scrollback SQLite
 * database through the app's own migrations, as if people had chatted there
 * (100 authors, texts of the length the load uses). Bulk inserts in large
 * transactions with synchronous=OFF: this is preparation, not measurement.
 */
export function seedScrollbackHistory(file: string, count: number): void {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  migrateSqlite(db);
  const authors = Array.from({ length: 100 }, (_, i) => ({
    id: randomUUID(),
    name: `Bench Bot ${i}`,
  }));
  const insertUser = db.prepare("INSERT INTO users (id, name, created_at) VALUES (?, ?, ?)");
  const insert = db.prepare(
    "INSERT INTO messages (room, seq, rev, id, client_id, author_id, author_name, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const start = Date.now() - count * 1000;
  db.transaction(() => {
    for (const author of authors) insertUser.run(author.id, author.name, start);
  })();
  for (let from = 1; from <= count; from += BATCH) {
    db.transaction(() => {
      for (let seq = from; seq < from + BATCH && seq <= count; seq++) {
        const author = authors[seq % authors.length] as { id: string; name: string };
        insert.run(
          BENCH_ROOM,
          seq,
          seq,
          randomUUID(),
          `seed-${seq}`,
          author.id,
          author.name,
          seededText(seq),
          start + seq * 1000,
        );
      }
    })();
  }
  db.prepare(
    "INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at) VALUES (?, ?, ?, ?)",
  ).run(BENCH_ROOM, count, count, start + count * 1000);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}

/**
 * Writes `count` messages of `codePoints` three-byte characters each (the
 * longest messages by bytes that most people can type) into `room` of a new
 * Scrollback SQLite database, as the flood matrix's long history.
 */
export function seedLongMessages(file: string, room: string, count: number, codePoints: number) {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  migrateSqlite(db);
  const insert = db.prepare(
    "INSERT INTO messages (room, seq, rev, id, client_id, author_id, author_name, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const text = "語".repeat(codePoints);
  const start = Date.now() - count * 1000;
  db.transaction(() => {
    for (let seq = 1; seq <= count; seq++)
      insert.run(
        room,
        seq,
        seq,
        randomUUID(),
        `seed-${seq}`,
        "archivist",
        "Archivist",
        text,
        start + seq * 1000,
      );
    db.prepare(
      "INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at) VALUES (?, ?, ?, ?)",
    ).run(room, count, count, start + count * 1000);
  })();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}

/** The same text the naive server seeds its list with, so both histories weigh the same. */
export function seededText(seq: number): string {
  return `seeded message ${seq} ${"lorem ipsum ".repeat(4)}`;
}

/**
 * Starts a server whose bench room already holds `messages`: Scrollback on a
 * SQLite file seeded in `workDir`, the naive server with its list filled.
 */
export async function startHoldingHistory(
  kind: TargetKind,
  messages: number,
  workDir: string,
  scrollbackEntry: string[] | undefined,
): Promise<Target> {
  if (kind !== "scrollback") return Target.start(kind, { naiveSeedMessages: messages });
  const file = join(workDir, "history.db");
  seedScrollbackHistory(file, messages);
  return Target.start(kind, {
    ...(scrollbackEntry ? { scrollbackEntry } : {}),
    databaseFile: file,
  });
}
