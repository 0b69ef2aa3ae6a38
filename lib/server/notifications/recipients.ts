import type { NotificationLevel, NotificationReason, RoomVisibility } from "../../shared/protocol";

/** One person who might hear of a message, with what decides it. */
export type Candidate = {
  userId: string;
  level: NotificationLevel;
  /** What `can(person, "read", room)` answered for them now. */
  mayRead: boolean;
  /** Connected now on some instance (for @here). */
  online: boolean;
};

/** The message as the rules need it. */
export type NotifiedMessage = {
  authorId: string;
  visibility: RoomVisibility;
  deleted: boolean;
  mentions: readonly string[];
  mentionsAll?: "room" | "here" | undefined;
};

export type Recipient = { userId: string; reason: NotificationReason };

/** The reasons the default level lets through: everything but a plain message. */
const PERSONAL: ReadonlySet<NotificationReason> = new Set(["direct", "mention", "room", "here"]);

/** Why this message concerns this person, the most specific reason first. */
function reasonFor(message: NotifiedMessage, candidate: Candidate): NotificationReason {
  if (message.visibility === "direct") return "direct";
  if (message.mentions.includes(candidate.userId)) return "mention";
  if (message.mentionsAll === "room") return "room";
  if (message.mentionsAll === "here" && candidate.online) return "here";
  return "message";
}

/**
 * Who is notified of a stored message, and why: never its author, never
 * someone who may not read the room, nobody whose level there is
 * `nothing`; at `mentions` (the default) only for a direct room, a mention
 * of them, @room, or @here while they are online; at `all` for any message.
 * A deleted message notifies no one. Each person once, in the order given.
 */
export function recipientsOf(
  message: NotifiedMessage,
  candidates: readonly Candidate[],
): Recipient[] {
  if (message.deleted) return [];
  const seen = new Set<string>();
  const recipients: Recipient[] = [];
  for (const candidate of candidates) {
    if (seen.has(candidate.userId)) continue;
    seen.add(candidate.userId);
    if (candidate.userId === message.authorId || !candidate.mayRead) continue;
    if (candidate.level === "nothing") continue;
    const reason = reasonFor(message, candidate);
    if (candidate.level === "mentions" && !PERSONAL.has(reason)) continue;
    recipients.push({ userId: candidate.userId, reason });
  }
  return recipients;
}

/**
 * After an edit: who is newly notified (a mention added) and whose
 * notification is withdrawn (the edit took away what made them one).
 */
export function editedRecipients(
  notifiedBefore: ReadonlySet<string>,
  now: readonly Recipient[],
): { added: Recipient[]; withdrawn: string[] } {
  const stillNotified = new Set(now.map((recipient) => recipient.userId));
  return {
    added: now.filter((recipient) => !notifiedBefore.has(recipient.userId)),
    withdrawn: [...notifiedBefore].filter((userId) => !stillNotified.has(userId)),
  };
}
