// Steps before treatment: dividing by a denominator (e.g. population) and filling missing values.
import { EngineInputError, type EngineWarning } from './errors.js';
import type { Matrix } from './matrix.js';
import type { Method } from './method.js';
import { mean, median } from './stats.js';
import type { Tree } from './tree.js';

/** Divides each indicator that has a Denominator by that column, times `per` (1000 for "per 1,000"). */
export function denominate(
  m: Matrix,
  tree: Tree,
  denominators: Readonly<Record<string, ArrayLike<number | null>>>,
  per: number,
): { warnings: EngineWarning[] } {
  const warnings: EngineWarning[] = [];
  for (const id of tree.indicators) {
    const node = tree.nodes[id]!;
    if (!node.denominator) continue;
    const d = denominators[node.denominator];
    if (!d)
      throw new EngineInputError([
        {
          source: 'data',
          column: node.denominator,
          message: `indicator '${node.code}' is divided by '${node.denominator}', which is not a column of the data`,
        },
      ]);
    const x = m.col(node.col);
    let lost = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      const dv = d[i] ?? Number.NaN;
      if (Number.isNaN(v)) continue;
      if (!(dv !== 0 && Number.isFinite(dv))) {
        x[i] = Number.NaN;
        lost++;
      } else x[i] = (v / dv) * per;
    }
    if (lost)
      warnings.push({
        code: 'denominator_missing',
        indicator: node.code,
        message: `indicator '${node.code}': ${lost} unit(s) have no usable '${node.denominator}' (missing or 0); their value is left missing`,
      });
  }
  return { warnings };
}

export interface ImputedPoint {
  unit: string;
  indicator: string;
  value: number;
  method: Method['impute']['method'];
}

export interface ImputeContext {
  units: readonly string[];
  groups?: Readonly<Record<string, ArrayLike<string | null>>>;
  parentValues?: Readonly<Record<string, ArrayLike<number | null>>>;
}

/** Fills missing values in place per the method; 'none' leaves them for aggregation to reweight. */
export function impute(
  m: Matrix,
  spec: Method['impute'],
  ctx: ImputeContext,
): { points: ImputedPoint[]; warnings: EngineWarning[] } {
  const points: ImputedPoint[] = [];
  const warnings: EngineWarning[] = [];
  if (spec.method === 'none') return { points, warnings };
  let labels: ArrayLike<string | null> | undefined;
  if (spec.method === 'groupMean' || spec.method === 'groupMedian') {
    labels = ctx.groups?.[spec.group];
    if (!labels)
      throw new EngineInputError([
        {
          source: 'method',
          column: spec.group,
          message: `impute.group: '${spec.group}' is not a group column of the data`,
        },
      ]);
  }
  const stat = spec.method === 'median' || spec.method === 'groupMedian' ? median : mean;
  for (let j = 0; j < m.nCols; j++) {
    const code = m.codes[j]!;
    const x = m.col(j);
    const fill = (i: number, v: number) => {
      if (Number.isNaN(v)) return;
      x[i] = v;
      points.push({ unit: ctx.units[i]!, indicator: code, value: v, method: spec.method });
    };
    const missing: number[] = [];
    for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i])) missing.push(i);
    if (!missing.length) continue;
    if (spec.method === 'parent') {
      const pv = ctx.parentValues?.[code];
      let left = 0;
      for (const i of missing) {
        const v = pv?.[i] ?? Number.NaN;
        if (!Number.isNaN(v)) fill(i, v);
        else left++;
      }
      if (left)
        warnings.push({
          code: 'impute_incomplete',
          indicator: code,
          message: `indicator '${code}': ${left} missing value(s) have no parent value and stay missing`,
        });
      continue;
    }
    if (!labels) {
      const v = stat(x);
      for (const i of missing) fill(i, v);
      continue;
    }
    // Within-group statistic from the observed values of the group; a group with none falls back to all units.
    const byGroup = new Map<string, number[]>();
    for (let i = 0; i < x.length; i++) {
      const g = labels[i] ?? '';
      if (!Number.isNaN(x[i])) {
        const a = byGroup.get(g);
        if (a) a.push(x[i]!);
        else byGroup.set(g, [x[i]!]);
      }
    }
    const cache = new Map<string, number>();
    const overall = stat(x);
    let fellBack = 0;
    for (const i of missing) {
      const g = labels[i] ?? '';
      let v = cache.get(g);
      if (v === undefined) {
        const obs = byGroup.get(g);
        v = obs ? stat(Float64Array.from(obs)) : Number.NaN;
        cache.set(g, v);
      }
      if (Number.isNaN(v)) {
        fellBack++;
        v = overall;
      }
      fill(i, v);
    }
    if (fellBack)
      warnings.push({
        code: 'impute_group_empty',
        indicator: code,
        message: `indicator '${code}': ${fellBack} value(s) came from all units because their group has no observed value`,
      });
  }
  return { points, warnings };
}
