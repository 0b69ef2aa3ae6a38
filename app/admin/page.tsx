import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { AdminAccounts } from "@/components/account/AdminAccounts";
import { LINK_CLASS } from "@/components/account/form-parts";
import { PageShell } from "@/components/account/PageShell";
import { getServices } from "@/lib/server/services";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  await connection();
  const me = await getServices().accounts.signedIn(await headers());
  if (!me) redirect("/sign-in?next=%2Fadmin");
  const nav = (
    <Link href="/account" className={`text-sm ${LINK_CLASS}`}>
      Account
    </Link>
  );
  // Nothing about other accounts is rendered or fetched for anyone else.
  if (me.role !== "admin")
    return (
      <PageShell title="Admin" nav={nav}>
        <p role="alert">Only server admins can see this page.</p>
      </PageShell>
    );
  return (
    <PageShell
      title="Admin"
      width="wide"
      nav={nav}
      intro={
        <p>
          The accounts on this server. Disabling one signs it out everywhere and keeps it out until
          it is enabled again; its messages stay.
        </p>
      }
    >
      <AdminAccounts myAccountId={me.accountId} />
    </PageShell>
  );
}
