import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * How a test gets a disk it can fill: a small tmpfs it mounts (as root, where
 * the machine allows), else a file-size limit (RLIMIT_FSIZE) set on the server
 * process, which makes every file it would grow past the limit fail the same
 * way a full disk does. SCROLLBACK_TEST_SMALL_DISK=file-size-limit forces the
 * second, to try it where mounting works.
 */
export type SmallDiskMethod = "tmpfs" | "file-size limit";

const TMPFS_BYTES = 16 * 1024 * 1024;

function canMountTmpfs(): boolean {
  if (process.env.SCROLLBACK_TEST_SMALL_DISK === "file-size-limit") return false;
  const probe = mkdtempSync(join(tmpdir(), "scrollback-mount-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], { stdio: "ignore" });
    execFileSync("umount", [probe], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** Decided once per test file, so that a test's title can say which it uses. */
export function smallDiskMethod(): SmallDiskMethod {
  return canMountTmpfs() ? "tmpfs" : "file-size limit";
}

export type SmallDisk = {
  readonly method: SmallDiskMethod;
  /** Where the server's DATA_DIR goes. */
  readonly dir: string;
  /** Node arguments the server process needs before its entry script. */
  readonly nodeArgs: string[];
  /** Leaves no room to grow: on tmpfs a file takes the rest; with a limit, the limit drops to what exists. */
  fill(pid: number | undefined): void;
  /** Gives the room back. */
  free(pid: number | undefined): void;
  dispose(): void;
};

export function createSmallDisk(method: SmallDiskMethod): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), "scrollback-small-disk-"));
  if (method === "tmpfs") {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${TMPFS_BYTES}`, "tmpfs", dir]);
    const filler = join(dir, "filler");
    return {
      method,
      dir,
      nodeArgs: [],
      fill() {
        const fd = openSync(filler, "a");
        try {
          // Big writes first, then small ones for the last pages.
          for (const size of [1024 * 1024, 4096, 512]) {
            const chunk = Buffer.alloc(size, 1);
            try {
              for (let i = 0; i < (TMPFS_BYTES / size) * 2; i++) writeSync(fd, chunk);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
            }
          }
        } finally {
          closeSync(fd);
        }
      },
      free() {
        rmSync(filler, { force: true });
      },
      dispose() {
        execFileSync("umount", [dir]);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const limit = (pid: number | undefined, bytes: string) => {
    if (pid === undefined) throw new Error("a file-size limit needs the server's pid");
    execFileSync("prlimit", [`--pid=${pid}`, `--fsize=${bytes}:unlimited`]);
  };
  return {
    method,
    dir,
    // The kernel signals a process that writes past the limit; the default
    // action would kill it, where a full disk only fails the write.
    nodeArgs: ["--import", fileURLToPath(new URL("ignore-file-size-signal.mjs", import.meta.url))],
    fill(pid) {
      let largest = 0;
      for (const name of ["scrollback.db", "scrollback.db-wal", "scrollback.db-shm"]) {
        try {
          largest = Math.max(largest, statSync(join(dir, name)).size);
        } catch {
          // not created yet
        }
      }
      limit(pid, String(largest));
    },
    free(pid) {
      limit(pid, "unlimited");
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
