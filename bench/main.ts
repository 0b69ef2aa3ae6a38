import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../lib/server/testing/server-process";
import { fanoutLatencySpec, renderSvg, spreadBarsSpec } from "./lib/charts";
import type { BenchSettings, Progress } from "./lib/context";
import { DEFAULT_PREVIOUS_COMMIT, preparePreviousBuild } from "./lib/previous-build";
import { machineTimes } from "./lib/proc-stats";
import { formatNumber, formatSpread, ratio, type Spread, spread } from "./lib/summary";
import { renderMarkdown, renderText, type Table } from "./lib/table";
import type { TargetKind } from "./lib/wire";
import { type AccountsResult, accountsScenario, accountsTables } from "./scenarios/accounts";
import { type CatchupResult, catchupScenario } from "./scenarios/catchup";
import { type ConnectionsResult, connectionsScenario } from "./scenarios/connections";
import { type FanoutResult, fanoutScenario, P99_BOUND_MS } from "./scenarios/fanout";
import { type HistoryResult, historyScenario } from "./scenarios/history";
import {
  type HostileResult,
  hostileScenario,
  hostileTable,
  hostileTablesByRequest,
} from "./scenarios/hostile";
import { type NotifyFanoutResult, notifyFanoutScenario } from "./scenarios/notify-fanout";
import {
  PRIVATE_CPU_GOAL,
  type PrivateFanoutResult,
  privateFanoutScenario,
} from "./scenarios/private-fanout";
import { type ReactionsResult, reactionsScenario } from "./scenarios/reactions";
import { type SearchResult, searchScenario } from "./scenarios/search";
import { type StormsResult, stormsScenario } from "./scenarios/storms";
import { type UploadsResult, uploadsScenario } from "./scenarios/uploads";
import { type WritesResult, writesScenario } from "./scenarios/writes";

const SCENARIOS = [
  "fanout",
  "private-fanout",
  "history",
  "reactions",
  "catchup",
  "writes",
  "connections",
  "storms",
  "accounts",
  "hostile",
  "search",
  "notify-fanout",
  "uploads",
] as const;
type ScenarioName = (typeof SCENARIOS)[number];

function parseArgs(argv: string[]): {
  reportOnly: boolean;
  quick: boolean;
  only: ScenarioName[];
  repeats?: number;
  outDir?: string;
  /** The commit to compare with, or null for none (--no-previous). */
  previous: string | null;
} {
  const quick = argv.includes("--quick");
  const onlyArg = argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
  const only = onlyArg ? (onlyArg.split(",") as ScenarioName[]) : [...SCENARIOS];
  for (const name of only)
    if (!SCENARIOS.includes(name))
      throw new Error(`unknown scenario "${name}"; choose from ${SCENARIOS.join(", ")}`);
  const repeatsArg = argv.find((a) => a.startsWith("--repeats="))?.slice("--repeats=".length);
  const outDir = argv.find((a) => a.startsWith("--out="))?.slice("--out=".length);
  const previousArg = argv.find((a) => a.startsWith("--previous="))?.slice("--previous=".length);
  return {
    previous: argv.includes("--no-previous") ? null : (previousArg ?? DEFAULT_PREVIOUS_COMMIT),
    reportOnly: argv.includes("--report"),
    quick,
    only,
    ...(repeatsArg ? { repeats: Number(repeatsArg) } : {}),
    ...(outDir ? { outDir } : {}),
  };
}

function machineDescription(): Record<string, string | number> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? "unknown",
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    kernel: release(),
    node: process.version,
    loadAverageAtStart: loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
}

const targetName: Record<TargetKind, string> = {
  naive: "naive seed",
  raw: "raw ws",
  scrollback: "Scrollback",
  previous: "Scrollback, previous build",
};

/** Scenarios that measure the previous build beside this one. */
const COMPARED: readonly ScenarioName[] = ["fanout", "history", "uploads"];
const f = (s: Spread, digits = 1) => formatSpread(s, digits);

function fanoutTables(result: FanoutResult): Table[] {
  const byTarget = new Map(result.summaries.map((s) => [s.target, s]));
  const naive = byTarget.get("naive");
  const raw = byTarget.get("raw");
  const scrollback = byTarget.get("scrollback");
  const previous = byTarget.get("previous");
  const summary: Table = {
    title: `Fan-out: ${result.clients.toLocaleString("en-US")} clients in one room, ${result.senders} senders, ${result.stepSeconds} s steps — saturation point (highest deliveries/s held with p99 < ${P99_BOUND_MS} ms); median (min–max) of runs`,
    columns: [
      "server",
      "saturation deliveries/s",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "server cores",
      "server RSS MB",
      `µs CPU/delivery @ ${result.moderateDeliveriesPerSecond.toLocaleString("en-US")}/s`,
      "generator cores",
    ],
    rows: result.summaries.map((s) => [
      s.target === "previous" && result.previousCommit
        ? `${targetName[s.target]} (${result.previousCommit.slice(0, 7)})`
        : targetName[s.target],
      f(s.saturation, 0),
      f(s.p50Ms),
      f(s.p95Ms),
      f(s.p99Ms),
      f(s.serverCores, 2),
      f(s.serverRssMb, 0),
      f(s.usPerDeliveryModerate),
      f(s.generatorCores, 2),
    ]),
    notes: [
      ...(previous
        ? [
            `This build / previous build: saturation ${ratio(scrollback?.saturation.median ?? Number.NaN, previous.saturation.median)}, CPU per delivery ${ratio(scrollback?.usPerDeliveryModerate.median ?? Number.NaN, previous.usPerDeliveryModerate.median)} (within the min–max spread of either = within the noise)`,
            pairedCpuNote(result),
          ]
        : []),
      `Scrollback / naive: saturation ${ratio(scrollback?.saturation.median ?? Number.NaN, naive?.saturation.median ?? Number.NaN)}, CPU per delivery ${ratio(scrollback?.usPerDeliveryModerate.median ?? Number.NaN, naive?.usPerDeliveryModerate.median ?? Number.NaN)}`,
      `Scrollback / raw ws: saturation ${ratio(scrollback?.saturation.median ?? Number.NaN, raw?.saturation.median ?? Number.NaN)}, CPU per delivery ${ratio(scrollback?.usPerDeliveryModerate.median ?? Number.NaN, raw?.usPerDeliveryModerate.median ?? Number.NaN)}`,
      `Saturation per run: ${result.runs.map((r) => `${targetName[r.target]} ${r.saturation ? formatNumber(r.saturation.deliveriesPerSecond, 0) : "none"}`).join(", ")}`,
    ],
  };
  return [summary];
}

/**
 * Server CPU per delivery of two builds, step by step at the same offered
 * load, held or not: on a busy machine the moderate point may not hold for
 * either, while every step still measured both builds' cost per delivery.
 */
export function pairedCpuRatio(
  result: FanoutResult,
  a: TargetKind,
  b: TargetKind,
): { median: number; byLoad: { offered: number; ratio: number }[] } {
  const byLoad = (kind: TargetKind) => {
    const loads = new Map<number, number[]>();
    for (const run of result.runs.filter((r) => r.target === kind))
      for (const step of run.steps)
        if (Number.isFinite(step.serverUsPerDelivery))
          loads.set(step.offered, [...(loads.get(step.offered) ?? []), step.serverUsPerDelivery]);
    return loads;
  };
  const first = byLoad(a);
  const second = byLoad(b);
  const pairs = [...first.keys()]
    .filter((offered) => second.has(offered))
    .sort((x, y) => x - y)
    .map((offered) => ({
      offered,
      ratio: spread(first.get(offered) ?? []).median / spread(second.get(offered) ?? []).median,
    }));
  return { median: spread(pairs.map((p) => p.ratio)).median, byLoad: pairs };
}

function pairedCpuNote(result: FanoutResult): string {
  const paired = pairedCpuRatio(result, "scrollback", "previous");
  return `CPU per delivery, this build / previous build, step by step at the same offered load (held or not), median of the per-load ratios: ${Number.isFinite(paired.median) ? `${paired.median.toFixed(2)}×` : "—"} (${paired.byLoad.map((p) => `${p.offered.toLocaleString("en-US")}/s ${p.ratio.toFixed(2)}×`).join(", ")})`;
}

function privateFanoutTable(result: PrivateFanoutResult): Table {
  const { median, pairs } = result.ratio;
  const verdict = Number.isFinite(median)
    ? median <= PRIVATE_CPU_GOAL
      ? "goal met"
      : "goal missed"
    : "not measured";
  return {
    title: `Fan-out in a room of ${result.members.toLocaleString("en-US")} members, public beside private (every client a member with its own token, ${result.senders} senders), ${result.stepSeconds} s steps — server CPU per delivery; median (min–max) of runs`,
    columns: ["room", "offered deliveries/s", "µs CPU/delivery", "p99 ms", "server cores"],
    rows: result.summaries.map((s) => [
      s.room,
      s.offered.toLocaleString("en-US"),
      f(s.usPerDelivery, 2),
      f(s.p99Ms),
      f(s.serverCores, 2),
    ]),
    notes: [
      `Private / public CPU per delivery, paired by run and load, median: ${Number.isFinite(median) ? `${median.toFixed(2)}×` : "—"} (goal ≤ ${PRIVATE_CPU_GOAL.toFixed(2)}×: ${verdict}); pairs: ${pairs.map((p) => `run ${p.run} @ ${p.offered.toLocaleString("en-US")}/s ${p.ratio.toFixed(2)}×`).join(", ")}`,
      `Steps not held (a delivery missing or p99 ≥ ${P99_BOUND_MS} ms): ${result.steps.filter((s) => !s.held).length} of ${result.steps.length}`,
      `Sends refused, by room and code: ${
        result.steps
          .filter((s) => s.rejected > 0)
          .map(
            (s) =>
              `${s.room} run ${s.run} @ ${s.offered.toLocaleString("en-US")}/s ${JSON.stringify(s.rejectedBy ?? {})}`,
          )
          .join("; ") || "none"
      }`,
    ],
  };
}

function historyTable(result: HistoryResult): Table {
  return {
    title:
      "History on connect: time from opening the socket to holding the history, and bytes received",
    columns: [
      "server",
      "messages stored",
      "samples",
      "connect → history p50 ms",
      "p99 ms",
      "join round trip p50 / p99 ms",
      "bytes on connect",
    ],
    rows: result.points.map((p) => [
      p.target === "previous" && result.previousCommit
        ? `${targetName[p.target]} (${result.previousCommit.slice(0, 7)})`
        : targetName[p.target],
      p.messages.toLocaleString("en-US"),
      String(p.samples),
      formatNumber(p.connectToPageMs.p50, 2),
      formatNumber(p.connectToPageMs.p99, 2),
      p.joinRoundTripMs
        ? `${formatNumber(p.joinRoundTripMs.p50, 2)} / ${formatNumber(p.joinRoundTripMs.p99, 2)}`
        : "—",
      p.bytesOnConnect.toLocaleString("en-US"),
    ]),
    notes: [
      "Scrollback sends the newest page (50 messages) and the client pages back on demand; the naive server sends its whole list.",
      ...historyRatios(result),
    ],
  };
}

/** This build against the previous one at each history size, and each against itself from the smallest size up. */
function historyRatios(result: HistoryResult): string[] {
  const at = (target: TargetKind, messages: number) =>
    result.points.find((p) => p.target === target && p.messages === messages);
  const sizes = [...new Set(result.points.map((p) => p.messages))].sort((a, b) => a - b);
  const lines: string[] = [];
  for (const messages of sizes) {
    const now = at("scrollback", messages);
    const before = at("previous", messages);
    if (now && before)
      lines.push(
        `${messages.toLocaleString("en-US")} messages, this build / previous build: connect → history p50 ${ratio(now.connectToPageMs.p50, before.connectToPageMs.p50)}, bytes ${ratio(now.bytesOnConnect, before.bytesOnConnect)}`,
      );
  }
  const smallest = sizes[0];
  const largest = sizes.at(-1);
  if (smallest !== undefined && largest !== undefined && largest !== smallest) {
    for (const target of ["scrollback", "previous"] as const) {
      const small = at(target, smallest);
      const large = at(target, largest);
      if (small && large)
        lines.push(
          `${targetName[target]}, ${largest.toLocaleString("en-US")} / ${smallest.toLocaleString("en-US")} messages stored: connect → history p50 ${ratio(large.connectToPageMs.p50, small.connectToPageMs.p50)} (constant in history size ≈ 1×)`,
        );
    }
  }
  return lines;
}

function reactionsTable(result: ReactionsResult): Table {
  return {
    title: `Reaction storm: ${result.clients.toLocaleString("en-US")} clients in one room, ${result.senders} of them toggling reactions (${result.emoji} emoji) on ${result.messages} messages, ${result.stepSeconds} s steps — highest changes/s with every change at every client, p99 ack → last client < ${P99_BOUND_MS} ms`,
    columns: [
      "run",
      "changes/s held",
      "deliveries/s",
      "p50 ms",
      "p99 ms",
      "send → all p99 ms",
      "bytes per update",
      "server cores",
      "µs CPU/delivery",
    ],
    rows: result.runs.map((r) => {
      const s = r.saturation;
      return [
        `#${r.run}`,
        s ? formatNumber(s.updatesPerSecond, 0) : "none held",
        s ? formatNumber(s.updatesPerSecond * result.clients, 0) : "—",
        s ? formatNumber(s.p50Ms) : "—",
        s ? formatNumber(s.p99Ms) : "—",
        s ? formatNumber(s.sendToAllP99Ms) : "—",
        s ? formatNumber(s.bytesPerUpdate, 0) : "—",
        s ? formatNumber(s.serverCores, 2) : "—",
        s ? formatNumber(s.serverUsPerDelivery) : "—",
      ];
    }),
    notes: [
      `Median (min–max) of runs: ${f(result.saturation, 0)} changes/s held (${formatNumber(result.saturation.median * result.clients, 0)} deliveries/s), p99 ${f(result.p99Ms)} ms, ${f(result.bytesPerUpdate, 0)} bytes per message:updated frame (the whole message and what changed, one frame for the room), ${f(result.usPerDelivery)} µs server CPU per delivery`,
      `Steps per run: ${result.runs.map((r) => r.steps.map((s) => `${s.offered}${s.held ? "✓" : "✗"}`).join(" ")).join("; ")}`,
    ],
  };
}

function catchupTable(result: CatchupResult): Table {
  const below = (n: number | null, smallest: number) =>
    n === null
      ? "never, up to the largest measured"
      : n <= smallest
        ? `≤ ${smallest}`
        : `≈ ${n.toLocaleString("en-US")}`;
  const smallest = result.replays[0]?.behind ?? 0;
  return {
    title: `Catch-up: ${result.changes.toLocaleString("en-US")} changes (${result.mix.reactions} reactions, ${result.mix.edits} edits, ${result.mix.deletes} deletes) on ${result.messages.toLocaleString("en-US")} messages while a client was away; it replays the last n with changes:after (pages of 200) until hasMore is false`,
    columns: ["changes behind", "replay ms", "bytes", "pages", "messages received"],
    rows: [
      ...result.replays.map((r) => [
        r.behind.toLocaleString("en-US"),
        f(r.ms, 1),
        r.bytes.toLocaleString("en-US"),
        String(r.pages),
        r.messages.toLocaleString("en-US"),
      ]),
      [
        "newest page instead",
        f(result.newestPage.ms, 1),
        result.newestPage.bytes.toLocaleString("en-US"),
        "1",
        "50",
      ],
    ],
    notes: [
      `Replay costs more than the newest page from ${below(result.crossover.ms, smallest)} changes behind in time, ${below(result.crossover.bytes, smallest)} in bytes; it is bounded by the messages changed (each comes once, current), not by the changes. The client's reload threshold MAX_REPLAYED_CHANGES is ${result.threshold.toLocaleString("en-US")} (see docs/performance.md for why it is not the crossover).`,
      `Making the changes: ${formatNumber(result.changesPerSecond, 0)} acknowledged changes/s from 8 writers, 64 in flight.`,
    ],
  };
}

function writesTable(result: WritesResult): Table {
  const s = result.summary;
  return {
    title: `Sustained writes: ${result.senders} senders, each sending as soon as its previous message is acknowledged, ${result.seconds} s; median (min–max)`,
    columns: ["what", "messages/s", "ack p50 ms", "ack p99 ms"],
    rows: [
      ["Scrollback (acknowledged, durable)", f(s.ackedPerSecond, 0), f(s.ackP50Ms), f(s.ackP99Ms)],
      ["better-sqlite3 loop, 1 row per commit", f(s.insertPerTransaction, 0), "—", "—"],
      ["better-sqlite3 loop, 100 rows per commit", f(s.insertBatched, 0), "—", "—"],
    ],
    notes: [
      `Scrollback / one-row-per-commit loop: ${ratio(s.ackedPerSecond.median, s.insertPerTransaction.median)}; Scrollback / 100-rows-per-commit loop: ${ratio(s.ackedPerSecond.median, s.insertBatched.median)}`,
      `Refused sends: ${result.runs.map((r) => r.rejected).join(", ")} (one per run)`,
    ],
  };
}

function searchTables(result: SearchResult): Table[] {
  const w = result.writes;
  return [
    {
      title: `Search on SQLite: ${result.messages.toLocaleString("en-US")} stored messages in ${result.rooms} rooms, pages of ${result.pageSize}, through the store`,
      columns: ["query", "example", "p50 ms", "p99 ms", "hits a page"],
      rows: result.queries.map((q) => [
        q.kind,
        q.example,
        f1(q.p50Ms),
        f1(q.p99Ms),
        formatNumber(q.meanHits, 1),
      ]),
      notes: [
        `Seeded through the import (and so through the index triggers) in ${Math.round(result.seedSeconds)} s; the database is ${Math.round(result.databaseMb)} MB, of which the search indexes ${Math.round(result.indexMb)} MB.`,
      ],
    },
    {
      title: `Indexing cost: appends through the store, ${w.inFlight} in flight, ${w.runs.length} alternating turns of ${w.seconds} s, with the search index and without it (its triggers dropped); median (min–max)`,
      columns: ["database", "messages/s", "CPU µs per message"],
      rows: [
        ["with the search index", f(w.indexed, 0), f(w.indexedCpuUs, 0)],
        ["without it", f(w.unindexed, 0), f(w.unindexedCpuUs, 0)],
      ],
      notes: [
        `With / without: ${ratio(w.indexed.median, w.unindexed.median)} messages/s, ${ratio(w.indexedCpuUs.median, w.unindexedCpuUs.median)} CPU per message (goal: throughput within 15 %)`,
      ],
    },
    ...(result.serverWrites ? [searchServerTable(result.serverWrites)] : []),
  ];
}

function searchServerTable(w: NonNullable<SearchResult["serverWrites"]>): Table {
  return {
    title: `Indexing cost through the server: ${w.senders} senders, each sending as soon as its previous message is acknowledged, ${w.seconds} s, alternating; median (min–max)`,
    columns: ["database", "acknowledged messages/s"],
    rows: [
      ["with the search index", f(w.indexed, 0)],
      ["without it", f(w.unindexed, 0)],
    ],
    notes: [`With / without: ${ratio(w.indexed.median, w.unindexed.median)} (goal: within 15 %)`],
  };
}

function f1(value: number): string {
  return formatNumber(value, 1);
}

function connectionsTable(result: ConnectionsResult): Table {
  const naive = result.summaries.find((s) => s.target === "naive");
  const scrollback = result.summaries.find((s) => s.target === "scrollback");
  return {
    title: `Connections: ${result.connections.toLocaleString("en-US")} idle clients (joined to the room); RSS after GC, delta / connections; median (min–max)`,
    columns: ["server", "connections held", "KB per connection", "connect p99 ms"],
    rows: result.summaries.map((s) => [
      targetName[s.target],
      f(s.held, 0),
      f(s.kbPerConnection),
      f(s.connectP99Ms),
    ]),
    notes: [
      `Scrollback / naive memory per connection: ${ratio(scrollback?.kbPerConnection.median ?? Number.NaN, naive?.kbPerConnection.median ?? Number.NaN)}`,
    ],
  };
}

function stormsTables(result: StormsResult): Table[] {
  return [
    {
      title: `Overload: 5 × each server's own saturation rate for ${result.overloadSeconds} s, then a moderate load`,
      columns: [
        "server",
        "offered deliveries/s",
        "RSS before MB",
        "RSS max MB",
        "RSS after MB",
        "clients cut off",
        "sends refused",
        "p99 afterwards ms",
        "recovered",
      ],
      rows: result.overload.map((r) => [
        `${targetName[r.target]} #${r.run}`,
        r.offered.toLocaleString("en-US"),
        formatNumber(r.rssBeforeMb, 0),
        formatNumber(r.rssMaxMb, 0),
        formatNumber(r.rssAfterMb, 0),
        String(r.clientsCutOff),
        String(r.refused),
        formatNumber(r.recoveryP99Ms),
        r.recovered ? "yes" : "no",
      ]),
    },
    {
      title: `Reconnect storm: ${result.storm.clients} clients reconnect at once to a room holding ${result.storm.messages.toLocaleString("en-US")} messages`,
      columns: [
        "server",
        "longest event-loop stall ms",
        "history bytes per client",
        "last client's history after ms",
      ],
      rows: result.storm.runs.map((r) => [
        `${targetName[r.target]} #${r.run}`,
        formatNumber(r.longestStallMs),
        Math.round(r.bytesPerClient).toLocaleString("en-US"),
        formatNumber(r.historyP99Ms, 0),
      ]),
    },
  ];
}

async function writeCharts(
  dir: string,
  fanout: FanoutResult | null,
  connections: ConnectionsResult | null,
): Promise<string[]> {
  const written: string[] = [];
  if (fanout) {
    const points = fanout.runs.flatMap((r) =>
      [...r.steps]
        .sort((a, b) => a.offered - b.offered)
        .map((s) => ({
          target: r.target,
          run: r.run,
          delivered: Math.round(s.deliveriesPerSecond),
          p99Ms: Math.max(0.1, s.p99Ms),
          held: s.held,
        })),
    );
    writeFileSync(
      join(dir, "fanout-latency.svg"),
      await renderSvg(fanoutLatencySpec(points, P99_BOUND_MS)),
    );
    writeFileSync(
      join(dir, "fanout-saturation.svg"),
      await renderSvg(
        spreadBarsSpec(
          "Fan-out saturation point (median, bar = min–max of runs)",
          "deliveries/s with p99 < 100 ms",
          fanout.summaries.map((s) => ({ target: s.target, ...s.saturation })),
        ),
      ),
    );
    written.push("fanout-latency.svg", "fanout-saturation.svg");
  }
  if (connections) {
    writeFileSync(
      join(dir, "connections-memory.svg"),
      await renderSvg(
        spreadBarsSpec(
          `Memory per idle connection (${connections.connections.toLocaleString("en-US")} connections)`,
          "KB per connection (RSS after GC)",
          connections.summaries.map((s) => ({ target: s.target, ...s.kbPerConnection })),
        ),
      ),
    );
    written.push("connections-memory.svg");
  }
  return written;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const settings: BenchSettings = {
    quick: args.quick,
    repeats: args.repeats ?? (args.quick ? 1 : 3),
    generatorProcesses: 2,
    disturbedForeignCores: 0.3,
    disturbedRetries: 2,
    ...(process.env.BENCH_SCROLLBACK_ENTRY
      ? { scrollbackEntry: process.env.BENCH_SCROLLBACK_ENTRY.split(" ") }
      : {}),
  };
  const compares = !args.reportOnly && args.only.some((name) => COMPARED.includes(name));
  if (args.previous && compares) {
    settings.previous = preparePreviousBuild(args.previous, (line) =>
      process.stderr.write(`${line}\n`),
    );
  }
  const outDir = args.outDir ?? join(PROJECT_ROOT, "bench/results", args.quick ? "quick" : "");
  mkdirSync(outDir, { recursive: true });

  const startedAt = performance.now();
  const progress: Progress = (line) => {
    const elapsed = Math.round((performance.now() - startedAt) / 1000);
    process.stderr.write(
      `[${String(Math.floor(elapsed / 60)).padStart(2, "0")}:${String(elapsed % 60).padStart(2, "0")}] ${line}\n`,
    );
  };
  const machine = machineDescription();
  const machineAtStart = machineTimes();
  progress(
    `Scrollback benchmark (${args.quick ? "quick" : "full"}): ${args.only.join(", ")} on ${machine.cores} × ${machine.cpu}, load ${machine.loadAverageAtStart}`,
  );

  const save = (name: string, value: unknown) => {
    writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(value, null, 2)}\n`);
  };
  const ran: ScenarioName[] = [];
  if (!args.reportOnly) {
    for (const name of args.only) {
      const previousCommit = settings.previous?.commit ?? null;
      if (name === "fanout")
        save(name, { ...(await fanoutScenario(settings, progress)), previousCommit });
      if (name === "private-fanout") save(name, await privateFanoutScenario(settings, progress));
      if (name === "history")
        save(name, { ...(await historyScenario(settings, progress)), previousCommit });
      if (name === "reactions") save(name, await reactionsScenario(settings, progress));
      if (name === "catchup") save(name, await catchupScenario(settings, progress));
      if (name === "writes") save(name, await writesScenario(settings, progress));
      if (name === "connections") save(name, await connectionsScenario(settings, progress));
      if (name === "storms") {
        const saturation = new Map<TargetKind, number>();
        const known = readPrevious<FanoutResult>(join(outDir, "fanout.json"));
        for (const s of known?.summaries ?? [])
          if (Number.isFinite(s.saturation.median) && s.saturation.median > 0)
            saturation.set(s.target, s.saturation.median);
        save(name, await stormsScenario(settings, saturation, progress));
      }
      if (name === "accounts") save(name, await accountsScenario(settings, progress));
      if (name === "hostile") save(name, await hostileScenario(settings, progress));
      if (name === "search") save(name, await searchScenario(settings, progress));
      if (name === "notify-fanout") save(name, await notifyFanoutScenario(settings, progress));
      if (name === "uploads")
        save(name, { ...(await uploadsScenario(settings, progress)), previousCommit });
      ran.push(name);
    }
    const machineAtEnd = machineTimes();
    const seconds = (performance.now() - startedAt) / 1000;
    const stealShare =
      (machineAtEnd.stealMs - machineAtStart.stealMs) /
      (machineAtEnd.totalMs - machineAtStart.totalMs);
    const footer = `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${Math.round(seconds)} s on ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}; load average at start ${machine.loadAverageAtStart}; CPU stolen by the hypervisor over the run: ${(stealShare * 100).toFixed(1)} %`;
    const runs = readPrevious<Record<string, string>>(join(outDir, "runs.json")) ?? {};
    for (const name of ran) runs[name] = footer;
    save("runs", runs);
  }

  // The report covers the latest result of every scenario in the folder, however many runs made them.
  const tables: Table[] = [];
  const fanout = readPrevious<FanoutResult>(join(outDir, "fanout.json"));
  const privateFanout = readPrevious<PrivateFanoutResult>(join(outDir, "private-fanout.json"));
  const history = readPrevious<HistoryResult>(join(outDir, "history.json"));
  const reactions = readPrevious<ReactionsResult>(join(outDir, "reactions.json"));
  const catchup = readPrevious<CatchupResult>(join(outDir, "catchup.json"));
  const writes = readPrevious<WritesResult>(join(outDir, "writes.json"));
  const connections = readPrevious<ConnectionsResult>(join(outDir, "connections.json"));
  const storms = readPrevious<StormsResult>(join(outDir, "storms.json"));
  const accounts = readPrevious<AccountsResult>(join(outDir, "accounts.json"));
  const hostile = readPrevious<HostileResult>(join(outDir, "hostile.json"));
  const search = readPrevious<SearchResult>(join(outDir, "search.json"));
  const notifyFanout = readPrevious<NotifyFanoutResult>(join(outDir, "notify-fanout.json"));
  const uploads = readPrevious<UploadsResult>(join(outDir, "uploads.json"));
  if (fanout) tables.push(...fanoutTables(fanout));
  if (privateFanout?.ratio) tables.push(privateFanoutTable(privateFanout));
  if (history) tables.push(historyTable(history));
  if (reactions) tables.push(reactionsTable(reactions));
  if (catchup) tables.push(catchupTable(catchup));
  if (writes) tables.push(writesTable(writes));
  if (connections) tables.push(connectionsTable(connections));
  if (storms) tables.push(...stormsTables(storms));
  if (accounts) tables.push(...accountsTables(accounts));
  if (hostile?.runs) {
    tables.push(...hostile.runs.map(hostileTable), ...hostileTablesByRequest(hostile));
  }
  if (search) tables.push(...searchTables(search));
  if (notifyFanout?.rounds) tables.push(notifyFanoutTable(notifyFanout));
  if (uploads?.rounds) tables.push(...uploadsTables(uploads, fanout));
  const runs = readPrevious<Record<string, string>>(join(outDir, "runs.json")) ?? {};
  const footer = `Measured: ${SCENARIOS.filter((n) => runs[n])
    .map((n) => `${n} — ${runs[n]}`)
    .join("; ")}.`;
  const charts = await writeCharts(outDir, fanout, connections);
  const text = [...tables.map(renderText), footer].join("\n\n");
  process.stdout.write(`\n${text}\n`);
  writeFileSync(
    join(outDir, "summary.md"),
    `${[...tables.map(renderMarkdown), footer].join("\n\n")}\n`,
  );
  writeFileSync(join(outDir, "summary.txt"), `${text}\n`);
  progress(
    `results in ${outDir}: ${ran
      .map((n) => `${n}.json`)
      .concat(charts, ["summary.md"])
      .join(", ")}`,
  );
}

function notifyFanoutTable(result: NotifyFanoutResult): Table {
  return {
    title: `Notification fan-out: one @room message to ${(result.members - 1).toLocaleString("en-US")} offline members, each with a push subscription on a loopback receiver (counting, not decrypting); push delay 0; median (min–max) of ${result.rounds.length} rounds`,
    columns: ["ack → last push ms", "p50 ms", "p99 ms", "pushes/s", "server CPU ms/round"],
    rows: [
      [
        f(result.lastMs, 0),
        f(result.p50Ms, 0),
        f(result.p99Ms, 0),
        f(result.pushesPerSecond, 0),
        f(result.serverCpuMsPerRound, 0),
      ],
    ],
    notes: [
      "Latencies run from the send's acknowledgement to each push's arrival at the receiver; server CPU is the whole process over the round (recipients, claims, re-checks, encryption, requests).",
    ],
  };
}

function uploadsTables(
  result: UploadsResult & { previousCommit?: string | null },
  fanout: FanoutResult | null,
): Table[] {
  const inFlightMb = (result.clients * result.bytesPerClient) / 1024 / 1024;
  const growth = spread(result.rounds.map((r) => r.rssPeakMb - r.rssBaselineMb));
  const uploadTable: Table = {
    title: `Uploads: ${result.clients} clients at once, ${result.bytesPerClient / 1024 / 1024} MiB each, over tus (POST, then one PATCH with the whole body) on loopback; server RSS sampled every 100 ms; per run, then median (min–max)`,
    columns: [
      "run",
      "seconds",
      "total MiB/s",
      "per-client MiB/s (median, min–max)",
      "RSS before MB",
      "RSS peak MB",
      "RSS after MB",
    ],
    rows: [
      ...result.rounds.map((r) => [
        `#${r.run}`,
        formatNumber(r.seconds),
        formatNumber(r.totalMbPerSecond),
        f(spread(r.perClientMbPerSecond)),
        formatNumber(r.rssBaselineMb, 0),
        formatNumber(r.rssPeakMb, 0),
        formatNumber(r.rssAfterMb, 0),
      ]),
      [
        "median",
        "",
        f(result.totalMbPerSecond),
        f(result.perClientMbPerSecond),
        f(result.rssBaselineMb, 0),
        f(result.rssPeakMb, 0),
        f(result.rssAfterMb, 0),
      ],
    ],
    notes: [
      `RSS peak − before: ${f(growth, 0)} MB while ${formatNumber(inFlightMb, 0)} MiB were in flight (streaming: the bodies pass through to disk, none is held whole). "Before" and "after" are after two full GCs.`,
      `The 25 MiB bodies are pseudo-random (no two alike: files are keyed by their sha256), uploaded with each member's guest identity cookie (as from a browser), members of a public room; every answer carried its attachment.`,
    ],
  };
  const photoTable: Table = {
    title: `Pictures: ${result.photo.count} photo-like ${result.photo.width}×${result.photo.height} JPEGs (${formatNumber(result.photo.meanBytes / 1024 / 1024)} MB on average, EXIF orientation 6), one at a time, each POSTed whole (creation-with-upload) until the answer`,
    columns: ["upload", "p50 ms", "p99 ms"],
    rows: [
      [
        "the image work alone (lib/server/files/image-variants.ts: upright, metadata stripped, re-encoded, thumb + preview, ThumbHash)",
        formatNumber(result.moduleMs.p50),
        formatNumber(result.moduleMs.p99),
      ],
      [
        "through the route: the photo (sniff, image work, sha256, store, record)",
        formatNumber(result.imageMs.p50),
        formatNumber(result.imageMs.p99),
      ],
      [
        "through the route: the same number of bytes as a plain file (sniff, sha256, store, record)",
        formatNumber(result.plainMs.p50),
        formatNumber(result.plainMs.p99),
      ],
    ],
    notes: [
      `Through the route, the picture costs ≈ ${formatNumber(result.imageMs.p50 - result.plainMs.p50, 0)} ms more than plain bytes of its size (difference of the medians); the image work runs in the bench's own process for the first row, on the same cores.`,
    ],
  };
  const scrollbackBefore = fanout?.summaries.find((s) => s.target === "scrollback");
  const byTarget = (target: string) => result.fanout.steps.filter((s) => s.target === target);
  const offeredLoads = [...new Set(result.fanout.steps.map((s) => s.offered))].sort(
    (a, b) => a - b,
  );
  const rows: string[][] = [];
  for (const target of ["scrollback", "previous"])
    for (const offered of offeredLoads) {
      const steps = byTarget(target).filter((s) => s.offered === offered);
      if (steps.length === 0) continue;
      rows.push([
        target === "previous" && result.previousCommit
          ? `${targetName.previous} (${result.previousCommit.slice(0, 7)})`
          : targetName[target as TargetKind],
        offered.toLocaleString("en-US"),
        f(spread(steps.map((s) => s.deliveriesPerSecond)), 0),
        f(spread(steps.map((s) => s.p99Ms))),
        f(spread(steps.map((s) => s.serverUsPerDelivery))),
        `${steps.filter((s) => s.held).length} of ${steps.length}`,
      ]);
    }
  const paired = offeredLoads
    .map((offered) => {
      const at = (target: string) =>
        spread(
          byTarget(target)
            .filter((s) => s.offered === offered)
            .map((s) => s.serverUsPerDelivery),
        ).median;
      return { offered, ratio: at("scrollback") / at("previous") };
    })
    .filter((p) => Number.isFinite(p.ratio));
  const fanoutTable: Table = {
    title: `Fan-out of messages without attachments${result.previousCommit ? ", this build beside the build before files" : ""}: ${result.fanout.clients.toLocaleString("en-US")} clients in one room, ${result.fanout.senders} senders, ${result.fanout.stepSeconds} s steps; median (min–max) of runs`,
    columns: [
      "server",
      "offered deliveries/s",
      "delivered/s",
      "p99 ms",
      "µs CPU/delivery",
      "steps held",
    ],
    rows,
    notes: [
      ...(paired.length
        ? [
            `CPU per delivery, this build / previous build, at the same offered load: ${paired.map((p) => `${p.offered.toLocaleString("en-US")}/s ${p.ratio.toFixed(2)}×`).join(", ")} (≈ 1× = unaffected)`,
          ]
        : []),
      // The fan-out scenario's own figure, when its last run held a step (a busy machine's may not).
      ...(scrollbackBefore && scrollbackBefore.saturation.median > 0
        ? [
            `Beside the fan-out scenario's own figure for Scrollback (fanout.json): saturation ${f(scrollbackBefore.saturation, 0)} deliveries/s, ${f(scrollbackBefore.usPerDeliveryModerate)} µs CPU/delivery at the moderate load`,
          ]
        : []),
    ],
  };
  return [uploadTable, photoTable, ...(result.fanout.steps.length > 0 ? [fanoutTable] : [])];
}

function readPrevious<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return null;
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
