import type { RateDecision } from "../security/rate-limiter";
import type { RoomStore } from "../store/types";
import type { ChatSocket } from "../transport/socket-types";

/** Rooms remembered to exist; past this many the least recently seen are looked up again. */
const REMEMBERED_ROOMS = 10_000;

/**
 * A room is made by its first message, and stays: a row, and a place on the
 * landing page's list. So a send to a room that does not exist yet spends
 * from the room budgets too. Rooms are never deleted, so one known to exist
 * need not be looked up again: the rooms people talk in are answered from
 * memory, and only a send to a room not seen lately costs a look-up.
 */
export class RoomCreations {
  private readonly known = new Map<string, true>();

  constructor(
    private readonly rooms: Pick<RoomStore, "latestSeq">,
    private readonly spend: (socket: ChatSocket) => Promise<RateDecision>,
    private readonly capacity = REMEMBERED_ROOMS,
  ) {}

  /** Before a send: allowed when the room exists, else when the sender may create one. */
  async admit(socket: ChatSocket, room: string): Promise<RateDecision> {
    if (this.known.has(room)) {
      this.remember(room);
      return { allowed: true };
    }
    if ((await this.rooms.latestSeq(room)) > 0) {
      this.remember(room);
      return { allowed: true };
    }
    return this.spend(socket);
  }

  /** After a message was stored: its room exists. */
  remember(room: string): void {
    // Re-inserting moves it to the back: the front is always the least recently seen.
    this.known.delete(room);
    this.known.set(room, true);
    if (this.known.size > this.capacity) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }
}
