import type Database from "better-sqlite3";
import type { MemberChange, User } from "../../../shared/protocol";
import { decideMemberChange } from "../member-changes";
import { MEMBER_SELECT, type MemberRow, toMemberChange, toStoredMember } from "../member-rows";
import type { MemberStore, MembershipChangeInput, StoredMember } from "../types";
import type { SqliteDatabase } from "./database";

type MemberWrite = {
  room: string;
  user_id: string;
  role: string | null;
  banned: number;
  muted_until: number | null;
  joined_at: number;
  rev: number;
  kind: string;
  by_id: string | null;
  by_name: string | null;
  changed_at: number;
};

function prepare(db: Database.Database) {
  return {
    standing: db.prepare<[string, string], MemberRow>(
      `${MEMBER_SELECT} WHERE m.room = ? AND m.user_id = ?`,
    ),
    list: db.prepare<[string, string, number], MemberRow>(
      `${MEMBER_SELECT} WHERE m.room = ? AND m.user_id > ? AND m.role IS NOT NULL
       ORDER BY m.user_id LIMIT ?`,
    ),
    // A range of users' lower(name) index, each checked for a place in the
    // room: as users.findByName, SQLite's lower() folds ASCII letters only.
    findByName: db.prepare<[string, string, string, number], User>(
      `SELECT u.id, u.name FROM users u
       JOIN room_members m ON m.room = ? AND m.user_id = u.id AND m.role IS NOT NULL
       WHERE lower(u.name) >= lower(?) AND lower(u.name) < lower(?) || char(1114111)
       ORDER BY lower(u.name), u.name, u.id LIMIT ?`,
    ),
    count: db.prepare<[string], { n: number }>(
      "SELECT count(*) AS n FROM room_members WHERE room = ? AND role IS NOT NULL",
    ),
    // A membership change takes the room's next rev like a message change; a
    // public room joined before its first message gets its row here.
    bumpRev: db.prepare<[string, number, number], { latest_rev: number }>(
      `INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared, visibility, topic, owner_id, created_at)
       VALUES (?, 0, 1, ?, NULL, 0, 'public', '', NULL, ?)
       ON CONFLICT (name) DO UPDATE SET latest_rev = latest_rev + 1
       RETURNING latest_rev`,
    ),
    write: db.prepare<MemberWrite>(
      `INSERT INTO room_members (room, user_id, role, banned, muted_until, joined_at, rev, kind, by_id, by_name, changed_at)
       VALUES (@room, @user_id, @role, @banned, @muted_until, @joined_at, @rev, @kind, @by_id, @by_name, @changed_at)
       ON CONFLICT (room, user_id) DO UPDATE SET role = excluded.role, banned = excluded.banned,
         muted_until = excluded.muted_until, joined_at = excluded.joined_at, rev = excluded.rev,
         kind = excluded.kind, by_id = excluded.by_id, by_name = excluded.by_name,
         changed_at = excluded.changed_at`,
    ),
    // The room's owner_id follows the owner role: whoever was last made owner, until they stop being one.
    takeOwnership: db.prepare<[string, string]>("UPDATE rooms SET owner_id = ? WHERE name = ?"),
    dropOwnership: db.prepare<[string, string]>(
      "UPDATE rooms SET owner_id = NULL WHERE name = ? AND owner_id = ?",
    ),
    insertUser: db.prepare<[string, string, number]>(
      "INSERT INTO users (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
    ),
  };
}

/** Memberships of rooms, written through the database's group commit. */
export class SqliteMembers implements MemberStore {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(private readonly database: SqliteDatabase) {
    this.statements = prepare(database.db);
  }

  async standing(room: string, userId: string): Promise<StoredMember | null> {
    const row = this.database.read(() => this.statements.standing.get(room, userId));
    if (!row) return null;
    const { user: _user, ...member } = toStoredMember(row);
    return member;
  }

  async list(
    room: string,
    after: string | undefined,
    limit: number,
  ): Promise<{ members: (StoredMember & { user: User })[]; hasMore: boolean }> {
    const rows = this.database.read(() => this.statements.list.all(room, after ?? "", limit + 1));
    return { members: rows.slice(0, limit).map(toStoredMember), hasMore: rows.length > limit };
  }

  async count(room: string): Promise<number> {
    return this.database.read(() => this.statements.count.get(room)?.n ?? 0);
  }

  async findByName(room: string, prefix: string, limit: number): Promise<User[]> {
    return this.database.read(() => this.statements.findByName.all(room, prefix, prefix, limit));
  }

  change(input: MembershipChangeInput): Promise<{ change: MemberChange; changed: boolean }> {
    return this.database.write(() => this.applyChange(input));
  }

  /**
   * Applies one change inside the current write transaction (rooms.create
   * and openDirect make their memberships with it too).
   */
  applyChange(
    input: MembershipChangeInput,
    now: number = Date.now(),
  ): { change: MemberChange; changed: boolean } {
    const s = this.statements;
    const current = s.standing.get(input.room, input.user.id);
    const stored = current ? toStoredMember(current) : null;
    const next = decideMemberChange(stored, input);
    if (next === null) {
      if (current) return { change: toMemberChange(current), changed: false };
      // Never had a place here (leaving a room one never joined): nothing to show but the request.
      return {
        change: {
          room: input.room,
          rev: 0,
          user: input.user,
          kind: input.kind,
          role: null,
          mutedUntil: null,
          by: input.by,
          at: new Date(now).toISOString(),
        },
        changed: false,
      };
    }
    // A change is a write of the people in it: their rows keep the names they came with.
    s.insertUser.run(input.user.id, input.user.name, now);
    if (input.by) s.insertUser.run(input.by.id, input.by.name, now);
    const rev = s.bumpRev.get(input.room, now, now)?.latest_rev;
    if (rev === undefined) throw new Error("room rev was not returned");
    const becameMember = next.role !== null && (current?.role ?? null) === null;
    s.write.run({
      room: input.room,
      user_id: input.user.id,
      role: next.role,
      banned: next.banned ? 1 : 0,
      muted_until: next.mutedUntil,
      joined_at: becameMember || !stored ? now : stored.joinedAt.getTime(),
      rev,
      kind: input.kind,
      by_id: input.by?.id ?? null,
      by_name: input.by?.name ?? null,
      changed_at: now,
    });
    if (next.role === "owner") s.takeOwnership.run(input.user.id, input.room);
    else if (current?.role === "owner") s.dropOwnership.run(input.room, input.user.id);
    const written = s.standing.get(input.room, input.user.id);
    if (!written) throw new Error("changed membership was not found");
    return { change: toMemberChange(written), changed: true };
  }
}
