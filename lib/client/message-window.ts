import type { ChatMessage } from "../shared/protocol";

/**
 * Which of the held messages are in the page. A room may hold thousands of
 * messages (a long scroll back, a long catch-up); the page renders a bounded,
 * contiguous slice of them, as real articles, and slides it as the reader
 * scrolls. Pure.
 */

/** Where the slice is: at the newest messages (following them as they come), or from a seq on. */
export type WindowPosition = { tail: true } | { tail: false; fromSeq: number };

export const AT_TAIL: WindowPosition = { tail: true };

export type WindowLimits = {
  /** The most messages in the page at once. */
  size: number;
  /** How many messages one slide brings in at an edge. */
  step: number;
};

/** Enough that a screen never runs out while a slide happens, few enough for a phone to lay out fast. */
export const DEFAULT_WINDOW: WindowLimits = { size: 300, step: 100 };

/** Index range [start, end) of `messages` in the page. */
export type Slice = { start: number; end: number };

/** The index of the first message with seq ≥ `seq` (messages ascend by seq). */
function lowerBound(messages: readonly ChatMessage[], seq: number): number {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((messages[mid] as ChatMessage).seq < seq) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function sliceAt(
  messages: readonly ChatMessage[],
  position: WindowPosition,
  { size }: WindowLimits,
): Slice {
  const length = messages.length;
  if (position.tail) return { start: Math.max(0, length - size), end: length };
  const end = Math.min(length, lowerBound(messages, position.fromSeq) + size);
  return { start: Math.max(0, end - size), end };
}

/** The position that also shows up to `step` older held messages; null when none are held above. */
export function slideUp(
  messages: readonly ChatMessage[],
  slice: Slice,
  { step }: WindowLimits,
): WindowPosition | null {
  if (slice.start === 0) return null;
  const start = Math.max(0, slice.start - step);
  return { tail: false, fromSeq: (messages[start] as ChatMessage).seq };
}

/** The position that also shows up to `step` newer held messages; null when the slice ends at the newest. */
export function slideDown(
  messages: readonly ChatMessage[],
  slice: Slice,
  { size, step }: WindowLimits,
): WindowPosition | null {
  if (slice.end >= messages.length) return null;
  const start = slice.start + step;
  if (start + size >= messages.length) return AT_TAIL;
  return { tail: false, fromSeq: (messages[start] as ChatMessage).seq };
}

/** Pins the slice where it is, so messages arriving at the end no longer push it along. */
export function pinned(messages: readonly ChatMessage[], slice: Slice): WindowPosition {
  const first = messages[slice.start];
  return first ? { tail: false, fromSeq: first.seq } : AT_TAIL;
}
