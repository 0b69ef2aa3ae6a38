import { fail } from "../../shared/errors";
import { MAX_REACTION_USERS_LISTED, MESSAGE_OVERHEAD_BYTES } from "../../shared/limits";
import {
  type ChatMessage,
  changesAfterSchema,
  type MessageUpdate,
  messageDeleteSchema,
  messageEditSchema,
  type ReactionChange,
  reactionSchema,
} from "../../shared/protocol";
import { resolveMentions } from "../mentions/resolve-mentions";
import type { ChatMetrics } from "../ops/metrics";
import type { RoomAction } from "../rooms/permissions";
import { allowed, type RoomContext } from "../rooms/room-context";
import { HISTORY_REQUEST_BYTES } from "../security/history-budget";
import {
  ChangeRefusedError,
  type ChangeRequest,
  type ChangeResult,
  type MessageChange,
} from "../store/types";
import {
  connectionsIn,
  readMessagesWithinBudget,
  readWithinHistoryBudget,
  withinBudget,
  withMine,
} from "../transport/request-guards";
import { type Reply, requestHandler } from "../transport/request-handler";

/** How long an overloaded server asks writers to wait before trying again. */
const OVERLOAD_RETRY_MS = 1_000;

const CHANGES_SPENT = "You are changing messages too fast; wait a moment.";

/** What each change asks of the rules: an edit is a new say, so a muted person may not. */
const ACTION_OF: Record<MessageChange["kind"], RoomAction> = {
  edit: "send",
  delete: "read",
  reaction: "react",
};

/**
 * Changes to stored messages (edit, delete, reactions) and the reads that
 * catch up with them. Like sends: validate → authorize (`can`, from the
 * membership cache) → spend the writer's budgets → persist (the store
 * authorises: author only, message in that room; a moderator's delete of
 * another's message is `byModerator`, audited) → acknowledge with the
 * message as the writer sees it → broadcast its new state to the room, once
 * committed, unless nothing changed.
 *
 * A change needs no join (like history): an outbox replaying its operations
 * after a reconnect must not depend on the order of its joins.
 */
export function registerChangeHandlers(
  context: RoomContext,
  metrics: ChatMetrics | undefined,
): void {
  const { io, socket, store, limits, membership, logger, notifier, files } = context;

  /** Spends a change from the same budgets as a send (it is a write that reaches the whole room). */
  async function admitChange(room: string, reply: Reply<object>): Promise<(() => void) | null> {
    if (limits.sendBacklog.overloaded) {
      metrics?.rateLimited("overload");
      reply(fail("unavailable", "The server is overloaded; try again shortly.", OVERLOAD_RETRY_MS));
      return null;
    }
    const answered = limits.sendBacklog.enter();
    const rewrites = await limits.rewrites.check(socket);
    const budget = rewrites.allowed ? await limits.spend("messages", socket) : rewrites;
    const fanOut = budget.allowed ? await limits.deliver(socket, connectionsIn(io, room)) : budget;
    if (!withinBudget(fanOut, reply, CHANGES_SPENT)) {
      answered();
      return null;
    }
    return answered;
  }

  async function change(
    room: string,
    id: string,
    what: MessageChange,
    reply: Reply<{ message: MessageUpdate }>,
  ): Promise<void> {
    if (!allowed((await membership.authorize(socket, ACTION_OF[what.kind], room)).decision, reply))
      return;
    const answered = await admitChange(room, reply);
    if (!answered) return;
    try {
      const result = what.kind === "delete" ? await remove(room, id) : await apply(room, id, what);
      // The store rewrote the whole message, whatever the change's own size.
      if (result.changed) await limits.rewrites.charge(socket, rewrittenBytes(result.message));
      reply({ ok: true, message: withMine(result.message, result.mine) });
      // A change that changed nothing took no rev and is not news.
      if (!result.changed) return;
      const update: MessageUpdate =
        what.kind === "reaction"
          ? { ...result.message, reaction: reactionChange(what, socket.data.user.id) }
          : result.message;
      io.to(room).emit("message:updated", update);
      // An edit may add or take away a mention; a delete withdraws its notifications.
      if (what.kind !== "reaction") notifier.messageChanged(result.message);
      // Its files are released: the sweeper removes them now, not at its next round.
      if (result.releasedFiles) files?.sweepSoon();
    } finally {
      answered();
    }
  }

  async function apply(room: string, id: string, what: MessageChange): Promise<ChangeResult> {
    const request: ChangeRequest = {
      room,
      id,
      actor: socket.data.user,
      change: what.kind === "edit" ? await withMentions(room, what) : what,
    };
    return store.messages.change(request);
  }

  /**
   * An edit's mentions, recomputed from its new text (only the author edits,
   * so theirs is the say on `@room`); never from the payload.
   */
  async function withMentions(
    room: string,
    edit: Extract<MessageChange, { kind: "edit" }>,
  ): Promise<MessageChange> {
    const mentions = await resolveMentions(
      store.members,
      { room, text: edit.text, authorId: socket.data.user.id },
      async () => (await membership.authorize(socket, "mention-all", room)).decision.allowed,
    );
    return { kind: "edit", text: edit.text, ...(mentions ? { mentions } : {}) };
  }

  /**
   * The author deletes their own message; someone else's is refused by the
   * store, and then deleted `byModerator` if `can` lets this person remove
   * others' messages — costing the second try only to moderators. Their
   * delete is kept in the audit log with the message's id and seq.
   */
  async function remove(room: string, id: string): Promise<ChangeResult> {
    try {
      return await apply(room, id, { kind: "delete" });
    } catch (error) {
      if (!(error instanceof ChangeRefusedError) || error.code !== "forbidden") throw error;
      const asked = await membership.authorize(socket, "delete-any-message", room);
      if (!asked.decision.allowed) throw error;
      const result = await apply(room, id, { kind: "delete", byModerator: true });
      if (result.changed) {
        await store.audit.record({
          room,
          action: "message-deleted",
          actor: socket.data.user,
          target: result.message.author,
          message: { id: result.message.id, seq: result.message.seq },
          detail: "",
        });
      }
      return result;
    }
  }

  socket.on(
    "message:edit",
    requestHandler("message:edit", messageEditSchema, logger, async ({ room, id, text }, reply) => {
      await change(room, id, { kind: "edit", text }, reply);
    }),
  );

  socket.on(
    "message:delete",
    requestHandler("message:delete", messageDeleteSchema, logger, async ({ room, id }, reply) => {
      await change(room, id, { kind: "delete" }, reply);
    }),
  );

  socket.on(
    "reaction:add",
    requestHandler("reaction:add", reactionSchema, logger, async ({ room, id, emoji }, reply) => {
      await change(room, id, { kind: "reaction", emoji, added: true }, reply);
    }),
  );

  socket.on(
    "reaction:remove",
    requestHandler(
      "reaction:remove",
      reactionSchema,
      logger,
      async ({ room, id, emoji }, reply) => {
        await change(room, id, { kind: "reaction", emoji, added: false }, reply);
      },
    ),
  );

  socket.on(
    "reaction:users",
    requestHandler("reaction:users", reactionSchema, logger, async ({ room, id, emoji }, reply) => {
      if (!allowed((await membership.authorize(socket, "read", room)).decision, reply)) return;
      await readWithinHistoryBudget(limits.history, socket, reply, async () => {
        const listed = await store.messages.reactionUsers(
          room,
          id,
          emoji,
          MAX_REACTION_USERS_LISTED,
        );
        // Names are short; a listed person weighs about what a request does.
        return { answer: listed, bytes: listed.users.length * HISTORY_REQUEST_BYTES };
      });
    }),
  );

  socket.on(
    "changes:after",
    requestHandler(
      "changes:after",
      changesAfterSchema,
      logger,
      async ({ room, after, limit }, reply) => {
        if (!allowed((await membership.authorize(socket, "read", room)).decision, reply)) return;
        await readMessagesWithinBudget(
          { history: limits.history, store, socket },
          reply,
          room,
          () => store.messages.changesAfter(room, after, limit),
        );
      },
    ),
  );
}

/** What a change rewrote: the message's text and its other fields (deleted text was rewritten too, as zeros). */
function rewrittenBytes(message: ChatMessage): number {
  return Buffer.byteLength(message.text) + MESSAGE_OVERHEAD_BYTES;
}

function reactionChange(
  what: Extract<MessageChange, { kind: "reaction" }>,
  userId: string,
): ReactionChange {
  return { emoji: what.emoji, userId, added: what.added };
}
