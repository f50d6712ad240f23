import { describe, expect, it } from 'vitest';
import { EngineInputError } from './errors.js';
import { parseMethod } from './method.js';
import { buildTree } from './tree.js';
import { ahpWeights, resolveWeights } from './weights.js';

const tree = buildTree([
  { iCode: 'Index', Level: 2, Parent: null, Type: 'Aggregate' },
  { iCode: 'a', Level: 1, Direction: 1, Weight: 2, Parent: 'Index', Type: 'Indicator' },
  { iCode: 'b', Level: 1, Direction: 1, Weight: 3, Parent: 'Index', Type: 'Indicator' },
  { iCode: 'c', Level: 1, Direction: 1, Weight: 5, Parent: 'Index', Type: 'Indicator' },
]);
const w = (method: unknown) => {
  const r = resolveWeights(tree, parseMethod({ weights: method }).weights);
  return { ...r, of: (c: string) => r.weights[tree.byCode.get(c)!] };
};

describe('weights', () => {
  it('manual weights come from the meta, with overrides; equal weights are all 1', () => {
    expect(['a', 'b', 'c'].map(w({}).of)).toEqual([2, 3, 5]);
    expect(['a', 'b', 'c'].map(w({ manual: { b: 7 } }).of)).toEqual([2, 7, 5]);
    expect(['a', 'b', 'c'].map(w({ method: 'equal' }).of)).toEqual([1, 1, 1]);
  });

  it('AHP: a consistent matrix gives its exact ratios and a consistency ratio of 0', () => {
    const r = ahpWeights([
      [1, 3, 9],
      [1 / 3, 1, 3],
      [1 / 9, 1 / 3, 1],
    ]);
    for (const [i, v] of r.weights.entries()) expect(v).toBeCloseTo([9 / 13, 3 / 13, 1 / 13][i]!, 12);
    expect(r.lambdaMax).toBeCloseTo(3, 12);
    expect(r.consistencyRatio).toBeCloseTo(0, 12);
  });

  it('AHP: a circular matrix is flagged (λmax = 1 + 9 + 1/9, CI = (λ − 3)/2, CR = CI/0.58)', () => {
    const matrix = [
      [1, 9, 1 / 9],
      [1 / 9, 1, 9],
      [9, 1 / 9, 1],
    ];
    const r = w({ ahp: { Index: { order: ['c', 'a', 'b'], matrix } } });
    expect(['a', 'b', 'c'].map((c) => r.of(c)).every((v) => Math.abs(v! - 1 / 3) < 1e-12)).toBe(true);
    const lambda = 1 + 9 + 1 / 9;
    expect(r.ahp[0]!.lambdaMax).toBeCloseTo(lambda, 10);
    expect(r.ahp[0]!.consistencyRatio).toBeCloseTo((lambda - 3) / 2 / 0.58, 10);
    expect(r.warnings[0]).toMatchObject({ code: 'ahp_inconsistent', indicator: 'Index' });
    expect(r.warnings[0]!.message).toMatch(/consistency ratio 6\.130 > 0\.1/);
  });

  it('AHP: the order maps matrix rows to children', () => {
    const r = w({
      ahp: {
        Index: {
          order: ['c', 'a', 'b'],
          matrix: [
            [1, 3, 9],
            [1 / 3, 1, 3],
            [1 / 9, 1 / 3, 1],
          ],
        },
      },
    });
    expect(r.of('c')).toBeCloseTo(9 / 13, 12);
    expect(r.of('b')).toBeCloseTo(1 / 13, 12);
    expect(r.warnings).toEqual([]);
  });

  it('refuses matrices that are not reciprocal, the wrong size, or for unknown children', () => {
    expect(() =>
      ahpWeights([
        [1, 2],
        [2, 1],
      ]),
    ).toThrow(/reciprocal/);
    expect(() => w({ ahp: { Index: { order: ['a', 'b', 'x'], matrix: [[1]] } } })).toThrow(
      /missing c; not children: x/,
    );
    expect(() =>
      w({
        ahp: {
          Index: {
            order: ['a', 'b', 'c'],
            matrix: [
              [1, 2],
              [0.5, 1],
            ],
          },
        },
      }),
    ).toThrow(EngineInputError);
    expect(() => w({ ahp: { a: { order: ['a'], matrix: [[1]] } } })).toThrow(/'a' is not an aggregate/);
    expect(() => w({ manual: { zz: 1 } })).toThrow(/'zz' is not in the indicator tree/);
  });
});
