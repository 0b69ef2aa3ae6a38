import { type BenchSettings, type Progress, sleep } from "../lib/context";
import { Generator } from "../lib/generator";
import { type Spread, spread } from "../lib/summary";
import { Target } from "../lib/targets";
import type { TargetKind } from "../lib/wire";
import { TARGETS } from "./fanout";

export type ConnectionsRun = {
  target: TargetKind;
  run: number;
  connections: number;
  failed: number;
  bytesPerConnection: number;
  connectP50Ms: number;
  connectP99Ms: number;
  rssBeforeMb: number;
  rssAfterMb: number;
};

export type ConnectionsResult = {
  connections: number;
  runs: ConnectionsRun[];
  summaries: { target: TargetKind; kbPerConnection: Spread; connectP99Ms: Spread; held: Spread }[];
};

/** How long idle connections sit before memory is read: heartbeats and lazy buffers settle. */
const IDLE_MS = 2_000;

/** Memory per idle connection: RSS after GC with N idle clients (in the room), minus RSS after GC before them. */
export async function connectionsScenario(
  settings: BenchSettings,
  progress: Progress,
): Promise<ConnectionsResult> {
  const count = settings.quick ? 500 : 5_000;
  const runs: ConnectionsRun[] = [];
  for (let run = 1; run <= settings.repeats; run++) {
    for (const kind of TARGETS) {
      progress(
        `connections · ${kind} · run ${run}/${settings.repeats} · ${count.toLocaleString("en-US")} idle clients`,
      );
      const target = await Target.start(kind, { scrollbackEntry: settings.scrollbackEntry });
      const generator = Generator.start(settings.generatorProcesses);
      try {
        // One client first, so that lazily built machinery (JIT, Next's first request) is in the baseline.
        const warm = await generator.connect(kind, target.url, 2);
        if (warm.failed) throw new Error(`could not connect: ${warm.firstError}`);
        await generator.closeClients();
        await sleep(500);
        const before = await target.afterGc();
        const connected = await generator.connect(kind, target.url, count, { concurrency: 64 });
        await sleep(IDLE_MS);
        const after = await target.afterGc();
        const result: ConnectionsRun = {
          target: kind,
          run,
          connections: connected.connected,
          failed: connected.failed,
          bytesPerConnection: (after.rss - before.rss) / Math.max(1, connected.connected),
          connectP50Ms: connected.connectMs.quantile(0.5),
          connectP99Ms: connected.connectMs.quantile(0.99),
          rssBeforeMb: before.rss / 1024 / 1024,
          rssAfterMb: after.rss / 1024 / 1024,
        };
        runs.push(result);
        progress(
          `  ${result.connections.toLocaleString("en-US")} held (${result.failed} failed): ${(
            result.bytesPerConnection / 1024
          ).toFixed(
            1,
          )} KB each, connect p99 ${result.connectP99Ms.toFixed(1)} ms, RSS ${result.rssBeforeMb.toFixed(0)} → ${result.rssAfterMb.toFixed(0)} MB`,
        );
      } finally {
        await generator.stop();
        await target.stop();
      }
    }
  }
  return {
    connections: count,
    runs,
    summaries: TARGETS.map((kind) => {
      const mine = runs.filter((r) => r.target === kind);
      return {
        target: kind,
        kbPerConnection: spread(mine.map((r) => r.bytesPerConnection / 1024)),
        connectP99Ms: spread(mine.map((r) => r.connectP99Ms)),
        held: spread(mine.map((r) => r.connections)),
      };
    }),
  };
}
