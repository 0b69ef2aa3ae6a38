import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { ErrorMessage, LINK_CLASS } from "@/components/account/form-parts";
import { PageShell } from "@/components/account/PageShell";
import { NewPasswordForm, RequestResetForm } from "@/components/account/ResetPasswordForms";
import { getServices } from "@/lib/server/services";

export const metadata: Metadata = { title: "Reset your password" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * `/reset-password`: ask for a link. The emailed link passes through
 * better-auth, which sends the browser back here with `?token=…`, or with
 * `?error=INVALID_TOKEN` when the link is stale.
 */
export default async function ResetPasswordPage({ searchParams }: Props) {
  await connection();
  const query = await searchParams;
  const token = typeof query.token === "string" ? query.token : null;
  const stale = typeof query.error === "string";
  const back = (
    <Link href="/sign-in" className={LINK_CLASS}>
      Back to signing in
    </Link>
  );

  if (token && !stale)
    return (
      <PageShell
        title="Choose a new password"
        intro={<p>Every device signed in to the account is signed out.</p>}
      >
        <NewPasswordForm token={token} />
        <p className="text-sm">{back}</p>
      </PageShell>
    );

  if (!getServices().accounts.features.email)
    return (
      <PageShell title="Reset your password">
        <p>
          This server does not send email. Ask the person who runs it to reset your password for
          you.
        </p>
        <p className="text-sm">{back}</p>
      </PageShell>
    );

  return (
    <PageShell
      title="Reset your password"
      intro={<p>We email you a link to choose a new password.</p>}
    >
      {stale && (
        <ErrorMessage>That link has expired or was used already. Ask for a new one.</ErrorMessage>
      )}
      <RequestResetForm />
      <p className="text-sm">{back}</p>
    </PageShell>
  );
}
