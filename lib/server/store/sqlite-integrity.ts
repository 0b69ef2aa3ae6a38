import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

export type IntegrityReport =
  | { ok: true }
  /** SQLite's own description of each problem found (the first few). */
  | { ok: false; problems: string[] };

export type IntegrityCheck = {
  result: Promise<IntegrityReport>;
  /** Stops the check (the store is closing); `result` then never settles. */
  cancel(): void;
};

/** Problems reported before the check stops: enough to say what is wrong. */
const MAX_PROBLEMS = 5;

/*
 * Plain JavaScript evaluated in the worker, so that it runs the same from the
 * TypeScript sources (tests) and from the bundled server, without a second
 * entry point to build. better-sqlite3 is loaded from the path the main
 * thread resolved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
let report;
try {
  const db = new Database(workerData.path, { fileMustExist: true });
  try {
    db.pragma("query_only = ON");
    const rows = db.pragma("quick_check(" + workerData.maxProblems + ")", { simple: false });
    const lines = rows.flatMap((row) => String(Object.values(row)[0]).split("\\n"));
    // "*** in database main ***" heads the list; the lines after it say what is wrong.
    const problems = lines.filter((line) => line !== "" && !line.startsWith("***"));
    report = problems.length === 1 && problems[0] === "ok" ? { ok: true } : { ok: false, problems };
  } finally {
    db.close();
  }
} catch (error) {
  report = { ok: false, problems: [String(error && error.code ? error.code + ": " + error.message : error)] };
}
parentPort.postMessage(report);
`;

/**
 * Runs SQLite's `PRAGMA quick_check` on the file at `path` through a
 * connection of its own in a worker thread. quick_check reads every page and
 * verifies the b-tree structure of every table and index (it skips only the
 * cross-check of index contents against tables that integrity_check adds), so
 * it finds pages overwritten in the middle of the file, which opening the
 * database and reading its schema do not. It takes time in proportion to the
 * file's size — a second or so per few hundred megabytes when cached — which
 * is why it runs off the event loop, and why the caller waits for it only so
 * long before serving (see SqliteStore.open).
 */
export function quickCheck(path: string): IntegrityCheck {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, path, maxProblems: MAX_PROBLEMS },
  });
  // A check in progress must not keep a stopping process alive.
  worker.unref();
  const result = new Promise<IntegrityReport>((resolve, reject) => {
    worker.once("message", (report: IntegrityReport) => resolve(report));
    worker.once("error", reject);
  });
  return {
    result,
    cancel: () => {
      void worker.terminate();
    },
  };
}

/**
 * Starts the check and waits for it up to `waitMs`: its report if it
 * finished by then, else the check itself, still running.
 */
export async function quickCheckWithin(
  path: string,
  waitMs: number,
): Promise<{ report: IntegrityReport } | { stillRunning: IntegrityCheck }> {
  const check = quickCheck(path);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timed out">((resolve) => {
    timer = setTimeout(() => resolve("timed out"), waitMs);
  });
  try {
    const first = await Promise.race([check.result, timedOut]);
    return first === "timed out" ? { stillRunning: check } : { report: first };
  } catch (error) {
    return { report: { ok: false, problems: [String(error)] } };
  } finally {
    clearTimeout(timer);
  }
}
