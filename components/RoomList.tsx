import Link from "next/link";
import type { RoomSummary } from "@/lib/shared/protocol";

export function RoomList({ rooms }: { rooms: readonly RoomSummary[] }) {
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
        <ul className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
          {rooms.map((room) => (
            <li key={room.name}>
              <Link
                href={`/chat/${room.name}`}
                className="flex items-baseline justify-between gap-4 px-4 py-3 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:bg-zinc-900"
              >
                <span className="truncate font-medium">#{room.name}</span>
                <span className="shrink-0 text-sm text-zinc-600 dark:text-zinc-400">
                  {room.latestSeq} {room.latestSeq === 1 ? "message" : "messages"}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
