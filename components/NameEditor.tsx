"use client";

import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";

type Props = {
  name: string | null;
  onSave: (name: string) => Promise<string | null>;
};

/** Shows the person's display name; "Change name" opens an inline editor (Enter saves, Escape cancels). */
export function NameEditor({ name, onSave }: Props) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
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
    setSaving(true);
    const problem = await onSave(draft);
    setSaving(false);
    if (problem) setError(problem);
    else close();
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  }

  if (!editing) {
    return (
      <div className="flex min-w-0 items-center gap-2 text-sm">
        <span className="truncate" data-testid="my-name">
          {name ?? "…"}
        </span>
        <button
          ref={opener}
          type="button"
          onClick={() => {
            setDraft(name ?? "");
            setEditing(true);
          }}
          className="shrink-0 rounded-md px-2 py-1 text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300 dark:hover:bg-indigo-950"
        >
          Change name
        </button>
      </div>
    );
  }

  return (
    <form onSubmit={save} onKeyDown={onKeyDown} className="flex min-w-0 flex-col gap-1 text-sm">
      <div className="flex items-center gap-2">
        <input
          ref={input}
          aria-label="Display name"
          value={draft}
          maxLength={64}
          onChange={(event) => setDraft(event.target.value)}
          disabled={saving}
          aria-invalid={error ? true : undefined}
          className="w-40 min-w-0 rounded-md border border-zinc-400 bg-white px-2 py-1 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-zinc-600 dark:bg-zinc-900"
        />
        <button
          type="submit"
          disabled={saving}
          className="rounded-md px-2 py-1 font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300 dark:hover:bg-indigo-950"
        >
          Save
        </button>
      </div>
      {error && (
        <p role="alert" className="text-red-700 text-xs dark:text-red-400">
          {error}
        </p>
      )}
    </form>
  );
}
