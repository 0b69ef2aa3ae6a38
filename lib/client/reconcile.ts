import type { ChatMessage, ReactionChange, ReactionCount } from "../shared/protocol";

/**
 * Which of two copies of one message a client keeps, by `rev`: the server
 * gives every change the room's next rev, so the higher one is the newer
 * state, and copies arrive in any order (pages, live events, acks, retries).
 * A deleted copy is never replaced by a live one: the server cannot produce
 * one after a delete, so only a stale page arriving late could, and it must
 * not bring deleted text back.
 *
 * `me` (whether a reaction is this person's) is not in broadcasts: a newer
 * copy that does not say keeps what the held one knew for each emoji still
 * there, and false for new ones; a copy of the same rev that does say (the
 * answer to one's own request) corrects the held one.
 */
export function pickCopy(held: ChatMessage, incoming: ChatMessage): ChatMessage {
  if (held.deleted && !incoming.deleted) return held;
  if (incoming.rev < held.rev) return held;
  if (incoming.rev === held.rev) return withKnownMe(held, incoming);
  return { ...incoming, reactions: mergeMe(incoming.reactions, held.reactions) };
}

function mergeMe(
  incoming: readonly ReactionCount[],
  held: readonly ReactionCount[],
): ReactionCount[] {
  return incoming.map((r) => ({
    emoji: r.emoji,
    count: r.count,
    me: r.me ?? held.find((h) => h.emoji === r.emoji)?.me ?? false,
  }));
}

/** The held copy with whatever `me` the same-rev incoming one states; the held object when nothing differs. */
function withKnownMe(held: ChatMessage, incoming: ChatMessage): ChatMessage {
  let changed = false;
  const reactions = held.reactions.map((h) => {
    const said = incoming.reactions.find((r) => r.emoji === h.emoji)?.me;
    if (said === undefined || said === (h.me ?? false)) return h;
    changed = true;
    return { ...h, me: said };
  });
  return changed ? { ...held, reactions } : held;
}

/** A copy as this person sees it: `me` on every reaction, from what the change says about them. */
export function withOwnReaction(
  message: ChatMessage,
  change: ReactionChange | undefined,
  myId: string | undefined,
): ChatMessage {
  if (!change || !myId || change.userId !== myId) return message;
  return {
    ...message,
    reactions: message.reactions.map((r) =>
      r.emoji === change.emoji ? { ...r, me: change.added } : r,
    ),
  };
}
