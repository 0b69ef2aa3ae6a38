import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export type RateLimit = {
  /** Sustained rate, refilled every second. */
  perSecond: number;
  /** Extra allowance for a burst, refilled every `burstWindowMs`. */
  burst: number;
  burstWindowMs: number;
};

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export type KeyedRateLimiter = {
  consume(key: string): Promise<RateDecision>;
};

/**
 * A per-key limiter that allows `perSecond` sustained with `burst` on top
 * (rate-limiter-flexible's BurstyRateLimiter: the burst allowance is spent
 * only once the per-second one is used up). Counters live in this process's
 * memory, so each server instance limits on its own.
 */
export function createRateLimiter(limit: RateLimit, name: string): KeyedRateLimiter {
  const limiter = new BurstyRateLimiter(
    new RateLimiterMemory({ keyPrefix: `${name}:rate`, points: limit.perSecond, duration: 1 }),
    new RateLimiterMemory({
      keyPrefix: `${name}:burst`,
      points: limit.burst,
      duration: Math.max(1, Math.round(limit.burstWindowMs / 1000)),
    }),
  );
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(rejection.msBeforeNext)) };
      }
    },
  };
}

/** Keys (client addresses) shut out for a while after they misbehaved. */
export type PenaltyBox = {
  block(key: string): Promise<void>;
  /** How much longer `key` is blocked; 0 when it is not. */
  blockedForMs(key: string): Promise<number>;
};

export function createPenaltyBox(durationMs: number, name: string): PenaltyBox {
  const seconds = Math.max(1, Math.round(durationMs / 1000));
  const box = new RateLimiterMemory({ keyPrefix: `${name}:blocked`, points: 1, duration: seconds });
  return {
    async block(key) {
      await box.block(key, seconds);
    },
    async blockedForMs(key) {
      const state = await box.get(key);
      return state && state.consumedPoints > 1 ? Math.max(1, state.msBeforeNext) : 0;
    },
  };
}
