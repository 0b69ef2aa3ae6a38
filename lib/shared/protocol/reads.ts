import { z } from "zod";
import { roomSchema, seqCursor } from "./common";

/**
 * `read:mark`: the person has read the room up to `seq`. Stored per account
 * and room; a lower seq than the one stored never moves it back. Guests get
 * `forbidden` (their positions stay in the browser).
 */
export const readMarkSchema = z.object({ room: roomSchema, seq: seqCursor });
export type ReadMarkRequest = z.input<typeof readMarkSchema>;
/** The position now stored: the request's seq, or a later one already there. */
export type ReadMarkResult = { room: string; seq: number };

/** `read:marked`: another connection of the same person moved a position forward. */
export type ReadMarked = { room: string; seq: number };

/** `read:positions`: every stored position of the person (rooms never marked are absent). */
export const readPositionsSchema = z.object({}).strict();
export type ReadPositionsRequest = z.input<typeof readPositionsSchema>;
export type ReadPositionsResult = { positions: Record<string, number> };
