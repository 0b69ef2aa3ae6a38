"use client";

import {
  type FormEvent,
  type KeyboardEvent,
  type Ref,
  useId,
  useImperativeHandle,
  useRef,
  useState,
} from "react";
import { canSendWith, checkDraft, sendNote } from "@/lib/client/draft-rules";
import {
  insertMention,
  type MentionQuery,
  mentionQueryAt,
  moveHighlight,
  type Suggestion,
  suggestMentions,
} from "@/lib/client/mention-autocomplete";
import type { PendingFile } from "@/lib/client/upload-state";
import { MAX_MESSAGE_CODE_POINTS } from "@/lib/shared/limits";
import type { MentionCandidate } from "@/lib/shared/mentions";
import { hasVisibleText } from "@/lib/shared/text";
import { type ComposerFileActions, ComposerFiles } from "./ComposerFiles";
import { MentionSuggestions, suggestionId } from "./MentionSuggestions";

/** The counter appears near the limit rather than distracting from ordinary messages. */
const COUNTER_FROM = MAX_MESSAGE_CODE_POINTS - 500;

type Props = {
  /** The draft, kept by the room (per room, across reloads). */
  value: string;
  onChange: (value: string) => void;
  onSend: (text: string) => void;
  /** The person is typing (called on every change; the receiver throttles). */
  onTyping: () => void;
  /** The box was emptied, or its text sent. */
  onStopTyping: () => void;
  inputRef?: Ref<HTMLTextAreaElement>;
  /** Editing one of the person's messages, or replying to one; null for a plain new message. */
  mode?: ComposerMode | null;
  /** Escape, or the banner's Cancel: back to a plain message. */
  onCancelMode?: () => void;
  /** Up-arrow in an empty box: edit the person's last message. */
  onEditLast?: () => void;
  /** Whom `@` suggests; absent: no suggestions. */
  mentions?: MentionSource;
  /** Files to send with the message; absent: the box takes none (while editing, say). */
  files?: ComposerFilesSource;
};

/** The files in the box, and what the person can do with them. */
export type ComposerFilesSource = ComposerFileActions & {
  list: readonly PendingFile[];
  /** Files just refused by the browser, with why. */
  refused: readonly { name: string; reason: string }[];
  /** Files picked, pasted or dropped. */
  onAdd: (files: File[]) => void;
};

/** The people `@` suggests, and what the person may mention. */
export type MentionSource = {
  members: readonly MentionCandidate[];
  /** Only the first page of a big room's members was read. */
  more: boolean;
  /** `@room` and `@here` (moderators, owners, admins). */
  mentionAll: boolean;
  selfId: string | undefined;
  /** The person started typing a mention: the members are wanted. */
  onWanted: () => void;
};

export type ComposerMode = { kind: "edit" } | { kind: "reply"; name: string };

/**
 * The message box. A draft the server would refuse (blank, or over the
 * limit) cannot be sent: Send is marked disabled, Enter does nothing, and a
 * note under the box says why. Send stays focusable while disabled, so the
 * keyboard finds it and hears the reason.
 */
export function Composer({
  value,
  onChange,
  onSend,
  onTyping,
  onStopTyping,
  inputRef,
  mode = null,
  onCancelMode,
  onEditLast,
  mentions,
  files,
}: Props) {
  const picker = useRef<HTMLInputElement>(null);
  const refusedId = useId();
  const bannerId = useId();
  const listId = useId();
  const liveId = useId();
  const box = useRef<HTMLTextAreaElement>(null);
  useImperativeHandle(inputRef, () => box.current as HTMLTextAreaElement);
  const [query, setQuery] = useState<MentionQuery | null>(null);
  const [highlight, setHighlight] = useState(0);
  const suggestions: Suggestion[] =
    query && mentions
      ? suggestMentions(query.query, mentions.members, {
          selfId: mentions.selfId,
          mentionAll: mentions.mentionAll,
        })
      : [];
  const open = suggestions.length > 0;
  const shown = open ? Math.min(highlight, suggestions.length - 1) : 0;

  /** What the caret is in now: a mention being typed, or nothing. */
  function track(text: string, caret: number | null) {
    const next = caret === null ? null : mentionQueryAt(text, caret);
    if (next && !query) mentions?.onWanted();
    if (next?.start !== query?.start) setHighlight(0);
    setQuery(next);
  }

  function pick(suggestion: Suggestion) {
    if (!query) return;
    const { text, caret } = insertMention(value, query, suggestion.name);
    onChange(text);
    setQuery(null);
    // The box keeps the focus, caret after the inserted name.
    requestAnimationFrame(() => {
      box.current?.focus();
      box.current?.setSelectionRange(caret, caret);
    });
  }
  const counterId = useId();
  const noteId = useId();
  const check = checkDraft(value);
  const fileCheck = {
    count: files?.list.length ?? 0,
    blocked: files?.list.some((f) => f.status === "failed" || f.status === "cancelled") ?? false,
  };
  const note = sendNote(check, fileCheck);
  const sendable = canSendWith(check, fileCheck);
  const showCounter = check.length >= COUNTER_FROM;
  const describedBy =
    [mode ? bannerId : null, showCounter ? counterId : null, note ? noteId : null]
      .filter(Boolean)
      .join(" ") || undefined;

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (!sendable) return;
    onStopTyping();
    onSend(value);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.nativeEvent.isComposing) return;
    if (open) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        setHighlight(moveHighlight(shown, event.key === "ArrowDown" ? 1 : -1, suggestions.length));
        return;
      }
      if ((event.key === "Enter" && !event.shiftKey) || event.key === "Tab") {
        const chosen = suggestions[shown];
        if (chosen) {
          event.preventDefault();
          pick(chosen);
          return;
        }
      }
      // Closes the suggestions only: the draft, an edit or a reply stay as they are.
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        setQuery(null);
        return;
      }
    }
    if (event.key === "Escape" && mode) {
      event.preventDefault();
      onCancelMode?.();
      return;
    }
    // As in Slack and Discord; only in an empty box, where Up has nothing to move through.
    if (event.key === "ArrowUp" && value === "" && !mode && onEditLast) {
      event.preventDefault();
      onEditLast();
      return;
    }
    // Enter sends, Shift+Enter is a new line; never while an IME is composing a character.
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-1 px-3 pb-3">
      {mode && (
        <div className="flex items-center justify-between gap-2 rounded-t-lg border border-zinc-300 border-b-0 bg-zinc-50 px-3 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900">
          <span id={bannerId} className="min-w-0 truncate text-zinc-700 dark:text-zinc-300">
            {mode.kind === "edit" ? (
              <>
                Editing message{" "}
                <span className="text-xs text-zinc-600 dark:text-zinc-400">
                  (Escape to cancel, Enter to save)
                </span>
              </>
            ) : (
              <>
                Replying to <span className="font-semibold">{mode.name}</span>
              </>
            )}
          </span>
          <button
            type="button"
            onClick={onCancelMode}
            aria-label={mode.kind === "edit" ? "Cancel edit" : "Cancel reply"}
            className="shrink-0 rounded px-1.5 text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300"
          >
            Cancel
          </button>
        </div>
      )}
      {files && (
        <ComposerFiles
          files={files.list}
          onCancel={files.onCancel}
          onRetry={files.onRetry}
          onRemove={files.onRemove}
        />
      )}
      {files && files.refused.length > 0 && (
        <ul id={refusedId} aria-live="polite" className="text-red-700 text-sm dark:text-red-400">
          {files.refused.map((r) => (
            <li key={r.name}>
              Not added: {r.name}. {r.reason}
            </li>
          ))}
        </ul>
      )}
      <div className="flex items-end gap-2">
        <div className="relative min-w-0 flex-1">
          {open && (
            <MentionSuggestions
              id={listId}
              suggestions={suggestions}
              highlight={shown}
              onPick={pick}
              onHighlight={setHighlight}
              note={
                mentions?.more
                  ? "Suggesting from this room's first 200 members; type a full name to mention anyone else."
                  : undefined
              }
            />
          )}
          <span id={liveId} className="sr-only" aria-live="polite">
            {open
              ? `${suggestions.length} ${suggestions.length === 1 ? "person" : "people"} to mention; arrow keys to choose, Enter or Tab to insert, Escape to close.`
              : ""}
          </span>
          <textarea
            ref={box}
            id="composer"
            aria-label="Message"
            aria-describedby={describedBy}
            aria-autocomplete={mentions ? "list" : undefined}
            aria-controls={open ? listId : undefined}
            aria-activedescendant={open ? suggestionId(listId, shown) : undefined}
            aria-invalid={check.problem === "too_long" || undefined}
            value={value}
            onChange={(event) => {
              const next = event.target.value;
              onChange(next);
              track(next, event.target.selectionStart);
              if (hasVisibleText(next)) onTyping();
              else onStopTyping();
            }}
            onKeyDown={onKeyDown}
            onSelect={(event) => {
              const target = event.currentTarget;
              if (target.selectionStart !== target.selectionEnd) setQuery(null);
              else if (query) track(target.value, target.selectionStart);
            }}
            onBlur={() => setQuery(null)}
            onPaste={(event) => {
              // A screenshot or a copied file: into the box's files, not as text.
              const pasted = [...event.clipboardData.files];
              if (!files || pasted.length === 0) return;
              event.preventDefault();
              files.onAdd(pasted);
            }}
            rows={1}
            placeholder="Write a message"
            className={`field-sizing-content block max-h-48 min-h-10 w-full resize-none rounded-lg border border-zinc-400 bg-white px-3 py-2 text-base ${showCounter ? "pb-5" : ""} outline-none placeholder:text-zinc-500 focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-zinc-600 dark:bg-zinc-900 dark:placeholder:text-zinc-400`}
          />
          {showCounter && (
            <span
              id={counterId}
              className={`absolute right-2 bottom-1 text-xs ${check.problem === "too_long" ? "font-semibold text-red-700 dark:text-red-400" : "text-zinc-600 dark:text-zinc-400"}`}
            >
              {check.length}/{MAX_MESSAGE_CODE_POINTS}
            </span>
          )}
        </div>
        <button
          type="submit"
          aria-disabled={!sendable || undefined}
          aria-describedby={note ? noteId : undefined}
          className="h-10 shrink-0 rounded-lg bg-indigo-700 px-4 font-medium text-white hover:bg-indigo-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 aria-disabled:cursor-not-allowed aria-disabled:bg-zinc-500 aria-disabled:hover:bg-zinc-500 dark:aria-disabled:bg-zinc-600"
        >
          {mode?.kind === "edit" ? "Save" : "Send"}
        </button>
        {/* After Send, so the keyboard still goes from the box straight to Send. */}
        {files && (
          <>
            <input
              ref={picker}
              type="file"
              multiple
              hidden
              tabIndex={-1}
              onChange={(event) => {
                const picked = [...(event.target.files ?? [])];
                // Emptied, so picking the same file again is a change too.
                event.target.value = "";
                if (picked.length > 0) files.onAdd(picked);
              }}
            />
            <button
              type="button"
              aria-label="Attach file"
              title="Attach file (or paste, or drop files on the room)"
              onClick={() => picker.current?.click()}
              className="flex h-10 w-10 shrink-0 items-center justify-center rounded-lg border border-zinc-400 text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:border-zinc-600 dark:text-zinc-300 dark:hover:bg-zinc-800"
            >
              <svg
                aria-hidden="true"
                viewBox="0 0 16 16"
                className="h-4 w-4"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.5"
                strokeLinecap="round"
                strokeLinejoin="round"
              >
                <path d="M13.5 7.5 8 13a3.5 3.5 0 0 1-5-5l6-6a2.3 2.3 0 0 1 3.3 3.3L6.4 11.2a1.2 1.2 0 0 1-1.7-1.7L10 4.3" />
              </svg>
            </button>
          </>
        )}
      </div>
      {note && (
        <p
          id={noteId}
          className={`text-sm ${check.problem === "too_long" ? "text-red-700 dark:text-red-400" : "text-zinc-600 dark:text-zinc-400"}`}
        >
          {note}
        </p>
      )}
    </form>
  );
}
