import { describe, expect, it } from 'vitest';
import { EngineInputError } from './errors.js';
import { computeIndex, type EngineInput } from './pipeline.js';
import type { MetaRow } from './tree.js';

const N = Number.NaN;
const meta: MetaRow[] = [
  { iCode: 'Index', Level: 3, Parent: null, Type: 'Aggregate' },
  { iCode: 'Problems', Level: 2, Weight: 1, Parent: 'Index', Type: 'Aggregate' },
  { iCode: 'Effects', Level: 2, Weight: 1, Parent: 'Index', Type: 'Aggregate' },
  {
    iCode: 'Cases',
    Level: 1,
    Direction: -1,
    Weight: 1,
    Parent: 'Problems',
    Type: 'Indicator',
    Denominator: 'Pop',
  },
  { iCode: 'Closed', Level: 1, Direction: 1, Weight: 1, Parent: 'Effects', Type: 'Indicator' },
  { iCode: 'Pop', Type: 'Denominator' },
];
const input = (over: Partial<EngineInput> = {}): EngineInput => ({
  meta,
  units: ['u1', 'u2', 'u3'],
  data: { Cases: [10, 40, 20], Pop: [1000, 2000, 4000], Closed: [50, 90, N] },
  ...over,
});

describe('computeIndex', () => {
  it('runs the default pipeline with hand-checked numbers', () => {
    const r = computeIndex(input(), { denominate: { per: 1000 } });
    // Cases per 1,000: 10, 20, 5 → direction −1 → min-max: 66.67, 0, 100. Closed: 0, 100, missing.
    expect([...r.imputed.colOf('Cases')]).toEqual([10, 20, 5]);
    const cases = [...r.normalised.colOf('Cases')];
    expect(cases[0]).toBeCloseTo(200 / 3, 12);
    expect(cases.slice(1)).toEqual([0, 100]);
    expect([...r.normalised.colOf('Closed')]).toEqual([0, 100, N]);
    const index = [...r.aggregated.colOf('Index')];
    expect(index[0]).toBeCloseTo(100 / 3, 12); // (66.67 + 0)/2
    expect(index.slice(1)).toEqual([50, 100]); // u3: Effects missing → Problems alone
    expect([...r.ranks.Index!]).toEqual([3, 2, 1]);
    expect(r.treatedPoints).toEqual([]);
    // u3 has 1 of 2 indicators (50 % < 65 %); Closed has 2 of 3 units (66.7 %), not flagged.
    expect(
      r.checks.flags.filter((f) => f.kind.endsWith('availability')).map((f) => f.unit ?? f.indicator),
    ).toEqual(['u3']);
  });

  it('fills missing values when asked and reports them', () => {
    const r = computeIndex(input(), { impute: { method: 'mean' } });
    expect(r.imputed.colOf('Closed')[2]).toBe(70);
    expect(r.imputedPoints).toEqual([{ unit: 'u3', indicator: 'Closed', value: 70, method: 'mean' }]);
  });

  it('is pure: the input columns are not modified', () => {
    const inp = input();
    computeIndex(inp);
    expect(inp.data.Cases).toEqual([10, 40, 20]);
  });

  it('refuses bad input with issues naming the column', () => {
    const fail = (over: Partial<EngineInput>, method = {}) => {
      try {
        computeIndex(input(over), method);
      } catch (e) {
        expect(e).toBeInstanceOf(EngineInputError);
        return (e as EngineInputError).issues;
      }
      throw new Error('expected a refusal');
    };
    expect(fail({ data: { Pop: [1, 1, 1], Closed: [1, 2, 3] } })[0]).toMatchObject({
      column: 'Cases',
      metaRow: 3,
      message: "indicator 'Cases' has no data column",
    });
    expect(fail({ units: ['u1', 'u1', 'u3'] })[0]!.message).toBe("unit 'u1' appears more than once");
    expect(fail({ data: { Cases: [1, 2], Pop: [1, 1, 1], Closed: [1, 2, 3] } })[0]!.message).toBe(
      "column 'Cases' has 2 values for 3 units",
    );
    expect(
      fail({ data: { Cases: [1, Number.POSITIVE_INFINITY, 3], Pop: [1, 1, 1], Closed: [1, 2, 3] } })[0]!
        .message,
    ).toMatch(/unit 'u2': Infinity is not a finite number/);
    expect(fail({}, { normalise: { overrides: { Nope: { method: 'borda' } } } })[0]!.message).toBe(
      "normalise.overrides: 'Nope' is not an indicator",
    );
    expect(fail({}, { aggregate: { byLevel: { '5': { method: 'geometric' } } } })[0]!.message).toMatch(
      /no aggregates at level 5/,
    );
    expect(fail({ data: { Cases: [1, 2, 3], Closed: [1, 2, 3] } })[0]!.message).toMatch(
      /divided by 'Pop', which is not a column/,
    );
  });
});
