import type { MemberChange, MemberChangeKind, RoomRole, User } from "../../../shared/protocol";
import type { StoredMember } from "../types";

/** A membership as SQLite's room_members table holds it, with the person's current name. */
export type MemberRow = {
  room: string;
  user_id: string;
  /** From users (the person's current name); their id when they have no row. */
  user_name: string;
  role: RoomRole | null;
  banned: number;
  muted_until: number | null;
  joined_at: number;
  rev: number;
  kind: MemberChangeKind;
  by_id: string | null;
  by_name: string | null;
  changed_at: number;
};

/** SELECT … FROM room_members m LEFT JOIN users u ON u.id = m.user_id */
export const MEMBER_SELECT = `SELECT m.room, m.user_id, coalesce(u.name, m.user_id) AS user_name, m.role,
  m.banned, m.muted_until, m.joined_at, m.rev, m.kind, m.by_id, m.by_name, m.changed_at
  FROM room_members m LEFT JOIN users u ON u.id = m.user_id`;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toStoredMember(row: MemberRow): StoredMember & { user: User } {
  return {
    room: row.room,
    userId: row.user_id,
    user: { id: row.user_id, name: row.user_name },
    role: row.role,
    banned: row.banned !== 0,
    mutedUntil: row.muted_until,
    joinedAt: new Date(row.joined_at),
    rev: row.rev,
  };
}

/** The membership's latest change, as `member:changed` and `changes:after` carry it. */
export function toMemberChange(row: MemberRow): MemberChange {
  return {
    room: row.room,
    rev: row.rev,
    user: { id: row.user_id, name: row.user_name },
    kind: row.kind,
    role: row.role,
    mutedUntil: iso(row.muted_until),
    by: row.by_id === null ? null : { id: row.by_id, name: row.by_name ?? row.by_id },
    at: new Date(row.changed_at).toISOString(),
  };
}
