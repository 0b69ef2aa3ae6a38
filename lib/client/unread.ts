import type { ChatMessage } from "../shared/protocol";

/**
 * Unread messages are those after the reader's read position that someone
 * else wrote; a room never opened in this browser has no read position and
 * counts nothing (a stranger's busy room is not unread, only unknown).
 */

/** Unread messages among those held, newest last. */
export function unreadCount(
  messages: readonly ChatMessage[],
  readSeq: number | undefined,
  myId: string | undefined,
): number {
  if (readSeq === undefined) return 0;
  let count = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as ChatMessage;
    if (message.seq <= readSeq) break;
    if (message.author.id !== myId) count++;
  }
  return count;
}

/** The first unread message, where the divider goes; null when there is none. */
export function firstUnreadSeq(
  messages: readonly ChatMessage[],
  readSeq: number | undefined,
  myId: string | undefined,
): number | null {
  if (readSeq === undefined) return null;
  let first: number | null = null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as ChatMessage;
    if (message.seq <= readSeq) break;
    if (message.author.id !== myId) first = message.seq;
  }
  return first;
}

/**
 * Unread in a room that is not open, from its newest seq alone (seqs have no
 * gaps, so the difference is a count). The reader's own messages count here,
 * which they rarely are: sending happens in an open room, which is read.
 */
export function unreadInRoom(latestSeq: number, readSeq: number | undefined): number {
  return readSeq === undefined ? 0 : Math.max(0, latestSeq - readSeq);
}

/** The page title with the unread count in front, as tabs show it: "(3) #general · Scrollback". */
export function titleWithUnread(title: string, unread: number): string {
  const bare = title.replace(/^\(\d+\+?\) /, "");
  return unread > 0 ? `(${unread > 99 ? "99+" : unread}) ${bare}` : bare;
}

/**
 * Unread mentions of the reader in a room, from the seqs of their newest
 * mentions there (RoomListing.mentionSeqs, bounded): those after the read
 * position. A room never opened here counts every one — a mention is
 * addressed to the reader, wherever they have or have not been.
 */
export function unreadMentions(
  mentionSeqs: readonly number[] | undefined,
  readSeq: number | undefined,
): number {
  if (!mentionSeqs) return 0;
  return mentionSeqs.filter((seq) => readSeq === undefined || seq > readSeq).length;
}
