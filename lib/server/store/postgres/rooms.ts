import type { RoomStore, RoomSummary } from "../types";
import type { PostgresDatabase } from "./database";

/** Rooms' counters and the landing page's list, read from the rooms table. */
export class PostgresRooms implements RoomStore {
  constructor(private readonly database: PostgresDatabase) {}

  async latestRev(room: string): Promise<number> {
    const rows = await this.database.query<{ latest_rev: string }>(
      "SELECT latest_rev FROM rooms WHERE name = $1",
      [room],
    );
    return rows[0] ? Number(rows[0].latest_rev) : 0;
  }

  async latestSeq(room: string): Promise<number> {
    const rows = await this.database.query<{ latest_seq: string }>(
      "SELECT latest_seq FROM rooms WHERE name = $1",
      [room],
    );
    return rows[0] ? Number(rows[0].latest_seq) : 0;
  }

  async recent(limit: number): Promise<RoomSummary[]> {
    const rows = await this.database.query<{
      name: string;
      latest_seq: string;
      last_message_at: Date;
    }>(
      "SELECT name, latest_seq, last_message_at FROM rooms ORDER BY shared DESC, last_message_at DESC LIMIT $1",
      [limit],
    );
    return rows.map((row) => ({
      name: row.name,
      latestSeq: Number(row.latest_seq),
      lastMessageAt: row.last_message_at.toISOString(),
    }));
  }
}
