import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

/** Any address that is not a page of Scrollback's. */
export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-full max-w-md flex-col items-center justify-center gap-4 px-4 text-center">
      <h1 className="font-semibold text-2xl">Page not found</h1>
      <p className="text-zinc-600 dark:text-zinc-400">There is no page at this address.</p>
      <Link className="text-indigo-700 underline dark:text-indigo-300" href="/">
        Go to the rooms
      </Link>
    </main>
  );
}
