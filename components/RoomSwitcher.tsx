"use client";

import Link from "next/link";
import { unreadInRoom } from "@/lib/client/unread";
import { useReadPositions } from "@/lib/client/use-read-positions";
import { useRoomListings } from "@/lib/client/use-room-listings";
import type { RoomListing } from "@/lib/shared/protocol";
import { UnreadBadge } from "./UnreadBadge";

/** Enough to find your rooms, few enough to scan; the landing page lists the active ones too. */
const MAX_ROOMS_LISTED = 30;

/**
 * The rooms to switch to, with how many messages each has unread in this
 * browser: the most active rooms, then others this browser has opened.
 */
export function RoomSwitcher({
  current,
  rooms: initial,
}: {
  current: string;
  rooms: readonly RoomListing[];
}) {
  const rooms = useRoomListings(initial);
  const read = useReadPositions();
  const names = rooms.map((room) => room.name);
  if (!names.includes(current)) names.unshift(current);
  for (const room of read.keys()) {
    if (names.length >= MAX_ROOMS_LISTED) break;
    if (!names.includes(room)) names.push(room);
  }
  const latest = new Map(rooms.map((room) => [room.name, room.latestSeq]));

  return (
    <nav aria-labelledby="rooms-heading" className="space-y-2">
      <h2
        id="rooms-heading"
        className="font-semibold text-xs text-zinc-600 uppercase tracking-wide dark:text-zinc-400"
      >
        Rooms
      </h2>
      <ul className="space-y-0.5">
        {names.map((name) => {
          const isCurrent = name === current;
          const unread = isCurrent ? 0 : unreadInRoom(latest.get(name) ?? 0, read.get(name));
          return (
            <li key={name}>
              <Link
                href={`/chat/${name}`}
                aria-current={isCurrent ? "page" : undefined}
                className={`flex items-center justify-between gap-2 rounded-md px-2 py-1 text-sm focus-visible:outline-2 focus-visible:outline-indigo-500 ${
                  isCurrent
                    ? "bg-indigo-100 font-semibold text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100"
                    : "hover:bg-zinc-200/70 dark:hover:bg-zinc-800/70"
                } ${unread > 0 ? "font-semibold" : ""}`}
              >
                <span className="truncate">#{name}</span>
                <UnreadBadge count={unread} />
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
