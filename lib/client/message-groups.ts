import type { ChatMessage } from "../shared/protocol";

/** Messages by one author further apart than this start a new group. */
export const GROUP_GAP_MS = 5 * 60_000;

/**
 * Whether a message starts a new group, shown with its author and time,
 * rather than continuing the one above it: consecutive messages by the same
 * person under the same name, each close in time to the one before, read as
 * one turn in the conversation.
 */
export function startsGroup(previous: ChatMessage | undefined, message: ChatMessage): boolean {
  if (!previous) return true;
  if (previous.author.id !== message.author.id) return true;
  if (previous.author.name !== message.author.name) return true;
  const gap = Date.parse(message.createdAt) - Date.parse(previous.createdAt);
  return !(gap >= 0 && gap <= GROUP_GAP_MS);
}
