import { z } from "zod";
import { pageSize, roomSchema, seqCursor } from "./common";
import type { OwnMembership, RoomInfo, RoomVisibility } from "./membership";
import type { Page } from "./messages";
import type { User } from "./users";

/** A room as the landing page lists it. */
export type RoomSummary = {
  name: string;
  latestSeq: number;
  /** ISO-8601 time of the newest message. */
  lastMessageAt: string;
};

/** A room as the landing page and the room switcher list it (`GET /api/rooms`). */
export type RoomListing = RoomSummary & {
  /** People online in it now. */
  online: number;
  /** Private and direct rooms are listed only to their members. */
  visibility: RoomVisibility;
  topic: string;
  /** A direct room: the other person. */
  directWith?: User;
  /**
   * The seqs of the newest messages in it that mention the viewer by name
   * (at most MAX_MENTION_SEQS_LISTED, descending); absent when none. The
   * client counts those after its read position: the `@ 1` badge.
   */
  mentionSeqs?: number[];
};

/** Mention seqs a listing carries per room: the badge says "20+" beyond. */
export const MAX_MENTION_SEQS_LISTED = 20;

/**
 * `latestSeq` is the room's newest message, `latestRev` its newest change:
 * a client that holds the page and replays `changes:after latestRev` later
 * misses nothing in between.
 */
export type RoomJoinResult = Page & {
  room: string;
  latestSeq: number;
  latestRev: number;
  /** The room's settings as the joiner sees them. */
  info: RoomInfo;
  /** The joiner's own role and mute; null for a reader of a public room who is not a member. */
  membership: OwnMembership;
};

export const roomJoinSchema = z.object({
  room: roomSchema,
  since: seqCursor.optional(),
  limit: pageSize,
});
export const roomLeaveSchema = z.object({ room: roomSchema });

export type RoomJoinRequest = z.input<typeof roomJoinSchema>;
export type RoomLeaveRequest = z.input<typeof roomLeaveSchema>;
