import type { ErrorCode } from "../../shared/errors";
import type { RoomRole, RoomVisibility } from "../../shared/protocol";

/**
 * Who may do what in a room: the one function every path that reveals or
 * changes a room asks (docs/security.md has its table). Pure — the caller
 * gathers the facts (from the membership cache), this decides — so it has
 * table and property tests of its own.
 */

/** The person asking, as the server's session knows them (never from a payload). */
export type Person = {
  userId: string;
  /** A guest holds only a cookie or a bot token; accounts are not guests. */
  guest: boolean;
  /** A server admin (an account with the admin role). */
  admin: boolean;
  /** Whether PUBLIC_ROOM_CREATION lets this person bring a new public room into being. */
  createsPublicRooms: boolean;
};

/** A membership as the rules need it. */
export type MemberFacts = {
  role: RoomRole;
  /** Epoch ms; null when not muted. */
  mutedUntil: number | null;
};

/** What the rules need to know about a room and the person's place in it. */
export type RoomFacts = {
  /** False for a name nothing was ever made under (a public room may be made by visiting it). */
  exists: boolean;
  visibility: RoomVisibility;
  ownerId: string | null;
  /** The person's membership; null when not a member. */
  member: MemberFacts | null;
  /** The person is banned from the room. */
  banned: boolean;
};

/** The person an action is done to, for kick, ban, mute and role changes. */
export type TargetFacts = {
  userId: string;
  /** Their role; null when not a member. */
  role: RoomRole | null;
  admin: boolean;
};

export type RoomAction =
  /** History, changes, the join's page, presence lists, the room's place in listings. */
  | "read"
  /** Subscribe to the room (and, in a public room, become a member). */
  | "join"
  | "send"
  | "react"
  | "type"
  /** Delete someone else's message (one's own: the store's author rule). */
  | "delete-any-message"
  /** `@room` and `@here` take effect (reach every member); for anyone else they are text. */
  | "mention-all"
  /** Make, list and revoke invite links; add a person. */
  | "invite"
  | "kick"
  | "ban"
  | "unban"
  | "mute"
  | "set-role"
  | "list-members"
  | "update-room"
  | "delete-room"
  | "claim"
  | "read-audit"
  | "leave"
  /** `room:create` of this name. */
  | "create";

export type Decision =
  | { allowed: true }
  | {
      allowed: false;
      code: Extract<ErrorCode, "forbidden" | "not_found" | "room_exists">;
      reason: string;
    };

export type ActionOptions = {
  target?: TargetFacts;
  /** For set-role: the role the target would get. */
  newRole?: RoomRole;
  /** Epoch ms, for mutes. */
  now?: number;
  /** For create: the visibility asked for (public rooms are subject to PUBLIC_ROOM_CREATION). */
  visibility?: RoomVisibility;
};

const ALLOWED: Decision = { allowed: true };
const refuse = (
  reason: string,
  code: "forbidden" | "not_found" | "room_exists" = "forbidden",
): Decision => ({
  allowed: false,
  code,
  reason,
});

export const NOT_A_MEMBER = "You are not a member of this room.";
export const BANNED = "You are banned from this room.";
export const DIRECT_IS_TWO =
  "A direct conversation is between its two people; it has no moderators.";

/** Rank of a role: a person acts only on ranks below their own. Admins outrank every role. */
const RANK: Record<RoomRole, number> = { owner: 3, moderator: 2, member: 1 };
const ADMIN_RANK = 4;

function rankOf(role: RoomRole | null, admin: boolean): number {
  if (admin) return ADMIN_RANK;
  return role ? RANK[role] : 0;
}

/**
 * Admins act in every public and private room; a direct room belongs to its
 * two people alone, so an admin who is not one of them is treated there as
 * anyone else.
 */
function actsAsAdmin(person: Person, room: RoomFacts): boolean {
  return person.admin && room.visibility !== "direct";
}

function formatUntil(until: number): string {
  return new Date(until).toISOString().replace("T", " ").slice(0, 16);
}

export function can(
  person: Person,
  action: RoomAction,
  room: RoomFacts,
  options: ActionOptions = {},
): Decision {
  const admin = actsAsAdmin(person, room);
  const member = room.member;
  const rank = rankOf(member?.role ?? null, admin);

  if (action === "create") {
    if (room.exists) return refuse("A room of that name already exists.", "room_exists");
    if (options.visibility === "public" && !person.createsPublicRooms && !person.admin)
      return refuse("Only some people may create public rooms on this server.");
    return ALLOWED;
  }

  if (!room.exists) {
    // A name nothing was made under reads as an empty public room, and joining
    // it makes it — where the operator lets this person make public rooms.
    if (action === "read" || action === "list-members") return ALLOWED;
    if (action === "join" || action === "send" || action === "react" || action === "type") {
      return person.createsPublicRooms || person.admin
        ? ALLOWED
        : refuse("Only some people may create rooms on this server; this room does not exist yet.");
    }
    return refuse("There is no such room.", "not_found");
  }

  // A banned person reads nothing of the room, public or not, until unbanned.
  if (room.banned && !admin) {
    return action === "leave" ? refuse("You are not a member of this room.") : refuse(BANNED);
  }

  const readable = room.visibility === "public" || member !== null || admin;

  switch (action) {
    case "read":
    case "list-members":
    case "join":
      return readable ? ALLOWED : refuse(NOT_A_MEMBER);

    case "send":
    case "react":
    case "type": {
      if (!readable) return refuse(NOT_A_MEMBER);
      const now = options.now ?? Date.now();
      if (member?.mutedUntil != null && member.mutedUntil > now && !admin) {
        return refuse(`You are muted in this room until ${formatUntil(member.mutedUntil)} UTC.`);
      }
      return ALLOWED;
    }

    case "leave":
      return member ? ALLOWED : refuse(NOT_A_MEMBER);

    case "delete-any-message":
      if (room.visibility === "direct") return refuse(DIRECT_IS_TWO);
      return rank >= RANK.moderator
        ? ALLOWED
        : refuse("Only moderators and owners may remove others' messages.");

    case "mention-all":
      // A direct room's two people already hear each other; there is no "everyone" to call.
      if (room.visibility === "direct") return refuse(DIRECT_IS_TWO);
      return rank >= RANK.moderator
        ? ALLOWED
        : refuse("Only moderators and owners may mention everyone in the room.");

    case "invite":
      if (room.visibility === "direct") return refuse(DIRECT_IS_TWO);
      return rank >= RANK.moderator
        ? ALLOWED
        : refuse("Only moderators and owners may invite people to this room.");

    case "kick":
    case "ban":
    case "unban":
    case "mute":
    case "set-role": {
      if (room.visibility === "direct") return refuse(DIRECT_IS_TWO);
      if (rank < RANK.moderator) return refuse("Only moderators and owners may do that.");
      const target = options.target;
      if (!target) return refuse("Name the person to act on.", "not_found");
      if (target.userId === person.userId)
        return refuse("You cannot do that to yourself; use Leave room.");
      const targetRank = rankOf(target.role, target.admin);
      if (targetRank >= rank)
        return refuse("You may act only on people whose role is below yours.");
      if (action === "set-role") {
        if (target.role === null) return refuse("Only a member can be given a role.", "not_found");
        const newRole = options.newRole;
        if (!newRole) return refuse("Name the new role.");
        if (RANK[newRole] >= rank) return refuse("You may give only roles below your own.");
      }
      return ALLOWED;
    }

    case "update-room":
    case "delete-room":
    case "read-audit":
      if (room.visibility === "direct") return refuse(DIRECT_IS_TWO);
      return rank >= RANK.owner ? ALLOWED : refuse("Only the room's owner may do that.");

    case "claim":
      if (room.visibility === "direct") return refuse(DIRECT_IS_TWO);
      if (!person.admin) return refuse("Only a server admin may claim a room.");
      if (room.ownerId !== null) return refuse("This room already has an owner.");
      return ALLOWED;
  }
}
