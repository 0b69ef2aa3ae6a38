"use client";

import { useEffect, useRef } from "react";

/**
 * Asks before a message is deleted, in a modal dialog: the browser keeps
 * focus inside it and Escape cancels. Focus starts on Cancel, the choice
 * that loses nothing; the caller puts it back where the person was.
 */
export function DeleteDialog({
  onConfirm,
  onCancel,
}: {
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    element.showModal();
    cancel.current?.focus();
    return () => element.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      aria-labelledby="delete-title"
      aria-describedby="delete-description"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
      className="m-auto max-w-sm rounded-lg border border-zinc-300 bg-white p-5 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <h2 id="delete-title" className="font-semibold text-lg">
        Delete message?
      </h2>
      <p id="delete-description" className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">
        It is removed for everyone in the room, and cannot be brought back.
      </p>
      <div className="mt-5 flex justify-end gap-2">
        <button
          ref={cancel}
          type="button"
          onClick={onCancel}
          className="rounded-md border border-zinc-300 px-3 py-1.5 font-medium text-sm hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:border-zinc-600 dark:hover:bg-zinc-800"
        >
          Cancel
        </button>
        <button
          type="button"
          onClick={onConfirm}
          className="rounded-md bg-red-700 px-3 py-1.5 font-medium text-sm text-white hover:bg-red-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600"
        >
          Delete
        </button>
      </div>
    </dialog>
  );
}
