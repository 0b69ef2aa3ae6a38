"use client";

import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { clipDisplayName } from "@/lib/client/display-name";

type Props = {
  name: string | null;
  /** Resolves with what to tell the person when the name was refused, or null once saved. */
  onSave: (name: string) => Promise<string | null>;
};

/**
 * Shows the person's display name; "Change name" opens an inline editor
 * (Enter saves, Escape cancels). While a save is under way and after a
 * refusal, focus stays in the field: nothing is disabled under the cursor,
 * so Escape keeps working and the name can be corrected at once.
 */
export function NameEditor({ name, onSave }: Props) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const errorId = useId();
  /** Focus goes back to "Change name" when the editor closes, not when the page first renders. */
  const wasEditing = useRef(false);

  useEffect(() => {
    if (editing) input.current?.select();
    else if (wasEditing.current) opener.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  function close() {
    setEditing(false);
    setError(null);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (saving) return;
    setSaving(true);
    const problem = await onSave(draft);
    setSaving(false);
    if (!problem) {
      close();
      return;
    }
    setError(problem);
    // Save may have been clicked: the field is where the correction is typed.
    input.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key === "Escape") {
      event.preventDefault();
      // The editor closes, not the panel around it.
      event.stopPropagation();
      close();
    }
  }

  if (!editing) {
    return (
      <div className="flex min-w-0 items-center gap-2 text-sm">
        {/* On a phone the header has no room for it; it is in the Online list, marked "(you)". */}
        <span className="truncate max-sm:sr-only" data-testid="my-name">
          {name ?? "…"}
        </span>
        <button
          ref={opener}
          type="button"
          aria-label="Change name"
          onClick={() => {
            setDraft(name ?? "");
            setEditing(true);
          }}
          className="shrink-0 rounded-md px-2 py-1 text-indigo-700 max-sm:px-1.5 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300 dark:hover:bg-indigo-950"
        >
          <span aria-hidden="true" className="max-sm:hidden">
            Change name
          </span>
          <PencilIcon className="size-4 sm:hidden" />
        </button>
      </div>
    );
  }

  return (
    <form
      onSubmit={save}
      onKeyDown={onKeyDown}
      className="flex min-w-0 flex-col gap-1 text-sm max-sm:absolute max-sm:inset-x-0 max-sm:top-0 max-sm:z-30 max-sm:border-zinc-200 max-sm:border-b max-sm:bg-white max-sm:px-3 max-sm:py-2 max-sm:dark:border-zinc-800 max-sm:dark:bg-zinc-950"
    >
      <div className="flex items-center gap-2">
        <input
          ref={input}
          aria-label="Display name"
          aria-describedby={error ? errorId : undefined}
          value={draft}
          onChange={(event) => setDraft(clipDisplayName(event.target.value))}
          readOnly={saving}
          aria-invalid={error ? true : undefined}
          className="w-40 min-w-0 rounded-md border border-zinc-400 bg-white px-2 py-1 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 max-sm:flex-1 dark:border-zinc-600 dark:bg-zinc-900"
        />
        <button
          type="submit"
          aria-disabled={saving || undefined}
          className="rounded-md px-2 py-1 font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300 dark:hover:bg-indigo-950"
        >
          Save
        </button>
        <button
          type="button"
          onClick={close}
          className="rounded-md px-2 py-1 text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-zinc-300 dark:hover:bg-zinc-900"
        >
          Cancel
        </button>
      </div>
      {error && (
        <p id={errorId} role="alert" className="text-red-700 text-xs dark:text-red-400">
          {error}
        </p>
      )}
    </form>
  );
}

function PencilIcon({ className }: { className: string }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 20 20"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.75"
      strokeLinecap="round"
      strokeLinejoin="round"
      className={className}
    >
      <path d="M13.5 3.5l3 3L7 16H4v-3z" />
      <path d="M11.5 5.5l3 3" />
    </svg>
  );
}
