import type { MemberChange, MemberChangeKind, RoomRole, User } from "../../../shared/protocol";
import type { StoredMember } from "../types";

/** A membership as Postgres's room_members table returns it, with the person's current name. */
export type MemberRow = {
  room: string;
  user_id: string;
  /** From users (the person's current name); their id when they have no row. */
  user_name: string;
  role: RoomRole | null;
  banned: boolean;
  muted_until: Date | null;
  joined_at: Date;
  rev: string;
  kind: MemberChangeKind;
  by_id: string | null;
  by_name: string | null;
  changed_at: Date;
};

/** SELECT … FROM room_members m LEFT JOIN users u ON u.id = m.user_id */
export const MEMBER_SELECT = `SELECT m.room, m.user_id, coalesce(u.name, m.user_id) AS user_name, m.role,
  m.banned, m.muted_until, m.joined_at, m.rev, m.kind, m.by_id, m.by_name, m.changed_at
  FROM room_members m LEFT JOIN users u ON u.id = m.user_id`;

export function toStoredMember(row: MemberRow): StoredMember & { user: User } {
  return {
    room: row.room,
    userId: row.user_id,
    user: { id: row.user_id, name: row.user_name },
    role: row.role,
    banned: row.banned,
    mutedUntil: row.muted_until?.getTime() ?? null,
    joinedAt: row.joined_at,
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
    mutedUntil: row.muted_until?.toISOString() ?? null,
    by: row.by_id === null ? null : { id: row.by_id, name: row.by_name ?? row.by_id },
    at: row.changed_at.toISOString(),
  };
}
