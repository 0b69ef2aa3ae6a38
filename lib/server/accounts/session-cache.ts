/**
 * Who a session cookie signs in, remembered for a while so that a reconnect
 * storm (every tab of every person at once, after a deploy) costs one lookup
 * per session rather than one per connection. An ended session is dropped at
 * once, on every instance (accounts.ts tells them); the lifetime bounds only
 * how long a lost notice could let an ended session connect again.
 */
export class SessionCache<T extends { sessionId: string; accountId: string }> {
  private readonly entries = new Map<string, { value: T | null; until: number }>();

  constructor(
    private readonly options: {
      ttlMs: number;
      /** A cookie that named nobody is remembered much more briefly: it may be a sign-in in progress. */
      negativeTtlMs: number;
      maxEntries: number;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The remembered answer (null: nobody), or undefined when it must be looked up. */
  get(key: string): T | null | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** `expiresAt`: the session's own end, which the entry never outlives. */
  set(key: string, value: T | null, expiresAt?: number): void {
    const ttl = value ? this.options.ttlMs : this.options.negativeTtlMs;
    const until = Math.min(this.now() + ttl, expiresAt ?? Number.POSITIVE_INFINITY);
    // Oldest first out: Map keeps insertion order.
    this.entries.delete(key);
    this.entries.set(key, { value, until });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  dropSession(sessionId: string): void {
    for (const [key, entry] of this.entries)
      if (entry.value?.sessionId === sessionId) this.entries.delete(key);
  }

  dropAccount(accountId: string): void {
    for (const [key, entry] of this.entries)
      if (entry.value?.accountId === accountId) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
