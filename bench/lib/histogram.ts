/**
 * A latency histogram with about 1 % relative precision from 10 µs to ~100 s,
 * in a fixed array of counts: recording is O(1) and allocation-free, so a
 * generator can record every one of hundreds of thousands of deliveries a
 * second, and histograms from several processes merge by adding counts.
 */
const MIN_MS = 0.01;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
export const BUCKETS = Math.ceil(Math.log(100_000 / MIN_MS) / LOG_GROWTH) + 2;

export type HistogramData = { counts: number[]; total: number; max: number; sum: number };

export class Histogram {
  readonly counts = new Uint32Array(BUCKETS);
  total = 0;
  max = 0;
  sum = 0;

  record(ms: number): void {
    const value = Number.isNaN(ms) ? 0 : Math.max(ms, 0);
    const index =
      value <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(value / MIN_MS) / LOG_GROWTH));
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.total++;
    this.sum += value;
    if (value > this.max) this.max = value;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.max = 0;
    this.sum = 0;
  }

  /** A compact copy for sending between processes. */
  toJSON(): HistogramData {
    return { counts: Array.from(this.counts), total: this.total, max: this.max, sum: this.sum };
  }

  static merge(parts: readonly HistogramData[]): Histogram {
    const merged = new Histogram();
    for (const part of parts) {
      for (let i = 0; i < BUCKETS; i++) {
        const count = part.counts[i] ?? 0;
        if (count) merged.counts[i] = (merged.counts[i] ?? 0) + count;
      }
      merged.total += part.total;
      merged.sum += part.sum;
      merged.max = Math.max(merged.max, part.max);
    }
    return merged;
  }

  /** The value below which a fraction `q` (0–1) of the samples lie (a bucket's upper bound, capped at the maximum seen). */
  quantile(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.min(this.max, i === 0 ? MIN_MS : MIN_MS * GROWTH ** i);
    }
    return this.max;
  }

  get mean(): number {
    return this.total === 0 ? Number.NaN : this.sum / this.total;
  }
}
