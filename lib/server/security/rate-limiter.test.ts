import { describe, expect, it } from "vitest";
import { createPenaltyBox, createRateLimiter } from "./rate-limiter";

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
