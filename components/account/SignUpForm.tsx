"use client";

import { type FormEvent, useId, useRef, useState } from "react";
import { attempt, authClient } from "@/lib/client/auth-client";
import { authErrorText } from "@/lib/client/auth-text";
import { clipDisplayName } from "@/lib/client/display-name";
import { Button, ErrorMessage, TextField } from "./form-parts";

/**
 * A new account. A guest signing up keeps who they were (the server carries
 * their guest identity over from its cookie), so the name they chatted under
 * is offered as the display name. Done, the next page loads afresh under the
 * new session.
 */
export function SignUpForm({ name: initialName, next }: { name: string; next: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [name, setName] = useState(initialName);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmFor, setConfirmFor] = useState<string | null>(null);
  const errorId = useId();
  const emailInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const nameInput = useRef<HTMLInputElement>(null);

  async function signUp(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const missing: [string, HTMLInputElement | null][] = [
      [email.trim() ? "" : "Enter your email address.", emailInput.current],
      [password ? "" : "Choose a password.", passwordInput.current],
      [name.trim() ? "" : "Choose a display name.", nameInput.current],
    ];
    const [problem, field] = missing.find(([text]) => text) ?? [];
    if (problem) {
      setError(problem);
      field?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const result = await attempt(() =>
      authClient().signUp.email({ email: email.trim(), password, name: name.trim() }),
    );
    if (result.ok) {
      // Where addresses must be confirmed first, sign-up starts no session
      // (and answers the same for an address that already has an account).
      if ((result.data as { token?: string | null } | null)?.token) {
        window.location.assign(next);
        return;
      }
      setBusy(false);
      setConfirmFor(email.trim());
      return;
    }
    setBusy(false);
    setError(authErrorText(result.failure));
  }

  if (confirmFor)
    return (
      <p
        role="status"
        className="rounded-md bg-emerald-50 px-3 py-2 text-emerald-900 text-sm dark:bg-emerald-950/60 dark:text-emerald-100"
      >
        Check your email: if {confirmFor} can be used for a new account, a link to confirm it is on
        its way. Follow it to finish signing up; until then you can keep chatting as a guest.
      </p>
    );

  return (
    <form method="post" onSubmit={signUp} noValidate className="space-y-4">
      {error && <ErrorMessage id={errorId}>{error}</ErrorMessage>}
      <TextField
        label="Email"
        type="email"
        name="email"
        autoComplete="email"
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
        autoComplete="new-password"
        hint="At least 8 characters. A few words strung together make a good one."
        inputRef={passwordInput}
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        errorId={error ? errorId : undefined}
      />
      <TextField
        label="Display name"
        name="name"
        autoComplete="nickname"
        hint="Shown beside your messages; you can change it later."
        inputRef={nameInput}
        value={name}
        onChange={(event) => setName(clipDisplayName(event.target.value))}
        errorId={error ? errorId : undefined}
      />
      <Button type="submit" busy={busy} className="w-full">
        {busy ? "Signing up…" : "Sign up"}
      </Button>
    </form>
  );
}
