import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BenchSettings, measureLoad, type Progress, sleep } from "../lib/context";
import { Generator } from "../lib/generator";
import { startHoldingHistory } from "../lib/seed-history";
import { type Spread, spread } from "../lib/summary";
import { Target } from "../lib/targets";
import type { TargetKind } from "../lib/wire";
import { fanoutOptions, TARGETS } from "./fanout";

export type OverloadRun = {
  target: TargetKind;
  run: number;
  offered: number;
  delivered: number;
  rssBeforeMb: number;
  rssMaxMb: number;
  rssAfterMb: number;
  clientsCutOff: number;
  /** Sends the server refused (Scrollback: `unavailable` while overloaded). */
  refused: number;
  /** After the overload: a moderate step on the clients still connected. */
  recoveryP99Ms: number;
  recoveryDelivered: number;
  recovered: boolean;
};

export type StormRun = {
  target: TargetKind;
  run: number;
  longestStallMs: number;
  historyP99Ms: number;
  bytesPerClient: number;
};

export type StormsResult = {
  overloadSeconds: number;
  overload: OverloadRun[];
  storm: { clients: number; messages: number; runs: StormRun[] };
  summaries: {
    target: TargetKind;
    rssMaxMb: Spread;
    recovered: number;
    runs: number;
    longestStallMs: Spread;
    stormBytesPerClient: Spread;
  }[];
};

/** 5× each server's own saturation point (median of the fan-out runs), for `seconds`. */
export async function overloadRun(
  settings: BenchSettings,
  kind: TargetKind,
  run: number,
  saturation: number,
  seconds: number,
  progress: Progress,
): Promise<OverloadRun> {
  const options = fanoutOptions(settings);
  const target = await Target.start(kind, { scrollbackEntry: settings.scrollbackEntry });
  const generator = Generator.start(settings.generatorProcesses);
  try {
    const connected = await generator.connect(kind, target.url, options.clients);
    const clients = connected.connected;
    const rssBefore = (await target.afterGc()).rss;
    const offered = saturation * 5;
    const overload = await measureLoad(settings, target, generator, () =>
      generator.load({
        tag: `over${run}`,
        rate: offered / clients,
        senders: options.senders,
        durationMs: seconds * 1000,
        settleMs: 2_000,
        fillerBytes: options.fillerBytes,
      }),
    );
    // Load drops: give the server a moment, then check it serves a moderate load well again.
    await sleep(settings.quick ? 1_000 : 5_000);
    // A server still buried under the backlog may not even answer the probe in time.
    const rssAfter = (await target.afterGc().catch(() => ({ rss: Number.NaN }))).rss;
    const moderate = options.moderateDeliveriesPerSecond;
    const recovery = await generator.load({
      tag: `rec${run}`,
      rate: moderate / clients,
      senders: options.senders,
      durationMs: 3_000,
      settleMs: 1_000,
      fillerBytes: options.fillerBytes,
    });
    const stillConnected = clients - overload.dropped - recovery.dropped;
    const recoveryP99Ms = recovery.latency.quantile(0.99);
    const result: OverloadRun = {
      target: kind,
      run,
      offered,
      delivered: overload.deliveries / seconds,
      rssBeforeMb: rssBefore / 1024 / 1024,
      rssMaxMb: overload.serverRssMaxBytes / 1024 / 1024,
      rssAfterMb: rssAfter / 1024 / 1024,
      clientsCutOff: overload.dropped + recovery.dropped,
      refused: Object.values(overload.rejected).reduce((sum, n) => sum + n, 0),
      recoveryP99Ms,
      recoveryDelivered: recovery.deliveries / Math.max(1, recovery.sent * stillConnected),
      recovered:
        target.alive &&
        recoveryP99Ms < 100 &&
        recovery.deliveries >= 0.99 * recovery.sent * stillConnected,
    };
    progress(
      `  ${kind}: ${offered.toLocaleString("en-US")}/s offered for ${seconds} s → RSS ${result.rssBeforeMb.toFixed(0)} → max ${result.rssMaxMb.toFixed(
        0,
      )} MB (${result.clientsCutOff} clients cut off, ${result.refused} sends refused); afterwards p99 ${recoveryP99Ms.toFixed(1)} ms ${result.recovered ? "✓ recovered" : "✗ not recovered"}`,
    );
    return result;
  } finally {
    await generator.stop();
    await target.stop();
  }
}

/** 20 clients of a room holding a long history drop and reconnect at the same moment. */
async function stormRun(
  settings: BenchSettings,
  kind: TargetKind,
  run: number,
  messages: number,
  clients: number,
  progress: Progress,
): Promise<StormRun> {
  const workDir = mkdtempSync(join(tmpdir(), "scrollback-bench-storm-"));
  let target: Target | null = null;
  const generator = Generator.start(1);
  try {
    target = await startHoldingHistory(kind, messages, workDir, settings.scrollbackEntry);
    const connected = await generator.connect(kind, target.url, clients, { concurrency: clients });
    if (connected.failed) throw new Error(`could not connect: ${connected.firstError}`);
    await sleep(1_000);
    await target.longestStall(); // resets the reading
    const storm = await generator.reconnect(clients);
    await sleep(200);
    const longestStallMs = await target.longestStall();
    const result: StormRun = {
      target: kind,
      run,
      longestStallMs,
      historyP99Ms: storm.historyMs.quantile(0.99),
      bytesPerClient: storm.historyBytes / Math.max(1, storm.reconnected),
    };
    progress(
      `  ${kind}: longest event-loop stall ${longestStallMs.toFixed(1)} ms; each client got ${(
        result.bytesPerClient / 1024
      ).toFixed(1)} KiB of history, the last after ${result.historyP99Ms.toFixed(0)} ms`,
    );
    return result;
  } finally {
    await generator.stop();
    await target?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

export async function stormsScenario(
  settings: BenchSettings,
  saturationByTarget: Map<TargetKind, number>,
  progress: Progress,
): Promise<StormsResult> {
  const seconds = settings.quick ? 2 : 10;
  const overload: OverloadRun[] = [];
  const storms: StormRun[] = [];
  const messages = settings.quick ? 10_000 : 100_000;
  const stormClients = 20;
  for (let run = 1; run <= settings.repeats; run++) {
    for (const kind of TARGETS) {
      const saturation =
        saturationByTarget.get(kind) ?? fanoutOptions(settings).moderateDeliveriesPerSecond;
      progress(
        `overload · ${kind} · run ${run}/${settings.repeats} · 5 × ${saturation.toLocaleString("en-US")} deliveries/s`,
      );
      overload.push(await overloadRun(settings, kind, run, saturation, seconds, progress));
    }
    for (const kind of ["naive", "scrollback"] as const) {
      progress(
        `reconnect storm · ${kind} · run ${run}/${settings.repeats} · ${stormClients} clients, ${messages.toLocaleString("en-US")} messages`,
      );
      storms.push(await stormRun(settings, kind, run, messages, stormClients, progress));
    }
  }
  return {
    overloadSeconds: seconds,
    overload,
    storm: { clients: stormClients, messages, runs: storms },
    summaries: TARGETS.map((kind) => {
      const mine = overload.filter((r) => r.target === kind);
      const myStorms = storms.filter((r) => r.target === kind);
      return {
        target: kind,
        rssMaxMb: spread(mine.map((r) => r.rssMaxMb)),
        recovered: mine.filter((r) => r.recovered).length,
        runs: mine.length,
        longestStallMs: spread(myStorms.map((r) => r.longestStallMs)),
        stormBytesPerClient: spread(myStorms.map((r) => r.bytesPerClient)),
      };
    }),
  };
}
