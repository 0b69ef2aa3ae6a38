"use client";

import Link from "next/link";
import { unreadInRoom } from "@/lib/client/unread";
import { useReadPositions } from "@/lib/client/use-read-positions";
import { useRoomListings } from "@/lib/client/use-room-listings";
import type { RoomListing } from "@/lib/shared/protocol";
import { UnreadBadge } from "./UnreadBadge";

/** The most active rooms, with who is in them now and what this browser has not read. */
export function RoomList({ rooms: initial }: { rooms: readonly RoomListing[] }) {
  const rooms = useRoomListings(initial);
  const read = useReadPositions();
  return (
    <section aria-labelledby="recent-rooms" className="space-y-3">
      <h2 id="recent-rooms" className="font-semibold text-lg">
        Recent rooms
      </h2>
      {rooms.length === 0 ? (
        <p className="text-zinc-600 dark:text-zinc-400">
          No conversations yet. Name a room above to start one.
        </p>
      ) : (
        <ul className="divide-y divide-zinc-200 overflow-hidden rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
          {rooms.map((room) => {
            const unread = unreadInRoom(room.latestSeq, read.get(room.name));
            return (
              <li key={room.name}>
                <Link
                  href={`/chat/${room.name}`}
                  className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 py-3 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-500 dark:hover:bg-zinc-900"
                >
                  <span className="flex min-w-0 items-center gap-2">
                    <span className={`truncate ${unread > 0 ? "font-bold" : "font-medium"}`}>
                      #{room.name}
                    </span>
                    <UnreadBadge count={unread} />
                  </span>
                  <span className="flex shrink-0 items-center gap-3 text-sm text-zinc-600 dark:text-zinc-400">
                    {room.online > 0 && (
                      <span className="flex items-center gap-1.5">
                        <span aria-hidden="true" className="size-2 rounded-full bg-emerald-500" />
                        {room.online} online
                      </span>
                    )}
                    <span>
                      {room.latestSeq} {room.latestSeq === 1 ? "message" : "messages"}
                    </span>
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
