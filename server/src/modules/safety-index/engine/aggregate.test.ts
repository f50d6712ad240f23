import { describe, expect, it } from 'vitest';
import { aggregate } from './aggregate.js';
import { Matrix } from './matrix.js';
import { type AggregateSpec, aggregateSpecFor, aggregateSpecSchema, parseMethod } from './method.js';
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

/** One unit per row of `rows` (values of a, b, c, d). */
function run(
  rows: number[][],
  spec: Record<string, unknown>,
  byLevel: Record<string, Record<string, unknown>> = {},
) {
  const n = rows.length;
  const ind = new Matrix(tree.indicatorCodes, n);
  for (const [i, r] of rows.entries()) for (const [j, v] of r.entries()) ind.set(i, j, v);
  const method = parseMethod({ aggregate: { default: spec, byLevel } });
  const specs: AggregateSpec[] = tree.aggregates.map((id) => aggregateSpecFor(method, tree.nodes[id]!.level));
  const { agg, negatives } = aggregate(tree, ind, weights, specs);
  return { D1: [...agg.colOf('D1')], Index: [...agg.colOf('Index')], negatives: [...negatives] };
}

describe('aggregation', () => {
  it('weighted arithmetic mean, reweighted over the children present', () => {
    const r = run(
      [
        [80, 40, N, 10],
        [N, N, N, 10],
      ],
      { method: 'arithmetic' },
    );
    expect(r.D1).toEqual([50, N]); // (1·80 + 3·40) / 4
    expect(r.Index).toEqual([30, 10]); // D1 missing for unit 2: Index is D2 alone
  });

  it('geometric, harmonic and generalised means (hand values)', () => {
    expect(run([[4, 16, N, 1]], { method: 'geometric' }).D1[0]).toBeCloseTo(4 ** 0.25 * 16 ** 0.75, 12);
    expect(run([[4, 16, N, 1]], { method: 'harmonic' }).D1[0]).toBeCloseTo(4 / (1 / 4 + 3 / 16), 12);
    expect(run([[4, 16, N, 1]], { method: 'generalised', p: 2 }).D1[0]).toBeCloseTo(
      Math.sqrt((16 + 3 * 256) / 4),
      12,
    );
    expect(run([[4, 16, N, 1]], { method: 'generalised', p: 1 }).D1[0]).toBe(13);
    expect(run([[4, 16, N, 1]], { method: 'generalised', p: 0 }).D1[0]).toBeCloseTo(
      4 ** 0.25 * 16 ** 0.75,
      12,
    );
  });

  it('a zero child pulls geometric and harmonic means to 0; a negative one makes them missing and is counted', () => {
    expect(run([[0, 16, 4, 1]], { method: 'geometric' }).D1).toEqual([0]);
    expect(run([[0, 16, 4, 1]], { method: 'harmonic' }).D1).toEqual([0]);
    expect(run([[0, 16, 4, 1]], { method: 'generalised', p: 2 }).D1[0]).toBeCloseTo(
      Math.sqrt((3 * 256 + 16) / 5),
      12,
    );
    const r = run([[-1, 16, 4, 1]], { method: 'geometric' });
    expect(r.D1).toEqual([N]);
    expect(r.negatives[tree.nodes[tree.byCode.get('D1')!]!.col]).toBe(1);
  });

  it('a data-availability threshold makes an aggregate missing below the share of children present', () => {
    const r = run(
      [
        [80, N, N, 10],
        [80, 40, N, 10],
      ],
      { method: 'arithmetic', minShare: 0.6 },
    );
    expect(r.D1).toEqual([N, 50]); // 1/3 < 0.6, 2/3 ≥ 0.6
  });

  it('levels may use different means', () => {
    const r = run([[80, 40, 20, 20]], { method: 'arithmetic' }, { '3': { method: 'geometric' } });
    expect(r.D1[0]).toBe(44); // (80 + 120 + 20) / 5
    expect(r.Index[0]).toBeCloseTo(Math.sqrt(44 * 20), 12);
  });

  it('validates the spec', () => {
    expect(() => aggregateSpecSchema.parse({ method: 'generalised' })).toThrow(/p is required/);
    expect(() => aggregateSpecSchema.parse({ method: 'arithmetic', minShare: 2 })).toThrow();
  });
});
