import type { DatabaseTarget } from "../config";
import { SqliteStore } from "./sqlite-store";
import type { ChatStore } from "./types";

/** Picks the engine named by DATABASE_URL; the schema is migrated before this resolves. */
export async function openStore(target: DatabaseTarget): Promise<ChatStore> {
  switch (target.engine) {
    case "sqlite":
      return new SqliteStore(target.path);
    case "postgres":
      throw new Error("Postgres support is not built yet; use DATABASE_URL=file:<path> for SQLite");
  }
}
