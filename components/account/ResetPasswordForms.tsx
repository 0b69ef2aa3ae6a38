"use client";

import { type FormEvent, useId, useRef, useState } from "react";
import { attempt, authClient } from "@/lib/client/auth-client";
import { authErrorText } from "@/lib/client/auth-text";
import { Button, ErrorMessage, StatusMessage, TextField } from "./form-parts";

/**
 * Asks for a reset link. The answer is the same whether or not the address
 * has an account, so the form cannot be used to find out who has one.
 */
export function RequestResetForm() {
  const [email, setEmail] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();
  const input = useRef<HTMLInputElement>(null);

  async function request(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const address = email.trim();
    if (!address) {
      setError("Enter the email address of your account.");
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    setSent(null);
    const result = await attempt(() =>
      authClient().requestPasswordReset({ email: address, redirectTo: "/reset-password" }),
    );
    setBusy(false);
    if (result.ok)
      setSent(
        `If ${address} has an account here, a link to choose a new password is on its way to it.`,
      );
    else setError(authErrorText(result.failure));
  }

  return (
    <form method="post" onSubmit={request} noValidate className="space-y-4">
      {error && <ErrorMessage id={errorId}>{error}</ErrorMessage>}
      {sent && <StatusMessage>{sent}</StatusMessage>}
      <TextField
        label="Email"
        type="email"
        name="email"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        inputRef={input}
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        errorId={error ? errorId : undefined}
      />
      <Button type="submit" busy={busy} className="w-full">
        Email me a reset link
      </Button>
    </form>
  );
}

/** The emailed link's page: a new password, then on to signing in with it (every session was ended). */
export function NewPasswordForm({ token }: { token: string }) {
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();
  const input = useRef<HTMLInputElement>(null);

  async function reset(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (!password) {
      setError("Choose a new password.");
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const result = await attempt(() =>
      authClient().resetPassword({ newPassword: password, token }),
    );
    if (result.ok) {
      window.location.assign("/sign-in?reset=done");
      return;
    }
    setBusy(false);
    setError(
      result.failure.code === "INVALID_TOKEN"
        ? "This link has expired or was used already. Ask for a new one below."
        : authErrorText(result.failure),
    );
    input.current?.focus();
  }

  return (
    <form method="post" onSubmit={reset} noValidate className="space-y-4">
      {error && <ErrorMessage id={errorId}>{error}</ErrorMessage>}
      <TextField
        label="New password"
        type="password"
        name="password"
        autoComplete="new-password"
        hint="At least 8 characters. A few words strung together make a good one."
        inputRef={input}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        errorId={error ? errorId : undefined}
      />
      <Button type="submit" busy={busy} className="w-full">
        Set the new password
      </Button>
    </form>
  );
}
