import type { RoomListing } from "../shared/protocol";

export type VisitedRoom = {
  name: string;
  /** What the server's list says of the room, when the room is in it. */
  listing?: RoomListing;
};

/**
 * The rooms this browser has opened (every room it holds a read position
 * for): those the server lists as recently active first, in its order, then
 * the quieter ones by name. The server's list has no say in which rooms are
 * here, only in what is known of them.
 */
export function visitedRooms(
  read: ReadonlyMap<string, number>,
  listings: readonly RoomListing[],
): VisitedRoom[] {
  const active = listings.filter((room) => read.has(room.name));
  const listed = new Set(active.map((room) => room.name));
  const quiet = [...read.keys()].filter((name) => !listed.has(name)).sort();
  return [
    ...active.map((listing) => ({ name: listing.name, listing })),
    ...quiet.map((name) => ({ name })),
  ];
}
