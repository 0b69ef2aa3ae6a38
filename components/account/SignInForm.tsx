"use client";

import Link from "next/link";
import { type FormEvent, useId, useRef, useState } from "react";
import { attempt, authClient } from "@/lib/client/auth-client";
import { signInErrorText } from "@/lib/client/auth-text";
import { Button, ErrorMessage, LINK_CLASS, StatusMessage, TextField } from "./form-parts";

export type SignInOptions = {
  /** Links by email (the magic link, the password reset) are offered: the server has SMTP. */
  email: boolean;
  /** The single sign-on provider, when there is one. */
  sso: { name: string; providerId: string } | null;
  /** Where to go once signed in. */
  next: string;
};

type Busy = "password" | "passkey" | "link" | "sso" | null;

/**
 * Email and password, a passkey alone, and (when the server offers them) an
 * emailed link or single sign-on. A successful sign-in loads the next page
 * afresh, so that the page and its socket start over with the new session.
 */
export function SignInForm({ email: emailLinks, sso, next }: SignInOptions) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const errorId = useId();
  const emailInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);

  function begin(kind: Exclude<Busy, null>): boolean {
    if (busy) return false;
    setBusy(kind);
    setError(null);
    setSent(null);
    return true;
  }

  async function signIn(event: FormEvent) {
    event.preventDefault();
    if (!email.trim()) {
      setError("Enter your email address.");
      emailInput.current?.focus();
      return;
    }
    if (!password) {
      setError("Enter your password.");
      passwordInput.current?.focus();
      return;
    }
    if (!begin("password")) return;
    const result = await attempt(() =>
      authClient().signIn.email({ email: email.trim(), password }),
    );
    if (result.ok) {
      window.location.assign(next);
      return;
    }
    setBusy(null);
    setError(signInErrorText(result.failure));
    passwordInput.current?.select();
  }

  async function signInWithPasskey() {
    if (!begin("passkey")) return;
    const result = await attempt(() => authClient().signIn.passkey());
    if (result.ok) {
      window.location.assign(next);
      return;
    }
    setBusy(null);
    setError(
      result.failure.code === "AUTH_CANCELLED"
        ? "Signing in with a passkey was cancelled."
        : result.failure.status === 429 || result.failure.status === 0
          ? signInErrorText(result.failure)
          : "That passkey did not sign you in. Try again, or use your email and password.",
    );
  }

  async function emailLink() {
    if (!email.trim()) {
      setError("Enter your email address, then ask for the link.");
      emailInput.current?.focus();
      return;
    }
    if (!begin("link")) return;
    const result = await attempt(() =>
      authClient().signIn.magicLink({ email: email.trim(), callbackURL: next }),
    );
    setBusy(null);
    if (result.ok)
      setSent(
        `If ${email.trim()} has an account here, a sign-in link is on its way to it. It works for 15 minutes.`,
      );
    else setError(signInErrorText(result.failure));
  }

  async function singleSignOn(providerId: string) {
    if (!begin("sso")) return;
    // On success the client leaves for the provider's page.
    const result = await attempt(() =>
      authClient().signIn.social({ provider: providerId, callbackURL: next }),
    );
    if (!result.ok) {
      setBusy(null);
      setError(signInErrorText(result.failure));
    }
  }

  return (
    <div className="space-y-6">
      {error && <ErrorMessage id={errorId}>{error}</ErrorMessage>}
      {sent && <StatusMessage>{sent}</StatusMessage>}
      <form method="post" onSubmit={signIn} noValidate className="space-y-4">
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          inputRef={emailInput}
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          errorId={error ? errorId : undefined}
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          inputRef={passwordInput}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          errorId={error ? errorId : undefined}
        />
        <div className="flex flex-wrap items-center justify-between gap-3">
          <Button type="submit" busy={busy === "password"}>
            {busy === "password" ? "Signing in…" : "Sign in"}
          </Button>
          {emailLinks && (
            <Link href="/reset-password" className={`text-sm ${LINK_CLASS}`}>
              Forgot password?
            </Link>
          )}
        </div>
      </form>

      <div className="space-y-3 border-zinc-200 border-t pt-6 dark:border-zinc-800">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Or sign in another way:</p>
        <div className="flex flex-col gap-2">
          <Button variant="secondary" busy={busy === "passkey"} onClick={signInWithPasskey}>
            Sign in with a passkey
          </Button>
          {emailLinks && (
            <Button variant="secondary" busy={busy === "link"} onClick={emailLink}>
              Email me a sign-in link
            </Button>
          )}
          {sso && (
            <Button
              variant="secondary"
              busy={busy === "sso"}
              onClick={() => singleSignOn(sso.providerId)}
            >
              Sign in with {sso.name}
            </Button>
          )}
        </div>
      </div>
    </div>
  );
}
