import type Database from "better-sqlite3";
import type { ReadPositionStore } from "../types";
import type { SqliteDatabase } from "./database";

type MarkParams = { user: string; room: string; seq: number; now: number };

function prepare(db: Database.Database) {
  return {
    // One statement: clamped to the room's latest seq, then kept only if it is
    // further than what is stored. `WHERE true` tells SQLite's parser that
    // ON CONFLICT belongs to the INSERT, not to a join in the SELECT.
    mark: db.prepare<MarkParams, { seq: number }>(
      `INSERT INTO read_positions (user_id, room, seq, updated_at)
       SELECT @user, @room, min(@seq, coalesce((SELECT latest_seq FROM rooms WHERE name = @room), 0)), @now
       WHERE true
       ON CONFLICT (user_id, room) DO UPDATE SET
         seq = max(read_positions.seq, excluded.seq),
         updated_at = CASE WHEN excluded.seq > read_positions.seq
                           THEN excluded.updated_at ELSE read_positions.updated_at END
       RETURNING seq`,
    ),
    positions: db.prepare<[string], { room: string; seq: number }>(
      "SELECT room, seq FROM read_positions WHERE user_id = ?",
    ),
  };
}

/** Account holders' read positions, written through the shared group commit. */
export class SqliteReads implements ReadPositionStore {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(private readonly database: SqliteDatabase) {
    this.statements = prepare(database.db);
  }

  mark(userId: string, room: string, seq: number): Promise<number> {
    return this.database.write(() => {
      const row = this.statements.mark.get({ user: userId, room, seq, now: Date.now() });
      if (!row) throw new Error("the read position was not returned");
      return row.seq;
    });
  }

  async positions(userId: string): Promise<Record<string, number>> {
    const rows = this.database.read(() => this.statements.positions.all(userId));
    return Object.fromEntries(rows.map((row) => [row.room, row.seq]));
  }
}
