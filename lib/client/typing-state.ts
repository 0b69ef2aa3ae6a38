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
