import { fail } from "../../shared/errors";
import {
  type RoomInfo,
  roomCreateSchema,
  roomTargetSchema,
  roomUpdateSchema,
} from "../../shared/protocol";
import { RoomExistsError, type StoredRoom } from "../store/types";
import { requestHandler } from "../transport/request-handler";
import { allowed, type RoomContext, withinChangeBudget } from "./room-context";

const ROOMS_SPENT = "You are creating rooms too fast; wait a moment.";
const NO_SUCH_ROOM = "There is no such room.";

/**
 * A room's own life: made (`room:create`), its settings changed
 * (`room:update`), deleted with its history (`room:delete`), and an old room
 * without an owner claimed by an admin (`room:claim`). Each: validate →
 * authorize (`can`) → spend → store → every cache told → acknowledge →
 * broadcast `room:updated` to the room.
 */
export function registerRoomSettingsHandlers(context: RoomContext): void {
  const { io, socket, store, limits, membership, logger } = context;

  socket.on(
    "room:create",
    requestHandler(
      "room:create",
      roomCreateSchema,
      logger,
      async ({ room, visibility, topic }, reply) => {
        const asked = await membership.authorize(socket, "create", room, { visibility });
        if (!allowed(asked.decision, reply)) return;
        const budget = await limits.spend("rooms", socket);
        if (!budget.allowed) {
          reply(fail("rate_limited", ROOMS_SPENT, budget.retryAfterMs));
          return;
        }
        let made: Awaited<ReturnType<typeof store.rooms.create>>;
        try {
          made = await store.rooms.create({
            name: room,
            visibility,
            topic: topic ?? "",
            owner: socket.data.user,
          });
        } catch (error) {
          if (!(error instanceof RoomExistsError)) throw error;
          membership.roomChanged(room);
          reply(fail("room_exists", "A room of that name already exists."));
          return;
        }
        membership.roomChanged(room);
        membership.announce(made.change);
        reply({ ok: true, room: await membership.info(made.room, room, socket.data.user.id) });
      },
    ),
  );

  socket.on(
    "room:update",
    requestHandler(
      "room:update",
      roomUpdateSchema,
      logger,
      async ({ room, topic, visibility }, reply) => {
        const asked = await membership.authorize(socket, "update-room", room);
        if (!allowed(asked.decision, reply)) return;
        if (!(await withinChangeBudget(context, reply))) return;
        const patch = {
          ...(topic === undefined ? {} : { topic }),
          ...(visibility === undefined ? {} : { visibility }),
        };
        const updated = await store.rooms.update(room, patch);
        if (!updated) {
          reply(fail("not_found", NO_SUCH_ROOM));
          return;
        }
        membership.roomChanged(room);
        await store.audit.record({
          room,
          action: "room-updated",
          actor: socket.data.user,
          target: null,
          message: null,
          detail: describeUpdate(asked.room, updated),
        });
        const info = await membership.info(updated, room, socket.data.user.id);
        io.to(room).emit("room:updated", info);
        // A room turned private keeps only its members (and admins) subscribed —
        // before the answer, so nothing the owner writes next reaches the others.
        if (updated.visibility === "private" && asked.room?.visibility !== "private")
          await dropNonMembers(context, room);
        reply({ ok: true, room: info });
      },
    ),
  );

  socket.on(
    "room:delete",
    requestHandler("room:delete", roomTargetSchema, logger, async ({ room }, reply) => {
      const asked = await membership.authorize(socket, "delete-room", room);
      if (!allowed(asked.decision, reply)) return;
      if (!(await withinChangeBudget(context, reply))) return;
      const info = await membership.info(asked.room, room, socket.data.user.id);
      if (!(await store.rooms.remove(room))) {
        membership.roomDeleted(room);
        reply(fail("not_found", NO_SUCH_ROOM));
        return;
      }
      membership.roomDeleted(room);
      reply({ ok: true });
      // Told first, then everyone's connections leave it, on every instance.
      io.to(room).emit("room:updated", { ...info, deleted: true });
      io.in(room).socketsLeave(room);
      // Its files were released with its messages: the sweeper removes them now.
      context.files?.sweepSoon();
    }),
  );

  socket.on(
    "room:claim",
    requestHandler("room:claim", roomTargetSchema, logger, async ({ room }, reply) => {
      const asked = await membership.authorize(socket, "claim", room);
      if (!allowed(asked.decision, reply)) return;
      if (!(await withinChangeBudget(context, reply))) return;
      const { user } = socket.data;
      const updated = await store.rooms.update(room, { ownerId: user.id });
      if (!updated) {
        reply(fail("not_found", NO_SUCH_ROOM));
        return;
      }
      membership.roomChanged(room);
      const { change, changed } = await store.members.change({
        room,
        user,
        kind: asked.facts.member ? "role" : "added",
        role: "owner",
        by: user,
      });
      if (changed) membership.announce(change);
      await store.audit.record({
        room,
        action: "room-claimed",
        actor: user,
        target: null,
        message: null,
        detail: "",
      });
      const info: RoomInfo = await membership.info(updated, room, user.id);
      reply({ ok: true, room: info });
      io.to(room).emit("room:updated", info);
    }),
  );
}

/** Words for the audit log: what a `room:update` changed. */
function describeUpdate(before: StoredRoom | null, after: StoredRoom): string {
  const changes: string[] = [];
  if (before?.visibility !== after.visibility) changes.push(`visibility: ${after.visibility}`);
  if (before?.topic !== after.topic) changes.push(`topic: ${after.topic || "(none)"}`);
  return changes.join("; ") || "no change";
}

/**
 * After a room turned private: connections in it whose person is not a
 * member (readers of the public room, on any instance) leave it. Admins may
 * read private rooms, so theirs stay.
 */
async function dropNonMembers(context: RoomContext, room: string): Promise<void> {
  const { io, membership } = context;
  const sockets = await io.in(room).fetchSockets();
  for (const connection of sockets) {
    if (connection.data.account?.role === "admin") continue;
    const standing = await membership.cache.standing(room, connection.data.user.id);
    if (standing?.role == null) connection.leave(room);
  }
}
