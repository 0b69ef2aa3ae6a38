"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { unconfirmed } from "@/lib/client/outbox";
import { hasOlder } from "@/lib/client/timeline";
import { useRoom } from "@/lib/client/use-room";
import { Composer } from "./Composer";
import { ConnectionStatus } from "./ConnectionStatus";
import { MessageItem, PendingItem } from "./MessageItem";
import { MessageList } from "./MessageList";
import { NameEditor } from "./NameEditor";

export function ChatRoom({ room }: { room: string }) {
  const { snapshot, client } = useRoom(room);
  const { timeline, user, outbox, status } = snapshot;
  const [sentCount, setSentCount] = useState(0);
  const me = user?.id;

  const waiting = useMemo(
    () => unconfirmed(outbox, timeline.messages, me),
    [outbox, timeline.messages, me],
  );
  const lastKey = waiting.at(-1)?.clientId ?? timeline.messages.at(-1)?.id;
  const pendingCount = waiting.filter((entry) => entry.state === "pending").length;

  async function rename(name: string): Promise<string | null> {
    if (!client) return "Not connected yet.";
    const result = await client.rename(name);
    if (!result) return "The server did not answer; try again.";
    return result.ok ? null : result.error.message;
  }

  return (
    <div className="flex h-dvh flex-col">
      <header className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 border-zinc-200 border-b px-4 py-2 dark:border-zinc-800">
        <div className="flex min-w-0 items-center gap-3">
          <Link
            href="/"
            className="font-semibold text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
          >
            Scrollback
          </Link>
          <h1 className="truncate font-bold text-lg">#{room}</h1>
          <ConnectionStatus status={status} waiting={pendingCount} />
        </div>
        <NameEditor name={user?.name ?? null} onSave={rename} />
      </header>

      <MessageList
        lastKey={lastKey}
        forceFollowKey={sentCount}
        header={
          hasOlder(timeline) && (
            <div className="flex justify-center p-2">
              <button
                type="button"
                onClick={() => client?.loadOlder()}
                disabled={snapshot.loadingOlder}
                className="rounded-md px-3 py-1 text-indigo-700 text-sm hover:bg-indigo-50 dark:text-indigo-300 dark:hover:bg-indigo-950"
              >
                {snapshot.loadingOlder ? "Loading…" : "Load older messages"}
              </button>
            </div>
          )
        }
        empty={
          snapshot.joined &&
          timeline.messages.length === 0 &&
          waiting.length === 0 && (
            <p className="px-4 py-10 text-center text-zinc-500 dark:text-zinc-400">
              No messages in #{room} yet. Say hello!
            </p>
          )
        }
      >
        {timeline.messages.map((message) => (
          <MessageItem key={message.id} message={message} mine={message.author.id === me} />
        ))}
        {waiting.map((entry) => (
          <PendingItem
            key={entry.clientId}
            entry={entry}
            authorName={user?.name ?? "You"}
            onRetry={() => client?.retry(entry.clientId)}
            onDiscard={() => client?.discard(entry.clientId)}
          />
        ))}
      </MessageList>

      <Composer
        onSend={(text) => {
          client?.send(text);
          setSentCount((n) => n + 1);
        }}
      />
    </div>
  );
}
