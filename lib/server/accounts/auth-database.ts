import type Database from "better-sqlite3";
import pg from "pg";
import type { DatabaseTarget } from "../config";
import { openAccountsDatabase } from "../store/sqlite-auth-migrations";

export type AuthDatabase = {
  handle: Database.Database | pg.Pool;
  close(): Promise<void>;
};

/**
 * better-auth's database. On SQLite, a file of its own beside the chat's
 * (store/sqlite-auth-migrations.ts says why), opened and migrated here; on
 * Postgres, a small pool to the chat's database, whose store has migrated
 * the auth tables (migration 6) — sign-ins are rare next to messages, and
 * Postgres's row locks keep better-auth's transactions out of the chat's way.
 */
export function openAuthDatabase(target: DatabaseTarget): AuthDatabase {
  if (target.engine === "sqlite") {
    const db = openAccountsDatabase(target.path);
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
