/** Median and spread of repeated runs: a benchmark quotes the median and shows min–max beside it. */
export type Spread = { median: number; min: number; max: number; runs: number };

export function spread(values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
  const mid = Math.floor(finite.length / 2);
  const median =
    finite.length % 2 === 1
      ? (finite[mid] as number)
      : ((finite[mid - 1] as number) + (finite[mid] as number)) / 2;
  return { median, min: finite[0] as number, max: finite.at(-1) as number, runs: finite.length };
}

/** "12.3 (11.9–13.0)", or the single value when there was one run. */
export function formatSpread(s: Spread, digits = 1): string {
  if (s.runs === 0) return "—";
  const f = (v: number) => formatNumber(v, digits);
  return s.runs === 1 || s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

export function formatNumber(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return "—";
  if (Math.abs(value) >= 10_000) return Math.round(value).toLocaleString("en-US");
  return value.toFixed(Math.abs(value) >= 100 ? 0 : digits);
}

/** a/b as "0.93×", or — when either is missing. */
export function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return "—";
  return `${(a / b).toFixed(2)}×`;
}
