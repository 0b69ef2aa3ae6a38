"use client";

import { useCallback, useEffect, useState } from "react";
import { exactTime } from "@/lib/client/relative-time";
import { ask, type Requester } from "@/lib/client/socket-request";
import type { AuditAction, AuditEntry } from "@/lib/shared/protocol";
import { RoomDialog, SECONDARY_BUTTON, ToolNote } from "./RoomDialog";

/** What each entry says the actor did, before the person it names. */
const DID: Record<AuditAction, string> = {
  "message-deleted": "removed a message by",
  kicked: "kicked",
  banned: "banned",
  unbanned: "unbanned",
  muted: "muted",
  unmuted: "unmuted",
  role: "changed the role of",
  "room-updated": "changed the room's settings",
  "room-claimed": "claimed the room",
  "invite-created": "made an invite link",
  "invite-revoked": "revoked an invite link",
  "member-added": "added",
};

/** Who did what in the room, newest first: kept when the message an entry names is gone. */
export function AuditLogDialog({
  room,
  client,
  onClose,
}: {
  room: string;
  client: Requester | null;
  onClose: () => void;
}) {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (before?: string) => {
      const result = await ask(client, "audit:list", {
        room,
        limit: 50,
        ...(before ? { before } : {}),
      });
      if (!result.ok) {
        setError(result.text);
        return;
      }
      setEntries((held) => (before ? [...(held ?? []), ...result.entries] : result.entries));
      setMore(result.hasMore);
    },
    [client, room],
  );
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <RoomDialog
      title="Audit log"
      description={`What moderators did in #${room}.`}
      onClose={onClose}
      wide
    >
      <ToolNote note={error ? { text: error, error: true } : null} />
      {entries === null ? (
        !error && <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading the log…</p>
      ) : entries.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Nothing has been done yet.</p>
      ) : (
        <ol
          aria-label="Audit log"
          className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800"
        >
          {entries.map((entry) => (
            <li key={entry.id} className="px-3 py-2 text-sm">
              <p>
                <span className="font-medium">{entry.actor.name}</span>{" "}
                {DID[entry.action] ?? entry.action}
                {entry.target && <span className="font-medium"> {entry.target.name}</span>}
                {entry.message && ` (message ${entry.message.seq})`}
                {entry.detail && `: ${entry.detail}`}
              </p>
              <p className="text-zinc-600 dark:text-zinc-400">
                <time dateTime={entry.at}>{exactTime(new Date(entry.at))}</time>
              </p>
            </li>
          ))}
        </ol>
      )}
      {more && entries && (
        <button
          type="button"
          onClick={() => void load(entries.at(-1)?.id)}
          className={SECONDARY_BUTTON}
        >
          Show older entries
        </button>
      )}
    </RoomDialog>
  );
}
