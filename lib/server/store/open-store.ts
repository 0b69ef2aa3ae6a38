import type { DatabaseTarget } from "../config";
import { PostgresStore } from "./postgres-store";
import { SqliteStore } from "./sqlite-store";
import type { ChatStore } from "./types";

/** Picks the engine named by DATABASE_URL; the schema is migrated before this resolves. */
export async function openStore(target: DatabaseTarget): Promise<ChatStore> {
  switch (target.engine) {
    case "sqlite":
      return new SqliteStore(target.path);
    case "postgres":
      return PostgresStore.open(target.url);
  }
}
