import { describe, expect, it } from 'vitest';
import { checkData, correlationFlags } from './checks.js';
import { Matrix } from './matrix.js';
import { parseMethod } from './method.js';
import { buildTree } from './tree.js';

const N = Number.NaN;
const checks = parseMethod().checks;

describe('data checks', () => {
  it('availability per unit and per indicator (flag below 65 %) and zero share', () => {
    // 4 units × 3 indicators; column-major.
    const raw = new Matrix(['x', 'y', 'z'], 4, Float64Array.from([1, 2, 3, 4, 0, 0, 0, 5, 1, N, N, 2]));
    const r = checkData(raw, ['a', 'b', 'c', 'd'], checks);
    expect([...r.indicatorAvailability]).toEqual([1, 1, 0.5]);
    expect([...r.unitAvailability]).toEqual([1, 2 / 3, 2 / 3, 1]);
    expect([...r.zeroShare]).toEqual([0, 0.75, 0]);
    expect(r.flags.map((f) => [f.kind, f.indicator ?? f.unit])).toEqual([
      ['zero_share', 'y'],
      ['indicator_availability', 'z'],
    ]);
    expect(r.flags[1]!.message).toBe("indicator 'z' has data for 50.0% of units (below 65.0%)");
    const strict = checkData(raw, ['a', 'b', 'c', 'd'], { ...checks, availability: 0.7 });
    expect(strict.flags.filter((f) => f.kind === 'unit_availability').map((f) => f.unit)).toEqual(['b', 'c']);
  });

  it('flags siblings correlated above the threshold and children negatively correlated with their parent', () => {
    const tree = buildTree([
      { iCode: 'Index', Level: 2, Parent: null, Type: 'Aggregate' },
      { iCode: 'p', Level: 1, Direction: 1, Weight: 1, Parent: 'Index', Type: 'Indicator' },
      { iCode: 'q', Level: 1, Direction: 1, Weight: 1, Parent: 'Index', Type: 'Indicator' },
      { iCode: 'r', Level: 1, Direction: 1, Weight: 1, Parent: 'Index', Type: 'Indicator' },
    ]);
    const ind = new Matrix(tree.indicatorCodes, 4, Float64Array.from([1, 2, 3, 4, 2, 4, 6, 8.5, 4, 3, 2, 1]));
    const agg = new Matrix(['Index'], 4, Float64Array.from([1, 2, 3, 4]));
    const flags = correlationFlags(tree, ind, agg, 0.9);
    expect(flags.map((f) => [f.kind, f.indicator, f.other])).toEqual([
      ['collinear', 'p', 'q'],
      ['collinear', 'p', 'r'],
      ['collinear', 'q', 'r'],
      ['negative_with_parent', 'r', 'Index'],
    ]);
    expect(flags[1]!.value).toBeCloseTo(-1, 12);
  });
});
