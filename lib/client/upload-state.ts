import type { Attachment } from "../shared/protocol";

/**
 * Where one file the person picked stands. A pure record, moved on only by
 * `reduceUpload`, so the composer's chips, the outbox and the tests all read
 * the same states; the I/O that produces the events lives in uploads.ts.
 */
export type UploadStatus = "queued" | "uploading" | "done" | "failed" | "cancelled";

export type PendingFile = {
  /** This page's key for the file (never sent to the server). */
  localId: string;
  name: string;
  size: number;
  /** What the browser said the type is: a hint for the chip, never trusted by the server. */
  type: string;
  status: UploadStatus;
  /** Bytes the server has acknowledged or been sent so far. */
  sent: number;
  /** Once done: what to name in `message:send`. */
  attachment?: Attachment;
  /** Once failed: why, in words for the person. */
  reason?: string;
};

export type UploadEvent =
  | { type: "added"; localId: string; name: string; size: number; fileType: string }
  | { type: "started"; localId: string }
  | { type: "progress"; localId: string; sent: number }
  | { type: "finished"; localId: string; attachment: Attachment }
  | { type: "failed"; localId: string; reason: string }
  | { type: "cancelled"; localId: string }
  | { type: "retried"; localId: string }
  | { type: "removed"; localId: string };

/** States an upload does not leave by itself: only Retry or Remove move them on. */
const SETTLED: ReadonlySet<UploadStatus> = new Set(["done", "failed", "cancelled"]);

export function isSettled(file: Pick<PendingFile, "status">): boolean {
  return SETTLED.has(file.status);
}

/**
 * The next list of files. Events about a file that is gone, or that arrive
 * after the file settled (a late progress report after a cancel, a second
 * success), change nothing: tus callbacks can race the person's clicks.
 */
export function reduceUpload(files: readonly PendingFile[], event: UploadEvent): PendingFile[] {
  if (event.type === "added") {
    if (files.some((f) => f.localId === event.localId)) return [...files];
    return [
      ...files,
      {
        localId: event.localId,
        name: event.name,
        size: event.size,
        type: event.fileType,
        status: "queued",
        sent: 0,
      },
    ];
  }
  if (event.type === "removed") return files.filter((f) => f.localId !== event.localId);
  return files.map((file) => (file.localId === event.localId ? step(file, event) : file));
}

function step(file: PendingFile, event: Exclude<UploadEvent, { type: "added" | "removed" }>) {
  switch (event.type) {
    case "started":
      return file.status === "queued" ? { ...file, status: "uploading" as const } : file;
    case "progress":
      if (isSettled(file)) return file;
      // Never backwards: a resumed upload reports from the server's offset, which may trail what was sent.
      return {
        ...file,
        status: "uploading" as const,
        sent: Math.min(file.size, Math.max(file.sent, event.sent)),
      };
    case "finished":
      if (isSettled(file)) return file;
      return {
        ...file,
        status: "done" as const,
        sent: file.size,
        attachment: event.attachment,
      };
    case "failed":
      if (isSettled(file)) return file;
      return { ...file, status: "failed" as const, reason: event.reason };
    case "cancelled":
      if (file.status === "done") return file;
      return { ...file, status: "cancelled" as const };
    case "retried": {
      if (file.status !== "failed") return file;
      const { reason: _reason, ...rest } = file;
      return { ...rest, status: "queued" as const };
    }
  }
}

/** Whole percent for the progress bar; an empty file is done as soon as it is. */
export function percentOf(file: Pick<PendingFile, "sent" | "size" | "status">): number {
  if (file.status === "done") return 100;
  if (file.size <= 0) return 0;
  return Math.min(100, Math.floor((file.sent / file.size) * 100));
}

/**
 * Which of the files just picked, dropped or pasted may be uploaded: at most
 * `maxFiles` with those already in the composer, none over `maxBytes`, none
 * empty. The server refuses the same; refusing here saves the person a wait.
 */
export function chooseFiles(
  files: readonly Pick<File, "name" | "size">[],
  already: number,
  limits: { maxFiles: number; maxBytes: number },
): { accepted: number[]; refused: { name: string; reason: string }[] } {
  const accepted: number[] = [];
  const refused: { name: string; reason: string }[] = [];
  files.forEach((file, index) => {
    if (file.size === 0) refused.push({ name: file.name, reason: "The file is empty." });
    else if (file.size > limits.maxBytes)
      refused.push({
        name: file.name,
        reason: `The file is larger than ${humanSize(limits.maxBytes)}.`,
      });
    else if (already + accepted.length >= limits.maxFiles)
      refused.push({
        name: file.name,
        reason: `A message can carry at most ${limits.maxFiles} files.`,
      });
    else accepted.push(index);
  });
  return { accepted, refused };
}

const UNITS = ["bytes", "KB", "MB", "GB"] as const;

/** 1536 → "1.5 KB": binary multiples with the units people read on their disks. */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? "1 byte" : `${bytes} bytes`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${shown} ${UNITS[unit]}`;
}
