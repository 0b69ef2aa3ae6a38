import {
  type BenchSettings,
  type MeasuredLoad,
  measureLoad,
  type Progress,
  sleep,
  startOptionsFor,
} from "../lib/context";
import { Generator } from "../lib/generator";
import { P99_BOUND_MS, saturationPoint, stepHeld } from "../lib/saturation";
import { type Spread, spread } from "../lib/summary";
import { Target } from "../lib/targets";
import type { TargetKind } from "../lib/wire";

export const TARGETS: readonly TargetKind[] = ["naive", "raw", "scrollback"];

/** The servers measured: the previous build beside this one when the settings carry it. */
export function targetsOf(settings: BenchSettings): TargetKind[] {
  return settings.previous ? [...TARGETS, "previous"] : [...TARGETS];
}

export type FanoutStep = {
  /** Messages per second sent, all senders together. */
  rate: number;
  /** Deliveries per second asked for (rate × clients). */
  offered: number;
  deliveriesPerSecond: number;
  expectedDeliveries: number;
  deliveries: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  serverCores: number;
  serverUsPerDelivery: number;
  serverRssMb: number;
  generatorCores: number;
  foreignCores: number;
  rejected: number;
  held: boolean;
  disturbed: boolean;
};

export type FanoutRun = {
  target: TargetKind;
  run: number;
  steps: FanoutStep[];
  saturation: FanoutStep | null;
};

export type FanoutSummary = {
  target: TargetKind;
  saturation: Spread;
  p50Ms: Spread;
  p95Ms: Spread;
  p99Ms: Spread;
  serverCores: Spread;
  serverRssMb: Spread;
  /** Server CPU per delivery at the moderate load every server holds. */
  usPerDeliveryModerate: Spread;
  generatorCores: Spread;
};

export type FanoutResult = {
  /** The commit of the previous build measured beside this one, if any (set by main.ts). */
  previousCommit?: string | null;
  clients: number;
  senders: number;
  stepSeconds: number;
  moderateDeliveriesPerSecond: number;
  runs: FanoutRun[];
  summaries: FanoutSummary[];
};

export type FanoutOptions = {
  clients: number;
  senders: number;
  stepMs: number;
  /** Offered deliveries per second, coarse ramp. */
  ramp: readonly number[];
  /** Bisections between the last held and the first failed step. */
  refinements: number;
  moderateDeliveriesPerSecond: number;
  fillerBytes: number;
};

export function fanoutOptions(settings: BenchSettings): FanoutOptions {
  if (settings.quick) {
    return {
      clients: 200,
      senders: 20,
      stepMs: 1_500,
      ramp: [4_000, 12_000, 24_000],
      refinements: 0,
      moderateDeliveriesPerSecond: 4_000,
      fillerBytes: 60,
    };
  }
  return {
    clients: 1_000,
    senders: 50,
    stepMs: 4_000,
    ramp: [
      10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000, 80_000, 90_000, 100_000, 120_000,
      140_000,
    ],
    refinements: 2,
    moderateDeliveriesPerSecond: 20_000,
    fillerBytes: 60,
  };
}

const SETTLE_MS = 1_000;

function toStep(
  rate: number,
  offered: number,
  clients: number,
  load: MeasuredLoad,
  stepMs: number,
): FanoutStep {
  const expectedDeliveries = load.sent * clients;
  const step: FanoutStep = {
    rate,
    offered,
    deliveriesPerSecond: load.deliveries / (stepMs / 1000),
    expectedDeliveries,
    deliveries: load.deliveries,
    p50Ms: load.latency.quantile(0.5),
    p95Ms: load.latency.quantile(0.95),
    p99Ms: load.latency.quantile(0.99),
    serverCores: load.serverCores,
    serverUsPerDelivery:
      load.deliveries > 0 ? (load.serverCpuMs * 1000) / load.deliveries : Number.NaN,
    serverRssMb: load.serverRssMaxBytes / 1024 / 1024,
    generatorCores: load.generatorCores,
    foreignCores: load.foreignCores + load.stealCores,
    rejected: Object.values(load.rejected).reduce((s, n) => s + n, 0),
    held: false,
    disturbed: load.disturbed,
  };
  step.held = stepHeld({ ...step, p99Ms: step.p99Ms }) && step.rejected === 0;
  return step;
}

/** One server, one run: connect the clients, warm up, then step the rate up until it no longer holds. */
export async function fanoutRun(
  settings: BenchSettings,
  kind: TargetKind,
  run: number,
  options: FanoutOptions,
  progress: Progress,
): Promise<FanoutRun> {
  const target = await Target.start(kind, startOptionsFor(settings, kind));
  const generator = Generator.start(settings.generatorProcesses);
  const steps: FanoutStep[] = [];
  try {
    const connected = await generator.connect(kind, target.url, options.clients);
    if (connected.failed > 0)
      throw new Error(`${connected.failed} clients could not connect: ${connected.firstError}`);
    const clients = connected.connected;
    // Warm-up: JIT, buffers and the database settle before anything is counted.
    const warmRate = options.ramp[0] ?? 1000;
    await generator.load({
      tag: "warm",
      rate: warmRate / clients,
      senders: options.senders,
      durationMs: Math.max(1_000, options.stepMs / 2),
      settleMs: 500,
      fillerBytes: options.fillerBytes,
    });

    const tryStep = async (offered: number): Promise<FanoutStep> => {
      const rate = offered / clients;
      const load = await measureLoad(
        settings,
        target,
        generator,
        (attempt) =>
          generator.load({
            tag: `s${offered}a${attempt}`,
            rate,
            senders: options.senders,
            durationMs: options.stepMs,
            settleMs: SETTLE_MS,
            fillerBytes: options.fillerBytes,
          }),
        progress,
      );
      const step = toStep(rate, offered, clients, load, options.stepMs);
      steps.push(step);
      progress(
        `  ${kind} run ${run}: ${offered.toLocaleString("en-US")}/s offered → ${Math.round(
          step.deliveriesPerSecond,
        ).toLocaleString(
          "en-US",
        )}/s delivered, p99 ${step.p99Ms.toFixed(1)} ms, server ${step.serverCores.toFixed(
          2,
        )} cores (${step.serverUsPerDelivery.toFixed(1)} µs/delivery), generator ${step.generatorCores.toFixed(2)} cores ${
          step.held ? "✓" : "✗"
        }`,
      );
      // Let a backlog drain before the next step.
      await sleep(step.held ? 500 : 3_000);
      return step;
    };

    let lastHeld: number | null = null;
    let firstFailed: number | null = null;
    for (const offered of options.ramp) {
      const step = await tryStep(offered);
      if (!step.held) {
        firstFailed = offered;
        break;
      }
      lastHeld = offered;
      if (!target.alive) throw new Error(`${kind} server died:\n${target.log}`);
    }
    if (lastHeld !== null && firstFailed !== null) {
      let low = lastHeld;
      let high = firstFailed;
      for (let i = 0; i < options.refinements; i++) {
        const middle = Math.round((low + high) / 2);
        const step = await tryStep(middle);
        if (step.held) low = middle;
        else high = middle;
      }
    }
    // The moderate point, measured on its own when the ramp did not include it.
    if (!steps.some((s) => s.offered === options.moderateDeliveriesPerSecond)) {
      await tryStep(options.moderateDeliveriesPerSecond);
    }
  } finally {
    await generator.stop();
    await target.stop();
  }
  // Steps are judged in order of offered load: the best held one below the first failure.
  const best = saturationPoint(steps.map((s) => ({ ...s, rate: s.offered })));
  const saturation = best ? (steps.find((s) => s.offered === best.offered) ?? null) : null;
  return { target: kind, run, steps, saturation };
}

export function summarizeFanout(runs: FanoutRun[], options: FanoutOptions): FanoutSummary[] {
  const kinds = [...new Set(runs.map((r) => r.target))];
  return kinds.map((kind) => {
    const mine = runs.filter((r) => r.target === kind);
    const saturated = mine.map((r) => r.saturation);
    const pick = (f: (s: FanoutStep) => number) =>
      spread(saturated.map((s) => (s ? f(s) : Number.NaN)));
    const moderate = mine.map(
      (r) =>
        r.steps.find((s) => s.offered === options.moderateDeliveriesPerSecond && s.held)
          ?.serverUsPerDelivery ?? Number.NaN,
    );
    return {
      target: kind,
      saturation: spread(saturated.map((s) => (s ? s.deliveriesPerSecond : 0))),
      p50Ms: pick((s) => s.p50Ms),
      p95Ms: pick((s) => s.p95Ms),
      p99Ms: pick((s) => s.p99Ms),
      serverCores: pick((s) => s.serverCores),
      serverRssMb: pick((s) => s.serverRssMb),
      usPerDeliveryModerate: spread(moderate),
      generatorCores: pick((s) => s.generatorCores),
    };
  });
}

export async function fanoutScenario(
  settings: BenchSettings,
  progress: Progress,
): Promise<FanoutResult> {
  const options = fanoutOptions(settings);
  const runs: FanoutRun[] = [];
  // Servers take turns within each repeat, so that a noisy minute hits all of them.
  for (let run = 1; run <= settings.repeats; run++) {
    for (const kind of targetsOf(settings)) {
      progress(
        `fan-out · ${kind} · run ${run}/${settings.repeats} · ${options.clients} clients, ${options.senders} senders`,
      );
      runs.push(await fanoutRun(settings, kind, run, options, progress));
    }
  }
  return {
    clients: options.clients,
    senders: options.senders,
    stepSeconds: options.stepMs / 1000,
    moderateDeliveriesPerSecond: options.moderateDeliveriesPerSecond,
    runs,
    summaries: summarizeFanout(runs, options),
  };
}

export { P99_BOUND_MS };
