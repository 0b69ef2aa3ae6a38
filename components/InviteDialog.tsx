"use client";

import { useCallback, useEffect, useId, useState } from "react";
import { exactTime } from "@/lib/client/relative-time";
import { ask, type Requester } from "@/lib/client/socket-request";
import type { Invite, User } from "@/lib/shared/protocol";
import {
  CONTROL,
  PRIMARY_BUTTON,
  RoomDialog,
  SECONDARY_BUTTON,
  SMALL_CONTROL,
  ToolNote,
} from "./RoomDialog";

/** How long a new link lasts, in minutes; a week unless chosen otherwise. */
const EXPIRIES = [
  { label: "1 hour", minutes: 60 },
  { label: "1 day", minutes: 24 * 60 },
  { label: "7 days", minutes: 7 * 24 * 60 },
  { label: "30 days", minutes: 30 * 24 * 60 },
] as const;
const DEFAULT_EXPIRY = 7 * 24 * 60;
/** How many people a link admits; 0 stands for no limit. */
const MAX_USES = [0, 1, 5, 10, 25, 100] as const;

type Note = { text: string; error: boolean } | null;

/**
 * Letting people in: invite links (made, listed, revoked) and adding a
 * person by name. The link's token is shown once, when it is made.
 */
export function InviteDialog({
  room,
  client,
  onClose,
}: {
  room: string;
  client: Requester | null;
  onClose: () => void;
}) {
  const id = useId();
  const [expiry, setExpiry] = useState<number>(DEFAULT_EXPIRY);
  const [maxUses, setMaxUses] = useState<number>(0);
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [invites, setInvites] = useState<Invite[] | null>(null);
  const [note, setNote] = useState<Note>(null);
  const [busy, setBusy] = useState(false);

  const loadInvites = useCallback(async () => {
    const result = await ask(client, "invite:list", { room });
    if (result.ok) setInvites(result.invites);
    else setNote({ text: result.text, error: true });
  }, [client, room]);
  useEffect(() => {
    void loadInvites();
  }, [loadInvites]);

  async function createLink() {
    if (busy) return;
    setBusy(true);
    setNote(null);
    const result = await ask(client, "invite:create", {
      room,
      expiresInMinutes: expiry,
      ...(maxUses > 0 ? { maxUses } : {}),
    });
    setBusy(false);
    if (!result.ok) {
      setNote({ text: result.text, error: true });
      return;
    }
    setLink(new URL(result.path, window.location.origin).toString());
    setCopied(false);
    void loadInvites();
  }

  async function copy() {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    } catch {
      // No clipboard (an insecure origin, or refused): the link is selected to copy by hand.
      document.querySelector<HTMLInputElement>(`[id="${id}-link"]`)?.select();
    }
  }

  async function revoke(invite: Invite) {
    const result = await ask(client, "invite:revoke", { room, id: invite.id });
    setNote(
      result.ok
        ? { text: "The link was revoked.", error: false }
        : { text: result.text, error: true },
    );
    void loadInvites();
  }

  return (
    <RoomDialog
      title="Invite people"
      description={`People with a link can join #${room}. Anyone can use a link until it expires, is used up, or is revoked.`}
      onClose={onClose}
    >
      <section aria-labelledby={`${id}-new`} className="space-y-3">
        <h3 id={`${id}-new`} className="font-semibold">
          New invite link
        </h3>
        <div className="flex flex-wrap items-end gap-3">
          <label className="space-y-1 text-sm">
            <span className="block font-medium">Expires after</span>
            <select
              value={expiry}
              onChange={(event) => setExpiry(Number(event.target.value))}
              className={CONTROL}
            >
              {EXPIRIES.map((option) => (
                <option key={option.minutes} value={option.minutes}>
                  {option.label}
                </option>
              ))}
            </select>
          </label>
          <label className="space-y-1 text-sm">
            <span className="block font-medium">Maximum uses</span>
            <select
              value={maxUses}
              onChange={(event) => setMaxUses(Number(event.target.value))}
              className={CONTROL}
            >
              {MAX_USES.map((uses) => (
                <option key={uses} value={uses}>
                  {uses === 0 ? "No limit" : uses === 1 ? "1 use" : `${uses} uses`}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            onClick={createLink}
            aria-disabled={busy || undefined}
            className={PRIMARY_BUTTON}
          >
            Create link
          </button>
        </div>
        {link && (
          <div className="space-y-1">
            <label htmlFor={`${id}-link`} className="block font-medium text-sm">
              Invite link
            </label>
            <div className="flex gap-2">
              <input
                id={`${id}-link`}
                readOnly
                value={link}
                onFocus={(event) => event.currentTarget.select()}
                className={`${CONTROL} flex-1 font-mono`}
              />
              <button type="button" onClick={copy} className={SECONDARY_BUTTON}>
                {copied ? "Copied" : "Copy"}
              </button>
            </div>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              This link is shown only now: copy it before closing.
            </p>
          </div>
        )}
      </section>

      <AddPerson room={room} client={client} />

      <section aria-labelledby={`${id}-links`} className="space-y-2">
        <h3 id={`${id}-links`} className="font-semibold">
          Invite links
        </h3>
        <ToolNote note={note} />
        {invites === null ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading invite links…</p>
        ) : invites.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No invite links yet.</p>
        ) : (
          <ul
            aria-label="Invite links"
            className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800"
          >
            {invites.map((invite) => (
              <InviteRow key={invite.id} invite={invite} onRevoke={() => revoke(invite)} />
            ))}
          </ul>
        )}
      </section>
    </RoomDialog>
  );
}

function inviteState(invite: Invite, now: number): string | null {
  if (invite.revoked) return "Revoked";
  if (Date.parse(invite.expiresAt) <= now) return "Expired";
  if (invite.maxUses !== null && invite.uses >= invite.maxUses) return "Used up";
  return null;
}

function InviteRow({ invite, onRevoke }: { invite: Invite; onRevoke: () => void }) {
  const over = inviteState(invite, Date.now());
  const uses =
    invite.maxUses === null
      ? `${invite.uses} ${invite.uses === 1 ? "use" : "uses"}`
      : `${invite.uses} of ${invite.maxUses} uses`;
  return (
    <li className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm">
      <div className="min-w-0">
        <p>
          By <span className="font-medium">{invite.createdBy.name}</span> · {uses}
        </p>
        <p className="text-zinc-600 dark:text-zinc-400">
          {over ?? `Expires ${exactTime(new Date(invite.expiresAt))}`}
        </p>
      </div>
      {!over && (
        <button
          type="button"
          onClick={onRevoke}
          aria-label={`Revoke the link by ${invite.createdBy.name}, ${uses}`}
          className={SECONDARY_BUTTON}
        >
          Revoke
        </button>
      )}
    </li>
  );
}

/** Adding someone by name (`users:find`, then `member:add`): they become a member at once. */
function AddPerson({ room, client }: { room: string; client: Requester | null }) {
  const id = useId();
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<User[] | null>(null);
  const [note, setNote] = useState<Note>(null);

  useEffect(() => {
    const name = query.trim();
    if (!name) {
      setFound(null);
      return;
    }
    let current = true;
    // Asked once typing pauses, not on every key.
    const timer = setTimeout(async () => {
      const result = await ask(client, "users:find", { query: name });
      if (!current) return;
      if (result.ok) setFound(result.users);
      else setNote({ text: result.text, error: true });
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, query]);

  async function add(user: User) {
    const result = await ask(client, "member:add", { room, userId: user.id });
    setNote(
      result.ok
        ? { text: `${user.name} was added to #${room}.`, error: false }
        : { text: result.text, error: true },
    );
    if (result.ok) {
      setQuery("");
      setFound(null);
    }
  }

  return (
    <section aria-labelledby={`${id}-heading`} className="space-y-2">
      <h3 id={`${id}-heading`} className="font-semibold">
        Add a person
      </h3>
      <label htmlFor={`${id}-query`} className="block font-medium text-sm">
        Add person
      </label>
      <input
        id={`${id}-query`}
        type="search"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setNote(null);
        }}
        placeholder="Their name"
        autoComplete="off"
        aria-describedby={`${id}-hint`}
        className={`${CONTROL} w-full`}
      />
      <p id={`${id}-hint`} className="text-sm text-zinc-600 dark:text-zinc-400">
        Type the start of their display name; they join without a link.
      </p>
      {found && found.length === 0 && (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Nobody has a name like that.</p>
      )}
      {found && found.length > 0 && (
        <ul aria-label="People found" className="space-y-1">
          {found.map((user) => (
            <li key={user.id} className="flex items-center justify-between gap-2 text-sm">
              <span className="truncate">{user.name}</span>
              <button
                type="button"
                onClick={() => add(user)}
                aria-label={`Add ${user.name}`}
                className={`${SMALL_CONTROL} font-medium`}
              >
                Add
              </button>
            </li>
          ))}
        </ul>
      )}
      <ToolNote note={note} />
    </section>
  );
}
