import { randomBytes } from "node:crypto";
import { copyFile, mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { type ByteRange, checkKey, type FileStorage, type StoredKey } from "./file-storage";

/** Temporary files of a put in progress start with this, so that a listing never mistakes them for keys. */
export const TEMP_PREFIX = ".tmp-";

/**
 * Files on a local (or mounted) disk under `directory`, sharded two levels
 * deep by the key's first four hex digits so that no directory grows to
 * millions of entries. A put copies into a temporary file in the key's own
 * directory, fsyncs it, renames it over the key and fsyncs the directory: a
 * crash leaves either the old state or the whole new file, never a torn one.
 */
export class DiskStorage implements FileStorage {
  constructor(readonly directory: string) {}

  private pathOf(key: string): string {
    checkKey(key);
    return join(this.directory, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(key: string, localPath: string): Promise<void> {
    const target = this.pathOf(key);
    const dir = dirname(target);
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `${TEMP_PREFIX}${randomBytes(8).toString("hex")}`);
    try {
      await copyFile(localPath, temp);
      const handle = await open(temp, "r+");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await syncDirectory(dir);
  }

  async read(key: string, range?: ByteRange): Promise<Readable | null> {
    const path = this.pathOf(key);
    // Opened before answering, so that a missing file is a null here, not an error mid-response.
    const handle = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return null;
      throw error;
    });
    if (!handle) return null;
    // The stream owns the handle and closes it once: closing its descriptor a
    // second time could close whatever the number was given to next (a socket).
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async list(after: string, limit: number): Promise<StoredKey[]> {
    const found: StoredKey[] = [];
    for (const first of await sortedEntries(this.directory)) {
      if (first < after.slice(0, 2)) continue;
      for (const second of await sortedEntries(join(this.directory, first))) {
        if (`${first}${second}` < after.slice(0, 4)) continue;
        const dir = join(this.directory, first, second);
        for (const name of await sortedEntries(dir)) {
          if (name <= after || !/^[0-9a-f]/.test(name)) continue;
          const info = await stat(join(dir, name)).catch(() => null);
          if (info) found.push({ key: name, modifiedAt: info.mtime });
          if (found.length >= limit) return found;
        }
      }
    }
    return found;
  }

  /** Temporary files older than `before`, left by a put that a crash interrupted; removes them and answers how many. */
  async removeStaleTemporaries(before: Date, limit: number): Promise<number> {
    let removed = 0;
    for (const first of await sortedEntries(this.directory))
      for (const second of await sortedEntries(join(this.directory, first))) {
        const dir = join(this.directory, first, second);
        for (const name of await sortedEntries(dir)) {
          if (!name.startsWith(TEMP_PREFIX)) continue;
          const info = await stat(join(dir, name)).catch(() => null);
          if (!info || info.mtime >= before) continue;
          await rm(join(dir, name), { force: true });
          if (++removed >= limit) return removed;
        }
      }
    return removed;
  }

  async close(): Promise<void> {}
}

async function sortedEntries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** A rename is durable only once its directory is: fsync it too (a no-op where the platform refuses). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync().catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EINVAL" && error.code !== "EPERM") throw error;
    });
  } finally {
    await handle.close();
  }
}
