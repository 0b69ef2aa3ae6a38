import { fail } from "../../shared/errors";
import {
  historyAfterSchema,
  historyBeforeSchema,
  messageSendSchema,
  roomJoinSchema,
  roomLeaveSchema,
  userRenameSchema,
} from "../../shared/schemas";
import type { Logger } from "../logger";
import {
  type ChatIo,
  type ChatLimits,
  type ChatServerDeps,
  type ChatSocket,
  userRoom,
} from "./chat-types";
import { requestHandler } from "./request-handler";
import { announceUser } from "./user-sessions";

/** How long an overloaded server asks senders to wait before trying again. */
const OVERLOAD_RETRY_MS = 1_000;

/** Each handler reads like the protocol: validate → authorize → persist → acknowledge → broadcast. */
export function registerChatHandlers(
  io: ChatIo,
  socket: ChatSocket,
  deps: ChatServerDeps,
  limits: ChatLimits,
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
      if (!socket.rooms.has(room) && chatRoomCount(socket) >= limits.maxRoomsPerConnection) {
        reply(
          fail(
            "rate_limited",
            `a connection may join at most ${limits.maxRoomsPerConnection} rooms; leave one first`,
          ),
        );
        return;
      }
      // Join before reading: a message committed in between is then both in the
      // page and broadcast, which the client dedupes, instead of in neither.
      await socket.join(room);
      const page =
        since === undefined
          ? await store.latestMessages(room, limit)
          : await store.messagesAfter(room, since, limit);
      const latestSeq = await store.latestSeq(room);
      reply({ ok: true, room, ...page, latestSeq });
    }),
  );

  socket.on(
    "room:leave",
    requestHandler("room:leave", roomLeaveSchema, logger, async ({ room }, reply) => {
      await socket.leave(room);
      reply({ ok: true });
    }),
  );

  socket.on(
    "message:send",
    requestHandler(
      "message:send",
      messageSendSchema,
      logger,
      async ({ room, text, clientId }, reply) => {
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
          const budget = await limits.admitMessage(socket);
          if (!budget.allowed) {
            reply(
              fail("rate_limited", "You are sending too fast; wait a moment.", budget.retryAfterMs),
            );
            return;
          }
          const { message, duplicate } = await store.appendMessage({
            room,
            clientId,
            text,
            author: socket.data.user,
          });
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
        reply({ ok: true, ...(await store.messagesBefore(room, before, limit)) });
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
        reply({ ok: true, ...(await store.messagesAfter(room, after, limit)) });
      },
    ),
  );

  socket.on(
    "user:rename",
    requestHandler("user:rename", userRenameSchema, logger, async ({ name }, reply) => {
      const user = await store.renameUser(socket.data.user.id, name);
      if (!user) {
        reply(fail("internal", "this identity no longer exists; reconnect to get a new one"));
        return;
      }
      reply({ ok: true, user });
      announceUser(io, user);
    }),
  );
}

/** Chat rooms this connection joined, leaving out its own and its user's private rooms. */
function chatRoomCount(socket: ChatSocket): number {
  const own = userRoom(socket.data.user.id);
  let count = 0;
  for (const room of socket.rooms) if (room !== socket.id && room !== own) count++;
  return count;
}
