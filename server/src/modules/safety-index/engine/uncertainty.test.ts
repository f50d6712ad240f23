import { describe, expect, it } from 'vitest';
import { computeIndex } from './pipeline.js';
import type { MetaRow } from './tree.js';
import { firstOrderIndex, runUncertainty } from './uncertainty.js';

// Two dimensions that rank the units in opposite orders: the balance between them decides the ranking.
const n = 30;
const meta: MetaRow[] = [
  { iCode: 'Index', Level: 3, Parent: null, Type: 'Aggregate' },
  { iCode: 'D1', Level: 2, Weight: 1, Parent: 'Index', Type: 'Aggregate' },
  { iCode: 'D2', Level: 2, Weight: 1, Parent: 'Index', Type: 'Aggregate' },
  { iCode: 'x', Level: 1, Direction: 1, Weight: 1, Parent: 'D1', Type: 'Indicator' },
  { iCode: 'y', Level: 1, Direction: 1, Weight: 1, Parent: 'D2', Type: 'Indicator' },
];
const units = Array.from({ length: n }, (_, i) => `u${i}`);
const x = units.map((_, i) => i + ((i * 7) % 5) / 10);
const y = units.map((_, i) => n - i + ((i * 3) % 4) / 7);
const result = computeIndex({ meta, units, data: { x, y } }, { treat: { method: 'none' } });

describe('uncertainty and sensitivity', () => {
  it('is reproducible for a seed and changes with it', () => {
    const a = runUncertainty(result, { runs: 200, seed: 42 });
    const b = runUncertainty(result, { runs: 200, seed: 42 });
    const c = runUncertainty(result, { runs: 200, seed: 43 });
    expect([...a.medianRank]).toEqual([...b.medianRank]);
    expect([...a.rankShift]).toEqual([...b.rankShift]);
    expect([...a.rankShift]).not.toEqual([...c.rankShift]);
  });

  it('without noise or method choices every run reproduces the nominal ranking', () => {
    const u = runUncertainty(result, { runs: 20, weightNoise: 0 });
    expect([...u.medianRank]).toEqual([...result.ranks.Index!]);
    expect([...u.rankP05]).toEqual([...result.ranks.Index!]);
    expect([...u.rankP95]).toEqual([...result.ranks.Index!]);
    expect(u.rankShift.every((v) => v === 0)).toBe(true);
    expect(u.sensitivity.every((s) => s.firstOrder === 0)).toBe(true);
  });

  it('gives each unit a median rank inside its 5th–95th percentile interval', () => {
    const u = runUncertainty(result, { runs: 500 });
    for (let i = 0; i < n; i++) {
      expect(u.rankP05[i]!).toBeLessThanOrEqual(u.medianRank[i]!);
      expect(u.medianRank[i]!).toBeLessThanOrEqual(u.rankP95[i]!);
      expect(u.rankP05[i]!).toBeGreaterThanOrEqual(1);
      expect(u.rankP95[i]!).toBeLessThanOrEqual(n);
    }
    expect(u.rankP95.some((v, i) => v > u.rankP05[i]!)).toBe(true);
  });

  it('finds the inputs that matter: the dimension weights, not the weights of only children', () => {
    const u = runUncertainty(result, { runs: 1000, seed: 7 });
    const s = Object.fromEntries(u.sensitivity.map((e) => [e.input, e.firstOrder]));
    expect(s['weight:x']!).toBeLessThan(0.05);
    expect(s['weight:y']!).toBeLessThan(0.05);
    expect(s['weight:D1']!).toBeGreaterThan(0.2);
    expect(s['weight:D2']!).toBeGreaterThan(0.2);
  });

  it('samples method choices and reports their sensitivity', () => {
    const u = runUncertainty(result, {
      runs: 300,
      weightNoise: 0,
      normalise: [{ method: 'minmax', min: 0, max: 100 }, { method: 'borda' }],
      aggregate: [
        { method: 'arithmetic', minShare: 0 },
        { method: 'generalised', p: 4, minShare: 0 },
      ],
    });
    const kinds = u.sensitivity.filter((e) => e.kind !== 'weight');
    expect(kinds.map((e) => e.input)).toEqual(['normalisation', 'aggregation']);
    expect(kinds.some((e) => e.firstOrder > 0.1)).toBe(true);
  });

  it('first-order index: 1 when the output is a function of the input, about 0 when unrelated', () => {
    const bins = Int32Array.from({ length: 100 }, (_, r) => r % 4);
    expect(
      firstOrderIndex(
        Float64Array.from(bins, (b) => b * 2),
        bins,
        4,
      ),
    ).toBeCloseTo(1, 12);
    expect(firstOrderIndex(new Float64Array(100).fill(3), bins, 4)).toBe(0);
    const noise = Float64Array.from({ length: 100 }, (_, r) => (r * 37) % 11);
    expect(firstOrderIndex(noise, bins, 4)).toBeLessThan(0.05);
  });
});
