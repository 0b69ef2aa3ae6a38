import type { DatabaseTarget } from "../config";
import { PostgresStore } from "./postgres-store";
import { SqliteStore } from "./sqlite-store";
import type { ChatStore } from "./types";

/**
 * Picks the engine named by DATABASE_URL; the schema is migrated (and a SQLite
 * file checked for damage) before this resolves. A database that cannot be
 * used rejects with StoreOpenError, whose message is for the operator.
 */
export async function openStore(target: DatabaseTarget): Promise<ChatStore> {
  switch (target.engine) {
    case "sqlite":
      return SqliteStore.open(target.path);
    case "postgres":
      return PostgresStore.open(target.url);
  }
}
