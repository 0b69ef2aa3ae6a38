import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { SignOutButton } from "@/components/account/AccountNav";
import { BotTokens } from "@/components/account/BotTokens";
import { LINK_CLASS } from "@/components/account/form-parts";
import { PageShell } from "@/components/account/PageShell";
import { PasskeyList } from "@/components/account/PasskeyList";
import { Section } from "@/components/account/Section";
import { SessionList } from "@/components/account/SessionList";
import { getServices } from "@/lib/server/services";

export const metadata: Metadata = { title: "Account" };

const HEADER_BUTTON =
  "whitespace-nowrap rounded-md px-2 py-1 font-medium text-indigo-700 text-sm hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300 dark:hover:bg-indigo-950";

export default async function AccountPage() {
  await connection();
  const { accounts } = getServices();
  const me = await accounts.signedIn(await headers());
  if (!me) redirect("/sign-in?next=%2Faccount");
  return (
    <PageShell
      title="Account"
      width="wide"
      nav={
        <nav aria-label="Account" className="flex items-center gap-1">
          {me.role === "admin" && (
            <Link href="/admin" className={HEADER_BUTTON}>
              Admin
            </Link>
          )}
          <SignOutButton className={HEADER_BUTTON} />
        </nav>
      }
    >
      <Section title="You">
        <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
          <dt className="text-zinc-600 dark:text-zinc-400">Email</dt>
          <dd className="min-w-0 break-words font-medium">
            {me.email}
            {accounts.features.email && !me.emailVerified && (
              <span className="ml-2 font-normal text-amber-800 dark:text-amber-300">
                (not confirmed yet: follow the link we emailed you)
              </span>
            )}
          </dd>
          <dt className="text-zinc-600 dark:text-zinc-400">Display name</dt>
          <dd className="min-w-0 break-words font-medium">{me.name}</dd>
          {me.role === "admin" && (
            <>
              <dt className="text-zinc-600 dark:text-zinc-400">Role</dt>
              <dd className="font-medium">Server admin</dd>
            </>
          )}
        </dl>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Change your display name from any room (“Change name”).{" "}
          <Link href="/" className={LINK_CLASS}>
            Go to the rooms
          </Link>
        </p>
      </Section>
      <SessionList
        currentSessionId={me.sessionId}
        sessions={await accounts.sessions(me.accountId)}
      />
      <PasskeyList />
      <BotTokens />
    </PageShell>
  );
}
