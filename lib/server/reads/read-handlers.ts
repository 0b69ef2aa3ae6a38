import { fail } from "../../shared/errors";
import { readMarkSchema, readPositionsSchema } from "../../shared/protocol";
import { allowed, type RoomContext } from "../rooms/room-context";
import { withinBudget } from "../transport/request-guards";
import { requestHandler } from "../transport/request-handler";
import { userRoom } from "../transport/socket-types";

/** Why a guest's request is refused: their positions are the browser's, as before accounts. */
export const GUEST_READS_REFUSAL =
  "Read positions are kept on the server for signed-in people only; a guest's stay in this browser.";

/**
 * A signed-in person's read positions: `read:mark` moves one forward and
 * tells the person's other connections, on every instance; `read:positions`
 * answers all of them, for a device that has just connected. Marking a
 * room asks `can` to read it: a position names the room and is clamped to
 * its latest seq, which a non-member of a private room must not learn.
 */
export function registerReadHandlers(context: RoomContext): void {
  const { socket, store, limits, membership, logger } = context;

  socket.on(
    "read:mark",
    requestHandler("read:mark", readMarkSchema, logger, async ({ room, seq }, reply) => {
      if (!socket.data.account) {
        reply(fail("forbidden", GUEST_READS_REFUSAL));
        return;
      }
      if (!allowed((await membership.authorize(socket, "read", room)).decision, reply)) return;
      const budget = await limits.spend("reads", socket);
      if (!withinBudget(budget, reply, "You are marking rooms read too often; wait a moment."))
        return;
      const { user } = socket.data;
      const stored = await store.reads.mark(user.id, room, seq);
      reply({ ok: true, room, seq: stored });
      // `to` leaves this connection out: it has its answer. The others get the
      // stored position whether or not this mark moved it (the store answers
      // only where it stands); applying a position twice changes nothing.
      socket.to(userRoom(user.id)).emit("read:marked", { room, seq: stored });
    }),
  );

  socket.on(
    "read:positions",
    requestHandler("read:positions", readPositionsSchema, logger, async (_request, reply) => {
      if (!socket.data.account) {
        reply(fail("forbidden", GUEST_READS_REFUSAL));
        return;
      }
      reply({ ok: true, positions: await store.reads.positions(socket.data.user.id) });
    }),
  );
}
