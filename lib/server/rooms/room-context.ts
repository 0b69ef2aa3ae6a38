import { fail } from "../../shared/errors";
import type { Logger } from "../logger";
import type { Notifier } from "../notifications/notifier";
import type { ChatLimits } from "../security/chat-limits";
import type { ChatStore } from "../store/types";
import type { Reply } from "../transport/request-handler";
import type { ChatIo, ChatSocket } from "../transport/socket-types";
import type { Membership } from "./membership";
import type { Decision } from "./permissions";

/** What the room and membership handlers of one connection work with. */
export type RoomContext = {
  io: ChatIo;
  socket: ChatSocket;
  store: ChatStore;
  limits: ChatLimits;
  membership: Membership;
  logger: () => Logger;
  /** Tells people of stored and changed messages (notifications/notifier.ts). */
  notifier: Notifier;
  /** Told when a delete released files (ChatServerDeps.files); absent without file storage. */
  files?: { sweepSoon(): void };
};

/** True when `can` allowed the request; else answers its refusal (its code and reason). */
export function allowed(decision: Decision, reply: Reply<object>): boolean {
  if (decision.allowed) return true;
  reply(fail(decision.code, decision.reason));
  return false;
}

const CHANGES_SPENT = "You are changing rooms and memberships too often; wait a moment.";

/**
 * Spends one room or membership change from the joins budget: a change
 * reaches the room and the person changed, as a join does. Making a room
 * (or a direct conversation) spends from the rooms budget instead.
 */
export async function withinChangeBudget(
  context: Pick<RoomContext, "limits" | "socket">,
  reply: Reply<object>,
): Promise<boolean> {
  const decision = await context.limits.spend("joins", context.socket);
  if (decision.allowed) return true;
  reply(fail("rate_limited", CHANGES_SPENT, decision.retryAfterMs));
  return false;
}
