import Link from "next/link";
import type { ReactNode } from "react";
import { LockIcon } from "./RoomBadges";

/**
 * A room the person may not read, or no longer can: a headline and what to
 * do next, and nothing of the room itself — no history, no names.
 */
export function RoomRefused({
  title,
  detail,
  signInHref,
  children,
}: {
  title: string;
  detail?: string | undefined;
  /** Offered to a guest: an account may be a member where this browser is not. */
  signInHref?: string | undefined;
  children?: ReactNode;
}) {
  return (
    <div className="mx-auto flex max-w-md flex-1 flex-col items-center justify-center gap-4 px-4 py-16 text-center">
      <div
        aria-hidden="true"
        className="flex size-12 items-center justify-center rounded-full bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
      >
        <LockIcon className="size-6" />
      </div>
      <h1 className="font-semibold text-2xl">{title}</h1>
      {detail && <p className="text-zinc-600 dark:text-zinc-400">{detail}</p>}
      {children}
      <div className="flex flex-wrap items-center justify-center gap-4">
        {signInHref && (
          <Link
            href={signInHref}
            className="rounded-md font-medium text-indigo-700 underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300"
          >
            Sign in
          </Link>
        )}
        <Link
          href="/"
          className="rounded-md text-indigo-700 underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300"
        >
          Back to the rooms
        </Link>
      </div>
    </div>
  );
}
