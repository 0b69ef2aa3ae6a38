"use client";

import { type FormEvent, useId, useState } from "react";
import { ask, type Requester } from "@/lib/client/socket-request";
import type { RoomInfo } from "@/lib/shared/protocol";
import {
  CONTROL,
  DANGER_BUTTON,
  PRIMARY_BUTTON,
  RoomDialog,
  SECONDARY_BUTTON,
  ToolNote,
} from "./RoomDialog";

type Note = { text: string; error: boolean } | null;

/**
 * The owner's settings: the topic, whether the room is private, and deleting
 * it. Opening a private room up shows its whole history to everyone, so the
 * page says so before it is saved; deleting asks first.
 */
export function RoomSettingsDialog({
  info,
  client,
  onClose,
  onDeleted,
}: {
  info: RoomInfo;
  client: Requester | null;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const id = useId();
  const [topic, setTopic] = useState(info.topic);
  const [isPrivate, setPrivate] = useState(info.visibility === "private");
  const [note, setNote] = useState<Note>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const opensUp = info.visibility === "private" && !isPrivate;

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    const visibility = isPrivate ? "private" : "public";
    const result = await ask(client, "room:update", {
      room: info.name,
      ...(topic !== info.topic ? { topic } : {}),
      ...(visibility !== info.visibility ? { visibility } : {}),
    });
    setBusy(false);
    setNote(
      result.ok ? { text: "Settings saved.", error: false } : { text: result.text, error: true },
    );
  }

  async function remove() {
    if (busy) return;
    setBusy(true);
    const result = await ask(client, "room:delete", { room: info.name });
    setBusy(false);
    if (result.ok) {
      onDeleted();
      return;
    }
    setConfirming(false);
    setNote({ text: result.text, error: true });
  }

  return (
    <RoomDialog title="Room settings" onClose={onClose}>
      <form onSubmit={save} className="space-y-4">
        <div className="space-y-1">
          <label htmlFor={`${id}-topic`} className="block font-medium text-sm">
            Topic
          </label>
          <input
            id={`${id}-topic`}
            value={topic}
            onChange={(event) => setTopic(event.target.value)}
            autoComplete="off"
            className={`${CONTROL} w-full`}
          />
        </div>
        <div className="space-y-1">
          <label className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              checked={isPrivate}
              onChange={(event) => setPrivate(event.target.checked)}
              aria-describedby={opensUp ? `${id}-warning` : `${id}-private-hint`}
              className="mt-0.5 size-4 accent-indigo-700"
            />
            <span>
              <span className="font-medium">Private</span>
              <span id={`${id}-private-hint`} className="block text-zinc-600 dark:text-zinc-400">
                Only members can find and read it; people join by invitation.
              </span>
            </span>
          </label>
          {opensUp && (
            <p
              id={`${id}-warning`}
              className="rounded-md bg-amber-50 px-3 py-2 text-amber-900 text-sm dark:bg-amber-950/50 dark:text-amber-100"
            >
              Everyone will be able to read the whole history of #{info.name}, not only what is said
              from now on.
            </p>
          )}
        </div>
        <ToolNote note={note} />
        <button type="submit" aria-disabled={busy || undefined} className={PRIMARY_BUTTON}>
          Save settings
        </button>
      </form>
      <section
        aria-labelledby={`${id}-danger`}
        className="space-y-2 border-zinc-200 border-t pt-4 dark:border-zinc-800"
      >
        <h3 id={`${id}-danger`} className="font-semibold">
          Delete room
        </h3>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Deletes #{info.name} and every message in it, for everyone. It cannot be undone.
        </p>
        <button type="button" onClick={() => setConfirming(true)} className={DANGER_BUTTON}>
          Delete room
        </button>
      </section>
      {confirming && (
        <ConfirmDelete
          name={info.name}
          onConfirm={remove}
          onCancel={() => setConfirming(false)}
          busy={busy}
        />
      )}
    </RoomDialog>
  );
}

function ConfirmDelete({
  name,
  onConfirm,
  onCancel,
  busy,
}: {
  name: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy: boolean;
}) {
  return (
    <RoomDialog
      title={`Delete #${name}?`}
      description="The room and its whole history are removed for everyone, and cannot be brought back."
      onClose={onCancel}
    >
      <div className="flex justify-end gap-2">
        <button type="button" onClick={onCancel} className={SECONDARY_BUTTON}>
          Cancel
        </button>
        <button
          type="button"
          onClick={onConfirm}
          aria-disabled={busy || undefined}
          className="rounded-md bg-red-700 px-3 py-1.5 font-medium text-sm text-white hover:bg-red-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600"
        >
          Delete room
        </button>
      </div>
    </RoomDialog>
  );
}
