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

/** So many per window (a minute, an hour), for things a person does now and then. */
export type WindowLimit = { points: number; windowMs: number };

/** A per-key limiter of `points` per fixed window, refusing with the time until the window ends. */
export function createWindowLimiter(limit: WindowLimit, name: string): KeyedRateLimiter {
  const limiter = new RateLimiterMemory({
    keyPrefix: `${name}:window`,
    points: limit.points,
    duration: Math.max(1, Math.round(limit.windowMs / 1000)),
  });
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

/**
 * A budget for work whose cost is known only once it is done (the bytes of
 * a page): `check` before, refusing once the sustained allowance and the
 * burst are both spent; `charge` after, with what it cost. One request may
 * overdraw what is left, which the next windows pay back; so the overdraft
 * is bounded by what one request can cost. Same shape as `createRateLimiter`:
 * the burst is spent only once the second's allowance is.
 */
export type CostBudget = {
  check(key: string): Promise<RateDecision>;
  charge(key: string, cost: number): Promise<void>;
};

export function createCostBudget(limit: RateLimit, name: string): CostBudget {
  const sustained = new RateLimiterMemory({
    keyPrefix: `${name}:rate`,
    points: limit.perSecond,
    duration: 1,
  });
  const burst = new RateLimiterMemory({
    keyPrefix: `${name}:burst`,
    points: limit.burst,
    duration: Math.max(1, Math.round(limit.burstWindowMs / 1000)),
  });
  return {
    async check(key) {
      const [second, window] = await Promise.all([sustained.get(key), burst.get(key)]);
      if (!second || second.consumedPoints < limit.perSecond) return { allowed: true };
      if (!window || window.consumedPoints < limit.burst) return { allowed: true };
      return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(second.msBeforeNext)) };
    },
    async charge(key, cost) {
      if (cost <= 0) return;
      const second = await sustained.get(key);
      const left = Math.max(0, limit.perSecond - (second?.consumedPoints ?? 0));
      await sustained.penalty(key, cost);
      if (cost > left) await burst.penalty(key, cost - left);
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
