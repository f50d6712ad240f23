// The whole pipeline: denominate → impute → treat → normalise → weight → aggregate → rank, with the
// data checks and every report a statistician needs to audit a run. Pure: no I/O, no clock.
import { aggregate } from './aggregate.js';
import { type CheckFlag, checkData, correlationFlags, type DataChecks } from './checks.js';
import { EngineInputError, type EngineIssue, type EngineWarning } from './errors.js';
import { Matrix } from './matrix.js';
import {
  type AggregateSpec,
  aggregateSpecFor,
  type Method,
  type MethodInput,
  normaliseSpecFor,
  parseMethod,
} from './method.js';
import { normaliseColumn } from './normalise.js';
import { denominate, type ImputedPoint, impute } from './prepare.js';
import { rankDescending } from './stats.js';
import { type TreatedPoint, type TreatSummary, treat } from './treat.js';
import { buildTree, type MetaRow, type Tree } from './tree.js';
import { resolveWeights, type WeightsResult } from './weights.js';

export interface EngineInput {
  meta: readonly MetaRow[];
  /** Unit codes; every data column is aligned with this list. */
  units: readonly string[];
  /** Indicator and denominator columns by code; null, undefined or NaN means missing. */
  data: Readonly<Record<string, ArrayLike<number | null | undefined>>>;
  /** Group label columns (for within-group imputation), aligned with units. */
  groups?: Readonly<Record<string, ArrayLike<string | null>>>;
  /** Each unit's parent unit's value per indicator (for imputation from the parent), aligned with units. */
  parentValues?: Readonly<Record<string, ArrayLike<number | null>>>;
}

export interface IndexResult {
  method: Method;
  tree: Tree;
  units: readonly string[];
  /** Indicator matrices at each stage (indicator codes in meta order). */
  raw: Matrix;
  imputed: Matrix;
  treated: Matrix;
  normalised: Matrix;
  /** One column per aggregate, children before parents. */
  aggregated: Matrix;
  /** Rank of every unit on every aggregate: 1 is best, ties share the lowest rank, 0 when missing. */
  ranks: Record<string, Int32Array>;
  /** Weight of each node (by node id) relative to its siblings, after AHP and overrides. */
  weights: Float64Array;
  /** Aggregation spec of each aggregate column. */
  aggSpecs: AggregateSpec[];
  ahp: WeightsResult['ahp'];
  checks: DataChecks;
  imputedPoints: ImputedPoint[];
  treatedPoints: TreatedPoint[];
  treatment: TreatSummary[];
  warnings: EngineWarning[];
}

function readData(input: EngineInput, tree: Tree): Matrix {
  const n = input.units.length;
  const issues: EngineIssue[] = [];
  const seen = new Set<string>();
  for (const u of input.units) {
    if (seen.has(u))
      issues.push({ source: 'data', column: 'UnitCode', message: `unit '${u}' appears more than once` });
    seen.add(u);
  }
  const m = new Matrix(tree.indicatorCodes, n);
  for (let j = 0; j < tree.indicatorCodes.length; j++) {
    const code = tree.indicatorCodes[j]!;
    const src = input.data[code];
    if (!src) {
      issues.push({
        source: 'data',
        column: code,
        metaRow: tree.nodes[tree.indicators[j]!]!.metaRow,
        message: `indicator '${code}' has no data column`,
      });
      continue;
    }
    if (src.length !== n) {
      issues.push({
        source: 'data',
        column: code,
        message: `column '${code}' has ${src.length} values for ${n} units`,
      });
      continue;
    }
    const col = m.col(j);
    for (let i = 0; i < n; i++) {
      const v = src[i];
      if (v === null || v === undefined || Number.isNaN(v)) continue;
      if (!Number.isFinite(v))
        issues.push({
          source: 'data',
          column: code,
          message: `column '${code}', unit '${input.units[i]}': ${v} is not a finite number`,
        });
      col[i] = v;
    }
  }
  if (issues.length) throw new EngineInputError(issues);
  return m;
}

function toColumns(d: Readonly<Record<string, ArrayLike<number | null | undefined>>>) {
  return d as Readonly<Record<string, ArrayLike<number | null>>>;
}

export function computeIndex(input: EngineInput, methodInput: MethodInput | Method = {}): IndexResult {
  const method = parseMethod(methodInput);
  const tree = buildTree(input.meta);
  const units = input.units;
  const warnings: EngineWarning[] = [];
  const issues: EngineIssue[] = [];
  for (const code of Object.keys(method.normalise.overrides))
    if (!tree.indicatorCodes.includes(code))
      issues.push({
        source: 'method',
        column: code,
        message: `normalise.overrides: '${code}' is not an indicator`,
      });
  for (const code of Object.keys(method.treat.overrides))
    if (!tree.indicatorCodes.includes(code))
      issues.push({
        source: 'method',
        column: code,
        message: `treat.overrides: '${code}' is not an indicator`,
      });
  for (const lv of Object.keys(method.aggregate.byLevel))
    if (!tree.levels.includes(Number(lv)))
      issues.push({
        source: 'method',
        message: `aggregate.byLevel: there are no aggregates at level ${lv} (levels: ${tree.levels.join(', ')})`,
      });
  if (issues.length) throw new EngineInputError(issues);

  const raw = readData(input, tree);
  const checks = checkData(raw, units, method.checks);

  const imputed = raw.clone();
  if (method.denominate.apply)
    warnings.push(...denominate(imputed, tree, toColumns(input.data), method.denominate.per).warnings);
  const imp = impute(imputed, method.impute, {
    units,
    groups: input.groups,
    parentValues: input.parentValues,
  });
  warnings.push(...imp.warnings);

  const tr = treat(imputed, units, method.treat);
  for (const s of tr.summary)
    if (s.outcome === 'failed')
      warnings.push({
        code: 'treatment_failed',
        indicator: s.indicator,
        message: `indicator '${s.indicator}' is still skewed after winsorising (skew ${s.skewAfter.toFixed(2)}, kurtosis ${s.kurtAfter.toFixed(2)})`,
      });

  const normalised = normaliseAll(tree, tr.treated, method);
  warnings.push(...normalised.warnings);

  const w = resolveWeights(tree, method.weights);
  warnings.push(...w.warnings);
  const aggSpecs = tree.aggregates.map((id) => aggregateSpecFor(method, tree.nodes[id]!.level));
  const { agg, negatives } = aggregate(tree, normalised.matrix, w.weights, aggSpecs);
  negatives.forEach((k, j) => {
    if (k)
      warnings.push({
        code: 'negative_in_mean',
        indicator: tree.aggregateCodes[j]!,
        message: `aggregate '${tree.aggregateCodes[j]}': ${k} unit(s) have a negative child value, which a ${aggSpecs[j]!.method} mean cannot take; they are missing`,
      });
  });

  const flags: CheckFlag[] = correlationFlags(tree, normalised.matrix, agg, method.checks.correlation);
  checks.flags.push(...flags);

  const ranks: Record<string, Int32Array> = {};
  tree.aggregateCodes.forEach((code, j) => {
    ranks[code] = rankDescending(agg.col(j));
  });

  return {
    method,
    tree,
    units,
    raw,
    imputed,
    treated: tr.treated,
    normalised: normalised.matrix,
    aggregated: agg,
    ranks,
    weights: w.weights,
    aggSpecs,
    ahp: w.ahp,
    checks,
    imputedPoints: imp.points,
    treatedPoints: tr.points,
    treatment: tr.summary,
    warnings,
  };
}

/** Normalises every indicator with its spec (default or override). */
export function normaliseAll(
  tree: Tree,
  treated: Matrix,
  method: Method,
): { matrix: Matrix; warnings: EngineWarning[] } {
  const matrix = new Matrix(tree.indicatorCodes, treated.nUnits);
  const warnings: EngineWarning[] = [];
  tree.indicators.forEach((id, j) => {
    const node = tree.nodes[id]!;
    const wn = normaliseColumn(
      treated.col(j),
      matrix.col(j),
      normaliseSpecFor(method, node.code),
      node.direction,
      node.target,
      node.code,
    );
    if (wn) warnings.push(wn);
  });
  return { matrix, warnings };
}
