/**
 * How far behind the server is with the messages it has accepted: the age of
 * the oldest `message:send` received and not yet acknowledged. Sends are
 * acknowledged in about the order they arrive, so a Set (which keeps
 * insertion order) holds the oldest first.
 *
 * Past the limit the server is overloaded — people would wait seconds for
 * every message — and new sends are refused as `unavailable` until it has
 * caught up: the senders' outboxes retry, nothing acknowledged is affected,
 * and the backlog cannot grow without bound. `now` is injectable for tests.
 */
export class SendBacklog {
  private readonly pending = new Set<{ since: number }>();

  constructor(
    readonly maxDelayMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Records an accepted send; call the returned function once it is answered. */
  enter(): () => void {
    const entry = { since: this.now() };
    this.pending.add(entry);
    return () => {
      this.pending.delete(entry);
    };
  }

  /** Milliseconds the oldest unanswered send has waited (0 when none). */
  oldestDelayMs(): number {
    for (const entry of this.pending) return this.now() - entry.since;
    return 0;
  }

  get overloaded(): boolean {
    return this.oldestDelayMs() > this.maxDelayMs;
  }

  get size(): number {
    return this.pending.size;
  }
}
