import type { Member, OwnMembership, RoomInfo, User } from "../../shared/protocol";
import type { StoredMember, StoredRoom } from "../store/types";
import type { ConnectionAccount } from "../transport/socket-types";
import type { Person, RoomFacts } from "./permissions";
import { createsPublicRooms, type RoomsConfig } from "./rooms-config";

/**
 * The pure translations between what the store keeps and what the rules
 * (permissions.ts) and the protocol speak: the facts `can` decides on, and
 * the shapes clients are answered with.
 */

/** The person a connection (or a page request) acts as, from what the server proved of it. */
export function personOf(
  who: { user: User; account?: Pick<ConnectionAccount, "role"> | undefined },
  config: RoomsConfig,
): Person {
  const guest = who.account === undefined;
  const admin = who.account?.role === "admin";
  return {
    userId: who.user.id,
    guest,
    admin,
    createsPublicRooms: createsPublicRooms(config, { guest, admin }),
  };
}

/** A room and a person's standing in it, as the rules need them. */
export function roomFactsOf(room: StoredRoom | null, standing: StoredMember | null): RoomFacts {
  const member =
    standing?.role != null ? { role: standing.role, mutedUntil: standing.mutedUntil } : null;
  return {
    exists: room !== null,
    visibility: room?.visibility ?? "public",
    ownerId: room?.ownerId ?? null,
    member,
    banned: standing?.banned === true,
  };
}

/** The `room:join` answer's `membership`: the joiner's role and mute, or null when not a member. */
export function ownMembershipOf(standing: StoredMember | null, now = Date.now()): OwnMembership {
  if (standing?.role == null) return null;
  return { role: standing.role, mutedUntil: untilOf(standing.mutedUntil, now) };
}

export function memberOf(member: StoredMember & { user: User }, now = Date.now()): Member {
  return {
    user: member.user,
    role: member.role ?? "member",
    mutedUntil: untilOf(member.mutedUntil, now),
    joinedAt: member.joinedAt.toISOString(),
  };
}

/** A mute that has run out reads as none. */
function untilOf(mutedUntil: number | null, now: number): string | null {
  return mutedUntil !== null && mutedUntil > now ? new Date(mutedUntil).toISOString() : null;
}

/** A room as its reader sees it; `directWith` for a direct room's other person. */
export function roomInfoOf(room: StoredRoom, directWith?: User): RoomInfo {
  const info: RoomInfo = {
    name: room.name,
    visibility: room.visibility,
    topic: room.topic,
    ownerId: room.ownerId,
    createdAt: room.createdAt.toISOString(),
  };
  if (room.visibility === "direct" && directWith) info.directWith = directWith;
  return info;
}

/** What a name nothing was made under reads as: an empty public room, made by its first message. */
export function unmadeRoomInfo(name: string, now = new Date()): RoomInfo {
  return { name, visibility: "public", topic: "", ownerId: null, createdAt: now.toISOString() };
}
