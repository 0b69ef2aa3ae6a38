import { fail } from "../../shared/errors";
import {
  type AuditAction,
  auditListSchema,
  type MemberChange,
  type MemberChangeKind,
  memberMuteSchema,
  memberRoleSchema,
  membersListSchema,
  memberTargetSchema,
  type RoomRole,
  roomTargetSchema,
  type User,
} from "../../shared/protocol";
import { HISTORY_REQUEST_BYTES } from "../security/history-budget";
import type { MembershipChangeInput } from "../store/types";
import { readWithinHistoryBudget } from "../transport/request-guards";
import { type Reply, requestHandler } from "../transport/request-handler";
import type { ActionOptions, RoomAction, TargetFacts } from "./permissions";
import { allowed, type RoomContext, withinChangeBudget } from "./room-context";
import { memberOf } from "./room-facts";

const NO_SUCH_PERSON = "There is no such person.";
const NOT_THEIR_ROOM = "They are not a member of this room.";

/** What each moderation request is, to the rules, the store and the audit log. */
type Moderation = {
  action: RoomAction;
  kind: MemberChangeKind;
  audit: AuditAction;
  /** Only a current member can be kicked, muted or given a role. */
  needsMember: boolean;
};

const KICK: Moderation = { action: "kick", kind: "kicked", audit: "kicked", needsMember: true };
const BAN: Moderation = { action: "ban", kind: "banned", audit: "banned", needsMember: false };
const UNBAN: Moderation = {
  action: "unban",
  kind: "unbanned",
  audit: "unbanned",
  needsMember: false,
};
const MUTE: Moderation = { action: "mute", kind: "muted", audit: "muted", needsMember: true };
const UNMUTE: Moderation = { action: "mute", kind: "unmuted", audit: "unmuted", needsMember: true };
const ROLE: Moderation = { action: "set-role", kind: "role", audit: "role", needsMember: true };

/**
 * Who is in a room and what moderators do to them: list, leave, add, kick,
 * ban, unban, mute, unmute, role — and the audit log that keeps what they
 * did. Each change: validate → authorize (`can`, with the target's place)
 * → spend → store (the room's next rev) → audit → acknowledge → tell the
 * room and the person (membership.announce: a removal also makes their
 * connections leave, on every instance).
 */
export function registerMemberHandlers(context: RoomContext): void {
  const { socket, store, limits, membership, logger } = context;

  socket.on(
    "members:list",
    requestHandler(
      "members:list",
      membersListSchema,
      logger,
      async ({ room, after, limit }, reply) => {
        const asked = await membership.authorize(socket, "list-members", room);
        if (!allowed(asked.decision, reply)) return;
        await readWithinHistoryBudget(limits.history, socket, reply, async () => {
          const page = asked.room
            ? await store.members.list(room, after, limit)
            : { members: [], hasMore: false };
          const members = page.members.map((member) => memberOf(member));
          return {
            answer: { members, hasMore: page.hasMore },
            bytes: members.length * HISTORY_REQUEST_BYTES,
          };
        });
      },
    ),
  );

  socket.on(
    "member:leave",
    requestHandler("member:leave", roomTargetSchema, logger, async ({ room }, reply) => {
      const asked = await membership.authorize(socket, "leave", room);
      if (!allowed(asked.decision, reply)) return;
      if (!(await withinChangeBudget(context, reply))) return;
      const { user } = socket.data;
      const { change, changed } = await store.members.change({
        room,
        user,
        kind: "left",
        by: null,
      });
      // A room whose owner left has none, until an admin claims it.
      if (asked.room?.ownerId === user.id) {
        const updated = await store.rooms.update(room, { ownerId: null });
        membership.roomChanged(room);
        if (updated)
          context.io.to(room).emit("room:updated", await membership.info(updated, room, user.id));
      }
      reply({ ok: true, change });
      if (changed) membership.announce(change);
    }),
  );

  socket.on(
    "member:add",
    requestHandler("member:add", memberTargetSchema, logger, async ({ room, userId }, reply) => {
      const asked = await membership.authorize(socket, "invite", room);
      if (!allowed(asked.decision, reply)) return;
      const target = await membership.knownUser(userId);
      if (!target) {
        reply(fail("not_found", NO_SUCH_PERSON));
        return;
      }
      const standing = await membership.cache.standing(room, userId);
      if (standing?.banned) {
        reply(fail("forbidden", "They are banned from this room; unban them first."));
        return;
      }
      if (!(await withinChangeBudget(context, reply))) return;
      const { change, changed } = await store.members.change({
        room,
        user: target,
        kind: "added",
        by: socket.data.user,
      });
      if (changed) await audit(room, "member-added", target, "");
      reply({ ok: true, change });
      if (changed) membership.announce(change);
    }),
  );

  const moderate =
    (moderation: Moderation) =>
    async (
      request: { room: string; userId: string; minutes?: number; role?: RoomRole },
      reply: Reply<{ change: MemberChange }>,
    ) => {
      const { room, userId } = request;
      const standing = await membership.cache.standing(room, userId);
      const targetFacts: TargetFacts = {
        userId,
        role: standing?.role ?? null,
        admin: await membership.isConnectedAdmin(userId),
      };
      const options: ActionOptions = { target: targetFacts };
      if (request.role) options.newRole = request.role;
      const asked = await membership.authorize(socket, moderation.action, room, options);
      if (!allowed(asked.decision, reply)) return;
      if (moderation.needsMember && targetFacts.role === null) {
        reply(fail("not_found", NOT_THEIR_ROOM));
        return;
      }
      const target = await membership.knownUser(userId);
      if (!target) {
        reply(fail("not_found", NO_SUCH_PERSON));
        return;
      }
      if (!(await withinChangeBudget(context, reply))) return;
      const { user } = socket.data;
      const input: MembershipChangeInput = { room, user: target, kind: moderation.kind, by: user };
      let detail = "";
      if (request.minutes !== undefined) {
        const until = Date.now() + request.minutes * 60_000;
        input.mutedUntil = until;
        detail = `until ${new Date(until).toISOString()}`;
      }
      if (request.role) {
        input.role = request.role;
        detail = request.role;
      }
      const { change, changed } = await store.members.change(input);
      if (changed) await audit(room, moderation.audit, target, detail);
      reply({ ok: true, change });
      if (!changed) return;
      membership.announce(change);
      if (request.role === "owner") await handOwnership(room, target, asked.room?.ownerId ?? null);
    };

  /**
   * Making someone the owner (an admin may) hands the room on: the room
   * records its new owner, and the one before stays on as a moderator.
   */
  async function handOwnership(room: string, owner: User, previous: string | null): Promise<void> {
    const updated = await store.rooms.update(room, { ownerId: owner.id });
    membership.roomChanged(room);
    if (previous && previous !== owner.id) {
      const before = await membership.knownUser(previous);
      const standing = await membership.cache.standing(room, previous);
      if (before && standing?.role === "owner") {
        const demoted = await store.members.change({
          room,
          user: before,
          kind: "role",
          role: "moderator",
          by: socket.data.user,
        });
        if (demoted.changed) membership.announce(demoted.change);
      }
    }
    if (updated)
      context.io.to(room).emit("room:updated", await membership.info(updated, room, owner.id));
  }

  async function audit(room: string, action: AuditAction, target: User, detail: string) {
    await store.audit.record({
      room,
      action,
      actor: socket.data.user,
      target,
      message: null,
      detail,
    });
  }

  socket.on(
    "member:kick",
    requestHandler("member:kick", memberTargetSchema, logger, moderate(KICK)),
  );
  socket.on("member:ban", requestHandler("member:ban", memberTargetSchema, logger, moderate(BAN)));
  socket.on(
    "member:unban",
    requestHandler("member:unban", memberTargetSchema, logger, moderate(UNBAN)),
  );
  socket.on("member:mute", requestHandler("member:mute", memberMuteSchema, logger, moderate(MUTE)));
  socket.on(
    "member:unmute",
    requestHandler("member:unmute", memberTargetSchema, logger, moderate(UNMUTE)),
  );
  socket.on("member:role", requestHandler("member:role", memberRoleSchema, logger, moderate(ROLE)));

  socket.on(
    "audit:list",
    requestHandler(
      "audit:list",
      auditListSchema,
      logger,
      async ({ room, before, limit }, reply) => {
        const asked = await membership.authorize(socket, "read-audit", room);
        if (!allowed(asked.decision, reply)) return;
        await readWithinHistoryBudget(limits.history, socket, reply, async () => {
          const page = await store.audit.list(room, before, limit);
          return { answer: page, bytes: page.entries.length * HISTORY_REQUEST_BYTES };
        });
      },
    ),
  );
}
