"use client";

import { type ReactNode, useEffect, useId, useRef } from "react";

/**
 * A modal dialog for one of the room's tools (invites, members, settings,
 * the audit log): the browser keeps focus inside it and Escape closes it.
 * The caller puts focus back where the person was.
 */
export function RoomDialog({
  title,
  description,
  onClose,
  wide = false,
  children,
}: {
  title: string;
  description?: ReactNode;
  onClose: () => void;
  wide?: boolean;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    element.showModal();
    return () => element.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      aria-labelledby={`${id}-title`}
      aria-describedby={description ? `${id}-description` : undefined}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      className={`m-auto max-h-[90dvh] w-[calc(100%-2rem)] overflow-y-auto rounded-lg border border-zinc-300 bg-white p-5 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 ${wide ? "max-w-2xl" : "max-w-lg"}`}
    >
      <div className="flex items-start justify-between gap-3">
        <h2 id={`${id}-title`} className="font-semibold text-lg">
          {title}
        </h2>
        <button
          type="button"
          onClick={onClose}
          className="shrink-0 rounded-md px-2 py-1 text-indigo-700 text-sm hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300 dark:hover:bg-indigo-950"
        >
          Close
        </button>
      </div>
      {description && (
        <p id={`${id}-description`} className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          {description}
        </p>
      )}
      <div className="mt-4 space-y-5">{children}</div>
    </dialog>
  );
}

/** Shared looks of the room tools' controls, matching the account pages'. */
export const CONTROL =
  "min-w-0 rounded-lg border border-zinc-400 bg-white px-3 py-2 text-base outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 sm:text-sm dark:border-zinc-600 dark:bg-zinc-900";
export const SMALL_CONTROL =
  "min-w-0 rounded-md border border-zinc-400 bg-white px-2 py-1 text-sm outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-zinc-600 dark:bg-zinc-900";
export const PRIMARY_BUTTON =
  "rounded-lg bg-indigo-700 px-4 py-2 font-medium text-sm text-white hover:bg-indigo-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 aria-disabled:opacity-70 dark:bg-indigo-600 dark:hover:bg-indigo-500";
export const SECONDARY_BUTTON =
  "rounded-md border border-zinc-400 px-2.5 py-1 font-medium text-sm hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-500 aria-disabled:opacity-70 dark:border-zinc-600 dark:hover:bg-zinc-800";
export const DANGER_BUTTON =
  "rounded-md border border-red-700 px-2.5 py-1 font-medium text-red-800 text-sm hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-red-600 aria-disabled:opacity-70 dark:border-red-400 dark:text-red-300 dark:hover:bg-red-950";

/** A tool's failure or success, said where the person looks. */
export function ToolNote({ note }: { note: { text: string; error: boolean } | null }) {
  if (!note) return null;
  return (
    // Not a status role: the page's one status is the connection's.
    <p
      role={note.error ? "alert" : undefined}
      aria-live={note.error ? undefined : "polite"}
      className={`text-sm ${note.error ? "text-red-700 dark:text-red-400" : "text-emerald-800 dark:text-emerald-300"}`}
    >
      {note.text}
    </p>
  );
}
