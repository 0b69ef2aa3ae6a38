import { z } from "zod";
import { roomSchema } from "./common";
import type { User } from "./users";

/**
 * Who is online in a room, sent to a connection once after it joins. People,
 * not connections: someone with several tabs is listed once. At most
 * `MAX_PRESENCE_LISTED` are listed, by name; `count` is how many there are.
 */
export type PresenceList = { room: string; users: User[]; count: number };

/**
 * What changed since the last change, sent to the whole room: `online` holds
 * people who came online or changed their name (replace by id), `offline` the
 * ids of people who are no longer in the room on any connection. In a room of
 * more than `MAX_PRESENCE_LISTED` people, newcomers are not named but counted
 * in `arrivals`.
 */
export type PresenceChange = {
  room: string;
  online: User[];
  offline: string[];
  arrivals?: number;
};

/** Someone started or stopped typing in a room. */
export type Typing = { room: string; user: User };

export const typingSchema = z.object({ room: roomSchema });
export type TypingNotice = z.input<typeof typingSchema>;
