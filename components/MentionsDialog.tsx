"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { exactTime } from "@/lib/client/relative-time";
import { ask, type Requester } from "@/lib/client/socket-request";
import type { ChatMessage } from "@/lib/shared/protocol";
import { MessageText } from "./MessageText";
import { RoomDialog } from "./RoomDialog";

/** Where a mention opens: its room, at the message (the page loads the history around it). */
export function mentionHref(message: Pick<ChatMessage, "room" | "seq">): string {
  return `/chat/${message.room}?at=${message.seq}`;
}

/**
 * The Mentions view: the messages that name the person now, newest first,
 * from every room they may read (`mentions:list`), each with its room,
 * author and time, opening the room at it. Read when opened, and with Load
 * more; it does not change while open (open it again for what came since).
 */
export function MentionsDialog({
  client,
  onClose,
}: {
  client: Requester | null;
  onClose: () => void;
}) {
  const [messages, setMessages] = useState<ChatMessage[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (before?: string) => {
      setLoading(true);
      const result = await ask(client, "mentions:list", before === undefined ? {} : { before });
      setLoading(false);
      if (!result.ok) {
        setError(result.text);
        return;
      }
      setError(null);
      setMessages((held) => [...(before === undefined ? [] : (held ?? [])), ...result.messages]);
      setMore(result.hasMore);
    },
    [client],
  );
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <RoomDialog
      title="Mentions"
      description="Messages that mention you by name, newest first."
      onClose={onClose}
      wide
    >
      {error && (
        <p role="alert" className="text-red-700 text-sm dark:text-red-400">
          {error}
        </p>
      )}
      {messages === null ? (
        !error && <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading…</p>
      ) : messages.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Nobody has mentioned you yet.</p>
      ) : (
        <ul
          aria-label="Messages that mention you"
          className="divide-y divide-zinc-200 dark:divide-zinc-800"
        >
          {messages.map((message) => (
            <li key={message.id} className="py-2">
              <Link
                href={mentionHref(message)}
                onClick={onClose}
                className="block rounded-md px-2 py-1 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:bg-zinc-800"
              >
                <span className="flex flex-wrap items-baseline gap-x-2 text-sm">
                  <span className="font-semibold">#{message.room}</span>
                  <span>{message.author.name}</span>
                  <time
                    dateTime={message.createdAt}
                    className="text-xs text-zinc-600 dark:text-zinc-400"
                  >
                    {exactTime(new Date(message.createdAt))}
                  </time>
                </span>
                <span className="mt-0.5 line-clamp-3 block text-zinc-800 dark:text-zinc-200">
                  <MessageText text={message.text} />
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {more && messages && (
        <button
          type="button"
          disabled={loading}
          onClick={() => void load(messages.at(-1)?.id)}
          className="rounded-md border border-zinc-300 px-3 py-1 text-sm hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800"
        >
          {loading ? "Loading…" : "Load more"}
        </button>
      )}
    </RoomDialog>
  );
}
