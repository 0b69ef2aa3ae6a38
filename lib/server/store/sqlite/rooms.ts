import type Database from "better-sqlite3";
import type { MemberChange, RoomRole, RoomVisibility, User } from "../../../shared/protocol";
import { directPair } from "../member-changes";
import {
  RoomExistsError,
  type RoomStore,
  type RoomViewer,
  type StoredRoom,
  type StoredRoomSummary,
} from "../types";
import { type Outcome, type SqliteDatabase, unwrap } from "./database";
import type { SqliteMembers } from "./members";

type RoomRow = {
  name: string;
  visibility: RoomVisibility;
  topic: string;
  owner_id: string | null;
  created_at: number;
};

const ROOM_COLUMNS = "name, visibility, topic, owner_id, created_at";

function toRoom(row: RoomRow): StoredRoom {
  return {
    name: row.name,
    visibility: row.visibility,
    topic: row.topic,
    ownerId: row.owner_id,
    createdAt: new Date(row.created_at),
  };
}

type SummaryRow = {
  name: string;
  latest_seq: number;
  last_message_at: number;
  visibility: RoomVisibility;
  topic: string;
};

type Listing = { limit: number; viewer: string | null; admin: number };

function prepare(db: Database.Database) {
  return {
    latestRev: db.prepare<[string], { latest_rev: number }>(
      "SELECT latest_rev FROM rooms WHERE name = ?",
    ),
    latestSeq: db.prepare<[string], { latest_seq: number }>(
      "SELECT latest_seq FROM rooms WHERE name = ?",
    ),
    // Public rooms to everyone; private and direct ones to their members; an
    // admin also sees every private room, but never someone else's direct room.
    recentRooms: db.prepare<Listing, SummaryRow>(
      `SELECT name, latest_seq, last_message_at, visibility, topic FROM rooms
       WHERE visibility = 'public'
          OR (@admin = 1 AND visibility = 'private')
          OR (@viewer IS NOT NULL AND name IN (
                SELECT room FROM room_members WHERE user_id = @viewer AND role IS NOT NULL))
       ORDER BY shared DESC, last_message_at DESC LIMIT @limit`,
    ),
    info: db.prepare<[string], RoomRow>(`SELECT ${ROOM_COLUMNS} FROM rooms WHERE name = ?`),
    // latest_seq 0: the room's first message still gets seq 1. Its rev 1 is the owner's membership.
    create: db.prepare<
      {
        name: string;
        visibility: RoomVisibility;
        topic: string;
        owner: string | null;
        now: number;
      },
      RoomRow
    >(
      `INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared, visibility, topic, owner_id, created_at)
       VALUES (@name, 0, 0, @now, NULL, 0, @visibility, @topic, @owner, @now)
       ON CONFLICT (name) DO NOTHING
       RETURNING ${ROOM_COLUMNS}`,
    ),
    update: db.prepare<
      {
        name: string;
        topic: string | null;
        visibility: string | null;
        setOwner: number;
        owner: string | null;
      },
      RoomRow
    >(
      `UPDATE rooms SET topic = coalesce(@topic, topic), visibility = coalesce(@visibility, visibility),
         owner_id = CASE WHEN @setOwner = 1 THEN @owner ELSE owner_id END
       WHERE name = @name RETURNING ${ROOM_COLUMNS}`,
    ),
    removeMessages: db.prepare<[string]>("DELETE FROM messages WHERE room = ?"),
    // Its files go with its messages: released, for the file sweeper.
    releaseUploads: db.prepare<[string]>("UPDATE uploads SET released = 1 WHERE room = ?"),
    removeReactions: db.prepare<[string]>("DELETE FROM reactions WHERE room = ?"),
    removeMentions: db.prepare<[string]>("DELETE FROM message_mentions WHERE room = ?"),
    removeMembers: db.prepare<[string]>("DELETE FROM room_members WHERE room = ?"),
    removeInvites: db.prepare<[string]>("DELETE FROM invites WHERE room = ?"),
    removeReads: db.prepare<[string]>("DELETE FROM read_positions WHERE room = ?"),
    removeLevels: db.prepare<[string]>("DELETE FROM notification_levels WHERE room = ?"),
    removeClaims: db.prepare<[string]>("DELETE FROM notification_claims WHERE room = ?"),
    removeDirect: db.prepare<[string]>("DELETE FROM direct_rooms WHERE room = ?"),
    removeRoom: db.prepare<[string]>("DELETE FROM rooms WHERE name = ?"),
    directRoom: db.prepare<[string, string], { room: string }>(
      "SELECT room FROM direct_rooms WHERE user_low = ? AND user_high = ?",
    ),
    pairDirect: db.prepare<[string, string, string]>(
      "INSERT INTO direct_rooms (user_low, user_high, room) VALUES (?, ?, ?)",
    ),
    memberRooms: db.prepare<[string], RoomRow & { role: RoomRole }>(
      `SELECT r.name, r.visibility, r.topic, r.owner_id, r.created_at, m.role
       FROM room_members m JOIN rooms r ON r.name = m.room
       WHERE m.user_id = ? AND m.role IS NOT NULL ORDER BY r.name`,
    ),
  };
}

/** Rooms: their counters, settings, direct pairings and the landing page's list. */
export class SqliteRooms implements RoomStore {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(
    private readonly database: SqliteDatabase,
    private readonly members: SqliteMembers,
  ) {
    this.statements = prepare(database.db);
  }

  async latestRev(room: string): Promise<number> {
    return this.database.read(() => this.statements.latestRev.get(room)?.latest_rev ?? 0);
  }

  async latestSeq(room: string): Promise<number> {
    return this.database.read(() => this.statements.latestSeq.get(room)?.latest_seq ?? 0);
  }

  async recent(limit: number, viewer?: RoomViewer): Promise<StoredRoomSummary[]> {
    return this.database
      .read(() =>
        this.statements.recentRooms.all({
          limit,
          viewer: viewer?.userId ?? null,
          admin: viewer?.admin ? 1 : 0,
        }),
      )
      .map((row) => ({
        name: row.name,
        latestSeq: row.latest_seq,
        lastMessageAt: new Date(row.last_message_at).toISOString(),
        visibility: row.visibility,
        topic: row.topic,
      }));
  }

  async info(room: string): Promise<StoredRoom | null> {
    const row = this.database.read(() => this.statements.info.get(room));
    return row ? toRoom(row) : null;
  }

  create(input: {
    name: string;
    visibility: RoomVisibility;
    topic: string;
    owner: User;
  }): Promise<{ room: StoredRoom; change: MemberChange }> {
    return this.database
      .write((): Outcome<{ room: StoredRoom; change: MemberChange }> => {
        const now = Date.now();
        const made = this.statements.create.get({
          name: input.name,
          visibility: input.visibility,
          topic: input.topic,
          owner: input.owner.id,
          now,
        });
        if (!made) return { refused: new RoomExistsError(input.name) };
        const { change } = this.members.applyChange(
          { room: input.name, user: input.owner, kind: "joined", role: "owner", by: null },
          now,
        );
        return { value: { room: toRoom(made), change } };
      })
      .then(unwrap);
  }

  update(
    room: string,
    patch: { topic?: string; visibility?: "public" | "private"; ownerId?: string | null },
  ): Promise<StoredRoom | null> {
    return this.database.write(() => {
      const row = this.statements.update.get({
        name: room,
        topic: patch.topic ?? null,
        visibility: patch.visibility ?? null,
        setOwner: patch.ownerId === undefined ? 0 : 1,
        owner: patch.ownerId ?? null,
      });
      return row ? toRoom(row) : null;
    });
  }

  remove(room: string): Promise<boolean> {
    return this.database.write(() => {
      const s = this.statements;
      const existed = s.removeRoom.run(room).changes > 0;
      s.removeMessages.run(room);
      s.releaseUploads.run(room);
      s.removeReactions.run(room);
      s.removeMentions.run(room);
      s.removeMembers.run(room);
      s.removeInvites.run(room);
      s.removeReads.run(room);
      s.removeLevels.run(room);
      s.removeClaims.run(room);
      s.removeDirect.run(room);
      // The room's texts must not linger in the write-ahead log either.
      this.database.scrubAfterThisCommit();
      return existed;
    });
  }

  async directRoom(a: string, b: string): Promise<string | null> {
    const [low, high] = directPair(a, b);
    return this.database.read(() => this.statements.directRoom.get(low, high)?.room ?? null);
  }

  openDirect(
    a: User,
    b: User,
    name: string,
  ): Promise<{ room: StoredRoom; created: boolean; changes: MemberChange[] }> {
    return this.database
      .write((): Outcome<{ room: StoredRoom; created: boolean; changes: MemberChange[] }> => {
        const s = this.statements;
        const [low, high] = directPair(a.id, b.id);
        // Writes are applied one after another: a concurrent open of the same
        // pair finds the room this one made (and the pair's primary key holds
        // should it ever not).
        const existing = s.directRoom.get(low, high);
        if (existing) {
          const row = s.info.get(existing.room);
          if (!row) throw new Error("a direct pairing names no room");
          return { value: { room: toRoom(row), created: false, changes: [] } };
        }
        const now = Date.now();
        const made = s.create.get({ name, visibility: "direct", topic: "", owner: null, now });
        if (!made) return { refused: new RoomExistsError(name) };
        s.pairDirect.run(low, high, name);
        const changes = [
          this.members.applyChange({ room: name, user: a, kind: "joined", by: null }, now).change,
        ];
        if (b.id !== a.id)
          changes.push(
            this.members.applyChange({ room: name, user: b, kind: "added", by: a }, now).change,
          );
        return { value: { room: toRoom(made), created: true, changes } };
      })
      .then(unwrap);
  }

  async memberRooms(userId: string): Promise<{ room: StoredRoom; role: RoomRole }[]> {
    return this.database
      .read(() => this.statements.memberRooms.all(userId))
      .map((row) => ({ room: toRoom(row), role: row.role }));
  }
}
