import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { connection } from "next/server";
import { JoinInviteButton } from "@/components/JoinInviteButton";
import { SiteHeader } from "@/components/SiteHeader";
import { getServices } from "@/lib/server/services";

export const metadata: Metadata = { title: "Invitation" };

type Params = { params: Promise<{ token: string }> };

const LINK =
  "rounded-md font-medium text-indigo-700 underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300";

/**
 * `/invite/<token>`: the room an invite link admits to, and a button to
 * join it — or, for a link that no longer admits, why not. Looking does not
 * use the link; only Join room does.
 */
export default async function InvitePage({ params }: Params) {
  const { token } = await params;
  await connection();
  const services = getServices();
  const requestHeaders = await headers();
  const me = await services.accounts.signedIn(requestHeaders);
  const found = await services.rooms.invite(token);
  const here = `/invite/${token}`;
  const mustSignIn = me === null && !services.accounts.features.guestAccess;

  return (
    <div className="flex min-h-dvh flex-col">
      <SiteHeader accountNav={{ account: me ? { name: me.name } : null, here }} />
      <main className="mx-auto flex max-w-md flex-1 flex-col items-center justify-center gap-4 px-4 py-16 text-center">
        {found === null ? (
          <>
            <h1 className="font-semibold text-2xl">This invite link is not valid</h1>
            <p className="text-zinc-600 dark:text-zinc-400">
              Check that the whole link was copied, or ask for a new one.
            </p>
          </>
        ) : (
          <>
            <h1 className="font-semibold text-2xl">Join #{found.room}</h1>
            {found.problem ? (
              <p className="text-zinc-600 dark:text-zinc-400">
                {found.problem} Ask a member of #{found.room} for a new link.
              </p>
            ) : mustSignIn ? (
              <>
                <p className="text-zinc-600 dark:text-zinc-400">
                  You were invited to #{found.room}. Sign in to join it; you will come back here.
                </p>
                <p className="flex gap-4">
                  <Link href={`/sign-in?next=${encodeURIComponent(here)}`} className={LINK}>
                    Sign in to join
                  </Link>
                  <Link href={`/sign-up?next=${encodeURIComponent(here)}`} className={LINK}>
                    Sign up
                  </Link>
                </p>
              </>
            ) : (
              <>
                <p className="text-zinc-600 dark:text-zinc-400">
                  You were invited to #{found.room}. Joining makes you one of its members.
                </p>
                <JoinInviteButton token={token} />
              </>
            )}
          </>
        )}
        <Link href="/" className={LINK}>
          Back to the rooms
        </Link>
      </main>
    </div>
  );
}
