import type { MemberChange, MemberChangeKind, RoomRole, User } from "../../shared/protocol";
import type { StoredMember } from "./types";

/**
 * A membership as either engine's room_members returns it, with the person's
 * current name: SQLite keeps flags as 0/1 and times as epoch ms, Postgres
 * booleans, timestamptz (Dates) and bigint revs as strings.
 */
export type MemberRow = {
  room: string;
  user_id: string;
  /** From users (the person's current name); their id when they have no row. */
  user_name: string;
  role: RoomRole | null;
  banned: number | boolean;
  muted_until: number | Date | null;
  joined_at: number | Date;
  rev: number | string;
  kind: MemberChangeKind;
  by_id: string | null;
  by_name: string | null;
  changed_at: number | Date;
};

/** SELECT … FROM room_members m LEFT JOIN users u ON u.id = m.user_id */
export const MEMBER_SELECT = `SELECT m.room, m.user_id, coalesce(u.name, m.user_id) AS user_name, m.role,
  m.banned, m.muted_until, m.joined_at, m.rev, m.kind, m.by_id, m.by_name, m.changed_at
  FROM room_members m LEFT JOIN users u ON u.id = m.user_id`;

const epochMs = (time: number | Date | null) => (time === null ? null : new Date(time).getTime());
const iso = (time: number | Date | null) => (time === null ? null : new Date(time).toISOString());

export function toStoredMember(row: MemberRow): StoredMember & { user: User } {
  return {
    room: row.room,
    userId: row.user_id,
    user: { id: row.user_id, name: row.user_name },
    role: row.role,
    banned: Boolean(row.banned),
    mutedUntil: epochMs(row.muted_until),
    joinedAt: new Date(row.joined_at),
    rev: Number(row.rev),
  };
}

/** The membership's latest change, as `member:changed` and `changes:after` carry it. */
export function toMemberChange(row: MemberRow): MemberChange {
  return {
    room: row.room,
    rev: Number(row.rev),
    user: { id: row.user_id, name: row.user_name },
    kind: row.kind,
    role: row.role,
    mutedUntil: iso(row.muted_until),
    by: row.by_id === null ? null : { id: row.by_id, name: row.by_name ?? row.by_id },
    at: iso(row.changed_at) ?? "",
  };
}
