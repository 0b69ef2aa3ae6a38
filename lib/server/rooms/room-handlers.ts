import { fail } from "../../shared/errors";
import { roomJoinSchema, roomLeaveSchema } from "../../shared/protocol";
import { pageBytes } from "../store/page-bytes";
import {
  chatRoomCount,
  forReader,
  historyRefusal,
  withinBudget,
} from "../transport/request-guards";
import { requestHandler } from "../transport/request-handler";
import { allowed, type RoomContext } from "./room-context";
import { ownMembershipOf } from "./room-facts";
import { joinPublicRoom } from "./room-making";

const JOINS_SPENT = "You are joining and leaving rooms too often; wait a moment.";

/**
 * Joining a room (its newest page, or what came after `since`, with the
 * room's counters, settings and the joiner's standing) and leaving it. Reads
 * like the protocol: validate → authorize → spend → record → read → acknowledge.
 */
export function registerRoomHandlers(context: RoomContext): void {
  const { socket, store, limits, membership, logger } = context;

  socket.on(
    "room:join",
    requestHandler("room:join", roomJoinSchema, logger, async ({ room, since, limit }, reply) => {
      const asked = await membership.authorize(socket, "join", room);
      if (!allowed(asked.decision, reply)) return;
      const joined = socket.rooms.has(room);
      if (!joined && chatRoomCount(socket) >= limits.maxRoomsPerConnection) {
        reply(
          fail(
            "rate_limited",
            `a connection may join at most ${limits.maxRoomsPerConnection} rooms; leave one first`,
          ),
        );
        return;
      }
      const page = await limits.history.admit(socket);
      if (!page.allowed) {
        reply(historyRefusal(page));
        return;
      }
      let bytes = 0;
      try {
        // Joining a room already joined changes nothing and spends nothing but the page.
        if (!joined && !withinBudget(await limits.spend("joins", socket), reply, JOINS_SPENT))
          return;
        let standing = asked.standing;
        // Visiting a public room that exists makes the visitor a member (a rev,
        // told to the room); a name nothing was made under is only subscribed to.
        if (asked.room?.visibility === "public" && asked.facts.member === null) {
          await joinPublicRoom(context, socket, room);
          standing = await membership.cache.standing(room, socket.data.user.id);
        }
        // Join before reading: a message committed in between is then both in the
        // page and broadcast, which the client dedupes, instead of in neither.
        await socket.join(room);
        // latestRev before the page: whatever changes after it is then either
        // in the page, broadcast, or replayed by `changes:after latestRev`.
        const latestRev = await store.rooms.latestRev(room);
        const read =
          since === undefined
            ? await store.messages.latest(room, limit)
            : await store.messages.after(room, since, limit);
        bytes = pageBytes(read.messages);
        const messages = await forReader(store, room, socket.data.user.id, read);
        const latestSeq = await store.rooms.latestSeq(room);
        const info = await membership.info(asked.room, room, socket.data.user.id);
        reply({
          ok: true,
          room,
          ...messages,
          latestSeq,
          latestRev,
          info,
          membership: ownMembershipOf(standing),
        });
      } finally {
        page.finish(bytes);
      }
    }),
  );

  // Unsubscribing only: leaving the membership is `member:leave`.
  socket.on(
    "room:leave",
    requestHandler("room:leave", roomLeaveSchema, logger, async ({ room }, reply) => {
      if (socket.rooms.has(room)) {
        if (!withinBudget(await limits.spend("joins", socket), reply, JOINS_SPENT)) return;
        await socket.leave(room);
      }
      reply({ ok: true });
    }),
  );
}
