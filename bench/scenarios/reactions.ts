import { type BenchSettings, type Progress, sleep } from "../lib/context";
import { Generator } from "../lib/generator";
import type { ReactReport } from "../lib/generator-protocol";
import { Histogram } from "../lib/histogram";
import { CpuWindow } from "../lib/proc-stats";
import { P99_BOUND_MS } from "../lib/saturation";
import { type Spread, spread } from "../lib/summary";
import { Target } from "../lib/targets";
import { ackPayload, WireClient } from "../lib/wire";

/**
 * A reaction storm: every client of a large room receives every change while
 * many of them toggle reactions on a few messages. The figure is the highest
 * rate of changes held with every change reaching every client within the
 * bound (p99 from the change's acknowledgement to the last client holding
 * it), and the bytes one update costs on the wire.
 */
export type ReactionsOptions = {
  clients: number;
  senders: number;
  messages: number;
  emoji: readonly string[];
  stepMs: number;
  /** Changes per second asked for, all senders together. */
  ramp: readonly number[];
  refinements: number;
};

export function reactionsOptions(settings: BenchSettings): ReactionsOptions {
  // Common reactions, ZWJ and skin-tone sequences among them, fewer than the per-message limit.
  const emoji = ["👍", "❤️", "😂", "🎉", "👀", "🙏🏽", "🏳️‍🌈", "🚀"];
  if (settings.quick)
    return {
      clients: 200,
      senders: 20,
      messages: 3,
      emoji,
      stepMs: 1_500,
      ramp: [50, 100, 200],
      refinements: 0,
    };
  return {
    clients: 1_000,
    senders: 50,
    messages: 3,
    emoji,
    stepMs: 4_000,
    ramp: [10, 20, 30, 40, 50, 60, 80, 100, 120],
    refinements: 2,
  };
}

export type ReactionStep = {
  offered: number;
  sent: number;
  acked: number;
  /** Changes that reached every client, per second of the step. */
  updatesPerSecond: number;
  /** Acknowledged changes some client never received (within the settle time). */
  incomplete: number;
  /** From the change's ack to the last client holding it. */
  p50Ms: number;
  p99Ms: number;
  /** From sending the request to the last client holding it. */
  sendToAllP99Ms: number;
  /** One `message:updated` WebSocket payload, mean. */
  bytesPerUpdate: number;
  serverCores: number;
  serverUsPerDelivery: number;
  generatorCores: number;
  foreignCores: number;
  rejected: number;
  /** Refusals by error code (an overloaded server answers `unavailable`). */
  rejectedCodes: Record<string, number>;
  skipped: number;
  held: boolean;
  disturbed: boolean;
};

export type ReactionRun = { run: number; steps: ReactionStep[]; saturation: ReactionStep | null };

export type ReactionsResult = {
  clients: number;
  senders: number;
  messages: number;
  emoji: number;
  stepSeconds: number;
  runs: ReactionRun[];
  saturation: Spread;
  p99Ms: Spread;
  bytesPerUpdate: Spread;
  usPerDelivery: Spread;
};

const SETTLE_MS = 1_000;

/** Joins the senders' acks with the receivers' updates, rev by rev. */
export function judgeReactionStep(
  offered: number,
  clients: number,
  stepMs: number,
  reports: ReactReport[],
): Omit<
  ReactionStep,
  "serverCores" | "serverUsPerDelivery" | "generatorCores" | "foreignCores" | "disturbed"
> & { deliveries: number } {
  const received = new Map<number, { clients: number; lastAt: number }>();
  for (const report of reports)
    for (const [rev, count, lastAt] of report.received) {
      const seen = received.get(rev);
      if (seen) {
        seen.clients += count;
        seen.lastAt = Math.max(seen.lastAt, lastAt);
      } else received.set(rev, { clients: count, lastAt });
    }
  const fromAck = new Histogram();
  const fromSend = new Histogram();
  let complete = 0;
  let incomplete = 0;
  let deliveries = 0;
  const acked = reports.flatMap((r) => r.acked);
  for (const [rev, sentAt, ackAt] of acked) {
    const seen = received.get(rev);
    deliveries += seen?.clients ?? 0;
    if (!seen || seen.clients < clients) {
      incomplete++;
      continue;
    }
    complete++;
    fromAck.record(seen.lastAt - ackAt);
    fromSend.record(seen.lastAt - sentAt);
  }
  const frames = reports.reduce((s, r) => s + r.updateFrames, 0);
  const bytes = reports.reduce((s, r) => s + r.updateBytes, 0);
  const rejectedCodes: Record<string, number> = {};
  for (const report of reports)
    for (const [code, n] of Object.entries(report.rejected))
      rejectedCodes[code] = (rejectedCodes[code] ?? 0) + n;
  const rejected = Object.values(rejectedCodes).reduce((a, b) => a + b, 0);
  const sent = reports.reduce((s, r) => s + r.sent, 0);
  const skipped = reports.reduce((s, r) => s + r.skipped, 0);
  const p99Ms = fromAck.quantile(0.99);
  return {
    offered,
    sent,
    acked: acked.length,
    updatesPerSecond: complete / (stepMs / 1000),
    incomplete,
    p50Ms: fromAck.quantile(0.5),
    p99Ms,
    sendToAllP99Ms: fromSend.quantile(0.99),
    bytesPerUpdate: frames > 0 ? bytes / frames : Number.NaN,
    rejected,
    rejectedCodes,
    skipped,
    deliveries,
    held:
      acked.length > 0 &&
      incomplete === 0 &&
      rejected === 0 &&
      skipped === 0 &&
      p99Ms < P99_BOUND_MS &&
      // An open loop that fell behind has not offered the rate it claims.
      sent >= 0.9 * offered * (stepMs / 1000),
  };
}

/** The highest held step below the first that failed (a noisy pass above a failure does not count). */
export function highestHeld(steps: readonly ReactionStep[]): ReactionStep | null {
  let best: ReactionStep | null = null;
  for (const step of [...steps].sort((a, b) => a.offered - b.offered)) {
    if (!step.held) break;
    best = step;
  }
  return best;
}

/** Posts the messages the storm reacts to; resolves with their ids. */
async function postMessages(url: string, count: number): Promise<string[]> {
  const poster = new WireClient("scrollback", url, 0);
  await poster.connect();
  try {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = await new Promise<string>((resolve, reject) =>
        poster.sendChat(`react to me ${i + 1}`, (result, frame) => {
          if (!result.ok) reject(new Error(`message:send refused: ${result.code}`));
          else resolve(ackPayload<{ message: { id: string } }>(frame).message.id);
        }),
      );
      ids.push(id);
    }
    return ids;
  } finally {
    poster.close();
  }
}

export async function reactionsRun(
  settings: BenchSettings,
  run: number,
  options: ReactionsOptions,
  progress: Progress,
): Promise<ReactionRun> {
  const target = await Target.start(
    "scrollback",
    settings.scrollbackEntry ? { scrollbackEntry: settings.scrollbackEntry } : {},
  );
  const generator = Generator.start(settings.generatorProcesses);
  const steps: ReactionStep[] = [];
  try {
    const messages = await postMessages(target.url, options.messages);
    const connected = await generator.connect("scrollback", target.url, options.clients);
    if (connected.failed > 0)
      throw new Error(`${connected.failed} clients could not connect: ${connected.firstError}`);
    const clients = connected.connected;
    const storm = (rate: number, durationMs: number) =>
      generator.react({
        rate,
        senders: options.senders,
        durationMs,
        settleMs: SETTLE_MS,
        messages,
        emoji: [...options.emoji],
      });
    // Warm-up: JIT, buffers and the database settle before anything is counted.
    await storm(options.ramp[0] ?? 10, Math.max(1_000, options.stepMs / 2));

    const tryStep = async (offered: number): Promise<ReactionStep> => {
      let step: ReactionStep | null = null;
      for (let attempt = 0; attempt <= settings.disturbedRetries; attempt++) {
        const window = new CpuWindow([target.pid, ...generator.pids]);
        const reports = await storm(offered, options.stepMs);
        const cpu = window.finish();
        const serverCpuMs = cpu.cpuMsByPid.get(target.pid) ?? Number.NaN;
        const generatorCpuMs = generator.pids.reduce(
          (s, pid) => s + (cpu.cpuMsByPid.get(pid) ?? 0),
          0,
        );
        const { deliveries, ...judged } = judgeReactionStep(
          offered,
          clients,
          options.stepMs,
          reports,
        );
        const foreign = cpu.foreignCores + cpu.stealCores;
        step = {
          ...judged,
          serverCores: serverCpuMs / 1000 / cpu.seconds,
          serverUsPerDelivery: deliveries > 0 ? (serverCpuMs * 1000) / deliveries : Number.NaN,
          generatorCores: generatorCpuMs / 1000 / cpu.seconds,
          foreignCores: foreign,
          disturbed: foreign > settings.disturbedForeignCores,
        };
        if (!step.disturbed) break;
        progress(`  disturbed: ${foreign.toFixed(2)} cores of foreign CPU/steal`);
      }
      const done = step as ReactionStep;
      steps.push(done);
      progress(
        `  reactions run ${run}: ${offered}/s offered → ${Math.round(done.updatesPerSecond)}/s reached all ${clients} clients, p99 ack→all ${done.p99Ms.toFixed(1)} ms, ${Math.round(done.bytesPerUpdate)} B/update, server ${done.serverCores.toFixed(2)} cores (${done.serverUsPerDelivery.toFixed(1)} µs/delivery)${done.rejected ? `, refused ${JSON.stringify(done.rejectedCodes)}` : ""}${done.incomplete ? `, ${done.incomplete} incomplete` : ""} ${done.held ? "✓" : "✗"}`,
      );
      await sleep(done.held ? 500 : 3_000);
      return done;
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
      if (!target.alive) throw new Error(`server died:\n${target.log}`);
    }
    if (lastHeld !== null && firstFailed !== null) {
      let low = lastHeld;
      let high = firstFailed;
      for (let i = 0; i < options.refinements; i++) {
        const middle = Math.round((low + high) / 2);
        if (middle === low || middle === high) break;
        const step = await tryStep(middle);
        if (step.held) low = middle;
        else high = middle;
      }
    }
  } finally {
    await generator.stop();
    await target.stop();
  }
  return { run, steps, saturation: highestHeld(steps) };
}

export async function reactionsScenario(
  settings: BenchSettings,
  progress: Progress,
): Promise<ReactionsResult> {
  const options = reactionsOptions(settings);
  const runs: ReactionRun[] = [];
  for (let run = 1; run <= settings.repeats; run++) {
    progress(
      `reaction storm · run ${run}/${settings.repeats} · ${options.clients} clients, ${options.senders} reacting on ${options.messages} messages`,
    );
    runs.push(await reactionsRun(settings, run, options, progress));
  }
  const saturated = runs.map((r) => r.saturation);
  return {
    clients: options.clients,
    senders: options.senders,
    messages: options.messages,
    emoji: options.emoji.length,
    stepSeconds: options.stepMs / 1000,
    runs,
    saturation: spread(saturated.map((s) => s?.updatesPerSecond ?? 0)),
    p99Ms: spread(saturated.map((s) => s?.p99Ms ?? Number.NaN)),
    bytesPerUpdate: spread(runs.flatMap((r) => r.steps.map((s) => s.bytesPerUpdate))),
    usPerDelivery: spread(saturated.map((s) => s?.serverUsPerDelivery ?? Number.NaN)),
  };
}
