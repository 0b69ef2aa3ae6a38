import { fail } from "../../shared/errors";
import type { Page } from "../../shared/protocol";
import {
  historyAfterSchema,
  historyAroundSchema,
  historyBeforeSchema,
  messageSendSchema,
  roomJoinSchema,
  roomLeaveSchema,
  userRenameSchema,
} from "../../shared/protocol";
import type { ChatServerDeps } from "../chat-deps";
import { announceUser } from "../identity/user-sessions";
import type { Logger } from "../logger";
import type { RoomCreations } from "../rooms/room-creations";
import type { ChatLimits } from "../security/chat-limits";
import { pageBytes } from "../store/page-bytes";
import {
  chatRoomCount,
  connectionsIn,
  forReader,
  historyRefusal,
  withinBudget,
} from "../transport/request-guards";
import { type Reply, requestHandler } from "../transport/request-handler";
import type { ChatIo, ChatSocket } from "../transport/socket-types";
import { registerChangeHandlers } from "./change-handlers";
import { pageAround } from "./history-around";

export { connectionsIn };

const JOINS_SPENT = "You are joining and leaving rooms too often; wait a moment.";

/** How long an overloaded server asks senders to wait before trying again. */
const OVERLOAD_RETRY_MS = 1_000;

/**
 * Each handler reads like the protocol: validate → authorize → spend from
 * the budgets of what it changes or reads → persist → acknowledge → broadcast.
 */
export function registerChatHandlers(
  io: ChatIo,
  socket: ChatSocket,
  deps: ChatServerDeps,
  limits: ChatLimits,
  rooms: RoomCreations,
): void {
  const { store } = deps;
  // A child logger costs about half a kilobyte; thousands of idle connections never log.
  let child: Logger | undefined;
  const logger = () => {
    child ??= deps.logger.child({ socket: socket.id, user: socket.data.user.id });
    return child;
  };

  socket.on(
    "room:join",
    requestHandler("room:join", roomJoinSchema, logger, async ({ room, since, limit }, reply) => {
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
        reply({ ok: true, room, ...messages, latestSeq, latestRev });
      } finally {
        page.finish(bytes);
      }
    }),
  );

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
        const admission = await limits.history.admit(socket);
        if (!admission.allowed) {
          reply(historyRefusal(admission));
          return;
        }
        let bytes = 0;
        try {
          const around = await pageAround(store.messages, room, seq, limit);
          bytes = pageBytes(around.messages);
          reply({ ok: true, ...(await forReader(store, room, socket.data.user.id, around)) });
        } finally {
          admission.finish(bytes);
        }
      },
    ),
  );

  registerChangeHandlers(io, socket, deps, limits, logger);

  socket.on(
    "user:rename",
    requestHandler("user:rename", userRenameSchema, logger, async ({ name }, reply) => {
      const budget = await limits.spend("renames", socket);
      if (!withinBudget(budget, reply, "You are renaming too often; wait a moment.")) return;
      const user = await store.users.rename(socket.data.user.id, name);
      reply({ ok: true, user });
      announceUser(io, user);
    }),
  );

  /** A page of history, within the address's history budget. */
  async function readPage(
    reply: Reply<Page>,
    read: () => Promise<Page>,
    room: string,
  ): Promise<void> {
    const admission = await limits.history.admit(socket);
    if (!admission.allowed) {
      reply(historyRefusal(admission));
      return;
    }
    let bytes = 0;
    try {
      const page = await read();
      bytes = pageBytes(page.messages);
      reply({ ok: true, ...(await forReader(store, room, socket.data.user.id, page)) });
    } finally {
      admission.finish(bytes);
    }
  }
}
