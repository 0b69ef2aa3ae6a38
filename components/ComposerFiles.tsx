"use client";

import { humanSize, type PendingFile, percentOf } from "@/lib/client/upload-state";

/** What the composer does with files; the page's uploads (uploads.ts) do the work. */
export type ComposerFileActions = {
  onCancel: (localId: string) => void;
  onRetry: (localId: string) => void;
  onRemove: (localId: string) => void;
};

/**
 * The files about to be sent, one chip each: its name, a progress bar while
 * it uploads (named by the file, so a screen reader says whose progress it
 * is), Cancel while it does, Retry with the reason once it failed, Remove
 * once it settled.
 */
export function ComposerFiles({
  files,
  onCancel,
  onRetry,
  onRemove,
}: { files: readonly PendingFile[] } & ComposerFileActions) {
  if (files.length === 0) return null;
  const buttonClass =
    "shrink-0 rounded px-1.5 font-medium text-indigo-700 text-xs hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-indigo-300";
  return (
    <ul aria-label="Files to send" className="flex flex-wrap gap-2">
      {files.map((file) => {
        const percent = percentOf(file);
        const busy = file.status === "queued" || file.status === "uploading";
        return (
          <li
            key={file.localId}
            data-status={file.status}
            className={`flex w-64 max-w-full flex-col gap-1 rounded-md border px-2 py-1 text-sm ${file.status === "failed" ? "border-red-400 bg-red-50 dark:border-red-800 dark:bg-red-950/40" : "border-zinc-300 dark:border-zinc-700"}`}
          >
            <div className="flex items-baseline gap-2">
              <span className="min-w-0 flex-1 truncate font-medium" title={file.name}>
                {file.name}
              </span>
              <span className="shrink-0 text-xs text-zinc-600 dark:text-zinc-400">
                {humanSize(file.size)}
              </span>
            </div>
            {busy && (
              <div className="flex items-center gap-2">
                <div
                  role="progressbar"
                  aria-label={file.name}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={percent}
                  aria-valuetext={`${percent}% uploaded`}
                  className="h-1.5 min-w-0 flex-1 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-700"
                >
                  <progress
                    aria-hidden="true"
                    tabIndex={-1}
                    max={100}
                    value={percent}
                    className="block h-full w-full appearance-none [&::-webkit-progress-bar]:bg-transparent [&::-webkit-progress-value]:bg-indigo-600"
                  />
                </div>
                <span className="w-9 shrink-0 text-right text-xs text-zinc-600 dark:text-zinc-400">
                  {percent}%
                </span>
                <button
                  type="button"
                  aria-label={`Cancel ${file.name}`}
                  onClick={() => onCancel(file.localId)}
                  className={buttonClass}
                >
                  Cancel
                </button>
              </div>
            )}
            {!busy && (
              <div className="flex items-center gap-2 text-xs">
                <span
                  className={`min-w-0 flex-1 ${file.status === "failed" ? "text-red-700 dark:text-red-300" : "text-zinc-600 dark:text-zinc-400"}`}
                >
                  {file.status === "done"
                    ? "Uploaded"
                    : file.status === "cancelled"
                      ? "Cancelled"
                      : `Not uploaded: ${file.reason ?? "the upload failed."}`}
                </span>
                {file.status === "failed" && (
                  <button
                    type="button"
                    aria-label={`Retry ${file.name}`}
                    onClick={() => onRetry(file.localId)}
                    className={buttonClass}
                  >
                    Retry
                  </button>
                )}
                <button
                  type="button"
                  aria-label={`Remove ${file.name}`}
                  onClick={() => onRemove(file.localId)}
                  className={buttonClass}
                >
                  Remove
                </button>
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
