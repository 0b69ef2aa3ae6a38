import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { UNATTACHED_UPLOAD_TTL_MS } from "../../shared/limits";
import { IMAGE_VARIANTS } from "../../shared/protocol/attachments";
import type { Logger } from "../logger";
import type { UploadStore } from "../store/types";
import { DiskStorage } from "./disk-storage";
import type { FileStorage } from "./file-storage";
import { variantKey } from "./file-storage";
import { PROCESSING_DIR } from "./upload-route";

/** Work per pass, so that a backlog is worked off over several passes instead of stalling one. */
const BATCH = 100;
const MAX_BATCHES_PER_PASS = 20;
export const SWEEP_INTERVAL_MS = 5 * 60_000;
/** A delete's files go this soon after it (several deletes in a row share one pass). */
const SOON_MS = 2_000;

export type FileSweeperDeps = {
  storage: FileStorage;
  uploads: Pick<UploadStore, "releasable" | "forget" | "contentKeys">;
  partialDirectory: string;
  logger: Logger;
  /** Unattached uploads and stale partials older than this go; tests shorten it. */
  ttlMs?: number;
  /** Told of each partial removed, to release the quota it held. */
  onPartialRemoved?(id: string): void;
  now?: () => number;
};

export type SweepReport = {
  forgotten: number;
  keysRemoved: number;
  partialsRemoved: number;
  straysRemoved: number;
};

export type FileSweeper = {
  /** One pass: records, then partials, then bytes no record names. */
  sweep(): Promise<SweepReport>;
  /** A pass soon (debounced): a delete released files. */
  sweepSoon(): void;
  /** Sweeps now (a restart's cleanup) and every SWEEP_INTERVAL_MS. */
  start(): Promise<SweepReport>;
  stop(): Promise<void>;
};

/**
 * Removes what nobody can reach any more: uploads never attached within the
 * TTL or released by a delete (records first, via `forget`, which answers
 * the content keys no record refers to; then those bytes and their
 * variants), tus partials abandoned for the TTL — a killed server's too,
 * with the scratch files of an interrupted finish — and stored bytes that no
 * record names and that are older than the TTL (a crash between storing
 * them and writing their record). Each kind is bounded per pass.
 */
export function createFileSweeper(deps: FileSweeperDeps): FileSweeper {
  const ttl = deps.ttlMs ?? UNATTACHED_UPLOAD_TTL_MS;
  const now = deps.now ?? Date.now;
  let timer: NodeJS.Timeout | null = null;
  let soon: NodeJS.Timeout | null = null;
  let running: Promise<SweepReport> | null = null;
  let again = false;
  let stopped = false;

  async function removeKey(key: string): Promise<void> {
    await deps.storage.remove(key);
    for (const variant of IMAGE_VARIANTS) await deps.storage.remove(variantKey(key, variant));
  }

  /** Whether a record names this key: asked from just below it (its prefix), past the at most 15 keys sharing that prefix. */
  async function isRecorded(contentKey: string): Promise<boolean> {
    return (await deps.uploads.contentKeys(prev(contentKey), 16)).includes(contentKey);
  }

  async function sweepRecords(report: SweepReport): Promise<void> {
    const before = new Date(now() - ttl);
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS; batch++) {
      const releasable = await deps.uploads.releasable(before, BATCH);
      if (releasable.length === 0) return;
      const keys = await deps.uploads.forget(releasable.map((upload) => upload.id));
      report.forgotten += releasable.length;
      for (const key of keys) {
        // The same content may have been uploaded again since `forget` answered
        // (content-addressed: one key for both); its new record keeps the bytes.
        if (await isRecorded(key)) continue;
        await removeKey(key);
        report.keysRemoved++;
      }
      if (releasable.length < BATCH) return;
    }
  }

  async function sweepPartials(report: SweepReport): Promise<void> {
    const dir = deps.partialDirectory;
    const names = await readdir(dir).catch(() => [] as string[]);
    const cutoff = now() - ttl;
    let looked = 0;
    const seen = new Set<string>();
    for (const name of names) {
      if (++looked > BATCH * MAX_BATCHES_PER_PASS) return;
      const path = join(dir, name);
      if (name === PROCESSING_DIR) {
        for (const work of await readdir(path).catch(() => [] as string[])) {
          const info = await stat(join(path, work)).catch(() => null);
          // A finish takes seconds; a scratch directory this old was left by a crash.
          if (info && info.mtimeMs < cutoff)
            await rm(join(path, work), { recursive: true, force: true });
        }
        continue;
      }
      const id = name.replace(/\.json$/, "");
      if (seen.has(id)) continue;
      seen.add(id);
      const info = await stat(join(dir, id)).catch(() => null);
      const meta = await stat(join(dir, `${id}.json`)).catch(() => null);
      // Untouched for the TTL (a half pair too: a crash between tus's two writes): nobody will resume it.
      if (Math.max(info?.mtimeMs ?? 0, meta?.mtimeMs ?? 0) >= cutoff) continue;
      await rm(join(dir, id), { force: true });
      await rm(join(dir, `${id}.json`), { force: true });
      deps.onPartialRemoved?.(id);
      report.partialsRemoved++;
    }
  }

  async function sweepStrays(report: SweepReport): Promise<void> {
    const cutoff = now() - ttl;
    if (deps.storage instanceof DiskStorage)
      await deps.storage.removeStaleTemporaries(new Date(cutoff), BATCH);
    let after = "";
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS; batch++) {
      const stored = await deps.storage.list(after, BATCH);
      if (stored.length === 0) return;
      const contentKeys = stored.map((entry) => entry.key.split(".", 1)[0] ?? entry.key);
      const first = contentKeys[0] ?? "";
      // Every key some record names in this stretch of the key space (variants share their content's key).
      const known = new Set(await deps.uploads.contentKeys(prev(first), BATCH * 4));
      for (const [i, entry] of stored.entries()) {
        const contentKey = contentKeys[i] ?? entry.key;
        if (known.has(contentKey) || entry.modifiedAt.getTime() >= cutoff) continue;
        // The stretch of names we asked about may end before this key: ask exactly.
        if (await isRecorded(contentKey)) continue;
        await deps.storage.remove(entry.key);
        report.straysRemoved++;
      }
      after = stored.at(-1)?.key ?? "";
      if (stored.length < BATCH) return;
    }
  }

  async function sweepOnce(): Promise<SweepReport> {
    const report: SweepReport = {
      forgotten: 0,
      keysRemoved: 0,
      partialsRemoved: 0,
      straysRemoved: 0,
    };
    await sweepRecords(report);
    await sweepPartials(report);
    await sweepStrays(report);
    return report;
  }

  function sweep(): Promise<SweepReport> {
    if (running) {
      again = true;
      return running;
    }
    running = sweepOnce()
      .catch((error: unknown) => {
        deps.logger.warn({ err: error }, "sweeping files failed; the next pass tries again");
        return { forgotten: 0, keysRemoved: 0, partialsRemoved: 0, straysRemoved: 0 };
      })
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          void sweep();
        }
      });
    return running;
  }

  return {
    sweep,
    sweepSoon() {
      if (soon || stopped) return;
      soon = setTimeout(() => {
        soon = null;
        void sweep();
      }, SOON_MS);
      soon.unref();
    },
    async start() {
      const report = await sweep();
      if (!stopped) {
        timer = setInterval(() => void sweep(), SWEEP_INTERVAL_MS);
        timer.unref();
      }
      return report;
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (soon) clearTimeout(soon);
      await running;
    },
  };
}

/** The greatest string below `key`, for an `after` that includes `key` itself. */
function prev(key: string): string {
  return key.length === 0 ? "" : key.slice(0, -1);
}
