import { fail } from "../../shared/errors";
import type { ChatMessage, Page } from "../../shared/protocol";
import type { HistoryAdmission, HistoryBudget } from "../security/history-budget";
import type { RateDecision } from "../security/rate-limiter";
import { pageBytes } from "../store/page-bytes";
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

/**
 * Answers a read within the address's history budget: refused while the
 * budget is spent, and charged afterwards with what the answer weighed.
 */
export async function readWithinHistoryBudget<T extends object>(
  history: HistoryBudget,
  socket: ChatSocket,
  reply: Reply<T>,
  read: () => Promise<{ answer: T; bytes: number }>,
): Promise<void> {
  const admission = await history.admit(socket);
  if (!admission.allowed) {
    reply(historyRefusal(admission));
    return;
  }
  let bytes = 0;
  try {
    const result = await read();
    bytes = result.bytes;
    reply({ ok: true, ...result.answer });
  } finally {
    admission.finish(bytes);
  }
}

/** A page of a room's messages, within the history budget, as its reader sees it (`me` set). */
export function readMessagesWithinBudget<P extends { messages: ChatMessage[] }>(
  deps: { history: HistoryBudget; store: ChatStore; socket: ChatSocket },
  reply: Reply<P>,
  room: string,
  read: () => Promise<P>,
): Promise<void> {
  return readWithinHistoryBudget(deps.history, deps.socket, reply, async () => {
    const page = await read();
    const answer = await forReader(deps.store, room, deps.socket.data.user.id, page);
    return { answer, bytes: pageBytes(page.messages) };
  });
}

export type { Page };
