import type { OutboxEntry, OutboxFile } from "./outbox";
import type { PendingFile } from "./upload-state";

/** What a reloaded entry whose files had not finished uploading says. */
export const FILES_LOST_TEXT = "The files were not uploaded before the page closed.";

/**
 * Whether a message's files let it be sent now:
 * - `ready`: every file is uploaded; `files` records the attachments (to store before sending);
 * - `wait`: uploads are still running, in this page or in the open page that holds them;
 * - `failed`: an upload failed or was cancelled here (Retry uploads it again), or
 *   the page holding the bytes is gone (`lost`: only Edit or Discard can help,
 *   unless this page can take the files over from the vault: `orphaned`).
 * Pure: the sender asks it with what the page's uploads say and whether the
 * owning page is still open.
 */
export type FilesVerdict =
  | { kind: "ready"; files: OutboxFile[]; changed: boolean }
  | { kind: "wait" }
  | { kind: "failed"; reason: string; lost: boolean; orphaned?: boolean };

export function filesVerdict(
  entry: Pick<OutboxEntry, "files" | "page">,
  here: { page: string; get(localId: string): PendingFile | undefined },
  ownerOpen: boolean,
): FilesVerdict {
  const files = entry.files ?? [];
  if (files.every((f) => f.attachment)) return { kind: "ready", files, changed: false };
  const mine = entry.page === here.page;
  let waiting = false;
  const next: OutboxFile[] = [];
  for (const file of files) {
    if (file.attachment) {
      next.push(file);
      continue;
    }
    if (!mine) {
      // Another page's bytes: only it can finish them, and it records them in the outbox when done.
      if (ownerOpen) return { kind: "wait" };
      // `orphaned`: a page that kept the bytes (file-vault.ts) may take the files over.
      return { kind: "failed", reason: FILES_LOST_TEXT, lost: true, orphaned: true };
    }
    const upload = here.get(file.localId);
    if (!upload) return { kind: "failed", reason: FILES_LOST_TEXT, lost: true };
    if (upload.status === "done" && upload.attachment) {
      next.push({ ...file, attachment: upload.attachment });
      continue;
    }
    if (upload.status === "failed")
      return {
        kind: "failed",
        reason: `${file.name} was not uploaded: ${upload.reason ?? "the upload failed."}`,
        lost: false,
      };
    if (upload.status === "cancelled")
      return { kind: "failed", reason: `The upload of ${file.name} was cancelled.`, lost: true };
    waiting = true;
    next.push(file);
  }
  return waiting ? { kind: "wait" } : { kind: "ready", files: next, changed: true };
}
