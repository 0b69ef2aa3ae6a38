import type { ChatMessage, ReactionCount } from "../shared/protocol";

/** One emoji's reactions as this person sees them: `me` is always known on the client. */
export type ShownReaction = ReactionCount & { me: boolean };

/**
 * A stored message as the timeline shows it: its latest known state with this
 * person's own changes still waiting in the outbox (edits, a delete,
 * reactions) already applied, so the screen never flickers back while they
 * wait, and `pending` saying some are waiting.
 */
export type ShownMessage = Omit<ChatMessage, "reactions"> & {
  reactions: ShownReaction[];
  pending: boolean;
};
