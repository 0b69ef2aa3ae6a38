import { type DetailedError, Upload } from "tus-js-client";
import { UPLOADS_PATH } from "../shared/protocol";
import { browserFileVault, type FileVault } from "./file-vault";
import { isPageOpen, thisPage } from "./page-lock";
import type { RoomUploads } from "./room-client";
import { failureReason, finishedAttachment, worthRetrying } from "./upload-answers";
import { type PendingFile, reduceUpload, type UploadEvent } from "./upload-state";

/**
 * Pauses between attempts after the link drops: tus asks the server for the
 * offset it holds and sends only the rest, so a retry costs what was lost.
 * Together they outlast a phone's usual reconnect; after them the file
 * shows Retry.
 */
const RETRY_DELAYS_MS = [0, 500, 1_000, 2_000, 3_000, 5_000, 5_000, 10_000, 10_000, 20_000, 30_000];

type Job = { file: Blob; upload: Upload | null; resume: boolean };

/**
 * The page's uploads over tus (resumable; see RETRY_DELAYS_MS): one job per
 * file picked, shared by the composer, which shows them as chips, and the
 * outbox, which waits for them before it sends a message naming them. The
 * state is `reduceUpload`'s; this class only turns tus callbacks into events.
 */
export class Uploads {
  private files: PendingFile[] = [];
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Set<() => void>();
  private counter = 0;

  constructor(
    private readonly endpoint: string,
    private readonly vault: FileVault | null = null,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): readonly PendingFile[] => this.files;

  get(localId: string): PendingFile | undefined {
    return this.files.find((f) => f.localId === localId);
  }

  /** Starts uploading the file; its key in this page. */
  add(file: File, localId = this.newId(), resume = false): string {
    this.jobs.set(localId, { file, upload: null, resume });
    this.emit({
      type: "added",
      localId,
      name: file.name || "pasted file",
      size: file.size,
      fileType: file.type,
    });
    this.start(localId);
    return localId;
  }

  private newId(): string {
    this.counter += 1;
    // Unique across pages too: a reloaded page takes over files by these keys (adopt).
    return `f${Date.now().toString(36)}${this.counter}${Math.random().toString(36).slice(2, 8)}`;
  }

  /** Keeps the file's bytes across a reload: a message now names it. */
  persist(localId: string): void {
    const job = this.jobs.get(localId);
    if (job?.file instanceof File) void this.vault?.put(localId, job.file).catch(() => {});
  }

  /**
   * Takes over files a closed page was uploading, from the vault: true when
   * every one is now uploading here (or already was).
   */
  async adopt(localIds: readonly string[]): Promise<boolean> {
    if (!this.vault) return false;
    for (const localId of localIds) {
      if (this.jobs.has(localId)) continue;
      const file = await this.vault.get(localId).catch(() => undefined);
      if (!file) return false;
      // The closed page's upload is resumed where the server has it, by the file's fingerprint.
      if (!this.jobs.has(localId)) this.add(file, localId, true);
    }
    return true;
  }

  /** Stops the upload and asks the server to drop what it holds of it. */
  cancel(localId: string): void {
    const job = this.jobs.get(localId);
    this.emit({ type: "cancelled", localId });
    void job?.upload?.abort(true).catch(() => {
      // The server forgets unattached uploads by itself after a while.
    });
  }

  retry(localId: string): void {
    if (this.get(localId)?.status !== "failed") return;
    this.emit({ type: "retried", localId });
    this.start(localId);
  }

  /** Forgets the file; one still uploading is cancelled first. */
  remove(localId: string): void {
    const file = this.get(localId);
    if (file && (file.status === "queued" || file.status === "uploading")) this.cancel(localId);
    this.jobs.delete(localId);
    void this.vault?.remove(localId).catch(() => {});
    this.emit({ type: "removed", localId });
  }

  private start(localId: string): void {
    const job = this.jobs.get(localId);
    const file = this.get(localId);
    if (!job || !file) return;
    // A retry reuses the upload, whose URL tus already knows: it asks the offset and sends the rest.
    job.upload ??= new Upload(job.file, {
      endpoint: this.endpoint,
      metadata: { filename: file.name, filetype: file.type || "application/octet-stream" },
      retryDelays: RETRY_DELAYS_MS,
      // The fingerprint lets a retry in a new Upload find the URL; gone once done, so nothing lingers.
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onShouldRetry: (error) => worthRetrying(error.originalResponse?.getStatus() ?? 0),
      onProgress: (sent) => this.emit({ type: "progress", localId, sent }),
      onSuccess: ({ lastResponse }) => {
        const attachment = finishedAttachment(lastResponse.getBody());
        if (attachment) this.emit({ type: "finished", localId, attachment });
        else
          this.emit({
            type: "failed",
            localId,
            reason: "The server did not say which file it stored.",
          });
      },
      onError: (error) => {
        const response = (error as DetailedError).originalResponse ?? null;
        this.emit({
          type: "failed",
          localId,
          reason: failureReason({
            status: response?.getStatus() ?? 0,
            header: response?.getHeader("Upload-Error"),
            body: response?.getBody(),
          }),
        });
      },
    });
    this.emit({ type: "started", localId });
    const upload = job.upload;
    if (!job.resume) {
      upload.start();
      return;
    }
    job.resume = false;
    void upload
      .findPreviousUploads()
      .then((previous) => {
        const latest = previous.sort((a, b) => (a.creationTime < b.creationTime ? 1 : -1))[0];
        if (latest) upload.resumeFromPreviousUpload(latest);
      })
      .catch(() => {
        // Nothing to resume from: the upload starts afresh.
      })
      .finally(() => upload.start());
  }

  private emit(event: UploadEvent): void {
    const next = reduceUpload(this.files, event);
    this.files = next;
    for (const listener of this.listeners) listener();
  }
}

let pageUploads: Uploads | null = null;

/** The page's one set of uploads, against this origin (cookies go with same-origin requests). */
export function browserUploads(): Uploads {
  pageUploads ??= new Uploads(
    new URL(UPLOADS_PATH, window.location.origin).href,
    browserFileVault(),
  );
  return pageUploads;
}

/** The page's uploads as a room needs them (room-client.ts). */
export function browserRoomUploads(): RoomUploads {
  const uploads = browserUploads();
  return {
    page: thisPage(),
    isPageOpen,
    get: (localId) => uploads.get(localId),
    subscribe: uploads.subscribe,
    getSnapshot: uploads.getSnapshot,
    retry: (localId) => uploads.retry(localId),
    remove: (localId) => uploads.remove(localId),
    persist: (localId) => uploads.persist(localId),
    adopt: (localIds) => uploads.adopt(localIds),
  };
}
