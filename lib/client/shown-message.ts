import type { ChatMessage, ReactionCount } from "../shared/protocol";
import { type ChangeOperation, isChange, type OutboxOperation } from "./outbox";

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

const NO_CHANGES: readonly ChangeOperation[] = [];

/** The shown form of a message with nothing of ours waiting: cached, so React sees the same object. */
const plainShown = new WeakMap<ChatMessage, ShownMessage>();

function plain(message: ChatMessage): ShownMessage {
  let shown = plainShown.get(message);
  if (!shown) {
    shown = {
      ...message,
      reactions: message.reactions.map((r) => ({
        emoji: r.emoji,
        count: r.count,
        me: r.me ?? false,
      })),
      pending: false,
    };
    plainShown.set(message, shown);
  }
  return shown;
}

function applyChange(shown: ShownMessage, change: ChangeOperation): ShownMessage {
  if (shown.deleted) return shown;
  switch (change.kind) {
    case "edit":
      return shown.text === change.text ? shown : { ...shown, text: change.text };
    case "delete":
      return { ...shown, deleted: true, text: "", reactions: [] };
    case "react": {
      const held = shown.reactions.find((r) => r.emoji === change.emoji);
      if (held?.me) return shown;
      const reactions = held
        ? shown.reactions.map((r) => (r === held ? { ...r, count: r.count + 1, me: true } : r))
        : [...shown.reactions, { emoji: change.emoji, count: 1, me: true }];
      return { ...shown, reactions };
    }
    case "unreact": {
      const held = shown.reactions.find((r) => r.emoji === change.emoji);
      if (!held?.me) return shown;
      const reactions = shown.reactions
        .map((r) => (r === held ? { ...r, count: r.count - 1, me: false } : r))
        .filter((r) => r.count > 0);
      return { ...shown, reactions };
    }
  }
}

/**
 * What the timeline shows: each stored message with this person's pending
 * changes to it applied in the order they were made, marked `pending`.
 * Refused changes have left the outbox, so only waiting ones count.
 */
export function showMessages(
  messages: readonly ChatMessage[],
  operations: readonly OutboxOperation[],
): ShownMessage[] {
  const byMessage = new Map<string, ChangeOperation[]>();
  for (const operation of operations) {
    if (!isChange(operation) || operation.state !== "pending") continue;
    const list = byMessage.get(operation.id);
    if (list) list.push(operation);
    else byMessage.set(operation.id, [operation]);
  }
  return messages.map((message) => {
    const changes = byMessage.get(message.id) ?? NO_CHANGES;
    if (changes.length === 0) return plain(message);
    let shown: ShownMessage = { ...plain(message), pending: true };
    for (const change of changes) shown = applyChange(shown, change);
    return shown;
  });
}
