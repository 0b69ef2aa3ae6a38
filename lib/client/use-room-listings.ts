"use client";

import { useEffect, useState } from "react";
import type { RoomListing } from "../shared/protocol";

/** How often an open page refreshes the room list (unread and online counts) while it is shown. */
export const ROOM_LISTINGS_REFRESH_MS = 10_000;

function isListing(value: unknown): value is RoomListing {
  if (typeof value !== "object" || value === null) return false;
  const room = value as Record<string, unknown>;
  return (
    typeof room.name === "string" &&
    typeof room.latestSeq === "number" &&
    typeof room.online === "number" &&
    (room.visibility === undefined || typeof room.visibility === "string")
  );
}

/** Every list on the page refreshes when told that the person's rooms changed. */
const refreshes = new EventTarget();

/**
 * The person was added to a room, or a direct conversation was opened with
 * them: the lists show it now rather than at the next refresh.
 */
export function refreshRoomListings(): void {
  refreshes.dispatchEvent(new Event("refresh"));
}

/** The rooms as the page was rendered with, refreshed from `/api/rooms` while the tab is shown. */
export function useRoomListings(initial: readonly RoomListing[]): readonly RoomListing[] {
  const [rooms, setRooms] = useState(initial);
  useEffect(() => {
    let cancelled = false;
    const refresh = async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const response = await fetch("/api/rooms", { cache: "no-store" });
        if (!response.ok) return;
        const body: unknown = await response.json();
        const listed = (body as { rooms?: unknown }).rooms;
        if (!cancelled && Array.isArray(listed) && listed.every(isListing)) setRooms(listed);
      } catch {
        // Offline for now: the last list stays until the next refresh.
      }
    };
    const timer = setInterval(refresh, ROOM_LISTINGS_REFRESH_MS);
    document.addEventListener("visibilitychange", refresh);
    refreshes.addEventListener("refresh", refresh);
    return () => {
      cancelled = true;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", refresh);
      refreshes.removeEventListener("refresh", refresh);
    };
  }, []);
  return rooms;
}
