"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { ROOM_NAME_RULE } from "@/lib/client/error-text";
import { requestOnce } from "@/lib/client/socket-request";
import { useHydrated } from "@/lib/client/use-hydrated";
import { toRoomName } from "@/lib/shared/room-name";

const FIELD =
  "w-full min-w-0 rounded-lg border border-zinc-400 bg-white px-3 py-2 text-base outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-zinc-600 dark:bg-zinc-900";

/**
 * Makes a room that belongs to the person (`room:create`): they are its
 * owner. A private room is read only by the people they invite or add.
 * Once made, the room opens.
 */
export function CreateRoomForm() {
  const router = useRouter();
  const hydrated = useHydrated();
  const id = useId();
  const [name, setName] = useState("");
  const [topic, setTopic] = useState("");
  const [isPrivate, setPrivate] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const room = toRoomName(name);
    if (!room) {
      setError(ROOM_NAME_RULE);
      return;
    }
    setBusy(true);
    setError(null);
    const result = await requestOnce("room:create", {
      room,
      visibility: isPrivate ? "private" : "public",
      ...(topic.trim() ? { topic } : {}),
    });
    if (result.ok) {
      router.push(`/chat/${result.room.name}`);
      return;
    }
    setBusy(false);
    setError(result.text);
  }

  return (
    <section aria-labelledby={`${id}-heading`} className="space-y-3">
      <h2 id={`${id}-heading`} className="font-semibold text-lg">
        Create room
      </h2>
      <form onSubmit={create} noValidate className="space-y-3">
        <div className="grid gap-3 sm:grid-cols-2">
          <div className="space-y-1">
            <label htmlFor={`${id}-name`} className="block font-medium text-sm">
              Name
            </label>
            <input
              id={`${id}-name`}
              name="name"
              value={name}
              onChange={(event) => {
                setName(event.target.value);
                setError(null);
              }}
              placeholder="book-club"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
              className={FIELD}
            />
          </div>
          <div className="space-y-1">
            <label htmlFor={`${id}-topic`} className="block font-medium text-sm">
              Topic <span className="font-normal text-zinc-600 dark:text-zinc-400">(optional)</span>
            </label>
            <input
              id={`${id}-topic`}
              name="topic"
              value={topic}
              onChange={(event) => setTopic(event.target.value)}
              autoComplete="off"
              className={FIELD}
            />
          </div>
        </div>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <label className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              name="private"
              checked={isPrivate}
              onChange={(event) => setPrivate(event.target.checked)}
              className="mt-0.5 size-4 accent-indigo-700"
              aria-describedby={`${id}-private-hint`}
            />
            <span>
              <span className="font-medium">Private</span>
              <span id={`${id}-private-hint`} className="block text-zinc-600 dark:text-zinc-400">
                Only people you invite can find and read it.
              </span>
            </span>
          </label>
          <button
            type="submit"
            disabled={!hydrated}
            aria-disabled={busy || undefined}
            className="rounded-lg bg-indigo-700 px-4 py-2 font-medium text-white hover:bg-indigo-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 aria-disabled:opacity-70 dark:bg-indigo-600 dark:hover:bg-indigo-500"
          >
            Create room
          </button>
        </div>
        {error && (
          <p id={`${id}-error`} role="alert" className="text-red-700 text-sm dark:text-red-400">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
