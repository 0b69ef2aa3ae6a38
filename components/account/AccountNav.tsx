"use client";

import Link from "next/link";
import { useState } from "react";
import { attempt, authClient } from "@/lib/client/auth-client";
import { useHydrated } from "@/lib/client/use-hydrated";

const NAV_LINK =
  "whitespace-nowrap rounded-md px-2 py-1 font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300 dark:hover:bg-indigo-950";

/** The person as the header shows them: an account's name, or nothing for a guest. */
export type HeaderAccount = { name: string } | null;

/**
 * The header's way to accounts: a guest gets Sign in and Sign up (which come
 * back here afterwards), a signed-in person the Account page and Sign out.
 * On a phone only the first of each pair fits a header; the other is on the
 * page it leads to.
 */
export function AccountNav({
  account,
  here,
  guestName,
  showName = false,
  phone = "compact",
}: {
  account: HeaderAccount;
  /** This page's path, to come back to after signing in or up. */
  here: string;
  /** A guest's current name, offered as the display name on signing up. */
  guestName?: string | null | undefined;
  /** Say whose account it is (the chat header shows the name already). */
  showName?: boolean;
  /** On a phone, only the first link of each pair ("compact", for a header) or all of them. */
  phone?: "compact" | "full";
}) {
  const second = phone === "compact" ? "max-sm:hidden" : "";
  if (!account) {
    const next = `next=${encodeURIComponent(here)}`;
    const name = guestName ? `&name=${encodeURIComponent(guestName)}` : "";
    return (
      <nav aria-label="Account" className="flex shrink-0 items-center gap-1 text-sm">
        <Link href={`/sign-in?${next}`} className={NAV_LINK}>
          Sign in
        </Link>
        <Link href={`/sign-up?${next}${name}`} className={`${NAV_LINK} ${second}`}>
          Sign up
        </Link>
      </nav>
    );
  }
  return (
    <nav aria-label="Account" className="flex min-w-0 shrink-0 items-center gap-1 text-sm">
      {showName && (
        <span className="truncate text-zinc-600 max-sm:sr-only dark:text-zinc-400">
          Signed in as{" "}
          <span className="font-medium text-zinc-900 dark:text-zinc-100">{account.name}</span>
        </span>
      )}
      <Link href="/account" className={NAV_LINK}>
        Account
      </Link>
      <SignOutButton className={`${NAV_LINK} ${second}`} />
    </nav>
  );
}

/**
 * Ends this browser's session. The page then loads again: as a guest, or on
 * to the sign-in page when this page is for accounts only.
 */
export function SignOutButton({ className }: { className: string }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const hydrated = useHydrated();
  async function signOut() {
    if (busy) return;
    setBusy(true);
    setFailed(false);
    const result = await attempt(() => authClient().signOut());
    if (result.ok) {
      window.location.reload();
      return;
    }
    setBusy(false);
    setFailed(true);
  }
  return (
    <>
      <button
        type="button"
        onClick={signOut}
        aria-disabled={busy || undefined}
        disabled={!hydrated}
        className={className}
      >
        Sign out
      </button>
      {failed && (
        <span role="alert" className="text-red-700 text-xs dark:text-red-400">
          Not signed out: try again.
        </span>
      )}
    </>
  );
}
