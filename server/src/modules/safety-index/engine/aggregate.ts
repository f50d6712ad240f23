// Aggregation up the tree: each aggregate is a weighted mean of its children's values for each unit,
// with the weights renormalised over the children that are present. Levels may use different means.
import { Matrix } from './matrix.js';
import type { AggregateSpec } from './method.js';
import type { Tree } from './tree.js';

/** Reusable buffers, so Monte Carlo replications allocate nothing. */
export interface AggScratch {
  acc: Float64Array;
  sw: Float64Array;
  cnt: Float64Array;
  /** Bit 1: some child is 0 (a mean with p ≤ 0 is then 0); bit 2: some child is negative (undefined). */
  flag: Uint8Array;
}

export function aggScratch(nUnits: number): AggScratch {
  return {
    acc: new Float64Array(nUnits),
    sw: new Float64Array(nUnits),
    cnt: new Float64Array(nUnits),
    flag: new Uint8Array(nUnits),
  };
}

/** The power of the generalised mean a spec stands for (NaN for none: arithmetic is handled exactly). */
function powerOf(spec: AggregateSpec): number {
  switch (spec.method) {
    case 'arithmetic':
      return 1;
    case 'geometric':
      return 0;
    case 'harmonic':
      return -1;
    case 'generalised':
      return spec.p ?? 1;
  }
}

/**
 * Fills `out` (one column per aggregate, tree.aggregateCodes order). `specs[col]` is the spec of aggregate
 * column `col`. Returns, per aggregate column, how many units got a missing value because a child was
 * negative under a mean that needs non-negative values.
 */
export function aggregate(
  tree: Tree,
  ind: Matrix,
  weights: Float64Array,
  specs: readonly AggregateSpec[],
  out: Matrix = new Matrix(tree.aggregateCodes, ind.nUnits),
  s: AggScratch = aggScratch(ind.nUnits),
): { agg: Matrix; negatives: Int32Array } {
  const n = ind.nUnits;
  const { acc, sw, cnt, flag } = s;
  const negatives = new Int32Array(tree.aggregates.length);
  for (const id of tree.aggregates) {
    const node = tree.nodes[id]!;
    const spec = specs[node.col]!;
    const p = powerOf(spec);
    acc.fill(0);
    sw.fill(0);
    const needCount = spec.minShare > 0;
    if (needCount) cnt.fill(0);
    if (p !== 1) flag.fill(0);
    for (const c of node.children) {
      const child = tree.nodes[c]!;
      const x = child.type === 'Indicator' ? ind.col(child.col) : out.col(child.col);
      const w = weights[c]!;
      if (p === 1) {
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          if (!Number.isNaN(v)) {
            acc[i]! += w * v;
            sw[i]! += w;
          }
        }
      } else {
        for (let i = 0; i < n; i++) {
          const v = x[i]!;
          if (Number.isNaN(v)) continue;
          sw[i]! += w;
          if (v < 0) flag[i] = flag[i]! | 2;
          else if (v === 0) flag[i] = flag[i]! | 1;
          else acc[i]! += p === 0 ? w * Math.log(v) : p === -1 ? w / v : w * v ** p;
        }
      }
      if (needCount) for (let i = 0; i < n; i++) if (!Number.isNaN(x[i])) cnt[i]!++;
    }
    const col = out.col(node.col);
    const k = node.children.length;
    const minShare = spec.minShare;
    let neg = 0;
    for (let i = 0; i < n; i++) {
      // Weights are positive, so no weight means no child present.
      if (sw[i] === 0 || (needCount && cnt[i]! / k < minShare)) {
        col[i] = Number.NaN;
        continue;
      }
      if (p === 1) {
        col[i] = acc[i]! / sw[i]!;
        continue;
      }
      if (flag[i]! & 2) {
        col[i] = Number.NaN;
        neg++;
      } else if (flag[i]! & 1 && p <= 0)
        col[i] = 0; // a zero child pulls these means to their limit, 0
      else if (p === 0) col[i] = Math.exp(acc[i]! / sw[i]!);
      else if (p === -1) col[i] = sw[i]! / acc[i]!;
      else col[i] = (acc[i]! / sw[i]!) ** (1 / p);
    }
    negatives[node.col] = neg;
  }
  return { agg: out, negatives };
}
