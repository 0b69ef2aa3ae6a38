import { Adapter } from "socket.io-adapter";
import type { ChatIo } from "../transport/socket-types";
import type { MembershipCache } from "./membership-cache";

/** What a change to a room or a membership tells every instance's cache. */
export type MembershipSync = {
  /** A person's standing in a room changed: forgotten here now, and on the other instances. */
  standingChanged(room: string, userId: string): void;
  /** A room's settings changed (or it was made): forgotten everywhere. `deleted` forgets its standings too. */
  roomChanged(room: string, options?: { deleted?: boolean }): void;
};

/**
 * Keeps every instance's membership cache honest: a change forgets the
 * entry here at once (before anything is broadcast) and tells the other
 * instances through the adapter, which forget theirs when it arrives.
 */
export function syncMembership(io: ChatIo, cache: MembershipCache): MembershipSync {
  io.on("rooms:membership-changed", (room, userId) => cache.forgetStanding(room, userId));
  io.on("rooms:room-changed", (room, deleted) =>
    cache.forgetRoom(room, { standings: deleted === true }),
  );
  return {
    standingChanged(room, userId) {
      cache.forgetStanding(room, userId);
      if (isClustered(io)) io.serverSideEmit("rooms:membership-changed", room, userId);
    },
    roomChanged(room, options = {}) {
      const deleted = options.deleted === true;
      cache.forgetRoom(room, { standings: deleted });
      if (isClustered(io)) io.serverSideEmit("rooms:room-changed", room, deleted);
    },
  };
}

/** The in-memory adapter (one instance) keeps Adapter's own serverSideEmit, which only warns. */
function isClustered(io: ChatIo): boolean {
  return io.of("/").adapter.serverSideEmit !== Adapter.prototype.serverSideEmit;
}
