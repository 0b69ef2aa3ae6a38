/**
 * The fan-out verdict, kept pure: a load step "holds" when nearly every
 * expected delivery arrived and p99 latency stayed under the bound; the
 * saturation point is the highest delivery rate among held steps below the
 * first step that failed (a noisy pass above a failure does not count).
 */
export const P99_BOUND_MS = 100;
/** Deliveries that may be missing at the end of a step (in flight when counting stopped). */
export const MIN_DELIVERED_FRACTION = 0.99;

export type StepOutcome = {
  /** Messages per second the senders were asked to send, all together. */
  rate: number;
  expectedDeliveries: number;
  deliveries: number;
  /** Deliveries per second actually measured over the step. */
  deliveriesPerSecond: number;
  p99Ms: number;
};

export function stepHeld(step: StepOutcome): boolean {
  return (
    step.expectedDeliveries > 0 &&
    step.deliveries >= step.expectedDeliveries * MIN_DELIVERED_FRACTION &&
    step.p99Ms < P99_BOUND_MS
  );
}

/** The highest held step before the first failure, or null when even the first failed. */
export function saturationPoint<T extends StepOutcome>(steps: readonly T[]): T | null {
  let best: T | null = null;
  for (const step of [...steps].sort((a, b) => a.rate - b.rate)) {
    if (!stepHeld(step)) break;
    best = step;
  }
  return best;
}
