// Uncertainty and sensitivity analysis (OECD/JRC Handbook step 7; Saisana, Saltelli & Tarantola 2005).
//
// Each replication draws, independently: a factor U(1 − δ, 1 + δ) for every weight in the tree, one
// normalisation from `normalise`, one aggregation from `aggregate`; it recomputes the scores from the
// treated data (treatment and imputation are fixed) and ranks the units on the target aggregate.
// Outputs: each unit's median rank and 5th–95th percentile rank interval, and for each uncertain input its
// first-order sensitivity index S_i = Var(E[Y | X_i]) / Var(Y), where Y is the mean absolute shift of the
// units' ranks from the nominal ranking. S_i is estimated from the same runs by binning X_i (equal-count
// bins; a categorical input's bins are its choices) with the bias-corrected correlation ratio
// ε² = (SS_between − (B − 1)·MS_within) / SS_total, clipped to [0, 1].
import { aggregate, aggScratch } from './aggregate.js';
import { Matrix } from './matrix.js';
import {
  type AggregateSpec,
  aggregateSpecSchema,
  type Method,
  type NormaliseSpec,
  normaliseSpecSchema,
} from './method.js';
import type { IndexResult } from './pipeline.js';
import { normaliseAll } from './pipeline.js';
import { createRng } from './rng.js';
import { quantileSorted, Ranker } from './stats.js';

export interface UncertaintyOptions {
  runs?: number;
  seed?: number;
  /** Relative half-width of the uniform noise on every weight (0.25 = ±25 %). */
  weightNoise?: number;
  /** Alternative normalisations applied to every indicator (per-indicator overrides are kept). */
  normalise?: NormaliseSpec[];
  /** Alternative aggregations applied at every level. */
  aggregate?: AggregateSpec[];
  /** Aggregate whose ranks are studied (default the root). */
  target?: string;
  /** Bins for continuous inputs (default 10). */
  bins?: number;
}

export interface Sensitivity {
  input: string;
  kind: 'weight' | 'normalisation' | 'aggregation';
  firstOrder: number;
}

export interface UncertaintyResult {
  units: readonly string[];
  runs: number;
  nominalRank: Int32Array;
  medianRank: Float64Array;
  rankP05: Float64Array;
  rankP95: Float64Array;
  /** Y of each replication: mean absolute rank shift from the nominal ranking. */
  rankShift: Float64Array;
  sensitivity: Sensitivity[];
}

/** First-order index of Y on one input, given each run's bin (0..bins−1). */
export function firstOrderIndex(y: Float64Array, bin: Int32Array, bins: number): number {
  const n = y.length;
  const sum = new Float64Array(bins);
  const cnt = new Float64Array(bins);
  let total = 0;
  for (let r = 0; r < n; r++) {
    sum[bin[r]!]! += y[r]!;
    cnt[bin[r]!]!++;
    total += y[r]!;
  }
  const m = total / n;
  let ssTotal = 0;
  for (let r = 0; r < n; r++) ssTotal += (y[r]! - m) ** 2;
  let ssBetween = 0;
  let used = 0;
  for (let b = 0; b < bins; b++)
    if (cnt[b]! > 0) {
      ssBetween += cnt[b]! * (sum[b]! / cnt[b]! - m) ** 2;
      used++;
    }
  if (!(ssTotal > 0) || used < 2) return 0;
  const msWithin = (ssTotal - ssBetween) / (n - used);
  const s = (ssBetween - (used - 1) * msWithin) / ssTotal;
  return s < 0 ? 0 : Math.min(s, 1);
}

/** Equal-count bins of a continuous sample. */
function binsOf(x: Float64Array, bins: number): Int32Array {
  const order = Array.from(x.keys()).sort((a, b) => x[a]! - x[b]!);
  const out = new Int32Array(x.length);
  order.forEach((r, k) => {
    out[r] = Math.min(bins - 1, Math.floor((k * bins) / x.length));
  });
  return out;
}

export function runUncertainty(result: IndexResult, opts: UncertaintyOptions = {}): UncertaintyResult {
  const { tree, method, units } = result;
  const runs = opts.runs ?? 1000;
  const noise = opts.weightNoise ?? 0.25;
  const bins = opts.bins ?? 10;
  const rng = createRng(opts.seed ?? 1);
  const n = units.length;
  const normChoices = (opts.normalise ?? [method.normalise.default]).map((s) => normaliseSpecSchema.parse(s));
  const aggChoices = (opts.aggregate ?? []).map((s) => aggregateSpecSchema.parse(s));
  const targetId = opts.target === undefined ? tree.root : tree.byCode.get(opts.target);
  if (targetId === undefined || tree.nodes[targetId]!.type !== 'Aggregate')
    throw new Error(`'${opts.target}' is not an aggregate of the tree`);
  const targetCol = tree.nodes[targetId]!.col;

  // Every normalisation alternative is computed once, up front: replications only re-aggregate.
  const normalised: Matrix[] = normChoices.map((spec) => {
    const m: Method = { ...method, normalise: { ...method.normalise, default: spec } };
    return normaliseAll(tree, result.treated, m).matrix;
  });
  const specSets: AggregateSpec[][] = aggChoices.length
    ? aggChoices.map((a) => tree.aggregates.map(() => a))
    : [result.aggSpecs];

  const weighted = tree.nodes.flatMap((_node, id) => (id === tree.root ? [] : [id]));
  const factors = weighted.map(() => new Float64Array(runs));
  const normPick = new Int32Array(runs);
  const aggPick = new Int32Array(runs);
  const nominal = result.ranks[tree.aggregateCodes[targetCol]!]!;
  // Run-major (one contiguous row of n ranks per run): writes stay sequential in the hot loop.
  const ranks = new Int32Array(runs * n);
  const rankShift = new Float64Array(runs);

  const w = result.weights.slice();
  const out = new Matrix(tree.aggregateCodes, n);
  const scratch = aggScratch(n);
  const ranker = new Ranker(n);
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < weighted.length; k++) {
      const f = 1 - noise + 2 * noise * rng();
      factors[k]![r] = f;
      w[weighted[k]!] = result.weights[weighted[k]!]! * f;
    }
    const ni = normChoices.length > 1 ? Math.floor(rng() * normChoices.length) : 0;
    const ai = specSets.length > 1 ? Math.floor(rng() * specSets.length) : 0;
    normPick[r] = ni;
    aggPick[r] = ai;
    aggregate(tree, normalised[ni]!, w, specSets[ai]!, out, scratch);
    const row = ranks.subarray(r * n, (r + 1) * n);
    ranker.rank(out.col(targetCol), row);
    let shift = 0;
    let counted = 0;
    for (let i = 0; i < n; i++) {
      const rk = row[i]!;
      if (rk && nominal[i]) {
        shift += Math.abs(rk - nominal[i]!);
        counted++;
      }
    }
    rankShift[r] = counted ? shift / counted : 0;
  }

  const medianRank = new Float64Array(n);
  const rankP05 = new Float64Array(n);
  const rankP95 = new Float64Array(n);
  // Transpose in blocks of units so each pass over the runs reads short contiguous stretches.
  const BLOCK = 64;
  const buf = new Float64Array(BLOCK * runs);
  const len = new Int32Array(BLOCK);
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const b = Math.min(BLOCK, n - i0);
    len.fill(0);
    for (let r = 0; r < runs; r++) {
      const base = r * n + i0;
      for (let d = 0; d < b; d++) {
        const rk = ranks[base + d]!;
        if (rk) buf[d * runs + len[d]!++] = rk;
      }
    }
    for (let d = 0; d < b; d++) {
      const s = buf.subarray(d * runs, d * runs + len[d]!).sort();
      medianRank[i0 + d] = quantileSorted(s, 0.5);
      rankP05[i0 + d] = quantileSorted(s, 0.05);
      rankP95[i0 + d] = quantileSorted(s, 0.95);
    }
  }

  const sensitivity: Sensitivity[] = weighted.map((id, k) => ({
    input: `weight:${tree.nodes[id]!.code}`,
    kind: 'weight' as const,
    firstOrder: noise > 0 ? firstOrderIndex(rankShift, binsOf(factors[k]!, bins), bins) : 0,
  }));
  if (normChoices.length > 1)
    sensitivity.push({
      input: 'normalisation',
      kind: 'normalisation',
      firstOrder: firstOrderIndex(rankShift, normPick, normChoices.length),
    });
  if (specSets.length > 1)
    sensitivity.push({
      input: 'aggregation',
      kind: 'aggregation',
      firstOrder: firstOrderIndex(rankShift, aggPick, specSets.length),
    });
  return { units, runs, nominalRank: nominal, medianRank, rankP05, rankP95, rankShift, sensitivity };
}
