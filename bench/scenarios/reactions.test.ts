import { describe, expect, it } from "vitest";
import type { ReactReport } from "../lib/generator-protocol";
import { highestHeld, judgeReactionStep, type ReactionStep } from "./reactions";

/** A worker's report: its acks [rev, sentAt, ackAt] and what its clients received [rev, clients, lastAt]. */
function report(
  acked: ReactReport["acked"],
  received: ReactReport["received"],
  extra: Partial<ReactReport> = {},
): ReactReport {
  return {
    sent: acked.length,
    acked,
    rejected: {},
    skipped: 0,
    unacked: 0,
    received,
    updateFrames: received.reduce((s, [, n]) => s + n, 0),
    updateBytes: received.reduce((s, [, n]) => s + n * 400, 0),
    cpuMs: 1,
    dropped: 0,
    ...extra,
  };
}

describe("judging a reaction-storm step", () => {
  it("joins acks and arrivals by rev across workers: latency is ack → the last client anywhere", () => {
    const step = judgeReactionStep(2, 4, 1_000, [
      report(
        [[10, 0, 5]],
        [
          [10, 2, 12],
          [11, 2, 30],
        ],
      ),
      report(
        [[11, 20, 24]],
        [
          [10, 2, 9],
          [11, 2, 31],
        ],
      ),
    ]);
    expect(step.acked).toBe(2);
    expect(step.incomplete).toBe(0);
    expect(step.updatesPerSecond).toBe(2);
    expect(step.deliveries).toBe(8);
    // rev 10: acked at 5, last client at 12 → 7 ms; rev 11: acked at 24, last at 31 → 7 ms.
    expect(step.p99Ms).toBeCloseTo(7, 0);
    expect(step.sendToAllP99Ms).toBeCloseTo(12, 0);
    expect(step.bytesPerUpdate).toBe(400);
    expect(step.held).toBe(true);
  });

  it.each([
    ["a change some client never received", [report([[10, 0, 5]], [[10, 3, 12]])], "incomplete"],
    [
      "a refused change",
      [report([[10, 0, 5]], [[10, 4, 12]], { rejected: { rate_limited: 1 } })],
      "rejected",
    ],
    ["p99 over the bound", [report([[10, 0, 5]], [[10, 4, 150]])], "p99Ms"],
    [
      "a change passed over (all pending)",
      [report([[10, 0, 5]], [[10, 4, 12]], { skipped: 1 })],
      "skipped",
    ],
  ] as const)("does not hold with %s", (_, reports, field) => {
    const step = judgeReactionStep(1, 4, 1_000, [...reports]);
    expect(step.held).toBe(false);
    expect(step[field]).toBeGreaterThan(0);
  });

  it("does not hold when the open loop sent far less than offered", () => {
    const step = judgeReactionStep(100, 4, 1_000, [report([[10, 0, 5]], [[10, 4, 12]])]);
    expect(step.held).toBe(false);
  });

  it("takes the highest held step below the first failure, not a noisy pass above it", () => {
    const steps = [10, 20, 30, 40].map((offered) => ({ offered, held: offered !== 30 }));
    expect(highestHeld(steps as ReactionStep[])?.offered).toBe(20);
    expect(highestHeld([{ offered: 10, held: false }] as ReactionStep[])).toBeNull();
  });
});
