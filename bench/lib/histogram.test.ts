import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Histogram } from "./histogram";

describe("Histogram", () => {
  it("gives quantiles within 1 % of the exact ones", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.02, max: 50_000, noNaN: true }), {
          minLength: 1,
          maxLength: 500,
        }),
        fc.constantFrom(0.5, 0.95, 0.99),
        (values, q) => {
          const h = new Histogram();
          for (const v of values) h.record(v);
          const sorted = [...values].sort((a, b) => a - b);
          const exact = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
          const estimate = h.quantile(q);
          expect(estimate).toBeGreaterThanOrEqual(exact * 0.999);
          expect(estimate).toBeLessThanOrEqual(exact * 1.011);
        },
      ),
    );
  });

  it("merges histograms from several processes as if one had recorded everything", () => {
    const a = new Histogram();
    const b = new Histogram();
    const all = new Histogram();
    for (let i = 1; i <= 1000; i++) {
      (i % 3 === 0 ? a : b).record(i / 7);
      all.record(i / 7);
    }
    const merged = Histogram.merge([a.toJSON(), b.toJSON()]);
    expect(merged.total).toBe(1000);
    expect(merged.max).toBe(all.max);
    for (const q of [0.5, 0.9, 0.99]) expect(merged.quantile(q)).toBe(all.quantile(q));
  });

  it("reports nothing for no samples, and clamps negative latencies (clock skew) to zero", () => {
    const h = new Histogram();
    expect(h.quantile(0.5)).toBeNaN();
    h.record(-0.3);
    expect(h.quantile(0.99)).toBe(0);
  });
});
