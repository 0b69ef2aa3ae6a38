import type { RoomInfo, RoomListing } from "../shared/protocol";
import type { PageAccounts } from "./accounts/account-types";
import type { Presence } from "./presence/presence";
import type { ChatStore } from "./store/types";

/** What pages ask about rooms, for the person the request's cookies name (an account, a guest, or nobody). */
export type PageRooms = {
  /**
   * The rooms this person may see — public ones, and their private and direct
   * rooms — by activity. `shared`: for someone without an identity, an answer up
   * to two seconds old may do (what polls ask); the landing page asks afresh.
   */
  list(headers: Headers, options?: { shared?: boolean }): Promise<RoomListing[]>;
  /**
   * Whether this person may open the room's page. `info` is null for a name
   * nothing was made under (a public room made by visiting it). Refused: the
   * page shows `reason` ("You are not a member of this room.") and nothing of the room.
   */
  access(
    headers: Headers,
    room: string,
  ): Promise<{ allowed: true; info: RoomInfo | null } | { allowed: false; reason: string }>;
  /**
   * The room an invite token leads to, for the invite page, without using it:
   * null for a token that is not one of ours; `problem` when it no longer
   * admits ("This invite has expired.", "… has been used up", "… was revoked").
   */
  invite(token: string): Promise<{ room: string; problem: string | null } | null>;
};

/**
 * What server components (app/) need from the running chat server. Next.js
 * compiles app/ separately from server.ts, but both run in one process, so the
 * composition root hands its services over through a process-wide slot.
 */
export type AppServices = {
  store: ChatStore;
  presence: Pick<Presence, "onlineCounts">;
  accounts: PageAccounts;
  rooms: PageRooms;
};

const SLOT = Symbol.for("scrollback.services");
type Slot = { [SLOT]?: AppServices };

export function provideServices(services: AppServices): void {
  (globalThis as Slot)[SLOT] = services;
}

export function getServices(): AppServices {
  const services = (globalThis as Slot)[SLOT];
  if (!services)
    throw new Error("Scrollback services are not available: start the app with server.ts");
  return services;
}
