"use client";

import Link from "next/link";
import { roomTitle } from "@/lib/client/room-membership";
import { unreadInRoom, unreadMentions } from "@/lib/client/unread";
import { useReadPositions } from "@/lib/client/use-read-positions";
import { useRoomListings } from "@/lib/client/use-room-listings";
import { MAX_MENTION_SEQS_LISTED, type RoomInfo, type RoomListing } from "@/lib/shared/protocol";
import { PrivateMark } from "./RoomBadges";
import { MentionBadge, UnreadBadge } from "./UnreadBadge";

/** Enough to find your rooms, few enough to scan; the landing page lists the active ones too. */
const MAX_ROOMS_LISTED = 30;

type Entry = { name: string; listing: RoomListing | undefined };

/**
 * The rooms to switch to, with how many messages each has unread in this
 * browser: the most active rooms, then others this browser has opened; and
 * apart from them the person's direct conversations, by the other's name.
 */
export function RoomSwitcher({
  current,
  currentInfo = null,
  rooms: initial,
}: {
  current: string;
  /** What is known of the open room (a direct one is listed with the others of its kind). */
  currentInfo?: RoomInfo | null;
  rooms: readonly RoomListing[];
}) {
  const rooms = useRoomListings(initial);
  const read = useReadPositions();
  const byName = new Map(rooms.map((room) => [room.name, room]));
  const currentDirect =
    currentInfo?.visibility === "direct" || byName.get(current)?.visibility === "direct";
  const direct: Entry[] = rooms
    .filter((room) => room.visibility === "direct")
    .map((room) => ({ name: room.name, listing: room }));
  if (currentDirect && !byName.has(current)) direct.unshift({ name: current, listing: undefined });
  const directNames = new Set(direct.map((entry) => entry.name));

  const names = rooms.filter((room) => room.visibility !== "direct").map((room) => room.name);
  if (!currentDirect && !names.includes(current)) names.unshift(current);
  for (const room of read.keys()) {
    if (names.length >= MAX_ROOMS_LISTED) break;
    if (!names.includes(room) && !directNames.has(room)) names.push(room);
  }
  const entries: Entry[] = names.map((name) => ({ name, listing: byName.get(name) }));

  const row = ({ name, listing }: Entry) => {
    const isCurrent = name === current;
    const unread = isCurrent ? 0 : unreadInRoom(listing?.latestSeq ?? 0, read.get(name));
    const mentions = isCurrent ? 0 : unreadMentions(listing?.mentionSeqs, read.get(name));
    const info = isCurrent && currentInfo ? currentInfo : listing;
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
          <span className="flex min-w-0 items-center gap-1">
            <span className="truncate">{roomTitle(name, info ?? null)}</span>
            <PrivateMark visibility={info?.visibility} />
          </span>
          <span className="flex shrink-0 items-center gap-1">
            <MentionBadge count={mentions} capped={mentions >= MAX_MENTION_SEQS_LISTED} />
            <UnreadBadge count={unread} />
          </span>
        </Link>
      </li>
    );
  };

  return (
    <>
      <nav aria-labelledby="rooms-heading" className="space-y-2">
        <h2
          id="rooms-heading"
          className="font-semibold text-xs text-zinc-600 uppercase tracking-wide dark:text-zinc-400"
        >
          Rooms
        </h2>
        <ul className="space-y-0.5">{entries.map(row)}</ul>
      </nav>
      {direct.length > 0 && (
        <nav aria-labelledby="direct-heading" className="space-y-2">
          <h2
            id="direct-heading"
            className="font-semibold text-xs text-zinc-600 uppercase tracking-wide dark:text-zinc-400"
          >
            Direct messages
          </h2>
          <ul className="space-y-0.5">{direct.map(row)}</ul>
        </nav>
      )}
    </>
  );
}
