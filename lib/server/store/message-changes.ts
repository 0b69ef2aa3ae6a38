import { MAX_REACTIONS_PER_MESSAGE } from "../../shared/limits";
import type { ReactionCount } from "../../shared/protocol";
import type { MessageMentions } from "./mention-rows";

/**
 * The rules of changing a stored message, apart from any engine: both
 * stores read the message, ask `decideChange` what to do, and only then
 * take a rev and write. A change that would change nothing is `unchanged`,
 * so that every mutation is safe to resend and takes no rev.
 */

export type MessageChange =
  /** `mentions`: whom the new text names, resolved by the server; absent: no one. */
  | { kind: "edit"; text: string; mentions?: MessageMentions }
  /** `byModerator`: someone allowed to delete any message (can "delete-any-message") asks. */
  | { kind: "delete"; byModerator?: boolean }
  | { kind: "reaction"; emoji: string; added: boolean };

export type ChangeRefusal = "not_found" | "forbidden" | "reaction_limit" | "invalid_attachment";

/** What the rules need to know about the message as stored. */
export type ChangeTarget = {
  authorId: string;
  text: string;
  deleted: boolean;
  reactions: readonly ReactionCount[];
  /** The emoji the person changing it has reacted with. */
  mine: readonly string[];
};

export type ChangeDecision =
  | { kind: "apply" }
  | { kind: "unchanged" }
  | { kind: "refuse"; code: ChangeRefusal };

const APPLY: ChangeDecision = { kind: "apply" };
const UNCHANGED: ChangeDecision = { kind: "unchanged" };
const refuse = (code: ChangeRefusal): ChangeDecision => ({ kind: "refuse", code });

/**
 * A deleted message is gone for every change but its own deletion again: it
 * cannot be edited or reacted to (`not_found`), and deleting it again is
 * unchanged. Only the author edits; the author or a moderator (authorised by `can`) deletes.
 */
export function decideChange(
  target: ChangeTarget,
  actorId: string,
  change: MessageChange,
): ChangeDecision {
  switch (change.kind) {
    case "edit":
      if (target.deleted) return refuse("not_found");
      if (target.authorId !== actorId) return refuse("forbidden");
      return change.text === target.text ? UNCHANGED : APPLY;
    case "delete":
      if (target.authorId !== actorId && !change.byModerator) return refuse("forbidden");
      return target.deleted ? UNCHANGED : APPLY;
    case "reaction": {
      if (target.deleted) return refuse("not_found");
      const had = target.mine.includes(change.emoji);
      if (had === change.added) return UNCHANGED;
      const known = target.reactions.some((reaction) => reaction.emoji === change.emoji);
      if (change.added && !known && target.reactions.length >= MAX_REACTIONS_PER_MESSAGE)
        return refuse("reaction_limit");
      return APPLY;
    }
  }
}

/**
 * The message's reaction counts after one person's reaction was added or
 * removed. An emoji keeps its place while anyone still reacts with it; one
 * whose last reaction goes is dropped, and comes back at the end.
 */
export function countReactions(
  reactions: readonly ReactionCount[],
  emoji: string,
  added: boolean,
): ReactionCount[] {
  const next: ReactionCount[] = [];
  let found = false;
  for (const reaction of reactions) {
    if (reaction.emoji !== emoji) {
      next.push({ emoji: reaction.emoji, count: reaction.count });
      continue;
    }
    found = true;
    const count = reaction.count + (added ? 1 : -1);
    if (count > 0) next.push({ emoji, count });
  }
  if (!found && added) next.push({ emoji, count: 1 });
  return next;
}

/** Reaction counts as a store keeps them beside the message (null for none). */
export function encodeReactions(reactions: readonly ReactionCount[]): string | null {
  return reactions.length === 0 ? null : JSON.stringify(reactions);
}

export function decodeReactions(stored: string | null | undefined): ReactionCount[] {
  if (!stored) return [];
  return JSON.parse(stored) as ReactionCount[];
}
