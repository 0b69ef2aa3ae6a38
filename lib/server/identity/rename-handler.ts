import { userRenameSchema } from "../../shared/protocol";
import type { ChatServerDeps } from "../chat-deps";
import type { Logger } from "../logger";
import type { ChatLimits } from "../security/chat-limits";
import { withinBudget } from "../transport/request-guards";
import { requestHandler } from "../transport/request-handler";
import type { ChatIo, ChatSocket } from "../transport/socket-types";
import { announceUser } from "./user-sessions";

/** A person renaming themselves: stored, acknowledged, then announced to every instance. */
export function registerRenameHandler(
  io: ChatIo,
  socket: ChatSocket,
  deps: ChatServerDeps,
  limits: ChatLimits,
  logger: () => Logger,
): void {
  const { store } = deps;

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
}
