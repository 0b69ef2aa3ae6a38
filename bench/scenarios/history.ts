import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BenchSettings, type Progress, startOptionsFor } from "../lib/context";
import { Histogram } from "../lib/histogram";
import { seedWithPreviousBuild } from "../lib/previous-build";
import { startHoldingHistory } from "../lib/seed-history";
import { Target } from "../lib/targets";
import { BENCH_ROOM, speaksScrollback, type TargetKind, WireClient } from "../lib/wire";

export type HistoryPoint = {
  target: TargetKind;
  messages: number;
  samples: number;
  /** From opening the socket to holding the first page of history (Scrollback) or the whole list (naive). */
  connectToPageMs: { p50: number; p99: number; max: number };
  /** Scrollback only: `room:join` round trip on an open connection — the server's work for the newest page, plus loopback. */
  joinRoundTripMs: { p50: number; p99: number; max: number } | null;
  /** Bytes received on connect, up to and including the history. */
  bytesOnConnect: number;
};

export type HistoryResult = {
  points: HistoryPoint[];
  /** The commit of the previous build measured beside this one, if any (set by main.ts). */
  previousCommit?: string | null;
};

const quantiles = (h: Histogram) => ({ p50: h.quantile(0.5), p99: h.quantile(0.99), max: h.max });

/** Naive sends its whole list each time: fewer samples when that list is huge. */
function samplesFor(kind: TargetKind, messages: number, quick: boolean): number {
  if (kind === "naive") return messages >= 1_000_000 ? 3 : quick ? 5 : 30;
  return quick ? 30 : 300;
}

/** The previous build seeds its own schema with its own code; the others as seed-history does. */
async function startWithHistory(
  settings: BenchSettings,
  kind: TargetKind,
  messages: number,
  workDir: string,
): Promise<Target> {
  if (kind !== "previous")
    return startHoldingHistory(kind, messages, workDir, settings.scrollbackEntry);
  if (!settings.previous) throw new Error("no previous build in these settings");
  const file = join(workDir, "history.db");
  seedWithPreviousBuild(settings.previous, file, messages);
  return Target.start(kind, { ...startOptionsFor(settings, kind), databaseFile: file });
}

async function measure(
  settings: BenchSettings,
  kind: TargetKind,
  messages: number,
  progress: Progress,
): Promise<HistoryPoint> {
  const workDir = mkdtempSync(join(tmpdir(), "scrollback-bench-history-"));
  let target: Target | null = null;
  try {
    if (speaksScrollback(kind)) {
      progress(`  seeding ${messages.toLocaleString("en-US")} messages into SQLite…`);
    }
    target = await startWithHistory(settings, kind, messages, workDir);
    const samples = samplesFor(kind, messages, settings.quick);
    const connectTimes = new Histogram();
    let bytes = 0;
    for (let i = 0; i < samples + 2; i++) {
      const client = new WireClient(kind, target.url, i);
      await client.connect(120_000);
      // The first two connections warm the server up and are not counted.
      if (i >= 2) {
        connectTimes.record(client.historyMs);
        bytes = client.bytesReceived;
      }
      client.close();
    }
    let joinRoundTripMs: HistoryPoint["joinRoundTripMs"] = null;
    if (speaksScrollback(kind)) {
      const client = new WireClient(kind, target.url, 0);
      await client.connect();
      const joins = new Histogram();
      for (let i = 0; i < samples; i++) {
        const startedAt = performance.now();
        await new Promise<void>((resolve, reject) =>
          client.request("room:join", { room: BENCH_ROOM }, (result) =>
            result.ok ? resolve() : reject(new Error(`room:join failed: ${result.code}`)),
          ),
        );
        joins.record(performance.now() - startedAt);
      }
      client.close();
      joinRoundTripMs = quantiles(joins);
    }
    const point: HistoryPoint = {
      target: kind,
      messages,
      samples,
      connectToPageMs: quantiles(connectTimes),
      joinRoundTripMs,
      bytesOnConnect: bytes,
    };
    progress(
      `  ${kind}, ${messages.toLocaleString("en-US")} messages: connect → history p50 ${point.connectToPageMs.p50.toFixed(
        1,
      )} ms, p99 ${point.connectToPageMs.p99.toFixed(1)} ms, ${(bytes / 1024).toFixed(1)} KiB received`,
    );
    return point;
  } finally {
    await target?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

export async function historyScenario(
  settings: BenchSettings,
  progress: Progress,
): Promise<HistoryResult> {
  const sizes = settings.quick ? [10_000] : [10_000, 1_000_000];
  const points: HistoryPoint[] = [];
  for (const messages of sizes) {
    const kinds: TargetKind[] = settings.previous
      ? ["naive", "scrollback", "previous"]
      : ["naive", "scrollback"];
    for (const kind of kinds) {
      progress(`history on connect · ${kind} · ${messages.toLocaleString("en-US")} messages`);
      points.push(await measure(settings, kind, messages, progress));
    }
  }
  return { points };
}
