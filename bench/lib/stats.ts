/** Small statistics over samples (milliseconds unless said otherwise). */

export interface Distribution {
  /** How many samples. */
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of sorted samples (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    min: round(sorted[0] ?? NaN),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(sorted.length ? sum / sorted.length : NaN),
  };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function median(samples: readonly number[]): number {
  return percentile([...samples].sort((a, b) => a - b), 50);
}

/** Milliseconds since `start` (a `performance.now()` reading). */
export function since(start: number): number {
  return performance.now() - start;
}

/** A headline figure over repeats: each repeat's value, and their min / median / max. */
export interface Spread {
  values: number[];
  min: number;
  median: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { values: values.map((v) => round(v)), min: round(sorted[0] ?? NaN), median: round(percentile(sorted, 50)), max: round(sorted[sorted.length - 1] ?? NaN) };
}

/** Splits samples taken in time order into `k` consecutive blocks of equal size (the repeats of a measurement). */
export function blocks<T>(samples: readonly T[], k: number): T[][] {
  const size = Math.floor(samples.length / k);
  return Array.from({ length: k }, (_, i) => samples.slice(i * size, (i + 1) * size));
}

/** `median (min–max)` of a spread, for tables. */
export function fmtSpread(s: Spread | undefined, unit = ''): string {
  return s ? `${s.median}${unit} (${s.min}–${s.max})` : '–';
}
