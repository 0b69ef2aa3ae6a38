import type { ReadPositionStore } from "../types";
import type { PostgresDatabase } from "./database";

/** Account holders' read positions. */
export class PostgresReads implements ReadPositionStore {
  constructor(private readonly database: PostgresDatabase) {}

  async mark(userId: string, room: string, seq: number): Promise<number> {
    // One statement: clamped to the room's latest seq, then kept only if it is
    // further than what is stored. Two devices marking at once take turns on
    // the row's lock, and each sees the other's position in `read_positions.seq`.
    const rows = await this.database.query<{ seq: string }>(
      `INSERT INTO read_positions (user_id, room, seq, updated_at)
       SELECT $1, $2, LEAST($3::bigint, COALESCE((SELECT latest_seq FROM rooms WHERE name = $2), 0)), now()
       ON CONFLICT (user_id, room) DO UPDATE SET
         seq = GREATEST(read_positions.seq, excluded.seq),
         updated_at = CASE WHEN excluded.seq > read_positions.seq
                           THEN excluded.updated_at ELSE read_positions.updated_at END
       RETURNING seq`,
      [userId, room, seq],
      "write",
    );
    const stored = rows[0];
    if (!stored) throw new Error("the read position was not returned");
    return Number(stored.seq);
  }

  async positions(userId: string): Promise<Record<string, number>> {
    const rows = await this.database.query<{ room: string; seq: string }>(
      "SELECT room, seq FROM read_positions WHERE user_id = $1",
      [userId],
    );
    return Object.fromEntries(rows.map((row) => [row.room, Number(row.seq)]));
  }
}
