import { fail } from "../../shared/errors";
import type { Page } from "../../shared/protocol";
import {
  historyAfterSchema,
  historyAroundSchema,
  historyBeforeSchema,
  messageSendSchema,
} from "../../shared/protocol";
import type { ChatServerDeps } from "../chat-deps";
import type { Logger } from "../logger";
import type { RoomCreations } from "../rooms/room-creations";
import type { ChatLimits } from "../security/chat-limits";
import { connectionsIn, readMessagesWithinBudget, withinBudget } from "../transport/request-guards";
import { type Reply, requestHandler } from "../transport/request-handler";
import type { ChatIo, ChatSocket } from "../transport/socket-types";
import { pageAround } from "./history-around";

/** How long an overloaded server asks senders to wait before trying again. */
const OVERLOAD_RETRY_MS = 1_000;

/**
 * Sending a message and reading history. Each handler reads like the
 * protocol: validate → authorize → spend from the budgets of what it changes
 * or reads → persist → acknowledge → broadcast.
 */
export function registerMessageHandlers(
  io: ChatIo,
  socket: ChatSocket,
  deps: ChatServerDeps,
  limits: ChatLimits,
  rooms: RoomCreations,
  logger: () => Logger,
): void {
  const { store } = deps;

  socket.on(
    "message:send",
    requestHandler(
      "message:send",
      messageSendSchema,
      logger,
      async ({ room, text, clientId, replyTo }, reply) => {
        if (!socket.rooms.has(room)) {
          reply(fail("not_joined", `join room "${room}" before sending to it`));
          return;
        }
        // Overloaded: refuse at the door rather than make everyone wait seconds.
        if (limits.sendBacklog.overloaded) {
          deps.metrics?.rateLimited("overload");
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
          const creation = await rooms.admit(socket, room);
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
          const { message, duplicate } = await store.messages.append({
            room,
            clientId,
            text,
            author: socket.data.user,
            ...(replyTo === undefined ? {} : { replyTo }),
          });
          rooms.remember(room);
          reply({ ok: true, message, duplicate });
          // Only what was committed is broadcast, and a retried send is not news.
          if (!duplicate) io.to(room).emit("message:created", message);
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
        await readMessagesWithinBudget(
          { history: limits.history, store, socket },
          reply,
          room,
          () => pageAround(store.messages, room, seq, limit),
        );
      },
    ),
  );

  /** A page of history, within the address's history budget. */
  function readPage(reply: Reply<Page>, read: () => Promise<Page>, room: string): Promise<void> {
    return readMessagesWithinBudget({ history: limits.history, store, socket }, reply, room, read);
  }
}
