import { randomInt } from "node:crypto";
import { fail } from "../../shared/errors";
import { directOpenSchema, type User, usersFindSchema } from "../../shared/protocol";
import { HISTORY_REQUEST_BYTES } from "../security/history-budget";
import { RoomExistsError, type StoredRoom } from "../store/types";
import { readWithinHistoryBudget } from "../transport/request-guards";
import { requestHandler } from "../transport/request-handler";
import { allowed, type RoomContext } from "./room-context";

/** How many people `users:find` answers with at most. */
export const USERS_FOUND = 20;
/** Names tried for a new direct room before giving up (each a 36^20 draw: a clash is near impossible). */
const NAME_TRIES = 5;
const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A direct room's name: unguessable, so it says nothing about who is in it. */
export function directRoomName(): string {
  let name = "dm-";
  for (let i = 0; i < 20; i++) name += ALPHABET[randomInt(ALPHABET.length)];
  return name;
}

/**
 * Direct conversations and finding the people to have them with. `dm:open`
 * answers the pair's one direct room, found again next time, made (both
 * members) the first time — which spends from the rooms budget.
 */
export function registerDirectHandlers(context: RoomContext): void {
  const { socket, store, limits, membership, logger } = context;

  socket.on(
    "dm:open",
    requestHandler("dm:open", directOpenSchema, logger, async ({ userId }, reply) => {
      const { user } = socket.data;
      if (userId === user.id) {
        reply(fail("forbidden", "A direct conversation is with someone else."));
        return;
      }
      const other = await membership.knownUser(userId);
      if (!other) {
        reply(fail("not_found", "There is no such person."));
        return;
      }
      let room: StoredRoom | null = null;
      const existing = await store.rooms.directRoom(user.id, other.id);
      if (existing) room = await membership.cache.room(existing);
      if (room) {
        // One of the two who left comes back by opening it again.
        const asked = await membership.authorize(socket, "read", room.name);
        if (!asked.facts.member) {
          const rejoined = await store.members.change({
            room: room.name,
            user,
            kind: "joined",
            by: null,
          });
          if (rejoined.changed) membership.announce(rejoined.change);
        } else if (!allowed(asked.decision, reply)) return;
      } else {
        const budget = await limits.spend("rooms", socket);
        if (!budget.allowed) {
          reply(
            fail(
              "rate_limited",
              "You are starting conversations too fast; wait a moment.",
              budget.retryAfterMs,
            ),
          );
          return;
        }
        room = await openDirect(context, user, other);
      }
      reply({ ok: true, room: await membership.info(room, room.name, user.id) });
    }),
  );

  socket.on(
    "users:find",
    requestHandler("users:find", usersFindSchema, logger, async ({ query }, reply) => {
      await readWithinHistoryBudget(limits.history, socket, reply, async () => {
        const users = await store.users.findByName(query, USERS_FOUND);
        return { answer: { users }, bytes: users.length * HISTORY_REQUEST_BYTES };
      });
    }),
  );
}

async function openDirect(context: RoomContext, a: User, b: User): Promise<StoredRoom> {
  const { store, membership } = context;
  for (let attempt = 1; ; attempt++) {
    try {
      const opened = await store.rooms.openDirect(a, b, directRoomName());
      membership.roomChanged(opened.room.name);
      for (const change of opened.changes) membership.announce(change);
      return opened.room;
    } catch (error) {
      if (!(error instanceof RoomExistsError) || attempt >= NAME_TRIES) throw error;
    }
  }
}
