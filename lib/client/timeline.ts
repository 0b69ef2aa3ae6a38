import type { ChatMessage } from "../shared/protocol";
import { pickCopy } from "./reconcile";

/**
 * The confirmed messages a client holds for one room, and what it knows about
 * the ones it does not hold. Pure: history pages, live events, change pages,
 * retries and acks all go through `mergeMessages`, copies of one message are
 * reconciled by rev (`pickCopy`), and any order of the same inputs gives the
 * same timeline.
 */
export type Timeline = {
  /** Ascending by seq; at most one message per seq and per id. */
  readonly messages: readonly ChatMessage[];
  /**
   * The highest seq up to which the held messages are gap-free, counting from
   * the oldest one held (older pages are loaded on demand, not required), or
   * from the room's first message once `fromStart` is known. 0 while nothing
   * is held.
   */
  readonly contiguousSeq: number;
  /** The highest seq the client knows to exist (held or not). */
  readonly knownLatestSeq: number;
  /**
   * Nothing older than what the client was given exists: it was shown the
   * room from its first message (an empty room, or a first page with nothing
   * before it). A seq below the oldest held is then missing, not older.
   */
  readonly fromStart: boolean;
};

export const emptyTimeline: Timeline = {
  messages: [],
  contiguousSeq: 0,
  knownLatestSeq: 0,
  fromStart: false,
};

/** Sequences start at 1 and have no gaps, so older messages exist exactly when the oldest held is not seq 1. */
export function hasOlder(timeline: Timeline): boolean {
  return !timeline.fromStart && (timeline.messages[0]?.seq ?? 1) > 1;
}

function contiguousFrom(messages: readonly ChatMessage[], fromStart: boolean): number {
  let last = fromStart ? 0 : (messages[0]?.seq ?? 1) - 1;
  for (const message of messages) {
    if (message.seq !== last + 1) break;
    last = message.seq;
  }
  return last;
}

/**
 * Adds messages, keeping of each seq the copy `pickCopy` prefers (the newest
 * rev, deletes never undone); the result is sorted and duplicate-free.
 */
export function mergeMessages(timeline: Timeline, incoming: readonly ChatMessage[]): Timeline {
  if (incoming.length === 0) return timeline;
  const appended = appendNewer(timeline, incoming);
  if (appended) return appended;
  const bySeq = new Map<number, ChatMessage>();
  for (const message of timeline.messages) bySeq.set(message.seq, message);
  let changed = false;
  let added = false;
  for (const message of incoming) {
    const held = bySeq.get(message.seq);
    const kept = held ? pickCopy(held, message) : message;
    if (kept === held) continue;
    bySeq.set(message.seq, kept);
    changed = true;
    if (!held) added = true;
  }
  if (!changed) return timeline;
  if (!added) {
    // Only copies replaced: the same seqs in the same order.
    return { ...timeline, messages: timeline.messages.map((m) => bySeq.get(m.seq) ?? m) };
  }
  const messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const newest = messages.at(-1)?.seq ?? 0;
  return {
    messages,
    contiguousSeq: contiguousFrom(messages, timeline.fromStart),
    knownLatestSeq: Math.max(timeline.knownLatestSeq, newest),
    fromStart: timeline.fromStart,
  };
}

/** The common case, live messages just after the newest held: appended without re-sorting. */
function appendNewer(timeline: Timeline, incoming: readonly ChatMessage[]): Timeline | null {
  const held = timeline.messages;
  let last = held.at(-1)?.seq ?? 0;
  for (const message of incoming) {
    if (message.seq <= last) return null;
    last = message.seq;
  }
  let contiguousSeq =
    held.length === 0 && !timeline.fromStart
      ? (incoming[0] as ChatMessage).seq - 1
      : timeline.contiguousSeq;
  // While the held messages have a gap, contiguousSeq + 1 is older than any incoming message.
  for (const message of incoming) {
    if (message.seq !== contiguousSeq + 1) break;
    contiguousSeq = message.seq;
  }
  return {
    messages: [...held, ...incoming],
    contiguousSeq,
    knownLatestSeq: Math.max(timeline.knownLatestSeq, last),
    fromStart: timeline.fromStart,
  };
}

/** The held message with that id, if any. */
export function heldById(timeline: Timeline, id: string): ChatMessage | undefined {
  return timeline.messages.find((m) => m.id === id);
}

/**
 * Whether a change to a message belongs in the held window: messages older
 * than the oldest held are loaded later, current by construction, and so
 * are messages newer than the window after a jump (`newerUnloaded`). Taking
 * them now would open a gap the seq catch-up would then fill from far back.
 */
export function inWindow(timeline: Timeline, seq: number, newerUnloaded: boolean): boolean {
  const oldest = timeline.messages[0];
  const newest = timeline.messages.at(-1);
  if (!oldest || !newest) return !newerUnloaded;
  if (seq < oldest.seq && !timeline.fromStart) return false;
  return !(newerUnloaded && seq > newest.seq);
}

/** A timeline that holds exactly one page, e.g. after a jump far from what was held. */
export function timelineOf(messages: readonly ChatMessage[], fromStart: boolean): Timeline {
  const start = fromStart ? noteRoomStart(emptyTimeline) : emptyTimeline;
  return mergeMessages(start, messages);
}

/** Records that a message with this seq exists, e.g. from a join's `latestSeq`. */
export function noteLatestSeq(timeline: Timeline, latestSeq: number): Timeline {
  return latestSeq > timeline.knownLatestSeq
    ? { ...timeline, knownLatestSeq: latestSeq }
    : timeline;
}

/** Records that the client was shown the room from its first message (see `fromStart`). */
export function noteRoomStart(timeline: Timeline): Timeline {
  if (timeline.fromStart) return timeline;
  return { ...timeline, fromStart: true, contiguousSeq: contiguousFrom(timeline.messages, true) };
}

/**
 * Where a catch-up must start: the seq after which messages are missing, or
 * null when the timeline is gap-free up to the newest message known to exist.
 */
export function missingAfter(timeline: Timeline): number | null {
  return timeline.knownLatestSeq > timeline.contiguousSeq ? timeline.contiguousSeq : null;
}
