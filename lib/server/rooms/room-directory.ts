import type { RoomListing } from "../../shared/protocol";
import type { AppServices } from "../services";

/** How many rooms the landing page and the room switcher list, by most recent activity. */
export const LISTED_ROOMS = 20;

/**
 * Pages poll the listing; answers this fresh are shared, so the cost of the
 * look-up (a query and a presence count across the cluster) does not grow
 * with the number of open pages.
 */
const SHARED_FOR_MS = 2_000;

let shared: { at: number; rooms: Promise<RoomListing[]> } | null = null;

/** The most recently active rooms with how many people are online in each. */
export async function listRooms(services: AppServices): Promise<RoomListing[]> {
  const rooms = await services.store.rooms.recent(LISTED_ROOMS);
  const online = await services.presence.onlineCounts(rooms.map((room) => room.name));
  return rooms.map((room) => ({ ...room, online: online.get(room.name) ?? 0 }));
}

/** `listRooms`, answered from a recent look-up when there is one. */
export function listRoomsShared(services: AppServices, now = Date.now()): Promise<RoomListing[]> {
  if (shared && now - shared.at < SHARED_FOR_MS) return shared.rooms;
  const rooms = listRooms(services);
  shared = { at: now, rooms };
  rooms.catch(() => {
    if (shared?.rooms === rooms) shared = null;
  });
  return rooms;
}
