// Summaries of timing samples. Percentiles use the nearest-rank method on a sorted copy, so a p99 is
// a latency some call really had, never an interpolation between two.

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** Nearest-rank percentile (q in [0, 1]) of an already sorted array. */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return {
    n: sorted.length,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    p50: percentileSorted(sorted, 0.5),
    p90: percentileSorted(sorted, 0.9),
    p95: percentileSorted(sorted, 0.95),
    p99: percentileSorted(sorted, 0.99),
    p999: percentileSorted(sorted, 0.999),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

export function median(xs: readonly number[]): number {
  return percentileSorted(Float64Array.from(xs).sort(), 0.5);
}

/**
 * What one `process.hrtime.bigint()` pair costs around nothing, in ns (the median of many). Per-call
 * latencies subtract it, so that a 1 µs call is not reported as 1 µs plus the clock's own price.
 */
export function timerOverheadNs(samples = 200_000): number {
  const out = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint();
    const t1 = process.hrtime.bigint();
    out[i] = Number(t1 - t0);
  }
  return percentileSorted(out.sort(), 0.5);
}

/** Milliseconds since `t0` (from performance.now()). */
export function msSince(t0: number): number {
  return performance.now() - t0;
}
