// The engine on a run's own inputs (units × indicators as the run collected them), with no I/O: the
// whole pipeline (computeIndex: checks, imputation, outlier treatment, normalisation, weights,
// aggregation, ranks) and the Monte Carlo weight replications (runUncertainty). Each has a floor: the
// same arithmetic stripped to what cannot be avoided, written as one tight loop over Float64Arrays —
// min-max to 0–100 with the direction, weighted means with missing values left out, a rank by sort
// (and for the replications: perturbed weights, the weighted means again, the ranks, and each unit's
// median and 5th/95th percentile rank).

import { type SchemeBody, toMeta } from '../../server/src/modules/safety-index/domain/scheme.js';
import {
  computeIndex,
  type EngineInput,
  type IndexResult,
  runUncertainty,
} from '../../server/src/modules/safety-index/engine/index.js';
import { median } from '../lib/stats.js';

export interface EngineTiming {
  units: number;
  indicators: number;
  runs: number[];
  median: number;
  /** CPU milliseconds of this process per round, the median (what an idle machine would take). */
  cpuMedian: number;
  floorRuns: number[];
  floorMedian: number;
  floorCpuMedian: number;
  result: IndexResult;
}

/** The engine's input, assembled from a run's inputs as the service assembles it. */
export function engineInput(
  scheme: SchemeBody,
  inputs: { unit_id: number; indicator: string; value: number | null }[],
): EngineInput {
  const ids = [...new Set(inputs.map((i) => i.unit_id))].sort((a, b) => a - b);
  const index = new Map(ids.map((id, i) => [id, i]));
  const data: Record<string, (number | null)[]> = Object.fromEntries(
    scheme.indicators.map((i) => [i.code, ids.map(() => null)]),
  );
  for (const v of inputs) {
    const col = data[v.indicator];
    if (col) col[index.get(v.unit_id)!] = v.value;
  }
  return { meta: toMeta(scheme), units: ids.map(String), data };
}

/** Min-max to 0–100 with the direction, NaN where missing: the normalised columns, indicator-major. */
function normalised(scheme: SchemeBody, input: EngineInput): Float64Array[] {
  const n = input.units.length;
  return scheme.indicators.map((ind) => {
    const src = input.data[ind.code]!;
    const out = new Float64Array(n);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const v = src[i];
      if (v === null || v === undefined) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const span = hi - lo;
    for (let i = 0; i < n; i++) {
      const v = src[i];
      if (v === null || v === undefined) out[i] = Number.NaN;
      else {
        const x = span > 0 ? ((v - lo) / span) * 100 : 50;
        out[i] = ind.direction === 1 ? x : 100 - x;
      }
    }
    return out;
  });
}

/** Dimension scores (weighted means of their indicators, missing left out), then the index; into `score`. */
function weightedIndex(
  scheme: SchemeBody,
  cols: Float64Array[],
  weights: Float64Array,
  dimWeights: Float64Array,
  score: Float64Array,
  dimSum: Float64Array,
  dimW: Float64Array,
) {
  const n = score.length;
  const dims = ['problems', 'needs', 'effects'] as const;
  score.fill(0);
  const total = new Float64Array(n);
  for (let d = 0; d < dims.length; d++) {
    dimSum.fill(0);
    dimW.fill(0);
    scheme.indicators.forEach((ind, j) => {
      if (ind.dimension !== dims[d]) return;
      const col = cols[j]!;
      const w = weights[j]!;
      for (let i = 0; i < n; i++) {
        const x = col[i]!;
        if (!Number.isNaN(x)) {
          dimSum[i] = dimSum[i]! + w * x;
          dimW[i] = dimW[i]! + w;
        }
      }
    });
    for (let i = 0; i < n; i++)
      if (dimW[i]! > 0) {
        score[i] = score[i]! + (dimWeights[d]! * dimSum[i]!) / dimW[i]!;
        total[i] = total[i]! + dimWeights[d]!;
      }
  }
  for (let i = 0; i < n; i++) score[i] = total[i]! > 0 ? score[i]! / total[i]! : Number.NaN;
}

/** Ranks (1 = best) by sorting the unit indexes on the score. */
function ranks(score: Float64Array, order: Uint32Array, out: Int32Array) {
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => score[b]! - score[a]!);
  for (let k = 0; k < order.length; k++) out[order[k]!] = k + 1;
}

function floorPipeline(scheme: SchemeBody, input: EngineInput) {
  const n = input.units.length;
  const cols = normalised(scheme, input);
  const w = Float64Array.from(scheme.indicators.map((i) => i.weight));
  const dw = Float64Array.from(
    ['problems', 'needs', 'effects'].map((d) => scheme.dimensionWeights[d as 'needs']),
  );
  const score = new Float64Array(n);
  weightedIndex(scheme, cols, w, dw, score, new Float64Array(n), new Float64Array(n));
  const r = new Int32Array(n);
  ranks(score, new Uint32Array(n), r);
  return r;
}

function floorReplications(scheme: SchemeBody, input: EngineInput, runs: number, noise: number) {
  const n = input.units.length;
  const cols = normalised(scheme, input);
  const w0 = Float64Array.from(scheme.indicators.map((i) => i.weight));
  const dw0 = Float64Array.from(
    ['problems', 'needs', 'effects'].map((d) => scheme.dimensionWeights[d as 'needs']),
  );
  const w = new Float64Array(w0.length);
  const dw = new Float64Array(3);
  const score = new Float64Array(n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const order = new Uint32Array(n);
  const all = new Int32Array(runs * n);
  let s = 12345;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
  for (let r = 0; r < runs; r++) {
    for (let j = 0; j < w.length; j++) w[j] = w0[j]! * (1 - noise + 2 * noise * next());
    for (let d = 0; d < 3; d++) dw[d] = dw0[d]! * (1 - noise + 2 * noise * next());
    weightedIndex(scheme, cols, w, dw, score, a, b);
    ranks(score, order, all.subarray(r * n, (r + 1) * n));
  }
  const per = new Float64Array(runs);
  const out = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < runs; r++) per[r] = all[r * n + i]!;
    per.sort();
    out[i * 3] = per[Math.floor(runs * 0.5)]!;
    out[i * 3 + 1] = per[Math.floor(runs * 0.05)]!;
    out[i * 3 + 2] = per[Math.floor(runs * 0.95)]!;
  }
  return out;
}

/** Wall milliseconds of each round (after one warm-up call: the JIT), and CPU milliseconds of each. */
function timeRounds(rounds: number, fn: () => unknown): { wall: number[]; cpu: number[] } {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    wall.push(performance.now() - t);
    const u = process.cpuUsage(c);
    cpu.push((u.user + u.system) / 1000);
  }
  return { wall, cpu };
}

export function measureEngine(scheme: SchemeBody, input: EngineInput, rounds: number): EngineTiming {
  let result: IndexResult | null = null;
  const runs = timeRounds(rounds, () => {
    result = computeIndex(input, scheme.method ?? {});
  });
  const floorRuns = timeRounds(rounds, () => floorPipeline(scheme, input));
  return {
    units: input.units.length,
    indicators: scheme.indicators.length,
    runs: runs.wall,
    median: median(runs.wall),
    cpuMedian: median(runs.cpu),
    floorRuns: floorRuns.wall,
    floorMedian: median(floorRuns.wall),
    floorCpuMedian: median(floorRuns.cpu),
    result: result!,
  };
}

export interface MonteCarloTiming {
  replications: number;
  ms: number;
  /** CPU milliseconds of this process. */
  cpu: number;
  floorMs: number;
  floorCpu: number;
  /** Units whose 5th–95th percentile rank interval is wider than 10 places (for the note). */
  wide: number;
}

/** `replications` Monte Carlo weight replications (±25 % on every weight), once each after a short warm-up. */
export function measureMonteCarlo(
  scheme: SchemeBody,
  input: EngineInput,
  result: IndexResult,
  replications: number,
): MonteCarloTiming {
  runUncertainty(result, { runs: 20, weightNoise: 0.25 });
  floorReplications(scheme, input, 20, 0.25);
  const cpuMs = (c: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(c);
    return (u.user + u.system) / 1000;
  };
  let c = process.cpuUsage();
  let t = performance.now();
  const u = runUncertainty(result, { runs: replications, weightNoise: 0.25, seed: 1 });
  const ms = performance.now() - t;
  const cpu = cpuMs(c);
  c = process.cpuUsage();
  t = performance.now();
  floorReplications(scheme, input, replications, 0.25);
  const floorMs = performance.now() - t;
  const floorCpu = cpuMs(c);
  let wide = 0;
  for (let i = 0; i < u.units.length; i++) if (u.rankP95[i]! - u.rankP05[i]! > 10) wide++;
  return { replications, ms, cpu, floorMs, floorCpu, wide };
}
