// Normalisation of each indicator column to a common scale, with direction −1 flipped so that higher is
// always better afterwards. One spec per indicator (the method's default or its override).
import type { EngineWarning } from './errors.js';
import type { NormaliseSpec } from './method.js';
import { countPresent, lowerBound, mean, minMax, sd, sortedPresent, upperBound } from './stats.js';

/**
 * Normalises `x` (raw values, direction not yet applied) into `out`. Returns a warning when the column
 * cannot be normalised (constant, or no target), in which case `out` is all missing.
 */
export function normaliseColumn(
  x: Float64Array,
  out: Float64Array,
  spec: NormaliseSpec,
  direction: 1 | -1,
  target: number | null,
  code: string,
): EngineWarning | null {
  const n = x.length;
  const constant = (): EngineWarning => {
    out.fill(Number.NaN);
    return {
      code: 'constant_indicator',
      indicator: code,
      message: `indicator '${code}' has no spread; it is left out (missing) after normalisation`,
    };
  };
  switch (spec.method) {
    case 'minmax': {
      // COINr: (x − min)/(max − min)·(u − l) + l on direction-adjusted values.
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        const v = x[i]! * direction;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (!(hi > lo)) return countPresent(x) ? constant() : null;
      const range = hi - lo;
      const span = spec.max - spec.min;
      for (let i = 0; i < n; i++) out[i] = ((x[i]! * direction - lo) / range) * span + spec.min;
      return null;
    }
    case 'zscore': {
      const m = mean(x) * direction;
      const s = sd(x);
      if (!(s > 0)) return countPresent(x) ? constant() : null;
      for (let i = 0; i < n; i++) out[i] = ((x[i]! * direction - m) / s) * spec.sd + spec.mean;
      return null;
    }
    case 'target': {
      if (target === null) {
        out.fill(Number.NaN);
        return {
          code: 'no_target',
          indicator: code,
          message: `indicator '${code}' is normalised by distance to target but has no Target`,
        };
      }
      const [lo, hi] = minMax(x);
      // Distance from the worst value to the target: 0 at the worst unit, 1 (capped) at the target.
      const from = direction === 1 ? lo : hi;
      const span = target - from;
      if (!(Math.abs(span) > 0)) return constant();
      for (let i = 0; i < n; i++) {
        let v = (x[i]! - from) / span;
        if (spec.cap && v > 1) v = 1;
        out[i] = v * spec.scale;
      }
      return null;
    }
    case 'goalposts': {
      const span = spec.upper - spec.lower;
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        let t = direction === 1 ? (v - spec.lower) / span : (spec.upper - v) / span;
        t = t < 0 ? 0 : Math.min(t, 1);
        out[i] = !Number.isNaN(v) ? t * spec.scale : Number.NaN;
      }
      return null;
    }
    case 'percentile':
    case 'borda': {
      const flipped = direction === 1 ? x : x.map((v) => -v);
      const s = sortedPresent(flipped);
      const k = s.length;
      for (let i = 0; i < n; i++) {
        const v = flipped[i]!;
        if (Number.isNaN(v)) {
          out[i] = Number.NaN;
          continue;
        }
        const below = lowerBound(s, v);
        if (spec.method === 'borda') out[i] = below;
        else {
          // Average rank among ties, mapped so the lowest value gets 0 and the highest gets `scale`.
          const avgRank0 = (below + upperBound(s, v) - 1) / 2;
          out[i] = k > 1 ? (avgRank0 / (k - 1)) * spec.scale : spec.scale / 2;
        }
      }
      return null;
    }
  }
}
