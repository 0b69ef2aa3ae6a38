import type { AroundPage } from "../../shared/protocol";
import type { MessageStore } from "../store/types";

/**
 * The page of `limit` messages centred on `seq`, for jumping to a message
 * out of view (a replied-to one): the message at `seq` (or the first after
 * it) opens the later half, about half of `limit` comes before it. Each half
 * is a page of its own, bounded in bytes like any other.
 */
export async function pageAround(
  messages: Pick<MessageStore, "before" | "after">,
  room: string,
  seq: number,
  limit: number,
): Promise<AroundPage> {
  const earlier = Math.floor(limit / 2);
  const [before, after] = await Promise.all([
    // With no room for earlier messages, one is still read: it says whether any exist.
    messages.before(room, seq, Math.max(1, earlier)),
    messages.after(room, seq - 1, limit - earlier),
  ]);
  return {
    messages: [...(earlier > 0 ? before.messages : []), ...after.messages],
    hasMoreBefore: earlier > 0 ? before.hasMore : before.messages.length > 0,
    hasMoreAfter: after.hasMore,
  };
}
