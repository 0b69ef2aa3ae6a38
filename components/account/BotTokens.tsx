"use client";

import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import { authErrorText } from "@/lib/client/auth-text";
import {
  type BotToken,
  type CreatedBotToken,
  createBotToken,
  listBotTokens,
  revokeBotToken,
} from "@/lib/client/bot-tokens";
import { exactTime, relativeTime } from "@/lib/client/relative-time";
import { useNow } from "@/lib/client/use-now";
import { Button, ErrorMessage, TextField } from "./form-parts";
import { Detail, Loading, Row, Rows, Section } from "./Section";

const CLOCK_TICK_MS = 30_000;
const MAX_TOKEN_NAME_LENGTH = 64;

/**
 * Named tokens a bot connects with (`auth: { token }`): each is a bot of
 * this account's, writing under the token's name. A new token's secret is shown once, here, to be copied; the
 * server keeps only its hash. Revoking one disconnects the bot.
 */
export function BotTokens() {
  const [tokens, setTokens] = useState<BotToken[] | null>(null);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<CreatedBotToken | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const errorId = useId();
  const idPrefix = useId();
  const nameInput = useRef<HTMLInputElement>(null);
  const now = useNow(CLOCK_TICK_MS);

  const load = useCallback(async () => {
    const result = await listBotTokens();
    if (result.ok) setTokens(result.data);
    else
      setError(
        result.failure.status === 404
          ? "This server does not offer bot tokens."
          : authErrorText(result.failure),
      );
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function create(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const chosen = name.trim();
    if (!chosen) {
      setError("Name the token first, after the bot that will use it.");
      nameInput.current?.focus();
      return;
    }
    setBusy("create");
    setError(null);
    setCreated(null);
    const result = await createBotToken(chosen);
    setBusy(null);
    if (!result.ok) {
      setError(authErrorText(result.failure));
      return;
    }
    setCreated(result.data);
    setName("");
    await load();
  }

  async function revoke(token: BotToken) {
    if (busy) return;
    setBusy(token.id);
    setError(null);
    const result = await revokeBotToken(token.id);
    setBusy(null);
    if (!result.ok) {
      setError(authErrorText(result.failure));
      return;
    }
    if (created?.id === token.id) setCreated(null);
    setTokens((all) => all?.filter((t) => t.id !== token.id) ?? null);
  }

  const when = (date: Date) => (
    <time dateTime={date.toISOString()} title={exactTime(date)}>
      {relativeTime(date, new Date(now))}
    </time>
  );

  return (
    <Section
      title="Bot tokens"
      about="A bot of yours connects with a token and writes under the token's name. Make one per bot, so that each can be revoked alone."
    >
      {error && <ErrorMessage id={errorId}>{error}</ErrorMessage>}
      <form method="post" onSubmit={create} noValidate className="flex flex-wrap items-end gap-2">
        <div className="min-w-48 flex-1">
          <TextField
            label="Token name"
            name="token-name"
            autoComplete="off"
            maxLength={MAX_TOKEN_NAME_LENGTH}
            inputRef={nameInput}
            value={name}
            onChange={(event) => setName(event.target.value)}
            errorId={error ? errorId : undefined}
          />
        </div>
        <Button type="submit" busy={busy === "create"}>
          Create token
        </Button>
      </form>
      {created && <NewToken token={created} />}
      {!tokens ? (
        !error && <Loading what="bot tokens" />
      ) : tokens.length === 0 ? (
        <p className="text-sm">No bot tokens yet.</p>
      ) : (
        <Rows label="Bot tokens">
          {tokens.map((token) => {
            const describedBy = `${idPrefix}-${token.id}`;
            return (
              <Row key={token.id}>
                <div id={describedBy} className="min-w-0">
                  <p className="break-words font-medium">{token.name}</p>
                  <Detail>
                    Created {when(token.createdAt)} ·{" "}
                    {token.lastUsedAt ? <>Last used {when(token.lastUsedAt)}</> : "Never used"}
                  </Detail>
                </div>
                <Button
                  variant="danger"
                  aria-describedby={describedBy}
                  busy={busy === token.id}
                  onClick={() => revoke(token)}
                >
                  Revoke
                </Button>
              </Row>
            );
          })}
        </Rows>
      )}
    </Section>
  );
}

/** The one time a token's secret is seen: focused, selected and copyable. */
function NewToken({ token }: { token: CreatedBotToken }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const id = useId();
  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, []);
  async function copy() {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopied(true);
    } catch {
      // No clipboard permission (or no secure context): the field is selected for copying by hand.
      field.current?.select();
      setCopied(false);
    }
  }
  return (
    <div className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-700 dark:bg-amber-950/40">
      <label htmlFor={id} className="block font-medium text-sm">
        New token “{token.name}”
      </label>
      <p id={`${id}-hint`} className="text-sm text-zinc-700 dark:text-zinc-300">
        Copy it now: it is not shown again.
      </p>
      <div className="flex flex-wrap gap-2">
        <input
          ref={field}
          id={id}
          readOnly
          value={token.token}
          aria-describedby={`${id}-hint`}
          className="min-w-0 flex-1 rounded-lg border border-zinc-400 bg-white px-3 py-2 font-mono text-sm outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-zinc-600 dark:bg-zinc-900"
        />
        <Button variant="secondary" onClick={copy}>
          Copy
        </Button>
      </div>
      <p role="status" className="text-sm">
        {copied === true
          ? "Copied."
          : copied === false
            ? "Could not copy: select it and copy it yourself."
            : ""}
      </p>
    </div>
  );
}
