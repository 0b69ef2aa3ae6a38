"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { visitedRooms } from "@/lib/client/landing-rooms";
import { unreadInRoom, unreadMentions } from "@/lib/client/unread";
import { useAccountReads } from "@/lib/client/use-account-reads";
import { useReadPositions } from "@/lib/client/use-read-positions";
import { useRoomListings } from "@/lib/client/use-room-listings";
import { MAX_MENTION_SEQS_LISTED, type RoomListing } from "@/lib/shared/protocol";
import { PrivateMark } from "./RoomBadges";
import { MentionBadge, UnreadBadge } from "./UnreadBadge";

/**
 * The landing page's two lists: the rooms the person has opened (with what
 * they have not read), and the other rooms of the server with the latest
 * messages, for finding a conversation. Each room is listed once, among the
 * person's own when it is one of theirs. A guest's rooms are this browser's;
 * a signed-in person's are the account's, from every device.
 */
export function LandingRooms({
  rooms: initial,
  signedIn = false,
}: {
  rooms: readonly RoomListing[];
  signedIn?: boolean;
}) {
  const listed = useRoomListings(initial);
  useAccountReads(signedIn);
  const read = useReadPositions();
  // Direct conversations are the person's own: listed apart, by the other person's name.
  const direct = listed.filter((room) => room.visibility === "direct");
  const rooms = listed.filter((room) => room.visibility !== "direct");
  const directNames = new Set(direct.map((room) => room.name));
  const mine = visitedRooms(read, rooms).filter(
    ({ name, listing }) => listing || !directNames.has(name),
  );
  const others = rooms.filter((room) => !read.has(room.name));
  return (
    <>
      {direct.length > 0 && (
        <RoomSection
          id="direct-messages"
          title="Direct messages"
          about="Conversations between you and one other person."
          rows={direct.map((room) => (
            <RoomRow
              key={room.name}
              name={room.name}
              listing={room}
              unread={unreadInRoom(room.latestSeq, read.get(room.name))}
              mentions={unreadMentions(room.mentionSeqs, read.get(room.name))}
            />
          ))}
        />
      )}
      {mine.length > 0 && (
        <RoomSection
          id="your-rooms"
          title="Your rooms"
          about={signedIn ? "Rooms you have opened." : "Rooms you have opened in this browser."}
          rows={mine.map(({ name, listing }) => (
            <RoomRow
              key={name}
              name={name}
              listing={listing}
              unread={listing ? unreadInRoom(listing.latestSeq, read.get(name)) : 0}
              mentions={unreadMentions(listing?.mentionSeqs, read.get(name))}
            />
          ))}
        />
      )}
      <RoomSection
        id="active-rooms"
        title="Active rooms"
        about={`${mine.length > 0 ? "Other rooms" : "Rooms"} on this server with the latest messages; anyone may read and join the public ones.`}
        rows={others.map((room) => (
          <RoomRow
            key={room.name}
            name={room.name}
            listing={room}
            unread={0}
            mentions={unreadMentions(room.mentionSeqs, undefined)}
          />
        ))}
        empty={
          rooms.length > 0
            ? "No other room has had messages lately."
            : "No conversations yet. Name a room above to start one."
        }
      />
    </>
  );
}

function RoomSection(props: {
  id: string;
  title: string;
  about: string;
  rows: ReactNode[];
  empty?: ReactNode;
}) {
  return (
    <section aria-labelledby={props.id} className="space-y-3">
      <div>
        <h2 id={props.id} className="font-semibold text-lg">
          {props.title}
        </h2>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{props.about}</p>
      </div>
      {props.rows.length === 0 ? (
        <p className="text-zinc-600 dark:text-zinc-400">{props.empty}</p>
      ) : (
        <ul className="divide-y divide-zinc-200 overflow-hidden rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
          {props.rows}
        </ul>
      )}
    </section>
  );
}

/** A room, with who is in it now and how much was said, when the server listed it. */
function RoomRow({
  name,
  listing,
  unread,
  mentions,
}: {
  name: string;
  listing: RoomListing | undefined;
  unread: number;
  /** Unread mentions of the person: a badge of their own. */
  mentions: number;
}) {
  return (
    <li>
      <Link
        href={`/chat/${name}`}
        className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 py-3 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-500 dark:hover:bg-zinc-900"
      >
        <span className="flex min-w-0 items-center gap-2">
          <span className={`truncate ${unread > 0 ? "font-bold" : "font-medium"}`}>
            {listing?.directWith ? listing.directWith.name : `#${name}`}
          </span>
          <PrivateMark visibility={listing?.visibility} showLabel />
          <MentionBadge count={mentions} capped={mentions >= MAX_MENTION_SEQS_LISTED} />
          <UnreadBadge count={unread} />
        </span>
        {listing?.topic && (
          <span className="w-full truncate text-sm text-zinc-600 sm:order-last dark:text-zinc-400">
            {listing.topic}
          </span>
        )}
        {listing && (
          <span className="flex shrink-0 items-center gap-3 text-sm text-zinc-600 dark:text-zinc-400">
            {listing.online > 0 && (
              <span className="flex items-center gap-1.5">
                <span aria-hidden="true" className="size-2 rounded-full bg-emerald-500" />
                {listing.online} online
              </span>
            )}
            <span>
              {listing.latestSeq} {listing.latestSeq === 1 ? "message" : "messages"}
            </span>
          </span>
        )}
      </Link>
    </li>
  );
}
