import { describe, expect, it } from "vitest";
import {
  createCostBudget,
  createPenaltyBox,
  createRateLimiter,
  createWindowLimiter,
} from "./rate-limiter";

async function spend(limiter: ReturnType<typeof createRateLimiter>, key: string, times: number) {
  const decisions = [];
  for (let i = 0; i < times; i++) decisions.push(await limiter.consume(key));
  return decisions;
}

describe("a budget with a sustained rate and a burst", () => {
  it("allows the rate plus the burst, then refuses with the time until the next second", async () => {
    const limiter = createRateLimiter({ perSecond: 2, burst: 3, burstWindowMs: 60_000 }, "t1");
    const decisions = await spend(limiter, "k", 6);
    const allowed = decisions.filter((d) => d.allowed).length;
    // Five, or seven if the run crossed a second.
    expect([5, 7]).toContain(allowed);
    const refusal = decisions.at(-1);
    expect(refusal).toMatchObject({ allowed: false });
    if (refusal && !refusal.allowed) {
      expect(refusal.retryAfterMs).toBeGreaterThan(0);
      expect(refusal.retryAfterMs).toBeLessThanOrEqual(1_000);
    }
  });

  it("keeps keys apart", async () => {
    const limiter = createRateLimiter({ perSecond: 1, burst: 1, burstWindowMs: 60_000 }, "t2");
    await spend(limiter, "a", 3);
    expect(await limiter.consume("b")).toEqual({ allowed: true });
  });

  it("refills the sustained rate after the second is over", async () => {
    const limiter = createRateLimiter({ perSecond: 1, burst: 1, burstWindowMs: 60_000 }, "t3");
    const decisions = await spend(limiter, "k", 3);
    const refusal = decisions.find((d) => !d.allowed);
    if (!refusal || refusal.allowed) throw new Error("expected a refusal");
    await new Promise((resolve) => setTimeout(resolve, refusal.retryAfterMs + 20));
    expect(await limiter.consume("k")).toEqual({ allowed: true });
  });
});

describe("the penalty box", () => {
  it("holds a blocked key for the duration and nobody else", async () => {
    const box = createPenaltyBox(30_000, "t4");
    expect(await box.blockedForMs("a")).toBe(0);
    await box.block("a");
    const left = await box.blockedForMs("a");
    expect(left).toBeGreaterThan(29_000);
    expect(left).toBeLessThanOrEqual(30_000);
    expect(await box.blockedForMs("b")).toBe(0);
  });
});

describe("a budget per window", () => {
  it("allows so many per window and then refuses until the window ends", async () => {
    const limiter = createWindowLimiter({ points: 3, windowMs: 60_000 }, "w1");
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await limiter.consume("k"));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
    const refusal = decisions.at(-1);
    if (!refusal || refusal.allowed) throw new Error("expected a refusal");
    expect(refusal.retryAfterMs).toBeGreaterThan(59_000);
    expect(refusal.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(await limiter.consume("other")).toEqual({ allowed: true });
  });
});

describe("a budget of costs known afterwards", () => {
  const limit = { perSecond: 1_000, burst: 5_000, burstWindowMs: 60_000 };

  it("allows work while the second's allowance or the burst is left, whatever the work cost", async () => {
    const budget = createCostBudget(limit, "c1");
    expect(await budget.check("k")).toEqual({ allowed: true });
    // One costly piece of work may overdraw the second's allowance; the burst pays the rest.
    await budget.charge("k", 4_000);
    expect(await budget.check("k")).toEqual({ allowed: true });
    await budget.charge("k", 2_500);
    const refusal = await budget.check("k");
    expect(refusal).toMatchObject({ allowed: false });
    if (!refusal.allowed) expect(refusal.retryAfterMs).toBeLessThanOrEqual(1_000);
    expect(await budget.check("someone else")).toEqual({ allowed: true });
  });

  it("gives the second's allowance back when the second is over, not the spent burst", async () => {
    const budget = createCostBudget({ perSecond: 100, burst: 100, burstWindowMs: 60_000 }, "c2");
    await budget.charge("k", 250);
    const refusal = await budget.check("k");
    if (refusal.allowed) throw new Error("expected a refusal");
    await new Promise((resolve) => setTimeout(resolve, refusal.retryAfterMs + 20));
    expect(await budget.check("k")).toEqual({ allowed: true });
    await budget.charge("k", 100);
    expect(await budget.check("k")).toMatchObject({ allowed: false });
  });
});
