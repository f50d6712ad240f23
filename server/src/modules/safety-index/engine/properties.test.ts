// Property tests (fast-check): monotonicity, invariance to the order of units and indicators, and to a
// common factor on sibling weights.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MethodInput } from './method.js';
import { computeIndex, type EngineInput } from './pipeline.js';
import type { MetaRow } from './tree.js';

interface Case {
  meta: MetaRow[];
  rows: number[][];
}

/** A random two-level tree (2–3 dimensions) with 2–6 indicators and 3–12 units; ~10 % missing values. */
const caseArb: fc.Arbitrary<Case> = fc
  .record({
    dims: fc.integer({ min: 2, max: 3 }),
    inds: fc.array(
      fc.record({
        dir: fc.constantFrom(1, -1),
        w: fc.double({ min: 0.1, max: 10, noNaN: true }),
        dim: fc.nat(),
      }),
      { minLength: 2, maxLength: 6 },
    ),
    dimW: fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }), { minLength: 3, maxLength: 3 }),
    nUnits: fc.integer({ min: 3, max: 12 }),
  })
  .chain(({ dims, inds, dimW, nUnits }) =>
    fc
      .array(
        fc.array(
          fc.oneof(
            { weight: 9, arbitrary: fc.double({ min: -1000, max: 1000, noNaN: true }) },
            { weight: 1, arbitrary: fc.constant(Number.NaN) },
          ),
          { minLength: inds.length, maxLength: inds.length },
        ),
        { minLength: nUnits, maxLength: nUnits },
      )
      .map((rows) => {
        const meta: MetaRow[] = [{ iCode: 'Index', Level: 3, Parent: null, Type: 'Aggregate' }];
        for (let d = 0; d < dims; d++)
          meta.push({ iCode: `D${d}`, Level: 2, Weight: dimW[d]!, Parent: 'Index', Type: 'Aggregate' });
        // The first indicators go one to each dimension; dimensions left without one are dropped.
        const parents = inds.map((s, j) => `D${j < dims ? j : s.dim % dims}`);
        for (const [j, s] of inds.entries())
          meta.push({
            iCode: `I${j}`,
            Level: 1,
            Direction: s.dir,
            Weight: s.w,
            Parent: parents[j]!,
            Type: 'Indicator',
          });
        return { meta: meta.filter((m) => m.Level !== 2 || parents.includes(m.iCode)), rows };
      }),
  );

const toInput = (c: Case): EngineInput => {
  const codes = c.meta.filter((m) => m.Type === 'Indicator').map((m) => m.iCode);
  const data = Object.fromEntries(codes.map((code) => [code, c.rows.map((r) => r[Number(code.slice(1))]!)]));
  return { meta: c.meta, units: c.rows.map((_, i) => `u${i}`), data };
};

const scores = (input: EngineInput, method: MethodInput = {}) => {
  const r = computeIndex(input, method);
  const out = new Map<string, number>();
  for (const [i, u] of r.units.entries()) out.set(u, r.aggregated.colOf('Index')[i]!);
  return out;
};

const same = (a: Map<string, number>, b: Map<string, number>) => {
  for (const [u, v] of a) {
    const w = b.get(u)!;
    if (Number.isNaN(v)) expect(w).toBeNaN();
    else expect(Math.abs(v - w)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v)));
  }
};

const plain: MethodInput = { treat: { method: 'none' } };

describe('properties', () => {
  it('improving an indicator in its good direction never lowers the unit’s score (min-max, arithmetic)', () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.nat(),
        fc.nat(),
        fc.double({ min: 0.001, max: 5000, noNaN: true }),
        (c, uPick, jPick, delta) => {
          const input = toInput(c);
          const codes = Object.keys(input.data);
          const u = uPick % input.units.length;
          const code = codes[jPick % codes.length]!;
          const before = input.data[code]![u] as number;
          fc.pre(!Number.isNaN(before));
          const dir = c.meta.find((m) => m.iCode === code)!.Direction!;
          const s0 = scores(input, plain).get(input.units[u]!)!;
          const better = {
            ...input,
            data: {
              ...input.data,
              [code]: (input.data[code] as number[]).map((v, i) => (i === u ? v + dir * delta : v)),
            },
          };
          const s1 = scores(better, plain).get(input.units[u]!)!;
          if (Number.isNaN(s0)) return;
          expect(s1).toBeGreaterThanOrEqual(s0 - 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('scores do not depend on the order of units (default method, with outlier treatment)', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), (c, seed) => {
        const input = toInput(c);
        const order = input.units
          .map((_, i) => i)
          .sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101) || a - b);
        const shuffled: EngineInput = {
          meta: input.meta,
          units: order.map((i) => input.units[i]!),
          data: Object.fromEntries(
            Object.entries(input.data).map(([k, col]) => [k, order.map((i) => (col as number[])[i]!)]),
          ),
        };
        same(scores(input), scores(shuffled));
      }),
      { numRuns: 200 },
    );
  });

  it('scores do not depend on the order of indicators (or of the meta rows)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const input = toInput(c);
        same(scores(input), scores({ ...input, meta: [...input.meta].reverse() }));
      }),
      { numRuns: 200 },
    );
  });

  it('weights that differ by a common factor among siblings give the same result', () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (c, k1, k2) => {
          const input = toInput(c);
          // k1 on every indicator weight, k2 on every dimension weight.
          const scaled = input.meta.map((m) =>
            m.Type === 'Indicator'
              ? { ...m, Weight: m.Weight! * k1 }
              : m.Level === 2
                ? { ...m, Weight: m.Weight! * k2 }
                : m,
          );
          same(scores(input), scores({ ...input, meta: scaled }));
          for (const agg of ['geometric', 'harmonic'] as const) {
            const m: MethodInput = {
              normalise: { default: { method: 'minmax', min: 1, max: 100 } },
              aggregate: { default: { method: agg } },
            };
            same(scores(input, m), scores({ ...input, meta: scaled }, m));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
