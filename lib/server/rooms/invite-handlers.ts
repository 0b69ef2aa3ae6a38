import { fail } from "../../shared/errors";
import {
  inviteAcceptSchema,
  inviteCreateSchema,
  inviteRevokeSchema,
  roomTargetSchema,
} from "../../shared/protocol";
import { HISTORY_REQUEST_BYTES } from "../security/history-budget";
import { readWithinHistoryBudget } from "../transport/request-guards";
import { requestHandler } from "../transport/request-handler";
import {
  INVITE_PROBLEMS,
  invitePath,
  inviteTokenHash,
  NOT_AN_INVITE,
  newInviteToken,
} from "./invite-tokens";
import { BANNED } from "./permissions";
import { allowed, type RoomContext, withinChangeBudget } from "./room-context";

/**
 * Invite links: moderators and owners make, list and revoke them
 * (`can("invite")`); anyone holding a live one becomes a member by
 * `invite:accept` — a guest too, where guests may chat at all — as added by
 * the invite's maker. A token that no longer admits is `not_found`, with
 * words that say why. The token is shown once; the store keeps its hash, and
 * counts each use atomically.
 */
export function registerInviteHandlers(context: RoomContext): void {
  const { socket, store, limits, membership, logger } = context;

  socket.on(
    "invite:create",
    requestHandler(
      "invite:create",
      inviteCreateSchema,
      logger,
      async ({ room, expiresInMinutes, maxUses }, reply) => {
        const asked = await membership.authorize(socket, "invite", room);
        if (!allowed(asked.decision, reply)) return;
        if (!(await withinChangeBudget(context, reply))) return;
        const token = newInviteToken();
        const invite = await store.invites.create({
          room,
          tokenHash: inviteTokenHash(token),
          createdBy: socket.data.user,
          expiresAt: new Date(Date.now() + expiresInMinutes * 60_000),
          maxUses: maxUses ?? null,
        });
        await store.audit.record({
          room,
          action: "invite-created",
          actor: socket.data.user,
          target: null,
          message: null,
          detail: `expires ${invite.expiresAt}${maxUses === undefined ? "" : `, ${maxUses} uses`}`,
        });
        reply({ ok: true, invite, token, path: invitePath(token) });
      },
    ),
  );

  socket.on(
    "invite:list",
    requestHandler("invite:list", roomTargetSchema, logger, async ({ room }, reply) => {
      const asked = await membership.authorize(socket, "invite", room);
      if (!allowed(asked.decision, reply)) return;
      await readWithinHistoryBudget(limits.history, socket, reply, async () => {
        const invites = await store.invites.list(room);
        return { answer: { invites }, bytes: invites.length * HISTORY_REQUEST_BYTES };
      });
    }),
  );

  socket.on(
    "invite:revoke",
    requestHandler("invite:revoke", inviteRevokeSchema, logger, async ({ room, id }, reply) => {
      const asked = await membership.authorize(socket, "invite", room);
      if (!allowed(asked.decision, reply)) return;
      if (!(await withinChangeBudget(context, reply))) return;
      if (!(await store.invites.revoke(room, id))) {
        reply(fail("not_found", "This room has no such invite."));
        return;
      }
      await store.audit.record({
        room,
        action: "invite-revoked",
        actor: socket.data.user,
        target: null,
        message: null,
        detail: id,
      });
      reply({ ok: true });
    }),
  );

  socket.on(
    "invite:accept",
    requestHandler("invite:accept", inviteAcceptSchema, logger, async ({ token }, reply) => {
      if (!(await withinChangeBudget(context, reply))) return;
      const hash = inviteTokenHash(token);
      const invite = await store.invites.find(hash);
      if (!invite) {
        reply(fail("not_found", NOT_AN_INVITE));
        return;
      }
      const { user } = socket.data;
      const { room } = invite;
      const found = await membership.facts(room, user.id);
      if (!found.room) {
        reply(fail("not_found", NOT_AN_INVITE));
        return;
      }
      if (found.facts.banned) {
        reply(fail("forbidden", BANNED));
        return;
      }
      // A member following the link again is let in without using it up.
      if (!found.facts.member) {
        const used = await store.invites.use(hash, new Date());
        if ("refused" in used) {
          reply(
            fail(
              "not_found",
              used.refused === "not_found" ? NOT_AN_INVITE : INVITE_PROBLEMS[used.refused],
            ),
          );
          return;
        }
        // The invite's maker let them in: an addition by them, as member:add is.
        const { change, changed } = await store.members.change({
          room,
          user,
          kind: "added",
          by: invite.createdBy,
        });
        if (changed) membership.announce(change);
      }
      reply({ ok: true, room: await membership.info(found.room, room, user.id) });
    }),
  );
}
