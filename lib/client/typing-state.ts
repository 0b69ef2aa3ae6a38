import type { User } from "../shared/protocol";

/**
 * Who is typing in a room, as one client hears it. Pure. A typist is kept
 * until they stop, their message arrives, or their last notice is older than
 * the expiry, so someone who vanishes mid-sentence clears by themselves.
 */
export type Typist = {
  readonly user: User;
  /** When they started typing, for a stable order. */
  readonly since: number;
  /** When to forget them unless they refresh. */
  readonly until: number;
};

export type Typists = ReadonlyMap<string, Typist>;

export const noTypists: Typists = new Map();

export function startedTyping(
  typists: Typists,
  user: User,
  now: number,
  expiryMs: number,
): Typists {
  const next = new Map(typists);
  next.set(user.id, { user, since: typists.get(user.id)?.since ?? now, until: now + expiryMs });
  return next;
}

export function stoppedTyping(typists: Typists, userId: string): Typists {
  if (!typists.has(userId)) return typists;
  const next = new Map(typists);
  next.delete(userId);
  return next;
}

/** Forgets typists whose time is up; the same map when nobody's is. */
export function expireTypists(typists: Typists, now: number): Typists {
  let next: Map<string, Typist> | null = null;
  for (const [id, typist] of typists) {
    if (typist.until > now) continue;
    next ??= new Map(typists);
    next.delete(id);
  }
  return next ?? typists;
}

/** When the next typist is due to be forgotten, if any. */
export function nextExpiry(typists: Typists): number | null {
  let soonest: number | null = null;
  for (const typist of typists.values())
    if (soonest === null || typist.until < soonest) soonest = typist.until;
  return soonest;
}

/** The people typing, longest-typing first. */
export function typingUsers(typists: Typists): User[] {
  return [...typists.values()].sort((a, b) => a.since - b.since).map((t) => t.user);
}

/**
 * Explicit stops heard lately, by user id: `typing:stop` is relayed at once
 * while the message it was sent with is broadcast only once stored, so a
 * notice that the person started on their next message can arrive between
 * the two. The message a stop explains must not clear that new start.
 */
export type TypingStops = ReadonlyMap<string, number>;

/** How long after a stop its message is still expected (a store write, well within). */
export const STOP_EXPLAINS_MESSAGE_MS = 5_000;

export function heardStop(
  typists: Typists,
  stops: TypingStops,
  userId: string,
  now: number,
): { typists: Typists; stops: TypingStops } {
  const next = new Map(stops);
  next.set(userId, now);
  return { typists: stoppedTyping(typists, userId), stops: next };
}

/**
 * A message of theirs arrived: they stopped typing it — unless they said so
 * already, in which case whoever is typing now is on their next message.
 */
export function messageArrived(
  typists: Typists,
  stops: TypingStops,
  userId: string,
  now: number,
): { typists: Typists; stops: TypingStops } {
  const stoppedAt = stops.get(userId);
  if (stoppedAt === undefined) return { typists: stoppedTyping(typists, userId), stops };
  const next = new Map(stops);
  next.delete(userId);
  const explained = now - stoppedAt <= STOP_EXPLAINS_MESSAGE_MS;
  return { typists: explained ? typists : stoppedTyping(typists, userId), stops: next };
}
