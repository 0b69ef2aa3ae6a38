import type pg from "pg";
import type { MemberChange, RoomRole, RoomVisibility, User } from "../../../shared/protocol";
import { directPair } from "../member-changes";
import {
  RoomExistsError,
  type RoomStore,
  type RoomViewer,
  type StoredRoom,
  type StoredRoomSummary,
} from "../types";
import type { PostgresDatabase } from "./database";
import { applyMemberChange, insertUsers } from "./members";

type RoomRow = {
  name: string;
  visibility: RoomVisibility;
  topic: string;
  owner_id: string | null;
  created_at: Date;
};

const ROOM_COLUMNS = "name, visibility, topic, owner_id, created_at";

function toRoom(row: RoomRow): StoredRoom {
  return {
    name: row.name,
    visibility: row.visibility,
    topic: row.topic,
    ownerId: row.owner_id,
    createdAt: row.created_at,
  };
}

/** The pair already has a direct room, made by a transaction that committed while this one ran. */
class PairTaken extends Error {}

/** latest_seq 0: the room's first message still gets seq 1. Its first rev is the first membership. */
async function makeRoom(
  client: pg.PoolClient,
  name: string,
  visibility: RoomVisibility,
  topic: string,
  ownerId: string | null,
): Promise<StoredRoom> {
  const made = await client.query<RoomRow>(
    `WITH t AS (SELECT clock_timestamp() AS now)
     INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared, visibility, topic, owner_id, created_at)
     SELECT $1, 0, 0, t.now, NULL, false, $2, $3, $4, t.now FROM t
     ON CONFLICT (name) DO NOTHING
     RETURNING ${ROOM_COLUMNS}`,
    [name, visibility, topic, ownerId],
  );
  const row = made.rows[0];
  if (!row) throw new RoomExistsError(name);
  return toRoom(row);
}

/** Rooms: their counters, settings, direct pairings and the landing page's list. */
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

  async recent(limit: number, viewer?: RoomViewer): Promise<StoredRoomSummary[]> {
    // Public rooms to everyone; private and direct ones to their members; an
    // admin also sees every private room, but never someone else's direct room.
    const rows = await this.database.query<{
      name: string;
      latest_seq: string;
      last_message_at: Date;
      visibility: RoomVisibility;
      topic: string;
    }>(
      `SELECT name, latest_seq, last_message_at, visibility, topic FROM rooms
       WHERE visibility = 'public'
          OR ($2 AND visibility = 'private')
          OR ($3::text IS NOT NULL AND name IN (
                SELECT room FROM room_members WHERE user_id = $3 AND role IS NOT NULL))
       ORDER BY shared DESC, last_message_at DESC LIMIT $1`,
      [limit, viewer?.admin ?? false, viewer?.userId ?? null],
    );
    return rows.map((row) => ({
      name: row.name,
      latestSeq: Number(row.latest_seq),
      lastMessageAt: row.last_message_at.toISOString(),
      visibility: row.visibility,
      topic: row.topic,
    }));
  }

  async info(room: string): Promise<StoredRoom | null> {
    const rows = await this.database.query<RoomRow>(
      `SELECT ${ROOM_COLUMNS} FROM rooms WHERE name = $1`,
      [room],
    );
    return rows[0] ? toRoom(rows[0]) : null;
  }

  create(input: {
    name: string;
    visibility: RoomVisibility;
    topic: string;
    owner: User;
  }): Promise<{ room: StoredRoom; change: MemberChange }> {
    return this.database.run("write", () =>
      this.database.inTransaction(async (client) => {
        // The people's rows before the room's, in the order appends lock them.
        await insertUsers(client, input.owner);
        // A concurrent creator of the same name holds its new row: this waits, then finds it taken.
        const made = await makeRoom(
          client,
          input.name,
          input.visibility,
          input.topic,
          input.owner.id,
        );
        const { change } = await applyMemberChange(client, {
          room: input.name,
          user: input.owner,
          kind: "joined",
          role: "owner",
          by: null,
        });
        return { room: made, change };
      }),
    );
  }

  async update(
    room: string,
    patch: { topic?: string; visibility?: "public" | "private"; ownerId?: string | null },
  ): Promise<StoredRoom | null> {
    const rows = await this.database.query<RoomRow>(
      `UPDATE rooms SET topic = coalesce($2, topic), visibility = coalesce($3, visibility),
         owner_id = CASE WHEN $4 THEN $5 ELSE owner_id END
       WHERE name = $1 RETURNING ${ROOM_COLUMNS}`,
      [
        room,
        patch.topic ?? null,
        patch.visibility ?? null,
        patch.ownerId !== undefined,
        patch.ownerId ?? null,
      ],
      "write",
    );
    return rows[0] ? toRoom(rows[0]) : null;
  }

  remove(room: string): Promise<boolean> {
    return this.database.run("write", () =>
      this.database.inTransaction(async (client) => {
        // The room's row first: writers to the room wait for it, then find no room.
        const removed = await client.query("DELETE FROM rooms WHERE name = $1", [room]);
        for (const table of [
          "messages",
          "reactions",
          "message_mentions",
          "room_members",
          "invites",
          "read_positions",
          "notification_levels",
          "notification_claims",
        ])
          await client.query(`DELETE FROM ${table} WHERE room = $1`, [room]);
        await client.query("DELETE FROM direct_rooms WHERE room = $1", [room]);
        // Its files go with its messages: released, for the file sweeper.
        await client.query("UPDATE uploads SET released = true WHERE room = $1", [room]);
        return (removed.rowCount ?? 0) > 0;
      }),
    );
  }

  async directRoom(a: string, b: string): Promise<string | null> {
    const [low, high] = directPair(a, b);
    const rows = await this.database.query<{ room: string }>(
      "SELECT room FROM direct_rooms WHERE user_low = $1 AND user_high = $2",
      [low, high],
    );
    return rows[0]?.room ?? null;
  }

  async openDirect(
    a: User,
    b: User,
    name: string,
  ): Promise<{ room: StoredRoom; created: boolean; changes: MemberChange[] }> {
    // Two people opening their room at once (on any instance): the pair's
    // primary key lets one transaction pair it; the other rolls back its
    // room and finds the pair on its second attempt.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.database.run("write", () =>
          this.database.inTransaction((client) => this.openDirectOnce(client, a, b, name)),
        );
      } catch (error) {
        if (!(error instanceof PairTaken) || attempt > 0) throw error;
      }
    }
  }

  private async openDirectOnce(
    client: pg.PoolClient,
    a: User,
    b: User,
    name: string,
  ): Promise<{ room: StoredRoom; created: boolean; changes: MemberChange[] }> {
    const [low, high] = directPair(a.id, b.id);
    const found = await client.query<RoomRow>(
      `SELECT r.name, r.visibility, r.topic, r.owner_id, r.created_at
       FROM direct_rooms d JOIN rooms r ON r.name = d.room
       WHERE d.user_low = $1 AND d.user_high = $2`,
      [low, high],
    );
    if (found.rows[0]) return { room: toRoom(found.rows[0]), created: false, changes: [] };
    // The people's rows before the room's, in the order appends lock them.
    await insertUsers(client, a, b);
    const room = await makeRoom(client, name, "direct", "", null);
    const paired = await client.query(
      `INSERT INTO direct_rooms (user_low, user_high, room) VALUES ($1, $2, $3)
       ON CONFLICT (user_low, user_high) DO NOTHING`,
      [low, high, name],
    );
    if ((paired.rowCount ?? 0) === 0) throw new PairTaken("the pair has a direct room");
    const changes = [
      (await applyMemberChange(client, { room: name, user: a, kind: "joined", by: null })).change,
    ];
    if (b.id !== a.id)
      changes.push(
        (await applyMemberChange(client, { room: name, user: b, kind: "added", by: a })).change,
      );
    return { room, created: true, changes };
  }

  async memberRooms(userId: string): Promise<{ room: StoredRoom; role: RoomRole }[]> {
    const rows = await this.database.query<RoomRow & { role: RoomRole }>(
      `SELECT r.name, r.visibility, r.topic, r.owner_id, r.created_at, m.role
       FROM room_members m JOIN rooms r ON r.name = m.room
       WHERE m.user_id = $1 AND m.role IS NOT NULL ORDER BY r.name COLLATE "C"`,
      [userId],
    );
    return rows.map((row) => ({ room: toRoom(row), role: row.role }));
  }
}
