import Database from "better-sqlite3";
import pg from "pg";
import type { DatabaseTarget } from "../config";

export type AuthDatabase = {
  handle: Database.Database | pg.Pool;
  close(): Promise<void>;
};

/**
 * better-auth's own connection to the chat's database, opened after the
 * store has migrated it (the auth tables are migration 6). A connection of
 * its own: on SQLite, the store's writer batches the chat's writes into
 * group commits, which statements of another library must not land inside
 * (WAL lets both write, one at a time, within busy_timeout); on Postgres, a
 * small pool beside the store's, since sign-ins are rare next to messages.
 */
export function openAuthDatabase(target: DatabaseTarget): AuthDatabase {
  if (target.engine === "sqlite") {
    const db = new Database(target.path);
    db.pragma("journal_mode = WAL");
    // The store never holds SQLite's lock across ticks, so in this process
    // the lock is free whenever this connection runs; only another process
    // (a copy, a backup) can keep it, and then waiting long would stall all.
    db.pragma("busy_timeout = 1000");
    db.pragma("foreign_keys = ON");
    return {
      handle: db,
      close: async () => {
        db.close();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: target.url, max: 4 });
  // An idle connection the server drops must not crash the process.
  pool.on("error", () => {});
  return { handle: pool, close: () => pool.end() };
}
