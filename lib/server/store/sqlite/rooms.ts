import type Database from "better-sqlite3";
import type { RoomStore, RoomSummary } from "../types";
import type { SqliteDatabase } from "./database";

function prepare(db: Database.Database) {
  return {
    latestRev: db.prepare<[string], { latest_rev: number }>(
      "SELECT latest_rev FROM rooms WHERE name = ?",
    ),
    latestSeq: db.prepare<[string], { latest_seq: number }>(
      "SELECT latest_seq FROM rooms WHERE name = ?",
    ),
    recentRooms: db.prepare<
      [number],
      { name: string; latest_seq: number; last_message_at: number }
    >(
      "SELECT name, latest_seq, last_message_at FROM rooms ORDER BY shared DESC, last_message_at DESC LIMIT ?",
    ),
  };
}

/** Rooms' counters and the landing page's list, read from the rooms table. */
export class SqliteRooms implements RoomStore {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(private readonly database: SqliteDatabase) {
    this.statements = prepare(database.db);
  }

  async latestRev(room: string): Promise<number> {
    return this.database.read(() => this.statements.latestRev.get(room)?.latest_rev ?? 0);
  }

  async latestSeq(room: string): Promise<number> {
    return this.database.read(() => this.statements.latestSeq.get(room)?.latest_seq ?? 0);
  }

  async recent(limit: number): Promise<RoomSummary[]> {
    return this.database
      .read(() => this.statements.recentRooms.all(limit))
      .map((row) => ({
        name: row.name,
        latestSeq: row.latest_seq,
        lastMessageAt: new Date(row.last_message_at).toISOString(),
      }));
  }
}
