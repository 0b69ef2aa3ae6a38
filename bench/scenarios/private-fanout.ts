import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BenchSettings,
  measureLoad,
  type Progress,
  sleep,
  startOptionsFor,
} from "../lib/context";
import { Generator } from "../lib/generator";
import { stepHeld } from "../lib/saturation";
import { BENCH_SESSION_SECRET, seedRoomMembers } from "../lib/seed-members";
import { type Spread, spread } from "../lib/summary";
import { Target } from "../lib/targets";
import { BENCH_ROOM } from "../lib/wire";

/**
 * Fan-out in a room of members, public beside private, in the same run:
 * what membership costs on the hot path. Every client is one of the room's
 * seeded members (a private room's added by its owner, a public room's
 * joined by themselves) and connects with its own bot token; the senders are
 * members too. A send to a private room asks the membership cache, not the
 * database (the issue's rule), so CPU per delivery should differ little:
 * the goal is private within 10 % of public.
 */

export const ROOM_KINDS = ["public", "private"] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];

/** The issue's goal: CPU per delivery in a private room at most this many times the public room's. */
export const PRIVATE_CPU_GOAL = 1.1;

export type PrivateFanoutOptions = {
  members: number;
  senders: number;
  stepMs: number;
  /** Offered deliveries per second, each measured in both rooms. */
  loads: readonly number[];
  fillerBytes: number;
};

export function privateFanoutOptions(settings: BenchSettings): PrivateFanoutOptions {
  if (settings.quick)
    return { members: 200, senders: 20, stepMs: 1_500, loads: [4_000], fillerBytes: 60 };
  return { members: 1_000, senders: 50, stepMs: 4_000, loads: [10_000, 20_000], fillerBytes: 60 };
}

export type PrivateFanoutStep = {
  room: RoomKind;
  run: number;
  offered: number;
  deliveries: number;
  expectedDeliveries: number;
  deliveriesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  serverCores: number;
  serverUsPerDelivery: number;
  rejected: number;
  /** The refused sends by error code: an overloaded server's `unavailable` is not a member refused. */
  rejectedBy: Record<string, number>;
  held: boolean;
  disturbed: boolean;
};

export type PrivateFanoutSummary = {
  room: RoomKind;
  offered: number;
  usPerDelivery: Spread;
  p99Ms: Spread;
  serverCores: Spread;
};

export type PrivateFanoutResult = {
  members: number;
  senders: number;
  stepSeconds: number;
  loads: readonly number[];
  steps: PrivateFanoutStep[];
  summaries: PrivateFanoutSummary[];
  /**
   * Private / public CPU per delivery, paired by run and load (both rooms
   * measured back to back in each run, so a noisy minute falls on both).
   */
  ratio: { median: number; pairs: { run: number; offered: number; ratio: number }[] };
};

const SETTLE_MS = 1_000;

/** One room, one server: seed the members, connect them all, warm up, then measure each load. */
export async function privateFanoutRun(
  settings: BenchSettings,
  room: RoomKind,
  run: number,
  options: PrivateFanoutOptions,
  progress: Progress,
): Promise<PrivateFanoutStep[]> {
  const workDir = mkdtempSync(join(tmpdir(), `scrollback-bench-${room}-`));
  const file = join(workDir, "members.db");
  const credentials = await seedRoomMembers(file, BENCH_ROOM, room, options.members);
  const target = await Target.start("scrollback", {
    ...startOptionsFor(settings, "scrollback"),
    databaseFile: file,
    env: { SESSION_SECRET: BENCH_SESSION_SECRET },
  });
  const generator = Generator.start(settings.generatorProcesses);
  const steps: PrivateFanoutStep[] = [];
  try {
    const connected = await generator.connect("scrollback", target.url, options.members, {
      credentials,
    });
    if (connected.failed > 0)
      throw new Error(
        `${connected.failed} members could not connect to the ${room} room: ${connected.firstError}`,
      );
    const clients = connected.connected;
    await generator.load({
      tag: "warm",
      rate: (options.loads[0] ?? 1_000) / clients,
      senders: options.senders,
      durationMs: Math.max(1_000, options.stepMs / 2),
      settleMs: 500,
      fillerBytes: options.fillerBytes,
    });
    for (const offered of options.loads) {
      const rate = offered / clients;
      const load = await measureLoad(
        settings,
        target,
        generator,
        (attempt) =>
          generator.load({
            tag: `${room}${offered}a${attempt}`,
            rate,
            senders: options.senders,
            durationMs: options.stepMs,
            settleMs: SETTLE_MS,
            fillerBytes: options.fillerBytes,
          }),
        progress,
      );
      const rejected = Object.values(load.rejected).reduce((s, n) => s + n, 0);
      const step: PrivateFanoutStep = {
        room,
        run,
        offered,
        deliveries: load.deliveries,
        expectedDeliveries: load.sent * clients,
        deliveriesPerSecond: load.deliveries / (options.stepMs / 1000),
        p50Ms: load.latency.quantile(0.5),
        p99Ms: load.latency.quantile(0.99),
        serverCores: load.serverCores,
        serverUsPerDelivery:
          load.deliveries > 0 ? (load.serverCpuMs * 1000) / load.deliveries : Number.NaN,
        rejected,
        rejectedBy: load.rejected,
        held: false,
        disturbed: load.disturbed,
      };
      step.held =
        rejected === 0 &&
        stepHeld({
          rate,
          deliveriesPerSecond: step.deliveriesPerSecond,
          expectedDeliveries: step.expectedDeliveries,
          deliveries: step.deliveries,
          p99Ms: step.p99Ms,
        });
      steps.push(step);
      progress(
        `  ${room} room run ${run}: ${offered.toLocaleString("en-US")}/s offered → ${Math.round(step.deliveriesPerSecond).toLocaleString("en-US")}/s delivered, p99 ${step.p99Ms.toFixed(1)} ms, ${step.serverUsPerDelivery.toFixed(2)} µs server CPU/delivery${rejected ? `, refused: ${JSON.stringify(load.rejected)}` : ""} ${step.held ? "✓" : "✗"}`,
      );
      await sleep(step.held ? 500 : 3_000);
    }
  } finally {
    await generator.stop();
    await target.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  return steps;
}

export function summarizePrivateFanout(
  steps: readonly PrivateFanoutStep[],
  options: PrivateFanoutOptions,
): Pick<PrivateFanoutResult, "summaries" | "ratio"> {
  const summaries = ROOM_KINDS.flatMap((room) =>
    options.loads.map((offered) => {
      const mine = steps.filter((s) => s.room === room && s.offered === offered);
      return {
        room,
        offered,
        usPerDelivery: spread(mine.map((s) => s.serverUsPerDelivery)),
        p99Ms: spread(mine.map((s) => s.p99Ms)),
        serverCores: spread(mine.map((s) => s.serverCores)),
      };
    }),
  );
  const pairs = steps
    .filter((s) => s.room === "private")
    .flatMap((priv) => {
      const pub = steps.find(
        (s) => s.room === "public" && s.run === priv.run && s.offered === priv.offered,
      );
      if (!pub || !Number.isFinite(pub.serverUsPerDelivery)) return [];
      return [
        {
          run: priv.run,
          offered: priv.offered,
          ratio: priv.serverUsPerDelivery / pub.serverUsPerDelivery,
        },
      ];
    });
  return { summaries, ratio: { median: spread(pairs.map((p) => p.ratio)).median, pairs } };
}

export async function privateFanoutScenario(
  settings: BenchSettings,
  progress: Progress,
  options: PrivateFanoutOptions = privateFanoutOptions(settings),
): Promise<PrivateFanoutResult> {
  const steps: PrivateFanoutStep[] = [];
  for (let run = 1; run <= settings.repeats; run++) {
    // The rooms take turns within each repeat, and swap who goes first, so that
    // neither always runs on a warmer (or busier) machine.
    const order = run % 2 === 1 ? ROOM_KINDS : [...ROOM_KINDS].reverse();
    for (const room of order) {
      progress(
        `private fan-out · ${room} room · run ${run}/${settings.repeats} · ${options.members.toLocaleString("en-US")} members, ${options.senders} senders`,
      );
      steps.push(...(await privateFanoutRun(settings, room, run, options, progress)));
    }
  }
  return {
    members: options.members,
    senders: options.senders,
    stepSeconds: options.stepMs / 1000,
    loads: options.loads,
    steps,
    ...summarizePrivateFanout(steps, options),
  };
}
