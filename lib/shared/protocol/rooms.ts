import { z } from "zod";
import { pageSize, roomSchema, seqCursor } from "./common";
import type { Page } from "./messages";

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
};

/**
 * `latestSeq` is the room's newest message, `latestRev` its newest change:
 * a client that holds the page and replays `changes:after latestRev` later
 * misses nothing in between.
 */
export type RoomJoinResult = Page & { room: string; latestSeq: number; latestRev: number };

export const roomJoinSchema = z.object({
  room: roomSchema,
  since: seqCursor.optional(),
  limit: pageSize,
});
export const roomLeaveSchema = z.object({ room: roomSchema });

export type RoomJoinRequest = z.input<typeof roomJoinSchema>;
export type RoomLeaveRequest = z.input<typeof roomLeaveSchema>;
