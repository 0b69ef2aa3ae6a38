import type pg from "pg";
import type { MemberChange, User } from "../../../shared/protocol";
import { decideMemberChange } from "../member-changes";
import { MEMBER_SELECT, type MemberRow, toMemberChange, toStoredMember } from "../member-rows";
import type { MemberStore, MembershipChangeInput, StoredMember } from "../types";
import type { PostgresDatabase } from "./database";

type ChangeOutcome = { change: MemberChange; changed: boolean };

/**
 * A change that changed nothing: thrown so that the transaction rolls back
 * what it wrote before it could know (the people's rows, a room row made to
 * lock it), then answered as the unchanged result it carries.
 */
class Unchanged extends Error {
  constructor(readonly outcome: ChangeOutcome) {
    super("unchanged");
  }
}

/**
 * Makes the rows of the people in a change (keeping the names they came
 * with). Before the room's row is locked, as appends do, so that an append
 * by the same new person waits on one lock, not on two in opposite orders.
 */
export async function insertUsers(client: pg.PoolClient, ...users: (User | null)[]): Promise<void> {
  // In id order, so that two changes naming the same two new people cannot wait on each other.
  const people = users
    .filter((user): user is User => user !== null)
    .toSorted((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  for (const user of people)
    await client.query(
      "INSERT INTO users (id, name, created_at) VALUES ($1, $2, now()) ON CONFLICT (id) DO NOTHING",
      [user.id, user.name],
    );
}

/**
 * Applies one membership change in the caller's transaction (rooms.create
 * and openDirect make their memberships with it too). The room's row is
 * locked first, as appends and message changes lock it, so that changes to
 * a room from any instance take turns: each decides on the state the one
 * before committed, and a rolled-back change gives its rev back.
 */
export async function applyMemberChange(
  client: pg.PoolClient,
  input: MembershipChangeInput,
): Promise<ChangeOutcome> {
  await insertUsers(client, input.user, input.by);
  // A public room joined before its first message gets its row here.
  await client.query(
    `WITH t AS (SELECT clock_timestamp() AS now)
     INSERT INTO rooms (name, latest_seq, latest_rev, last_message_at, first_author, shared, visibility, topic, owner_id, created_at)
     SELECT $1, 0, 0, t.now, NULL, false, 'public', '', NULL, t.now FROM t
     ON CONFLICT (name) DO NOTHING RETURNING name`,
    [input.room],
  );
  await client.query("SELECT 1 FROM rooms WHERE name = $1 FOR UPDATE", [input.room]);
  const found = await client.query<MemberRow>(
    `${MEMBER_SELECT} WHERE m.room = $1 AND m.user_id = $2`,
    [input.room, input.user.id],
  );
  const current = found.rows[0];
  const next = decideMemberChange(current ? toStoredMember(current) : null, input);
  if (next === null) {
    const outcome: ChangeOutcome = current
      ? { change: toMemberChange(current), changed: false }
      : {
          // Never had a place here (leaving a room one never joined): nothing to show but the request.
          change: {
            room: input.room,
            rev: 0,
            user: input.user,
            kind: input.kind,
            role: null,
            mutedUntil: null,
            by: input.by,
            at: new Date().toISOString(),
          },
          changed: false,
        };
    throw new Unchanged(outcome);
  }
  const bumped = await client.query<{ latest_rev: string }>(
    "UPDATE rooms SET latest_rev = latest_rev + 1 WHERE name = $1 RETURNING latest_rev",
    [input.room],
  );
  const rev = bumped.rows[0]?.latest_rev;
  if (rev === undefined) throw new Error("room rev was not returned");
  const becameMember = next.role !== null && (current?.role ?? null) === null;
  await client.query(
    `INSERT INTO room_members (room, user_id, role, banned, muted_until, joined_at, rev, kind, by_id, by_name, changed_at)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $6 THEN clock_timestamp() ELSE $7::timestamptz END, $8, $9, $10, $11, clock_timestamp())
     ON CONFLICT (room, user_id) DO UPDATE SET role = excluded.role, banned = excluded.banned,
       muted_until = excluded.muted_until, joined_at = excluded.joined_at, rev = excluded.rev,
       kind = excluded.kind, by_id = excluded.by_id, by_name = excluded.by_name,
       changed_at = excluded.changed_at`,
    [
      input.room,
      input.user.id,
      next.role,
      next.banned,
      next.mutedUntil === null ? null : new Date(next.mutedUntil),
      becameMember || !current,
      current?.joined_at ?? null,
      rev,
      input.kind,
      input.by?.id ?? null,
      input.by?.name ?? null,
    ],
  );
  // The room's owner_id follows the owner role: whoever was last made owner, until they stop being one.
  if (next.role === "owner")
    await client.query("UPDATE rooms SET owner_id = $1 WHERE name = $2", [
      input.user.id,
      input.room,
    ]);
  else if (current?.role === "owner")
    await client.query("UPDATE rooms SET owner_id = NULL WHERE name = $1 AND owner_id = $2", [
      input.room,
      input.user.id,
    ]);
  const written = await client.query<MemberRow>(
    `${MEMBER_SELECT} WHERE m.room = $1 AND m.user_id = $2`,
    [input.room, input.user.id],
  );
  const row = written.rows[0];
  if (!row) throw new Error("changed membership was not found");
  return { change: toMemberChange(row), changed: true };
}

/** Memberships of rooms. */
export class PostgresMembers implements MemberStore {
  constructor(private readonly database: PostgresDatabase) {}

  async standing(room: string, userId: string): Promise<StoredMember | null> {
    const rows = await this.database.query<MemberRow>(
      `${MEMBER_SELECT} WHERE m.room = $1 AND m.user_id = $2`,
      [room, userId],
    );
    const row = rows[0];
    if (!row) return null;
    const { user: _user, ...member } = toStoredMember(row);
    return member;
  }

  async list(
    room: string,
    after: string | undefined,
    limit: number,
  ): Promise<{ members: (StoredMember & { user: User })[]; hasMore: boolean }> {
    const rows = await this.database.query<MemberRow>(
      // Ordered by bytes, as SQLite orders them, so that the cursor means the same on both.
      `${MEMBER_SELECT} WHERE m.room = $1 AND m.user_id COLLATE "C" > $2 AND m.role IS NOT NULL
       ORDER BY m.user_id COLLATE "C" LIMIT $3`,
      [room, after ?? "", limit + 1],
    );
    return { members: rows.slice(0, limit).map(toStoredMember), hasMore: rows.length > limit };
  }

  async count(room: string): Promise<number> {
    const rows = await this.database.query<{ n: string }>(
      "SELECT count(*) AS n FROM room_members WHERE room = $1 AND role IS NOT NULL",
      [room],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async findByName(room: string, prefix: string, limit: number): Promise<User[]> {
    // As users.findByName: % and _ in the text are plain characters.
    const pattern = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    return this.database.query<User>(
      `SELECT u.id, u.name FROM users u
       JOIN room_members m ON m.room = $1 AND m.user_id = u.id AND m.role IS NOT NULL
       WHERE lower(u.name) LIKE lower($2) || '%' ESCAPE '\\'
       ORDER BY lower(u.name) COLLATE "C", u.name COLLATE "C", u.id LIMIT $3`,
      [room, pattern, limit],
    );
  }

  async change(input: MembershipChangeInput): Promise<ChangeOutcome> {
    try {
      return await this.database.run("write", () =>
        this.database.inTransaction((client) => applyMemberChange(client, input)),
      );
    } catch (error) {
      if (error instanceof Unchanged) return error.outcome;
      throw error;
    }
  }
}
