import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { LINK_CLASS } from "@/components/account/form-parts";
import { PageShell } from "@/components/account/PageShell";
import { SignInForm } from "@/components/account/SignInForm";
import { safeNextPath } from "@/lib/client/auth-text";
import { getServices } from "@/lib/server/services";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignInPage({ searchParams }: Props) {
  await connection();
  const query = await searchParams;
  const next = safeNextPath(query.next) ?? "/";
  const { accounts } = getServices();
  if (await accounts.signedIn(await headers())) redirect(next);
  const { features } = accounts;
  const signUpHref = `/sign-up${query.next ? `?next=${encodeURIComponent(next)}` : ""}`;
  return (
    <PageShell
      title="Sign in"
      intro={
        <p>
          {features.guestAccess
            ? "Sign in to be the same person on every device."
            : "This server is for its members: sign in to chat."}{" "}
          New here?{" "}
          <Link href={signUpHref} className={LINK_CLASS}>
            Sign up
          </Link>
        </p>
      }
    >
      {query.reset === "done" && (
        <p
          role="status"
          className="rounded-md bg-emerald-50 px-3 py-2 text-emerald-900 text-sm dark:bg-emerald-950/60 dark:text-emerald-100"
        >
          Your password was changed. Sign in with the new one.
        </p>
      )}
      <SignInForm email={features.email} sso={features.sso} next={next} />
    </PageShell>
  );
}
