import type { Metadata } from "next";
import Link from "next/link";
import { ROOM_NAME_RULE } from "@/lib/client/error-text";

export const metadata: Metadata = { title: "No such room" };

/** `/chat/<name>` where the name cannot be a room's: the rules say what can. */
export default function NoSuchRoom() {
  return (
    <main className="mx-auto flex min-h-full max-w-md flex-col items-center justify-center gap-4 px-4 text-center">
      <h1 className="font-semibold text-2xl">No such room</h1>
      <p className="text-zinc-600 dark:text-zinc-400">{ROOM_NAME_RULE}</p>
      <Link className="text-indigo-700 underline dark:text-indigo-300" href="/">
        Back to the rooms
      </Link>
    </main>
  );
}
