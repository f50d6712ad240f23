import { describe, expect, it } from 'vitest';
import { EngineInputError } from './errors.js';
import { Matrix } from './matrix.js';
import { denominate, impute } from './prepare.js';
import { buildTree } from './tree.js';

const N = Number.NaN;
const tree = buildTree([
  { iCode: 'Index', Level: 2, Parent: null, Type: 'Aggregate' },
  {
    iCode: 'Cases',
    Level: 1,
    Direction: -1,
    Weight: 1,
    Parent: 'Index',
    Type: 'Indicator',
    Denominator: 'Pop',
  },
  { iCode: 'Rate', Level: 1, Direction: 1, Weight: 1, Parent: 'Index', Type: 'Indicator' },
]);
const units = ['a', 'b', 'c', 'd'];

describe('denominators', () => {
  it('divides by the denominator, per 1,000 when asked; a zero or missing denominator leaves the value missing', () => {
    const m = new Matrix(['Cases', 'Rate'], 4, Float64Array.from([5, 10, 3, 4, 1, 2, 3, 4]));
    const { warnings } = denominate(m, tree, { Pop: [1000, 4000, 0, null] }, 1000);
    expect([...m.col(0)]).toEqual([5, 2.5, N, N]);
    expect([...m.col(1)]).toEqual([1, 2, 3, 4]);
    expect(warnings[0]).toMatchObject({ code: 'denominator_missing', indicator: 'Cases' });
  });

  it('refuses a denominator that is not in the data', () => {
    const m = new Matrix(['Cases', 'Rate'], 4);
    expect(() => denominate(m, tree, {}, 1)).toThrow(EngineInputError);
  });
});

describe('imputation', () => {
  const data = () => new Matrix(['Cases', 'Rate'], 4, Float64Array.from([1, N, 3, 8, 2, 4, N, 10]));
  it('leaves values missing by default (aggregation reweights)', () => {
    const m = data();
    expect(impute(m, { method: 'none' }, { units }).points).toEqual([]);
    expect(m.get(1, 0)).toBeNaN();
  });

  it('fills with the indicator mean or median and reports each point', () => {
    const m = data();
    const r = impute(m, { method: 'mean' }, { units });
    expect(m.get(1, 0)).toBe(4); // (1 + 3 + 8) / 3
    expect(m.get(2, 1)).toBeCloseTo(16 / 3, 12);
    expect(r.points[0]).toEqual({ unit: 'b', indicator: 'Cases', value: 4, method: 'mean' });
    const m2 = data();
    impute(m2, { method: 'median' }, { units });
    expect(m2.get(1, 0)).toBe(3);
    expect(m2.get(2, 1)).toBe(4);
  });

  it('fills with the mean or median within the unit’s group, falling back to all units for an empty group', () => {
    const m = data();
    const groups = { Region: ['north', 'north', 'south', 'south'] };
    impute(m, { method: 'groupMean', group: 'Region' }, { units, groups });
    expect(m.get(1, 0)).toBe(1); // north has only a = 1
    expect(m.get(2, 1)).toBe(10); // south has only d = 10
    const m2 = new Matrix(['Cases', 'Rate'], 4, Float64Array.from([1, 5, N, N, 1, 2, 3, 4]));
    const r = impute(m2, { method: 'groupMedian', group: 'Region' }, { units, groups });
    expect(m2.get(2, 0)).toBe(3); // south is empty: median of all units (1, 5)
    expect(r.warnings[0]?.code).toBe('impute_group_empty');
    expect(() => impute(data(), { method: 'groupMean', group: 'Nope' }, { units, groups })).toThrow(
      /'Nope' is not a group column/,
    );
  });

  it("fills with the parent unit's value where it has one", () => {
    const m = data();
    const r = impute(
      m,
      { method: 'parent' },
      { units, parentValues: { Cases: [0, 7, 0, 0], Rate: [0, 0, null, 0] } },
    );
    expect(m.get(1, 0)).toBe(7);
    expect(m.get(2, 1)).toBeNaN();
    expect(r.warnings[0]).toMatchObject({ code: 'impute_incomplete', indicator: 'Rate' });
  });
});
