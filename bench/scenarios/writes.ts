import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { type BenchSettings, measureLoad, type Progress } from "../lib/context";
import { Generator } from "../lib/generator";
import { type Spread, spread } from "../lib/summary";
import { Target } from "../lib/targets";

export type WritesRun = {
  run: number;
  ackedPerSecond: number;
  ackP50Ms: number;
  ackP99Ms: number;
  rejected: number;
  serverCores: number;
  disturbed: boolean;
};

export type InsertLoopRun = { run: number; perTransaction: number; batched: number };

export type WritesResult = {
  senders: number;
  seconds: number;
  runs: WritesRun[];
  insertLoop: InsertLoopRun[];
  summary: {
    ackedPerSecond: Spread;
    ackP50Ms: Spread;
    ackP99Ms: Spread;
    /** A plain insert loop, one durable transaction per row: the fsync-bound floor. */
    insertPerTransaction: Spread;
    /** The same loop committing 100 rows per transaction: what the disk allows with batching. */
    insertBatched: Spread;
  };
};

const SENDERS = 100;

/**
 * The physical reference: better-sqlite3 on the same disk, WAL and
 * synchronous=FULL like Scrollback, inserting rows shaped like messages —
 * once committing each row on its own, once 100 rows per commit.
 */
export function insertLoop(seconds: number): { perTransaction: number; batched: number } {
  const dir = mkdtempSync(join(tmpdir(), "scrollback-bench-insert-"));
  try {
    const db = new Database(join(dir, "loop.db"));
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec(
      "CREATE TABLE messages (room TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (room, seq)) WITHOUT ROWID",
    );
    const insert = db.prepare(
      "INSERT INTO messages (room, seq, id, text, created_at) VALUES (?, ?, ?, ?, ?)",
    );
    let seq = 0;
    const row = () => {
      seq++;
      insert.run(
        "bench",
        seq,
        `id-${seq}`,
        `insert loop message ${seq} ${"x".repeat(60)}`,
        Date.now(),
      );
    };
    const timeLoop = (body: () => number): number => {
      const deadline = performance.now() + seconds * 1000;
      let rows = 0;
      const startedAt = performance.now();
      while (performance.now() < deadline) rows += body();
      return rows / ((performance.now() - startedAt) / 1000);
    };
    const one = db.transaction(row);
    const hundred = db.transaction(() => {
      for (let i = 0; i < 100; i++) row();
    });
    const perTransaction = timeLoop(() => {
      one();
      return 1;
    });
    const batched = timeLoop(() => {
      hundred();
      return 100;
    });
    db.close();
    return { perTransaction, batched };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function writesScenario(
  settings: BenchSettings,
  progress: Progress,
): Promise<WritesResult> {
  const seconds = settings.quick ? 2 : 10;
  const runs: WritesRun[] = [];
  const loops: InsertLoopRun[] = [];
  for (let run = 1; run <= settings.repeats; run++) {
    progress(
      `sustained writes · run ${run}/${settings.repeats} · ${SENDERS} senders, each waiting for its ack`,
    );
    const target = await Target.start("scrollback", { scrollbackEntry: settings.scrollbackEntry });
    const generator = Generator.start(settings.generatorProcesses);
    try {
      const connected = await generator.connect("scrollback", target.url, SENDERS, {
        roomPerClient: true,
      });
      if (connected.failed > 0)
        throw new Error(`senders could not connect: ${connected.firstError}`);
      await generator.closedLoop({
        tag: "warm",
        senders: SENDERS,
        durationMs: settings.quick ? 1_000 : 2_000,
        settleMs: 500,
        fillerBytes: 60,
      });
      const load = await measureLoad(
        settings,
        target,
        generator,
        (attempt) =>
          generator.closedLoop({
            tag: `w${run}a${attempt}`,
            senders: SENDERS,
            durationMs: seconds * 1000,
            settleMs: 1_000,
            fillerBytes: 60,
          }),
        progress,
      );
      const result: WritesRun = {
        run,
        ackedPerSecond: load.acked / seconds,
        ackP50Ms: load.ackLatency.quantile(0.5),
        ackP99Ms: load.ackLatency.quantile(0.99),
        rejected: Object.values(load.rejected).reduce((s, n) => s + n, 0),
        serverCores: load.serverCores,
        disturbed: load.disturbed,
      };
      runs.push(result);
      progress(
        `  ${Math.round(result.ackedPerSecond).toLocaleString("en-US")} acknowledged messages/s, ack p50 ${result.ackP50Ms.toFixed(
          1,
        )} ms, p99 ${result.ackP99Ms.toFixed(1)} ms, ${result.rejected} refused`,
      );
    } finally {
      await generator.stop();
      await target.stop();
    }
    const loop = insertLoop(settings.quick ? 1 : 3);
    loops.push({ run, ...loop });
    progress(
      `  plain better-sqlite3 loop: ${Math.round(loop.perTransaction).toLocaleString("en-US")} rows/s one per commit, ${Math.round(
        loop.batched,
      ).toLocaleString("en-US")} rows/s 100 per commit`,
    );
  }
  return {
    senders: SENDERS,
    seconds,
    runs,
    insertLoop: loops,
    summary: {
      ackedPerSecond: spread(runs.map((r) => r.ackedPerSecond)),
      ackP50Ms: spread(runs.map((r) => r.ackP50Ms)),
      ackP99Ms: spread(runs.map((r) => r.ackP99Ms)),
      insertPerTransaction: spread(loops.map((l) => l.perTransaction)),
      insertBatched: spread(loops.map((l) => l.batched)),
    },
  };
}
