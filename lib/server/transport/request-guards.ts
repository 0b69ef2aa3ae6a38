import { fail } from "../../shared/errors";
import type { ChatMessage, Page } from "../../shared/protocol";
import type { HistoryAdmission } from "../security/history-budget";
import type { RateDecision } from "../security/rate-limiter";
import type { ChatStore } from "../store/types";
import type { Reply } from "./request-handler";
import { type ChatIo, type ChatSocket, userRoom } from "./socket-types";

/** True when a budget allowed the request; else answers the refusal. */
export function withinBudget(
  decision: RateDecision,
  reply: Reply<object>,
  message: string,
): boolean {
  if (decision.allowed) return true;
  reply(fail("rate_limited", message, decision.retryAfterMs));
  return false;
}

export function historyRefusal(admission: Extract<HistoryAdmission, { allowed: false }>) {
  return fail(
    "rate_limited",
    "Too much history read from this address; wait a moment.",
    admission.retryAfterMs,
  );
}

/** Connections in a room on this instance: what a broadcast to it costs here. */
export function connectionsIn(io: ChatIo, room: string): number {
  return io.of("/").adapter.rooms.get(room)?.size ?? 0;
}

/** Chat rooms this connection joined, leaving out its own and its user's private rooms. */
export function chatRoomCount(socket: ChatSocket): number {
  const own = userRoom(socket.data.user.id);
  let count = 0;
  for (const room of socket.rooms) if (room !== socket.id && room !== own) count++;
  return count;
}

/** The message as its reader sees it in an answer to their own request: `me` on every reaction. */
export function withMine(message: ChatMessage, mine: readonly string[]): ChatMessage {
  if (message.reactions.length === 0) return message;
  return {
    ...message,
    reactions: message.reactions.map((reaction) => ({
      emoji: reaction.emoji,
      count: reaction.count,
      me: mine.includes(reaction.emoji),
    })),
  };
}

/**
 * Messages of one room as `userId` sees them in answers to their own
 * requests; broadcasts never carry `me` (one frame for the whole room).
 * Costs a query only when some message carries reactions.
 */
export async function forReader<P extends { messages: ChatMessage[] }>(
  store: ChatStore,
  room: string,
  userId: string,
  page: P,
): Promise<P> {
  if (!page.messages.some((message) => message.reactions.length > 0)) return page;
  const own = await store.messages.ownReactions(room, userId, page.messages);
  return {
    ...page,
    messages: page.messages.map((message) => withMine(message, own.get(message.id) ?? [])),
  };
}

export type { Page };
