// Why a unit's score is what it is: each indicator's contribution to an aggregate's score, and the change
// from a previous period decomposed the same way.
//
// Contributions are carried down the tree as a per-unit factor E (contribution of a node = E × its value).
// Under a weighted arithmetic mean the child's factor is E_parent · w_child / Σ w_present: exact, and the
// indicators' contributions sum to the score. Under geometric, harmonic or generalised means there is no
// exact additive split; the node's contribution E·S is apportioned to its children by their weighted
// arithmetic share w·x / Σ w·x (equal split by weight when that sum is 0). The sum is still exactly the
// score; it is an attribution of the score, not a marginal effect.
import { Matrix } from './matrix.js';
import type { IndexResult } from './pipeline.js';

type Explainable = Pick<IndexResult, 'tree' | 'units' | 'normalised' | 'aggregated' | 'weights' | 'aggSpecs'>;

/** Indicators × units: each indicator's contribution to `target`'s score (NaN where the score is missing). */
export function contributions(r: Explainable, target?: string): Matrix {
  const { tree, normalised: ind, aggregated: agg, weights } = r;
  const n = ind.nUnits;
  const tid = target === undefined ? tree.root : tree.byCode.get(target);
  if (tid === undefined) throw new Error(`'${target}' is not in the indicator tree`);
  const out = new Matrix(tree.indicatorCodes, n);
  const factor = new Map<number, Float64Array>();
  const nodeValues = (id: number) => {
    const node = tree.nodes[id]!;
    return node.type === 'Indicator' ? ind.col(node.col) : agg.col(node.col);
  };
  factor.set(tid, new Float64Array(n).fill(1));
  const sw = new Float64Array(n);
  const swx = new Float64Array(n);
  // Parents before children: the reverse of the aggregation order.
  for (let a = tree.aggregates.length - 1; a >= 0; a--) {
    const id = tree.aggregates[a]!;
    const e = factor.get(id);
    if (!e) continue;
    const node = tree.nodes[id]!;
    const s = agg.col(node.col);
    const arithmetic =
      r.aggSpecs[node.col]!.method === 'arithmetic' ||
      (r.aggSpecs[node.col]!.method === 'generalised' && r.aggSpecs[node.col]!.p === 1);
    sw.fill(0);
    swx.fill(0);
    for (const c of node.children) {
      const x = nodeValues(c);
      const w = weights[c]!;
      for (let i = 0; i < n; i++)
        if (!Number.isNaN(x[i])) {
          sw[i]! += w;
          swx[i]! += w * x[i]!;
        }
    }
    for (const c of node.children) {
      const x = nodeValues(c);
      const w = weights[c]!;
      const ec = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        if (Number.isNaN(v) || Number.isNaN(s[i])) continue;
        if (arithmetic) ec[i] = (e[i]! * w) / sw[i]!;
        else {
          const amount = e[i]! * s[i]!;
          const share = swx[i]! > 0 ? (w * v) / swx[i]! : w / sw[i]!;
          ec[i] = v !== 0 ? (amount * share) / v : 0;
        }
      }
      factor.set(c, ec);
    }
  }
  const score = nodeValues(tid);
  tree.indicators.forEach((id, j) => {
    const e = factor.get(id);
    const x = ind.col(j);
    const col = out.col(j);
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(score[i])) continue;
      col[i] = e && !Number.isNaN(x[i]) ? e[i]! * x[i]! : e ? 0 : Number.NaN;
    }
  });
  // Indicators outside the target's subtree are not part of its score.
  tree.indicators.forEach((id, j) => {
    if (!factor.has(id)) out.col(j).fill(Number.NaN);
  });
  return out;
}

export interface ChangeExplanation {
  units: readonly string[];
  score: Float64Array;
  /** Score in the previous result (NaN when the unit or its score is absent there). */
  previous: Float64Array;
  change: Float64Array;
  /** Indicators × units: change in each indicator's contribution; sums to `change`. */
  byIndicator: Matrix;
}

/**
 * Decomposes the change of `target`'s score from `previous` to `current` by indicator: the difference
 * of the two periods' contributions. Units and indicators are matched by code; an indicator absent in
 * one period contributes 0 there, and the matrix has a column for the indicators of either period.
 * Because contributions sum to the score in each period, the differences sum exactly to the change.
 */
export function explainChange(
  current: Explainable,
  previous: Explainable,
  target?: string,
): ChangeExplanation {
  const code = target ?? current.tree.nodes[current.tree.root]!.code;
  const cur = contributions(current, code);
  const prevTarget = previous.tree.byCode.get(code);
  const prev = prevTarget === undefined ? null : contributions(previous, code);
  const n = current.units.length;
  const prevIndex = new Map(previous.units.map((u, i) => [u, i]));
  const scoreOf = (r: Explainable) => {
    const id = r.tree.byCode.get(code)!;
    const node = r.tree.nodes[id]!;
    return node.type === 'Indicator' ? r.normalised.col(node.col) : r.aggregated.col(node.col);
  };
  const score = scoreOf(current).slice();
  const prevScore = prev ? scoreOf(previous) : null;
  const previousOut = new Float64Array(n).fill(Number.NaN);
  const change = new Float64Array(n).fill(Number.NaN);
  const codes = [
    ...current.tree.indicatorCodes,
    ...previous.tree.indicatorCodes.filter((c) => !current.tree.byCode.has(c)),
  ];
  const byIndicator = new Matrix(codes, n);
  for (let i = 0; i < n; i++) {
    const p = prevIndex.get(current.units[i]!);
    if (p === undefined || !prevScore || !prev) continue;
    const ps = prevScore[p]!;
    previousOut[i] = ps;
    if (Number.isNaN(ps) || Number.isNaN(score[i])) continue;
    change[i] = score[i]! - ps;
    for (let j = 0; j < codes.length; j++) {
      const a = j < cur.nCols ? cur.get(i, j) : 0;
      const pj = prev.indexOf(codes[j]!);
      const b = pj >= 0 ? prev.get(p, pj) : 0;
      byIndicator.set(i, j, (!Number.isNaN(a) ? a : 0) - (!Number.isNaN(b) ? b : 0));
    }
  }
  return { units: current.units, score, previous: previousOut, change, byIndicator };
}
