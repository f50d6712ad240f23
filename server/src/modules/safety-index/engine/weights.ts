// Weights of every node relative to its siblings: manual (the meta's Weight, optionally overridden),
// equal, or from an AHP pairwise-comparison matrix (Saaty's principal eigenvector).
import { EngineInputError, type EngineIssue, type EngineWarning } from './errors.js';
import type { AhpSpec, Method } from './method.js';
import type { Tree } from './tree.js';

/** Saaty's random consistency index by matrix size (Saaty 1980; sizes 11–15 from Saaty 2012). */
export const RANDOM_INDEX = [
  0, 0, 0, 0.58, 0.9, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
];

export interface AhpResult {
  weights: number[];
  lambdaMax: number;
  consistencyIndex: number;
  consistencyRatio: number;
}

/** Principal eigenvector (normalised to sum 1) of a positive reciprocal matrix, and its consistency. */
export function ahpWeights(matrix: readonly (readonly number[])[]): AhpResult {
  const n = matrix.length;
  for (let i = 0; i < n; i++) {
    const row = matrix[i]!;
    if (row.length !== n)
      throw new Error(`the AHP matrix must be square: row ${i + 1} has ${row.length} values, expected ${n}`);
    for (let j = 0; j < n; j++) {
      const a = row[j]!;
      if (!(a > 0) || !Number.isFinite(a))
        throw new Error(`the AHP matrix must be positive: row ${i + 1}, column ${j + 1} is ${a}`);
      if (i === j && Math.abs(a - 1) > 1e-9)
        throw new Error(`the AHP matrix diagonal must be 1: row ${i + 1} has ${a}`);
      const back = matrix[j]![i]!;
      if (Math.abs(a * back - 1) > 1e-6)
        throw new Error(
          `the AHP matrix must be reciprocal: [${i + 1}][${j + 1}] = ${a} but [${j + 1}][${i + 1}] = ${back} (expected ${1 / a})`,
        );
    }
  }
  let w = new Float64Array(n).fill(1 / n);
  const next = new Float64Array(n);
  for (let iter = 0; iter < 10_000; iter++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += matrix[i]![j]! * w[j]!;
      next[i] = s;
      sum += s;
    }
    let delta = 0;
    for (let i = 0; i < n; i++) {
      const v = next[i]! / sum;
      delta = Math.max(delta, Math.abs(v - w[i]!));
      next[i] = v;
    }
    w = next.slice();
    if (delta < 1e-15) break;
  }
  let lambda = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += matrix[i]![j]! * w[j]!;
    lambda += s / w[i]! / n;
  }
  const ci = n > 1 ? (lambda - n) / (n - 1) : 0;
  const ri = RANDOM_INDEX[Math.min(n, RANDOM_INDEX.length - 1)]!;
  return { weights: [...w], lambdaMax: lambda, consistencyIndex: ci, consistencyRatio: ri > 0 ? ci / ri : 0 };
}

export interface WeightsResult {
  /** Weight of each node (by node id) relative to its siblings; the root's is 1. */
  weights: Float64Array;
  ahp: (AhpResult & { parent: string; order: string[] })[];
  warnings: EngineWarning[];
}

export function resolveWeights(tree: Tree, w: Method['weights']): WeightsResult {
  const weights = new Float64Array(tree.nodes.length);
  const issues: EngineIssue[] = [];
  tree.nodes.forEach((n, id) => {
    weights[id] = w.method === 'equal' ? 1 : (w.manual[n.code] ?? n.weight);
  });
  for (const code of Object.keys(w.manual))
    if (!tree.byCode.has(code))
      issues.push({
        source: 'method',
        column: code,
        message: `weights.manual: '${code}' is not in the indicator tree`,
      });
  const ahp: WeightsResult['ahp'] = [];
  const warnings: EngineWarning[] = [];
  for (const [parent, spec] of Object.entries(w.ahp) as [string, AhpSpec][]) {
    const pid = tree.byCode.get(parent);
    const node = pid === undefined ? undefined : tree.nodes[pid];
    if (node?.type !== 'Aggregate') {
      issues.push({
        source: 'method',
        column: parent,
        message: `weights.ahp: '${parent}' is not an aggregate of the tree`,
      });
      continue;
    }
    const children = node.children.map((c) => tree.nodes[c]!.code);
    const missing = children.filter((c) => !spec.order.includes(c));
    const extra = spec.order.filter((c) => !children.includes(c));
    if (missing.length || extra.length || spec.order.length !== children.length) {
      issues.push({
        source: 'method',
        column: parent,
        message: `weights.ahp.${parent}: order must list the children of '${parent}' once each (${children.join(', ')})${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; not children: ${extra.join(', ')}` : ''}`,
      });
      continue;
    }
    if (spec.matrix.length !== spec.order.length) {
      issues.push({
        source: 'method',
        column: parent,
        message: `weights.ahp.${parent}: the matrix has ${spec.matrix.length} rows for ${spec.order.length} children`,
      });
      continue;
    }
    let r: AhpResult;
    try {
      r = ahpWeights(spec.matrix);
    } catch (e) {
      issues.push({
        source: 'method',
        column: parent,
        message: `weights.ahp.${parent}: ${(e as Error).message}`,
      });
      continue;
    }
    spec.order.forEach((c, k) => {
      weights[tree.byCode.get(c)!] = r.weights[k]!;
    });
    ahp.push({ ...r, parent, order: spec.order });
    if (r.consistencyRatio > 0.1)
      warnings.push({
        code: 'ahp_inconsistent',
        indicator: parent,
        message: `AHP comparisons for '${parent}' are inconsistent: consistency ratio ${r.consistencyRatio.toFixed(3)} > 0.1 — revise the pairwise judgements`,
      });
  }
  if (issues.length) throw new EngineInputError(issues);
  weights[tree.root] = 1;
  return { weights, ahp, warnings };
}
