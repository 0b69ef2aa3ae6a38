"use client";

import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import { isSearchShortcut, isTypingTarget } from "@/lib/client/search-shortcut";
import { ask, type Requester, requestOnce } from "@/lib/client/socket-request";
import type { SearchRequest } from "@/lib/shared/protocol";
import { isEmptyQuery, parseSearchQuery } from "@/lib/shared/search-query";
import { SearchResults, type SearchState } from "./SearchResults";

/** Said when Enter was pressed on a query with nothing to look for. */
const NOTHING_TO_SEARCH_TEXT = "Type a word to look for, or a filter such as from:name.";

/**
 * The header's search field, **Search messages**: `/` (when not typing
 * elsewhere) or Ctrl/⌘+K focuses it, Enter opens the results. On a phone
 * it folds into a button, opening over the header.
 *
 * On a room's page it asks through the room's client (the page's socket,
 * with its retries); elsewhere `requester` is left out and each search
 * borrows the page's shared socket, as the landing page's forms do.
 */
export function SearchBox({
  requester,
  room,
  collapse = true,
  onChosen,
}: {
  requester?: Requester | null;
  /** The room whose page this is: "This room only" is offered. */
  room?: string;
  /** On a phone, show a Search button in its place (a header with no room for a field). */
  collapse?: boolean;
  /** A result was chosen (the room's phone panel closes, to show the room). */
  onChosen?: () => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const noteId = useId();
  const [query, setQuery] = useState("");
  const [unfolded, setUnfolded] = useState(false);
  const [state, setState] = useState<SearchState | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const resultsOpen = useRef(false);
  useEffect(() => {
    resultsOpen.current = state !== null;
  });
  /** Only the newest search's answers are shown: an older one may answer late. */
  const generation = useRef(0);

  const search = useCallback(
    async (payload: SearchRequest) =>
      requester === undefined ? requestOnce("search", payload) : ask(requester, "search", payload),
    [requester],
  );

  const load = useCallback(
    async (next: Pick<SearchState, "query" | "roomOnly">, before?: SearchState) => {
      const mine = ++generation.current;
      const held = before?.hits ?? [];
      setState({
        ...next,
        hits: held,
        hasMore: before?.hasMore ?? false,
        loading: true,
        error: null,
      });
      const last = held.at(-1);
      const result = await search({
        query: next.query,
        ...(next.roomOnly && room ? { room } : {}),
        ...(last ? { before: last.message.id } : {}),
      });
      if (mine !== generation.current) return;
      setState(
        result.ok
          ? {
              ...next,
              hits: [...held, ...result.results],
              hasMore: result.hasMore,
              loading: false,
              error: null,
            }
          : {
              ...next,
              hits: held,
              hasMore: before?.hasMore ?? false,
              loading: false,
              error: result.text,
            },
      );
    },
    [search, room],
  );

  const focusField = useCallback(() => {
    setUnfolded(true);
    // After the field has unfolded (on a phone it is not rendered visible until then).
    setTimeout(() => {
      input.current?.focus();
      input.current?.select();
    }, 0);
  }, []);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      // A page may hold two fields (the room's header, and its phone panel): the one on the screen answers.
      const field = input.current;
      const shown = collapse ? field?.closest("search")?.parentElement : field;
      if (!shown?.checkVisibility()) return;
      // Another dialog (a room tool's, the emoji picker) keeps its keys: the page behind it is inert.
      const inDialog = document.activeElement?.closest("dialog") ?? null;
      if (inDialog && !resultsOpen.current) return;
      if (!isSearchShortcut(event, isTypingTarget(document.activeElement))) return;
      event.preventDefault();
      generation.current++;
      setState(null);
      focusField();
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [focusField, collapse]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = query.trim();
    if (isEmptyQuery(parseSearchQuery(text))) {
      setNote(NOTHING_TO_SEARCH_TEXT);
      return;
    }
    setNote(null);
    void load({ query: text, roomOnly: state?.roomOnly ?? false });
  }

  function closeResults() {
    generation.current++;
    setState(null);
    // After the dialog has gone: while a modal dialog is open, the rest of the page cannot take focus.
    setTimeout(() => input.current?.focus(), 0);
  }

  function chosen() {
    generation.current++;
    setState(null);
    setUnfolded(false);
    onChosen?.();
  }

  const folded = collapse && !unfolded;
  return (
    <>
      {collapse && (
        <button
          type="button"
          aria-label="Search"
          aria-expanded={unfolded}
          onClick={focusField}
          className={`${unfolded ? "hidden" : ""} shrink-0 rounded-md p-1.5 text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-500 sm:hidden dark:text-zinc-300 dark:hover:bg-zinc-800`}
        >
          <SearchIcon />
        </button>
      )}
      <search
        onKeyDown={(event) => {
          if (event.key !== "Escape") return;
          // Escape closes the results (the dialog does that itself), not the phone's room panel around them.
          if (state) event.stopPropagation();
          else if (collapse && unfolded) {
            event.preventDefault();
            setUnfolded(false);
          }
        }}
        className={
          folded
            ? "relative hidden min-w-0 sm:block"
            : collapse
              ? "absolute inset-0 z-30 flex items-center gap-2 bg-white px-2 sm:static sm:inset-auto sm:z-auto sm:block sm:bg-transparent sm:px-0 dark:bg-zinc-950 sm:dark:bg-transparent"
              : "relative min-w-0"
        }
      >
        <form onSubmit={submit} className="flex min-w-0 flex-1 items-center gap-2">
          <div className="relative min-w-0 flex-1">
            <span className="pointer-events-none absolute inset-y-0 left-2 flex items-center text-zinc-500 dark:text-zinc-400">
              <SearchIcon />
            </span>
            <input
              ref={input}
              type="search"
              aria-label="Search messages"
              aria-keyshortcuts="/ Control+K Meta+K"
              aria-describedby={note ? noteId : undefined}
              placeholder="Search"
              enterKeyHint="search"
              value={query}
              onChange={(event) => {
                setQuery(event.target.value);
                setNote(null);
              }}
              onBlur={() => setNote(null)}
              className="w-full min-w-0 rounded-md border border-zinc-300 bg-white py-1 pr-7 pl-8 text-base outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 sm:w-40 sm:text-sm lg:w-56 dark:border-zinc-700 dark:bg-zinc-900 [&::-webkit-search-cancel-button]:hidden"
            />
            <span
              aria-hidden="true"
              className="pointer-events-none absolute inset-y-0 right-2 my-auto hidden h-5 items-center rounded border border-zinc-300 px-1 font-sans text-xs text-zinc-600 sm:flex dark:border-zinc-600 dark:text-zinc-400"
            >
              /
            </span>
          </div>
          {collapse && unfolded && (
            <button
              type="button"
              onClick={() => setUnfolded(false)}
              className="shrink-0 rounded-md px-2 py-1 text-indigo-700 text-sm focus-visible:outline-2 focus-visible:outline-indigo-500 sm:hidden dark:text-indigo-300"
            >
              Cancel
            </button>
          )}
          {note && (
            <p
              id={noteId}
              role="alert"
              className="absolute top-full right-0 z-30 mt-1 w-64 rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
            >
              {note}
            </p>
          )}
        </form>
        {/* In the search landmark, so that its Escape stays here (see onKeyDown). */}
        {state && (
          <SearchResults
            state={state}
            room={room}
            onRoomOnly={(roomOnly) => void load({ query: state.query, roomOnly })}
            onLoadMore={() => {
              if (!state.loading) void load(state, state);
            }}
            onChoose={chosen}
            onClose={closeResults}
          />
        )}
      </search>
    </>
  );
}

function SearchIcon() {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      className="size-4"
    >
      <circle cx="7" cy="7" r="4.5" />
      <path d="m10.5 10.5 3 3" />
    </svg>
  );
}
