import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MESSAGE_OVERHEAD_BYTES } from "../../shared/limits";
import { messageBytes, takePage } from "./page-bytes";

/** Texts whose weight is `n` overhead-free kilobytes, so that the cases read in kilobytes. */
const kb = (n: number) => "x".repeat(n * 1024 - MESSAGE_OVERHEAD_BYTES);
const weights = (texts: string[]) => texts.map(messageBytes);

describe("messageBytes", () => {
  it.each([
    ["ASCII", "abc", 3],
    ["two-byte characters", "ñé", 4],
    ["three-byte characters", "語語", 6],
    ["characters outside the BMP", "🦊", 4],
    ["nothing", "", 0],
  ])("counts %s as their UTF-8 bytes, plus the allowance", (_case, text, bytes) => {
    expect(messageBytes(text)).toBe(bytes + MESSAGE_OVERHEAD_BYTES);
  });
});

describe("takePage", () => {
  const take = (texts: string[], limit: number, maxKb: number) =>
    takePage(texts, limit, (t) => t, maxKb * 1024);

  it.each([
    ["fewer rows than the limit, well within the bytes", [1, 1, 1], 5, 10, 3, false],
    ["the limit reached first", [1, 1, 1, 1], 3, 10, 3, true],
    ["the bytes reached first", [4, 4, 4, 4], 10, 10, 2, true],
    ["exactly the bytes", [5, 5, 1], 10, 10, 2, true],
    ["exactly the bytes, nothing after", [5, 5], 10, 10, 2, false],
    ["a first row over the bound on its own", [20, 1], 10, 10, 1, true],
    ["a lone row over the bound", [20], 10, 10, 1, false],
    ["a long row after short ones", [1, 1, 20, 1], 10, 10, 2, true],
    ["no rows", [], 10, 10, 0, false],
  ])("with %s", (_case, sizes, limit, maxKb, kept, hasMore) => {
    const page = take(sizes.map(kb), limit, maxKb);
    expect(page.rows.length).toBe(kept);
    expect(page.hasMore).toBe(hasMore);
  });

  it("reads no row after the first one it leaves out", () => {
    let read = 0;
    function* rows() {
      for (let i = 0; i < 100; i++) {
        read++;
        yield kb(4);
      }
    }
    takePage(rows(), 50, (t) => t, 10 * 1024);
    expect(read).toBe(3);
  });

  it("keeps a prefix: never more than the limit, within the bytes unless one row alone is over, and says whether anything was left", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 40 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 64 }),
        (sizes, limit, maxKb) => {
          const texts = sizes.map((n) => "x".repeat(n * 1024));
          const page = take(texts, limit, maxKb);
          expect(page.rows).toEqual(texts.slice(0, page.rows.length));
          expect(page.rows.length).toBeLessThanOrEqual(limit);
          if (texts.length > 0) expect(page.rows.length).toBeGreaterThan(0);
          const bytes = weights(page.rows).reduce((a, b) => a + b, 0);
          if (page.rows.length > 1) expect(bytes).toBeLessThanOrEqual(maxKb * 1024);
          expect(page.hasMore).toBe(page.rows.length < texts.length);
        },
      ),
    );
  });
});
