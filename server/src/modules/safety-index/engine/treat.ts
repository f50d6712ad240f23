// Outlier treatment, COINr's rule (see ../../../../../../shared/reference/coinr-asem/SOURCES.md):
// an indicator passes when |skew| < skewThreshold or kurtosis < kurtThreshold; while it fails and fewer
// than winmax points are treated, the most extreme value on the side of the skew is set to the next one;
// if it still fails, ln(x − min + 0.01·(max − min)) of the original values replaces the winsorised ones.
// Works on raw values (before any direction flip).
import type { Matrix } from './matrix.js';
import type { Method } from './method.js';
import { minMax, skewKurt, sortedPresent } from './stats.js';

export type TreatReason = 'winsorised_high' | 'winsorised_low' | 'log';

export interface TreatedPoint {
  unit: string;
  indicator: string;
  original: number;
  treated: number;
  reason: TreatReason;
}

export interface TreatSummary {
  indicator: string;
  skew: number;
  kurt: number;
  /** What happened: passed untouched, winsorised (and passed), log-transformed, or skipped. */
  outcome: 'passed' | 'winsorised' | 'log' | 'skipped' | 'failed';
  winsorised: number;
  skewAfter: number;
  kurtAfter: number;
}

export interface WinsoriseOptions {
  winmax: number;
  skewThreshold: number;
  kurtThreshold: number;
  logFallback: boolean;
}

const passes = (s: { skew: number; kurt: number }, o: WinsoriseOptions) =>
  Math.abs(s.skew) < o.skewThreshold || s.kurt < o.kurtThreshold;

/**
 * Treats one column in place; returns the summary. `x` must be a private copy of the original.
 * Works on a sorted copy of the present values: winsorising keeps it sorted (the run of tied extremes
 * at one end takes the value next to it), and summing in sorted order makes the skew/kurtosis test —
 * and so the treatment — independent of the order of units. The result is then a clamp of `x`.
 */
export function winsoriseColumn(
  x: Float64Array,
  o: WinsoriseOptions,
  forceLog = false,
): TreatSummary & { logged: boolean } {
  const s = sortedPresent(x);
  const k = s.length;
  const before = skewKurt(s);
  const base = { indicator: '', skew: before.skew, kurt: before.kurt, winsorised: 0 };
  // Below four values kurtosis is undefined: nothing to test, nothing to treat.
  if (k < 4 || !Number.isFinite(before.skew) || !Number.isFinite(before.kurt)) {
    if (!forceLog)
      return { ...base, outcome: 'skipped', skewAfter: before.skew, kurtAfter: before.kurt, logged: false };
  } else if (!forceLog && passes(before, o)) {
    return { ...base, outcome: 'passed', skewAfter: before.skew, kurtAfter: before.kurt, logged: false };
  }
  let now = before;
  let hi = 0; // size of the latest run of tied maxima pulled in (COINr's |hi|)
  let lo = 0;
  let count = 0;
  while (!forceLog && !passes(now, o) && count < o.winmax) {
    if (now.skew >= 0) {
      let j = k - 1;
      while (j > 0 && s[j - 1] === s[k - 1]) j--;
      if (j === 0) break; // every value is the maximum: nothing left to pull in
      s.fill(s[j - 1]!, j, k);
      hi = k - j;
    } else {
      let j = 0;
      while (j < k - 1 && s[j + 1] === s[0]) j++;
      if (j === k - 1) break;
      s.fill(s[j + 1]!, 0, j + 1);
      lo = j + 1;
    }
    count = hi + lo;
    now = skewKurt(s);
  }
  if (forceLog || (!passes(now, o) && o.logFallback)) {
    const [mn, mx] = minMax(x);
    const shift = 0.01 * (mx - mn);
    for (let i = 0; i < x.length; i++) x[i] = Math.log(x[i]! - mn + shift);
    const after = skewKurt(sortedPresent(x));
    return {
      ...base,
      outcome: 'log',
      winsorised: 0,
      skewAfter: after.skew,
      kurtAfter: after.kurt,
      logged: true,
    };
  }
  if (count) {
    const floor = s[0]!;
    const ceil = s[k - 1]!;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v > ceil) x[i] = ceil;
      else if (v < floor) x[i] = floor;
    }
  }
  return {
    ...base,
    outcome: passes(now, o) ? (count ? 'winsorised' : 'passed') : 'failed',
    winsorised: count,
    skewAfter: now.skew,
    kurtAfter: now.kurt,
    logged: false,
  };
}

export interface TreatResult {
  treated: Matrix;
  points: TreatedPoint[];
  summary: TreatSummary[];
}

export function treat(input: Matrix, units: readonly string[], method: Method['treat']): TreatResult {
  const treated = input.clone();
  const points: TreatedPoint[] = [];
  const summary: TreatSummary[] = [];
  for (let j = 0; j < input.nCols; j++) {
    const code = input.codes[j]!;
    const ov = method.overrides[code];
    const how = ov?.method ?? method.method;
    if (how === 'none') continue;
    const col = treated.col(j);
    const s = winsoriseColumn(
      col,
      {
        winmax: ov?.winmax ?? method.winmax,
        skewThreshold: method.skewThreshold,
        kurtThreshold: method.kurtThreshold,
        logFallback: method.logFallback,
      },
      how === 'log',
    );
    const { logged, ...rest } = s;
    summary.push({ ...rest, indicator: code });
    const orig = input.col(j);
    for (let i = 0; i < col.length; i++) {
      const a = orig[i]!;
      const b = col[i]!;
      if (Number.isNaN(a) || a === b) continue;
      points.push({
        unit: units[i]!,
        indicator: code,
        original: a,
        treated: b,
        reason: logged ? 'log' : b < a ? 'winsorised_high' : 'winsorised_low',
      });
    }
  }
  return { treated, points, summary };
}
