export type LockWaitOptions = {
  /** The pause after the first attempt that found the lock held. */
  firstDelayMs: number;
  /** Pauses double up to this. */
  maxDelayMs: number;
};

/**
 * Waiting for a lock another process holds, without blocking the event loop.
 * better-sqlite3 is synchronous: SQLite's own busy handler would sleep the
 * whole process until the lock is free. The store keeps that handler short
 * and waits here instead, asynchronously, between attempts.
 *
 * One attempt per step for the whole store: once a write has found the lock
 * held, other writes wait for the next step rather than each trying (and
 * each spending the short synchronous wait) on their own. At a step every
 * waiter wakes, in the order it began waiting; the first to try either gets
 * the lock (and the rest follow) or finds it held again, which starts the
 * next, longer pause before anyone else tries.
 */
export class LockWait {
  private delayMs: number;
  private timer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];
  private held = false;

  constructor(private readonly options: LockWaitOptions) {
    this.delayMs = options.firstDelayMs;
  }

  /** True while the lock is known to be held: writers should wait for the next step. */
  get blocked(): boolean {
    return this.held;
  }

  /** An attempt found the lock held: no one tries again until the next step. */
  foundHeld(): void {
    if (this.held) return;
    this.held = true;
    const delay = this.delayMs;
    this.delayMs = Math.min(this.options.maxDelayMs, this.delayMs * 2);
    this.timer = setTimeout(() => this.step(), delay);
  }

  /** An attempt got the lock: the next wait, if any, starts from the first pause again. */
  acquired(): void {
    this.delayMs = this.options.firstDelayMs;
  }

  /** Resolves at the next step, or at once when the lock is not known to be held. */
  nextAttempt(): Promise<void> {
    if (!this.held) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wakes every waiter now (closing the store): each attempts once more or gives up. */
  release(): void {
    clearTimeout(this.timer);
    this.step();
  }

  private step(): void {
    this.timer = undefined;
    this.held = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
