import type { User } from "../../shared/protocol";

/**
 * The rooms one search may look in: the request's `room` and the query's
 * `in:` together (both when both are given: a room must be in each).
 * Undefined: every room in the viewer's scope; an empty list: none at all.
 */
export function searchRooms(
  room: string | undefined,
  inRooms: readonly string[],
): string[] | undefined {
  const named = [...new Set(inRooms)];
  if (room === undefined) return named.length > 0 ? named : undefined;
  if (named.length === 0) return [room];
  return named.includes(room) ? [room] : [];
}

/**
 * The people `from:name` means, from the users whose name starts with it:
 * those named exactly so (ignoring case) when there are any, else all of
 * them (from:an finds Ana). None: the search finds nothing.
 */
export function authorsNamed(name: string, candidates: readonly User[]): string[] {
  const wanted = name.toLowerCase();
  const exact = candidates.filter((user) => user.name.toLowerCase() === wanted);
  return (exact.length > 0 ? exact : candidates).map((user) => user.id);
}
