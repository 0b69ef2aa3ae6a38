import { z } from "zod";
import { roomSchema, wellFormedString } from "./common";
import type { User } from "./users";

/**
 * Rooms that belong to people: who is in a room, with which role, and what
 * owners and moderators may do to it (docs/protocol.md, "Membership").
 */

/** Highest first: a role may act only on roles below its own. */
export const ROOM_ROLES = ["owner", "moderator", "member"] as const;
export type RoomRole = (typeof ROOM_ROLES)[number];

/**
 * `public`: anyone may read and join. `private`: members only, by invitation
 * or by being added. `direct`: a private room of exactly two people, one per pair.
 */
export const ROOM_VISIBILITIES = ["public", "private", "direct"] as const;
export type RoomVisibility = (typeof ROOM_VISIBILITIES)[number];

/** Longest room topic, in code points. */
export const MAX_TOPIC_CODE_POINTS = 250;
/** Longest mute a moderator may give, in minutes (30 days). */
export const MAX_MUTE_MINUTES = 30 * 24 * 60;
/** An invite link lasts at most this long (30 days), and at least a minute. */
export const MAX_INVITE_MINUTES = 30 * 24 * 60;
/** An invite link may be used at most this many times (absent: unlimited until it expires). */
export const MAX_INVITE_USES = 1_000;
/** `members:list` and `audit:list` pages hold at most this many entries. */
export const MAX_MEMBERS_PAGE = 200;

/** A room as its reader sees it: what the header, the room list and the settings show. */
export type RoomInfo = {
  name: string;
  visibility: RoomVisibility;
  /** "" when none was set. */
  topic: string;
  /** The owner's user id; null for a room made before rooms had owners (an admin may claim it). */
  ownerId: string | null;
  /** ISO-8601. */
  createdAt: string;
  /** A direct room: the other person, as the reader sees them. Absent for other rooms. */
  directWith?: User;
};

/** The reader's own standing in a room, in the `room:join` answer. Null: not a member (a public room's reader). */
export type OwnMembership = {
  role: RoomRole;
  /** ISO-8601 end of a mute; null when not muted. */
  mutedUntil: string | null;
} | null;

/** One member, as `members:list` answers them. */
export type Member = {
  user: User;
  role: RoomRole;
  mutedUntil: string | null;
  /** ISO-8601: when they became a member. */
  joinedAt: string;
};

/** What happened to a membership. */
export const MEMBER_CHANGE_KINDS = [
  "joined",
  "added",
  "left",
  "kicked",
  "banned",
  "unbanned",
  "role",
  "muted",
  "unmuted",
] as const;
export type MemberChangeKind = (typeof MEMBER_CHANGE_KINDS)[number];

/**
 * `member:changed`, and the `members` of a `changes:after` page: one
 * membership's latest change. It takes the room's next `rev`, like a message
 * change, so a client that was away replays it with everything else.
 */
export type MemberChange = {
  room: string;
  rev: number;
  user: User;
  kind: MemberChangeKind;
  /** The role now held; null when no longer a member (left, kicked, banned). */
  role: RoomRole | null;
  mutedUntil: string | null;
  /** Who did it; null when the person did it themselves (joined, left). */
  by: User | null;
  /** ISO-8601. */
  at: string;
};

/** `room:updated`: a room's settings changed, or it was deleted (then `deleted` and no more events). */
export type RoomUpdate = RoomInfo & { deleted?: boolean };

/** What an owner reads in the audit log: kept when the message it names is gone. */
export const AUDIT_ACTIONS = [
  "message-deleted",
  "kicked",
  "banned",
  "unbanned",
  "muted",
  "unmuted",
  "role",
  "room-updated",
  "room-claimed",
  "invite-created",
  "invite-revoked",
  "member-added",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditEntry = {
  id: string;
  room: string;
  action: AuditAction;
  actor: User;
  /** The person acted on, when there is one. */
  target: User | null;
  /** The message acted on (its id and seq), when there is one. */
  message: { id: string; seq: number } | null;
  /** Words for the rest: the new role, the mute's end, what setting changed. */
  detail: string;
  /** ISO-8601. */
  at: string;
};

/** An invite link as its room's owners and moderators see it. The token is shown once, on creation. */
export type Invite = {
  id: string;
  room: string;
  createdBy: User;
  /** ISO-8601. */
  expiresAt: string;
  /** Null: unlimited until it expires. */
  maxUses: number | null;
  uses: number;
  revoked: boolean;
  createdAt: string;
};

const topicSchema = wellFormedString
  .transform((topic) => topic.trim())
  .refine(
    (topic) => [...topic].length <= MAX_TOPIC_CODE_POINTS,
    `topic must be at most ${MAX_TOPIC_CODE_POINTS} characters`,
  )
  .refine((topic) => !/[\r\n]/.test(topic), "topic must be one line");

/** User ids are server-made: a uuid or a bot token's id. */
export const userIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "userId must be a user id as the server sent it");

/** Invite tokens are 43 characters of base64url (32 random bytes); anything else is not one. */
export const inviteTokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{20,64}$/, "token must be an invite token as the server made it");

export const roomCreateSchema = z.object({
  room: roomSchema,
  visibility: z.enum(["public", "private"]),
  topic: topicSchema.optional(),
});
export const roomUpdateSchema = z.object({
  room: roomSchema,
  topic: topicSchema.optional(),
  visibility: z.enum(["public", "private"]).optional(),
});
export const roomTargetSchema = z.object({ room: roomSchema });
export const memberTargetSchema = z.object({ room: roomSchema, userId: userIdSchema });
export const memberMuteSchema = z.object({
  room: roomSchema,
  userId: userIdSchema,
  minutes: z.int().min(1).max(MAX_MUTE_MINUTES),
});
export const memberRoleSchema = z.object({
  room: roomSchema,
  userId: userIdSchema,
  role: z.enum(ROOM_ROLES),
});
export const membersListSchema = z.object({
  room: roomSchema,
  /** Resume after this user id (the last of the previous page). */
  after: userIdSchema.optional(),
  limit: z
    .int()
    .optional()
    .transform((n) => Math.min(MAX_MEMBERS_PAGE, Math.max(1, n ?? 100))),
});
export const inviteCreateSchema = z.object({
  room: roomSchema,
  expiresInMinutes: z
    .int()
    .min(1)
    .max(MAX_INVITE_MINUTES)
    .optional()
    .transform((n) => n ?? 7 * 24 * 60),
  maxUses: z.int().min(1).max(MAX_INVITE_USES).optional(),
});
export const inviteRevokeSchema = z.object({ room: roomSchema, id: z.string().min(1).max(64) });
export const inviteAcceptSchema = z.object({ token: inviteTokenSchema });
export const directOpenSchema = z.object({ userId: userIdSchema });
export const auditListSchema = z.object({
  room: roomSchema,
  /** Entries older than this one (its id). */
  before: z.string().min(1).max(64).optional(),
  limit: z
    .int()
    .optional()
    .transform((n) => Math.min(MAX_MEMBERS_PAGE, Math.max(1, n ?? 50))),
});
export const usersFindSchema = z.object({
  /** A name or the start of one; matched case-insensitively. */
  query: wellFormedString.transform((q) => q.trim()).pipe(z.string().min(1).max(64)),
});
export type RoomCreateRequest = z.input<typeof roomCreateSchema>;
export type RoomUpdateRequest = z.input<typeof roomUpdateSchema>;
export type RoomTargetRequest = z.input<typeof roomTargetSchema>;
export type MemberTargetRequest = z.input<typeof memberTargetSchema>;
export type MemberMuteRequest = z.input<typeof memberMuteSchema>;
export type MemberRoleRequest = z.input<typeof memberRoleSchema>;
export type MembersListRequest = z.input<typeof membersListSchema>;
export type InviteCreateRequest = z.input<typeof inviteCreateSchema>;
export type InviteRevokeRequest = z.input<typeof inviteRevokeSchema>;
export type InviteAcceptRequest = z.input<typeof inviteAcceptSchema>;
export type DirectOpenRequest = z.input<typeof directOpenSchema>;
export type AuditListRequest = z.input<typeof auditListSchema>;
export type UsersFindRequest = z.input<typeof usersFindSchema>;

export type RoomInfoResult = { room: RoomInfo };
export type MemberChangeResult = { change: MemberChange };
export type MembersListResult = { members: Member[]; hasMore: boolean };
/** `token` is shown only here; the link is `/invite/<token>`. */
export type InviteCreateResult = { invite: Invite; token: string; path: string };
export type InviteListResult = { invites: Invite[] };
export type AuditListResult = { entries: AuditEntry[]; hasMore: boolean };
export type UsersFindResult = { users: User[] };
