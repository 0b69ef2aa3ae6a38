import type { RoomListing } from "../../shared/protocol";
import type { Presence } from "../presence/presence";
import type { ChatStore, RoomViewer } from "../store/types";

/** How many rooms the landing page and the room switcher list, by most recent activity. */
export const LISTED_ROOMS = 20;

/**
 * Pages poll the listing; answers this fresh are shared, so the cost of the
 * look-up (a query and a presence count across the cluster) does not grow
 * with the number of open pages. Only the anonymous list — public rooms
 * alone — is shared: a viewer's own list holds their private rooms.
 */
const SHARED_FOR_MS = 2_000;

type Directory = { store: ChatStore; presence: Pick<Presence, "onlineCounts"> };

let shared: { at: number; rooms: Promise<RoomListing[]> } | null = null;

/**
 * The most recently active rooms this viewer may see, with how many people
 * are online in each: public ones, and — with a viewer — their private and
 * direct rooms (an admin: every private room). `directWith` names a direct
 * room's other person.
 */
export async function listRooms(
  directory: Directory,
  viewer?: RoomViewer,
  directPeer?: (room: string, viewerId: string) => Promise<RoomListing["directWith"] | null>,
): Promise<RoomListing[]> {
  const rooms = await directory.store.rooms.recent(LISTED_ROOMS, viewer);
  const online = await directory.presence.onlineCounts(rooms.map((room) => room.name));
  return Promise.all(
    rooms.map(async (room) => {
      const listing: RoomListing = { ...room, online: online.get(room.name) ?? 0 };
      if (room.visibility === "direct" && viewer?.userId && directPeer) {
        const peer = await directPeer(room.name, viewer.userId);
        if (peer) listing.directWith = peer;
      }
      return listing;
    }),
  );
}

/** The anonymous (public rooms only) `listRooms`, answered from a recent look-up when there is one. */
export function listRoomsShared(directory: Directory, now = Date.now()): Promise<RoomListing[]> {
  if (shared && now - shared.at < SHARED_FOR_MS) return shared.rooms;
  const rooms = listRooms(directory);
  shared = { at: now, rooms };
  rooms.catch(() => {
    if (shared?.rooms === rooms) shared = null;
  });
  return rooms;
}
