import type { ProtocolError } from "../shared/errors";
import type {
  MemberChange,
  OwnMembership,
  RoomInfo,
  RoomRole,
  RoomVisibility,
} from "../shared/protocol";

/**
 * The browser's side of room membership, as pure functions: what a change
 * does to the person's own standing, when the room is over for them, and
 * which of the room's menus and actions to offer. The server decides every
 * request again (lib/server/rooms/permissions.ts); these only keep the page
 * from offering what would be refused.
 */

/** Why a room open on the page is over for this person: nothing of it stays on screen. */
export type RoomEnd =
  /** Kicked or banned; a kicked person may join a public room again. */
  | { kind: "removed"; canJoinAgain: boolean }
  /** Left it (from another tab, say); a public room may be joined again. */
  | { kind: "left"; canJoinAgain: boolean }
  | { kind: "deleted" }
  /** The server refused the room: never a member, or no longer one. */
  | { kind: "not-member"; reason: string };

/** The headline of each end, as people read it (and tests find it). */
export const ROOM_END_TEXT: Record<RoomEnd["kind"], string> = {
  removed: "You were removed from this room",
  left: "You left this room",
  deleted: "This room was deleted",
  "not-member": "You are not a member of this room",
};

/**
 * What a membership change does to the person's own standing in the room:
 * unchanged when it is about someone else.
 */
export function membershipAfter(
  current: OwnMembership,
  change: MemberChange,
  me: string | undefined,
): OwnMembership {
  if (me === undefined || change.user.id !== me) return current;
  if (change.role === null) return null;
  return { role: change.role, mutedUntil: change.mutedUntil };
}

/** The end a change about the person brings: only one that takes their membership away. */
export function endFromChange(
  change: MemberChange,
  me: string | undefined,
  visibility: RoomVisibility | undefined,
): RoomEnd | null {
  if (me === undefined || change.user.id !== me || change.role !== null) return null;
  const publicRoom = visibility === "public";
  switch (change.kind) {
    case "left":
      return { kind: "left", canJoinAgain: publicRoom };
    case "kicked":
      return { kind: "removed", canJoinAgain: publicRoom };
    default:
      // Banned, or any other way out: only an unban lets them back.
      return { kind: "removed", canJoinAgain: false };
  }
}

/**
 * A refusal of the room itself (its join, its history, its changes) ends it:
 * `forbidden` there means the person may not read the room. Other failures
 * are passing (retried), and refusals of a send are the send's own.
 */
export function endFromRefusal(error: Pick<ProtocolError, "code" | "message">): RoomEnd | null {
  if (error.code !== "forbidden") return null;
  return { kind: "not-member", reason: error.message };
}

const RANK: Record<RoomRole, number> = { owner: 3, moderator: 2, member: 1 };
/** A server admin outranks every role, except in direct rooms, which belong to their two people. */
const ADMIN_RANK = 4;

/** The person's rank in the room: their role's, an admin's, or 0 for a reader who is not a member. */
export function rankIn(
  info: Pick<RoomInfo, "visibility"> | null,
  membership: OwnMembership,
  admin: boolean,
): number {
  if (admin && info?.visibility !== "direct") return ADMIN_RANK;
  return membership ? RANK[membership.role] : 0;
}

/** What the room's menu and messages offer this person. */
export type RoomPowers = {
  invite: boolean;
  members: boolean;
  /** Kick, ban, mute and change roles of people ranked below them. */
  moderate: boolean;
  /** Remove other people's messages. */
  deleteOthers: boolean;
  settings: boolean;
  audit: boolean;
  leave: boolean;
  /** A server admin in a room made before rooms had owners (or whose owner left): take it on. */
  claim: boolean;
  rank: number;
};

export function roomPowers(
  info: (Pick<RoomInfo, "visibility"> & Partial<Pick<RoomInfo, "ownerId">>) | null,
  membership: OwnMembership,
  admin: boolean,
): RoomPowers {
  const rank = rankIn(info, membership, admin);
  // A direct room has no moderators: its two people only talk.
  const direct = info?.visibility === "direct";
  return {
    invite: !direct && rank >= RANK.moderator,
    members: true,
    moderate: !direct && rank >= RANK.moderator,
    deleteOthers: !direct && rank >= RANK.moderator,
    settings: !direct && rank >= RANK.owner,
    audit: !direct && rank >= RANK.owner,
    leave: membership !== null,
    claim: admin && !direct && info !== null && info.ownerId === null,
    rank,
  };
}

/** Whether a person of `rank` may kick, ban, mute or change the role of a member with `role`. */
export function canActOn(rank: number, role: RoomRole | null): boolean {
  return rank >= RANK.moderator && (role ? RANK[role] : 0) < rank;
}

/** The roles a person of `rank` may give: those below their own (an admin may give any). */
export function assignableRoles(rank: number): RoomRole[] {
  return (["owner", "moderator", "member"] as const).filter((role) => RANK[role] < rank);
}

/** The mute still running at `now`, as its end; null when not muted (or it is over). */
export function muteEnd(membership: OwnMembership, now: number): Date | null {
  if (!membership?.mutedUntil) return null;
  const until = new Date(membership.mutedUntil);
  return until.getTime() > now ? until : null;
}

/** How the room is named in headers and lists: a direct room by the other person. */
export function roomTitle(name: string, info: Pick<RoomInfo, "directWith"> | null): string {
  return info?.directWith ? info.directWith.name : `#${name}`;
}
