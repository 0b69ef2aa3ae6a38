"use client";

import Link from "next/link";
import { useEffect, useRef } from "react";
import { messageLink } from "@/lib/client/open-at";
import { exactTime } from "@/lib/client/relative-time";
import { excerpt } from "@/lib/client/search-highlight";
import type { SearchHit } from "@/lib/shared/protocol";
import { RoomDialog, SECONDARY_BUTTON, ToolNote } from "./RoomDialog";

/** A result shows at most about this much of a long message, around its first match. */
const EXCERPT_UNITS = 280;

/** What the results panel shows: the hits so far, and where asking for them stands. */
export type SearchState = {
  query: string;
  roomOnly: boolean;
  hits: SearchHit[];
  hasMore: boolean;
  /** A first page or a further one is on its way. */
  loading: boolean;
  error: string | null;
};

/**
 * The results of a search, newest first, in a modal dialog: each one says
 * where, who and when, with the matched words marked, and opens the room
 * at the message. Escape or Close goes back to the search field.
 */
export function SearchResults({
  state,
  room,
  onRoomOnly,
  onLoadMore,
  onChoose,
  onClose,
}: {
  state: SearchState;
  /** The room whose page this is: a search can be kept to it. */
  room: string | undefined;
  onRoomOnly: (roomOnly: boolean) => void;
  onLoadMore: () => void;
  /** A result was chosen: the dialog goes, and the room opens at it. */
  onChoose: () => void;
  onClose: () => void;
}) {
  const { hits, loading, error } = state;
  // After Load more, focus goes to the first new result: the button may be gone, and that is where reading goes on.
  const list = useRef<HTMLOListElement>(null);
  const focusFrom = useRef<number | null>(null);
  useEffect(() => {
    const from = focusFrom.current;
    if (from === null || loading) return;
    focusFrom.current = null;
    list.current?.querySelectorAll<HTMLAnchorElement>("a")[from]?.focus();
  }, [loading]);
  const first = loading && hits.length === 0;
  const summary = first
    ? "Searching…"
    : error && hits.length === 0
      ? ""
      : hits.length === 0
        ? "No messages match."
        : `${hits.length}${state.hasMore ? "+" : ""} ${hits.length === 1 && !state.hasMore ? "message matches" : "messages match"}.`;
  return (
    <RoomDialog
      title="Search results"
      description={
        <>
          For <q className="font-medium text-zinc-900 dark:text-zinc-100">{state.query}</q>
          {state.roomOnly && room ? ` in #${room}` : " in every room you can read"}
        </>
      }
      wide
      onClose={onClose}
    >
      {room && (
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={state.roomOnly}
            onChange={(event) => onRoomOnly(event.target.checked)}
            className="size-4 accent-indigo-700"
          />
          This room only
        </label>
      )}
      <p aria-live="polite" className="text-sm text-zinc-600 dark:text-zinc-400">
        {summary}
      </p>
      <ToolNote note={error ? { text: error, error: true } : null} />
      {hits.length > 0 && (
        <ol ref={list} aria-label="Results" className="space-y-2">
          {hits.map((hit) => (
            <li key={hit.message.id}>
              <Result hit={hit} onChoose={onChoose} />
            </li>
          ))}
        </ol>
      )}
      {state.hasMore && (
        <button
          type="button"
          onClick={() => {
            if (loading) return;
            focusFrom.current = hits.length;
            onLoadMore();
          }}
          aria-disabled={loading || undefined}
          className={SECONDARY_BUTTON}
        >
          {loading ? "Loading…" : "Load more"}
        </button>
      )}
      <SearchHint />
    </RoomDialog>
  );
}

function Result({ hit, onChoose }: { hit: SearchHit; onChoose: () => void }) {
  const { message } = hit;
  const part = excerpt(message.text, hit.highlights, EXCERPT_UNITS);
  const when = new Date(message.createdAt);
  return (
    <Link
      href={messageLink(message.room, message.seq)}
      onClick={onChoose}
      className="block rounded-md border border-zinc-200 px-3 py-2 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-zinc-700 dark:hover:bg-zinc-800"
    >
      <span className="flex flex-wrap items-baseline gap-x-2 text-sm">
        <span className="font-medium text-indigo-700 dark:text-indigo-300">#{message.room}</span>
        <span className="font-semibold">{message.author.name}</span>
        <time dateTime={message.createdAt} className="text-xs text-zinc-600 dark:text-zinc-400">
          {exactTime(when)}
        </time>
      </span>
      <span className="mt-1 block whitespace-pre-wrap break-words text-sm">
        {part.cutBefore && "…"}
        {part.segments.map((segment, i) =>
          segment.match ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: the runs of one text, in order; they never move.
            <mark key={i} className="rounded-sm bg-amber-200 px-px text-zinc-900 dark:bg-amber-300">
              {segment.text}
            </mark>
          ) : (
            segment.text
          ),
        )}
        {part.cutAfter && "…"}
      </span>
    </Link>
  );
}

/** The query language, in brief (lib/shared/search-query.ts). */
function SearchHint() {
  return (
    <details className="text-sm text-zinc-600 dark:text-zinc-400">
      <summary className="cursor-pointer rounded-md font-medium text-zinc-700 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-zinc-300">
        How to search
      </summary>
      <ul className="mt-2 list-disc space-y-1 pl-5">
        <li>
          Words find messages with all of them; <code>"exact phrase"</code> keeps words together;{" "}
          <code>-word</code> leaves out messages with it.
        </li>
        <li>
          <code>from:ana</code> by a person, <code>in:general</code> in a room.
        </li>
        <li>
          <code>before:2026-01-31</code>, <code>after:2026-01-01</code>, <code>on:2026-01-15</code>{" "}
          by date.
        </li>
        <li>
          <code>has:link</code> with a link, <code>is:reply</code> replies only.
        </li>
      </ul>
    </details>
  );
}
