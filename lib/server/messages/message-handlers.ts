import { fail } from "../../shared/errors";
import type { Page } from "../../shared/protocol";
import {
  historyAfterSchema,
  historyAroundSchema,
  historyBeforeSchema,
  messageSendSchema,
} from "../../shared/protocol";
import { resolveMentions } from "../mentions/resolve-mentions";
import type { ChatMetrics } from "../ops/metrics";
import { allowed, type RoomContext } from "../rooms/room-context";
import { joinPublicRoom, makeRoomByFirstMessage } from "../rooms/room-making";
import { connectionsIn, readMessagesWithinBudget, withinBudget } from "../transport/request-guards";
import { type Reply, requestHandler } from "../transport/request-handler";
import { pageAround } from "./history-around";

/** How long an overloaded server asks senders to wait before trying again. */
const OVERLOAD_RETRY_MS = 1_000;

/**
 * Sending a message and reading history. Each handler reads like the
 * protocol: validate → authorize (`can`, from the membership cache: no query
 * for a room seen lately) → spend from the budgets of what it changes or
 * reads → persist → acknowledge → broadcast.
 */
export function registerMessageHandlers(
  context: RoomContext,
  metrics: ChatMetrics | undefined,
): void {
  const { io, socket, store, limits, membership, logger, notifier } = context;

  socket.on(
    "message:send",
    requestHandler(
      "message:send",
      messageSendSchema,
      logger,
      async ({ room, text, clientId, replyTo, attachments }, reply) => {
        // Who may not send here is told so, joined or not; who may is asked to join first.
        const asked = await membership.authorize(socket, "send", room);
        if (!allowed(asked.decision, reply)) return;
        if (!socket.rooms.has(room)) {
          reply(fail("not_joined", `join room "${room}" before sending to it`));
          return;
        }
        // Overloaded: refuse at the door rather than make everyone wait seconds.
        if (limits.sendBacklog.overloaded) {
          metrics?.rateLimited("overload");
          reply(
            fail("unavailable", "The server is overloaded; try again shortly.", OVERLOAD_RETRY_MS),
          );
          return;
        }
        const answered = limits.sendBacklog.enter();
        try {
          const budget = await limits.spend("messages", socket);
          if (!withinBudget(budget, reply, "You are sending too fast; wait a moment.")) return;
          const fanOut = await limits.deliver(socket, connectionsIn(io, room));
          if (
            !withinBudget(
              fanOut,
              reply,
              "You are sending too fast for a room this size; wait a moment.",
            )
          )
            return;
          if (!asked.room) {
            // A room is made by its first message, and stays: it spends from the room budgets.
            const creation = await limits.spend("rooms", socket);
            if (!creation.allowed) {
              reply(
                fail(
                  "rate_limited",
                  "You are creating rooms too fast; wait, or write in a room that exists.",
                  creation.retryAfterMs,
                ),
              );
              return;
            }
            const made = await makeRoomByFirstMessage(context, socket, room);
            if (!made.made && !allowed(made.again.decision, reply)) return;
          }
          // Whom it names: from the text and the room's members, never from the payload.
          const mentions = await resolveMentions(
            store.members,
            { room, text, authorId: socket.data.user.id },
            async () => (await membership.authorize(socket, "mention-all", room)).decision.allowed,
          );
          const { message, duplicate } = await store.messages.append({
            room,
            clientId,
            text,
            author: socket.data.user,
            ...(replyTo === undefined ? {} : { replyTo }),
            ...(mentions === undefined ? {} : { mentions }),
            // The store attaches only the sender's own unattached uploads, in the
            // append's transaction (else invalid_attachment, nothing written).
            ...(attachments.length === 0 ? {} : { attachments }),
          });
          // A reader who subscribed before the room was made has written in it: now a member.
          if (asked.room?.visibility === "public" && !asked.facts.member)
            await joinPublicRoom(context, socket, room);
          reply({ ok: true, message, duplicate });
          // Only what was committed is broadcast, and a retried send is not news.
          if (duplicate) return;
          io.to(room).emit("message:created", message);
          notifier.messageStored(message);
        } finally {
          answered();
        }
      },
    ),
  );

  socket.on(
    "history:before",
    requestHandler(
      "history:before",
      historyBeforeSchema,
      logger,
      async ({ room, before, limit }, reply) => {
        if (!(await mayRead(room, reply))) return;
        await readPage(reply, () => store.messages.before(room, before, limit), room);
      },
    ),
  );

  socket.on(
    "history:after",
    requestHandler(
      "history:after",
      historyAfterSchema,
      logger,
      async ({ room, after, limit }, reply) => {
        if (!(await mayRead(room, reply))) return;
        await readPage(reply, () => store.messages.after(room, after, limit), room);
      },
    ),
  );

  socket.on(
    "history:around",
    requestHandler(
      "history:around",
      historyAroundSchema,
      logger,
      async ({ room, seq, limit }, reply) => {
        if (!(await mayRead(room, reply))) return;
        await readMessagesWithinBudget(
          { history: limits.history, store, socket },
          reply,
          room,
          () => pageAround(store.messages, room, seq, limit),
        );
      },
    ),
  );

  /** Whether this person may read the room's history (else answered with why not). */
  async function mayRead(room: string, reply: Reply<object>): Promise<boolean> {
    return allowed((await membership.authorize(socket, "read", room)).decision, reply);
  }

  /** A page of history, within the address's history budget. */
  function readPage(reply: Reply<Page>, read: () => Promise<Page>, room: string): Promise<void> {
    return readMessagesWithinBudget({ history: limits.history, store, socket }, reply, room, read);
  }
}
