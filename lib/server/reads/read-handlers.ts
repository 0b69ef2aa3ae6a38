import { fail } from "../../shared/errors";
import { readMarkSchema, readPositionsSchema } from "../../shared/protocol";
import type { ChatServerDeps } from "../chat-deps";
import type { Logger } from "../logger";
import type { ChatLimits } from "../security/chat-limits";
import { withinBudget } from "../transport/request-guards";
import { requestHandler } from "../transport/request-handler";
import { type ChatSocket, userRoom } from "../transport/socket-types";

/** Why a guest's request is refused: their positions are the browser's, as before accounts. */
export const GUEST_READS_REFUSAL =
  "Read positions are kept on the server for signed-in people only; a guest's stay in this browser.";

/**
 * A signed-in person's read positions: `read:mark` moves one forward and
 * tells the person's other connections, on every instance; `read:positions`
 * answers all of them, for a device that has just connected.
 */
export function registerReadHandlers(
  socket: ChatSocket,
  deps: ChatServerDeps,
  limits: ChatLimits,
  logger: () => Logger,
): void {
  const { store } = deps;

  socket.on(
    "read:mark",
    requestHandler("read:mark", readMarkSchema, logger, async ({ room, seq }, reply) => {
      if (!socket.data.account) {
        reply(fail("forbidden", GUEST_READS_REFUSAL));
        return;
      }
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
