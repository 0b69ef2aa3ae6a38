import { describe, expect, it } from "vitest";
import { saturationPoint, stepHeld } from "./saturation";
import { formatSpread, ratio, spread } from "./summary";

const step = (rate: number, p99Ms: number, deliveredFraction = 1) => ({
  rate,
  expectedDeliveries: rate * 10,
  deliveries: Math.round(rate * 10 * deliveredFraction),
  deliveriesPerSecond: rate,
  p99Ms,
});

describe("saturation point", () => {
  it("is the highest step held before the first one that failed", () => {
    const steps = [step(10, 5), step(20, 8), step(30, 150), step(40, 9)];
    expect(saturationPoint(steps)?.rate).toBe(20);
  });

  it("judges steps in order of rate, whatever order they ran in (refinement steps come last)", () => {
    const steps = [step(10, 5), step(30, 150), step(20, 8), step(25, 40), step(27, 101)];
    expect(saturationPoint(steps)?.rate).toBe(25);
  });

  it("fails a step that lost deliveries even with low latency, and one at exactly the bound", () => {
    expect(stepHeld(step(10, 5, 0.98))).toBe(false);
    expect(stepHeld(step(10, 100))).toBe(false);
    expect(stepHeld(step(10, 99.9, 0.995))).toBe(true);
  });

  it("is null when not even the first step held", () => {
    expect(saturationPoint([step(10, 200)])).toBeNull();
  });
});

describe("spread of runs", () => {
  it("gives the median and the range, ignoring missing runs", () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, runs: 3 });
    expect(spread([4, 1, Number.NaN, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4, runs: 4 });
    expect(formatSpread(spread([50_000, 48_000, 52_500]), 0)).toBe("50,000 (48,000–52,500)");
    expect(ratio(45, 50)).toBe("0.90×");
    expect(ratio(1, 0)).toBe("—");
  });
});
