import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../lib/server/testing/server-process";
import type { BenchSettings } from "./lib/context";
import { Generator } from "./lib/generator";
import { Target } from "./lib/targets";
import { accountsScenario } from "./scenarios/accounts";
import { catchupScenario, crossover } from "./scenarios/catchup";
import { fanoutRun } from "./scenarios/fanout";
import { privateFanoutScenario } from "./scenarios/private-fanout";
import { reactionsRun } from "./scenarios/reactions";
import { uploadsScenario } from "./scenarios/uploads";
import { insertLoop } from "./scenarios/writes";

/**
 * The benchmark's own smoke test: the harness works end to end on a tiny
 * scenario against all three servers. Scrollback runs as the chat server
 * without Next.js (no production build needed in a unit-test run); the
 * figures are not judged here, only that they are real measurements.
 */
const SETTINGS: BenchSettings = {
  quick: true,
  repeats: 1,
  generatorProcesses: 1,
  scrollbackEntry: [
    "--import",
    "tsx",
    join(PROJECT_ROOT, "lib/server/testing/chat-server-process.ts"),
  ],
  disturbedForeignCores: Number.POSITIVE_INFINITY,
  disturbedRetries: 0,
};

const TINY = {
  clients: 12,
  senders: 3,
  stepMs: 600,
  ramp: [120, 240],
  refinements: 0,
  moderateDeliveriesPerSecond: 120,
  fillerBytes: 20,
};

describe("the benchmark harness", () => {
  it.each(["naive", "raw", "scrollback"] as const)(
    "measures fan-out on the %s server: every delivery counted, latencies and CPU recorded",
    async (kind) => {
      const lines: string[] = [];
      const run = await fanoutRun(SETTINGS, kind, 1, TINY, (line) => lines.push(line));
      // How far the ramp climbs is the machine's doing (a loaded one misses the
      // latency bound early); the rule is not: on while a step holds, and stop
      // at the first that does not, whose predecessor is the saturation point.
      const failed = run.steps.findIndex((step) => !step.held);
      const climbed = failed === -1 ? TINY.ramp.length : failed + 1;
      expect(run.steps.map((s) => s.offered)).toEqual(TINY.ramp.slice(0, climbed));
      expect(run.saturation?.offered ?? null).toBe(
        failed === -1 ? 240 : (TINY.ramp[failed - 1] ?? null),
      );
      for (const step of run.steps) {
        // Every client, senders included, receives every message exactly once;
        // a step that did not hold may end with some still on their way.
        if (step.held) expect(step.deliveries).toBe(step.expectedDeliveries);
        else expect(step.deliveries).toBeLessThanOrEqual(step.expectedDeliveries);
        expect(step.deliveries).toBeGreaterThan(0);
        expect(step.p99Ms).toBeGreaterThan(0);
        expect(step.p50Ms).toBeLessThanOrEqual(step.p99Ms);
        expect(step.rejected).toBe(0);
      }
      expect(lines.length).toBe(run.steps.length);
    },
    60_000,
  );

  it("measures fan-out in a public and a private room of members, each member with its own token", async () => {
    const result = await privateFanoutScenario(SETTINGS, () => {}, {
      members: 12,
      senders: 3,
      stepMs: 600,
      loads: [120],
      fillerBytes: 20,
    });
    expect(result.steps.map((s) => s.room)).toEqual(["public", "private"]);
    for (const step of result.steps) {
      // Every member, senders included, hears every message; none is refused.
      expect(step.rejected).toBe(0);
      if (step.held) expect(step.deliveries).toBe(step.expectedDeliveries);
      expect(step.deliveries).toBeGreaterThan(0);
      expect(step.serverUsPerDelivery).toBeGreaterThan(0);
    }
    expect(result.ratio.pairs).toHaveLength(1);
    expect(result.ratio.median).toBeGreaterThan(0);
  }, 60_000);

  it("reports a server's memory after GC and its event-loop stalls through the probe", async () => {
    const target = await Target.start("naive", { naiveSeedMessages: 1_000 });
    const generator = Generator.start(1);
    try {
      const before = await target.afterGc();
      expect(before.rss).toBeGreaterThan(10 * 1024 * 1024);
      const connected = await generator.connect("naive", target.url, 5);
      expect(connected.connected).toBe(5);
      await target.longestStall();
      const storm = await generator.reconnect(5);
      expect(storm.reconnected).toBe(5);
      // The naive server sends its whole list to each: 1,000 messages are tens of kilobytes.
      expect(storm.historyBytes / 5).toBeGreaterThan(50_000);
      expect(await target.longestStall()).toBeGreaterThanOrEqual(0);
    } finally {
      await generator.stop();
      await target.stop();
    }
  }, 60_000);

  it("measures a reaction storm: every acknowledged change reaches every client once, with its latency and bytes", async () => {
    const run = await reactionsRun(
      SETTINGS,
      1,
      {
        clients: 12,
        senders: 4,
        messages: 2,
        emoji: ["👍", "🏳️‍🌈"],
        stepMs: 600,
        ramp: [20, 40],
        refinements: 0,
      },
      () => {},
    );
    expect(run.steps.length).toBeGreaterThan(0);
    for (const step of run.steps) {
      // Toggles are real changes (none is a no-op), so each acked one is broadcast.
      expect(step.rejected).toBe(0);
      expect(step.acked).toBeGreaterThan(0);
      if (step.held) expect(step.incomplete).toBe(0);
      // The whole message travels in each update: more than its id and rev alone.
      expect(step.bytesPerUpdate).toBeGreaterThan(200);
      expect(step.p50Ms).toBeLessThanOrEqual(step.p99Ms);
    }
  }, 60_000);

  it("measures a catch-up: the last n changes replayed to hasMore false, each changed message once", async () => {
    const result = await catchupScenario(SETTINGS, () => {}, {
      messages: 30,
      changes: 200,
      behind: [10, 200],
      samples: 1,
      writers: 3,
      inFlight: 8,
    });
    expect(result.mix.reactions + result.mix.edits + result.mix.deletes).toBe(200);
    const [few, all] = result.replays;
    expect(few?.messages).toBeLessThanOrEqual(10);
    expect(few?.messages).toBeGreaterThan(0);
    // 200 changes touched every one of the 30 messages; each comes back once.
    expect(all?.messages).toBe(30);
    expect(all?.bytes).toBeGreaterThan(few?.bytes ?? 0);
    expect(result.newestPage.bytes).toBeGreaterThan(0);
  }, 60_000);

  it("measures the signed-in storm beside the guests' and revocation on one and two instances", async () => {
    const result = await accountsScenario(SETTINGS, () => {}, { clients: 12, revocations: 3 });
    for (const storm of result.storms) {
      expect(storm.failed).toBe(0);
      expect(storm.connected).toBe(12);
      // Accounts connect as themselves, cold and warm; guests never as an account.
      expect(storm.signedIn).toBe(storm.who === "account" ? 12 : 0);
      expect(storm.connectP50Ms).toBeLessThanOrEqual(storm.connectP99Ms);
      expect(storm.serverCpuMsPerConnection).toBeGreaterThanOrEqual(0);
    }
    expect(result.storms.map((s) => `${s.who} ${s.phase}`)).toEqual([
      "guest cold",
      "guest warm",
      "account cold",
      "account warm",
    ]);
    expect(result.revocation.map((r) => r.instances)).toEqual(["single", "cross"]);
    for (const revoked of result.revocation) {
      // Every revoked session's socket was told, and its cookie no longer signs in.
      expect(revoked.samples).toBe(3);
      expect(revoked.missed).toBe(0);
      expect(revoked.stillSignedInAfter).toBe(0);
      expect(revoked.disconnectP50Ms).toBeGreaterThan(0);
    }
  }, 120_000);

  it("measures uploads over tus: throughput, the server's RSS over time, a photo's image work and its time through the route", async () => {
    const bytesPerClient = 2 * 1024 * 1024;
    const result = await uploadsScenario(SETTINGS, () => {}, {
      clients: 3,
      bytesPerClient,
      photos: 1,
      photoWidth: 800,
      photoHeight: 600,
      // Fan-out has its own tests above; here it would only double the time.
      fanout: null,
    });
    const [round] = result.rounds;
    // Every client's upload finished with its attachment, of the size sent.
    expect(round?.perClientMbPerSecond).toHaveLength(3);
    for (const rate of round?.perClientMbPerSecond ?? []) expect(rate).toBeGreaterThan(0);
    expect(round?.totalMbPerSecond).toBeGreaterThan(0);
    expect(round?.rss.length).toBeGreaterThan(0);
    expect(round?.rssPeakMb).toBeGreaterThan(10);
    expect(round?.rssAfterMb).toBeGreaterThan(10);
    // The photo went through the image work (it came back a JPEG); the plain bytes beside it too.
    expect(result.photos).toHaveLength(1);
    expect(result.moduleMs.p50).toBeGreaterThan(0);
    expect(result.imageMs.p50).toBeGreaterThan(0);
    expect(result.plainMs.p50).toBeGreaterThan(0);
    expect(result.fanout.steps).toEqual([]);
  }, 120_000);

  it("finds where a rising cost crosses a bound, between measured points", () => {
    const points = [
      { behind: 100, cost: 1 },
      { behind: 1_000, cost: 3 },
      { behind: 2_000, cost: 9 },
    ];
    expect(crossover(points, 6)).toBe(1_500);
    expect(crossover(points, 0.5)).toBe(100);
    expect(crossover(points, 10)).toBeNull();
  });

  it("times the plain better-sqlite3 insert loop", () => {
    const loop = insertLoop(0.2);
    expect(loop.perTransaction).toBeGreaterThan(0);
    expect(loop.batched).toBeGreaterThan(loop.perTransaction);
  });
});
