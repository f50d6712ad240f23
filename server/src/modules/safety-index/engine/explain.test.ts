import { describe, expect, it } from 'vitest';
import { aggregate } from './aggregate.js';
import { contributions, explainChange } from './explain.js';
import { Matrix } from './matrix.js';
import { type AggregateSpec, aggregateSpecFor, parseMethod } from './method.js';
import { buildTree } from './tree.js';
import { resolveWeights } from './weights.js';

const N = Number.NaN;
const tree = buildTree([
  { iCode: 'Index', Level: 3, Parent: null, Type: 'Aggregate' },
  { iCode: 'D1', Level: 2, Weight: 1, Parent: 'Index', Type: 'Aggregate' },
  { iCode: 'D2', Level: 2, Weight: 1, Parent: 'Index', Type: 'Aggregate' },
  { iCode: 'a', Level: 1, Direction: 1, Weight: 1, Parent: 'D1', Type: 'Indicator' },
  { iCode: 'b', Level: 1, Direction: 1, Weight: 3, Parent: 'D1', Type: 'Indicator' },
  { iCode: 'c', Level: 1, Direction: 1, Weight: 1, Parent: 'D1', Type: 'Indicator' },
  { iCode: 'd', Level: 1, Direction: 1, Weight: 1, Parent: 'D2', Type: 'Indicator' },
]);
const weights = resolveWeights(tree, parseMethod().weights).weights;

function result(units: string[], rows: number[][], byLevel: Record<string, unknown> = {}) {
  const normalised = new Matrix(tree.indicatorCodes, rows.length);
  for (const [i, r] of rows.entries()) for (const [j, v] of r.entries()) normalised.set(i, j, v);
  const method = parseMethod({ aggregate: { byLevel } });
  const aggSpecs: AggregateSpec[] = tree.aggregates.map((id) =>
    aggregateSpecFor(method, tree.nodes[id]!.level),
  );
  const { agg } = aggregate(tree, normalised, weights, aggSpecs);
  return { tree, units, normalised, aggregated: agg, weights, aggSpecs };
}

describe('contributions', () => {
  it('are exact under the arithmetic mean: effective weight × value, summing to the score', () => {
    const r = result(
      ['u', 'v'],
      [
        [80, 40, 20, 20],
        [80, 40, N, 20],
      ],
    );
    const c = contributions(r);
    // Index = (44 + 20)/2 = 32: a = ½·⅕·80, b = ½·⅗·40, c = ½·⅕·20, d = ½·20
    expect(Object.values(c.row(0))).toEqual([8, 12, 2, 10]);
    // c missing: D1 reweighted over a and b → 50, Index 35
    expect(Object.values(c.row(1))).toEqual([10, 15, 0, 10]);
    expect(r.aggregated.colOf('Index')[1]).toBe(35);
    // Contributions to a dimension leave the other dimension's indicators out.
    const d1 = contributions(r, 'D1');
    expect(d1.get(0, 0)).toBe(16);
    expect(d1.get(0, 3)).toBeNaN();
  });

  it('apportion non-arithmetic means by weighted share and still sum exactly to the score', () => {
    const r = result(['u'], [[80, 40, 20, 20]], { '3': { method: 'geometric' } });
    const score = r.aggregated.colOf('Index')[0]!;
    expect(score).toBeCloseTo(Math.sqrt(44 * 20), 12);
    const c = contributions(r);
    expect(c.get(0, 0)).toBeCloseTo(((score * 44) / 64) * (80 / 220), 12);
    const sum = Object.values(c.row(0)).reduce((s, v) => s + v, 0);
    expect(sum).toBeCloseTo(score, 12);
  });

  it('the change from the previous period splits by indicator and sums to the change', () => {
    const now = result(
      ['u', 'new'],
      [
        [80, 40, 20, 20],
        [1, 1, 1, 1],
      ],
    );
    const before = result(
      ['old', 'u'],
      [
        [0, 0, 0, 0],
        [60, 40, 20, 20],
      ],
    );
    const ch = explainChange(now, before);
    expect(ch.previous[0]).toBe(30); // (40 + 20)/2
    expect(ch.change[0]).toBe(2);
    expect(Object.values(ch.byIndicator.row(0))).toEqual([2, 0, 0, 0]);
    expect(ch.change[1]).toBeNaN(); // no previous value for a new unit
  });
});
