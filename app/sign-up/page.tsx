import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { LINK_CLASS } from "@/components/account/form-parts";
import { PageShell } from "@/components/account/PageShell";
import { SignUpForm } from "@/components/account/SignUpForm";
import { safeNextPath } from "@/lib/client/auth-text";
import { clipDisplayName } from "@/lib/client/display-name";
import { getServices } from "@/lib/server/services";

export const metadata: Metadata = { title: "Sign up" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignUpPage({ searchParams }: Props) {
  await connection();
  const query = await searchParams;
  const next = safeNextPath(query.next) ?? "/";
  const { accounts } = getServices();
  if (await accounts.signedIn(await headers())) redirect(next);
  // The name a guest chatted under, passed by the room's Sign up link: only a suggestion.
  const name = typeof query.name === "string" ? clipDisplayName(query.name) : "";
  const signInHref = `/sign-in${query.next ? `?next=${encodeURIComponent(next)}` : ""}`;
  return (
    <PageShell
      title="Sign up"
      intro={
        <>
          <p>
            An account makes you one person on every device.
            {accounts.features.guestAccess &&
              " If you have been chatting as a guest in this browser, you keep your name and messages."}
          </p>
          <p className="mt-2">
            Have an account?{" "}
            <Link href={signInHref} className={LINK_CLASS}>
              Sign in
            </Link>
          </p>
        </>
      }
    >
      <SignUpForm name={name} next={next} />
    </PageShell>
  );
}
