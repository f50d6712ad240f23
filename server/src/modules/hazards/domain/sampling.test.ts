import { describe, expect, it } from 'vitest';
import {
  type Candidate,
  proportionalAllocation,
  SAMPLING_ALGORITHM,
  selectForInspection,
  uint32Stream,
} from './sampling.js';

/** n candidates spread over towns T1…Tt and two kinds of place. */
function places(n: number, towns = 2): Candidate[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `P${String(i + 1).padStart(3, '0')}`,
    town: `T${(i % towns) + 1}`,
    kind: i % 5 < 2 ? 'three_in_one' : 'rental_housing',
  }));
}

describe('the generator', () => {
  it('is pinned: a recorded seed must give the same draw forever', () => {
    const next = uint32Stream('anwang');
    expect([next(), next(), next()]).toEqual([4030637362, 2801384119, 1960870248]);
    const c = Array.from({ length: 12 }, (_, i) => ({
      id: `P${String(i + 1).padStart(2, '0')}`,
      town: i < 8 ? 'T1' : 'T2',
      kind: i % 2 ? 'rental_housing' : 'three_in_one',
    }));
    const r = selectForInspection({ seed: '2026-11 暗访 #1', candidates: c, total: 5 });
    expect(r.algorithm).toBe(SAMPLING_ALGORITHM);
    expect(r.strata.map((s) => [s.town, s.kind, s.population, s.quota, s.selected])).toEqual([
      ['T1', 'rental_housing', 4, 2, ['P02', 'P04']],
      ['T1', 'three_in_one', 4, 1, ['P07']],
      ['T2', 'rental_housing', 2, 1, ['P12']],
      ['T2', 'three_in_one', 2, 1, ['P09']],
    ]);
    expect(r.selected).toEqual(['P02', 'P04', 'P07', 'P12', 'P09']);
  });
});

describe('selection', () => {
  const cands = places(60, 3);

  it('gives the same places for the same seed, whatever the input order', () => {
    const a = selectForInspection({ seed: 'campaign-7', candidates: cands, total: 9 });
    const b = selectForInspection({ seed: 'campaign-7', candidates: [...cands].reverse(), total: 9 });
    expect(b).toEqual(a);
    expect(a.selected).toHaveLength(9);
  });

  it('gives different places for different seeds', () => {
    const draws = new Set<string>();
    for (let s = 0; s < 50; s++) {
      draws.add(selectForInspection({ seed: `seed-${s}`, candidates: cands, total: 9 }).selected.join(','));
    }
    // 50 seeds over C(20,3)·C(20,3)·C(10,2)·… possible draws: a repeat would be a broken generator
    expect(draws.size).toBe(50);
    const a = selectForInspection({ seed: 'a', candidates: cands, total: 9 }).selected;
    const b = selectForInspection({ seed: 'b', candidates: cands, total: 9 }).selected;
    expect(a).not.toEqual(b);
  });

  it('draws without replacement, only from its stratum, and honours quotas with shortfalls', () => {
    const r = selectForInspection({
      seed: 'q',
      candidates: cands,
      quotas: [
        { town: 'T1', kind: 'rental_housing', n: 4 },
        { town: 'T2', kind: 'three_in_one', n: 50 },
        { town: 'T9', kind: 'three_in_one', n: 2 },
      ],
    });
    const byId = new Map(cands.map((c) => [c.id, c]));
    expect(new Set(r.selected).size).toBe(r.selected.length);
    const s = (town: string, kind: string) => r.strata.find((x) => x.town === town && x.kind === kind)!;
    expect(s('T1', 'rental_housing')).toMatchObject({ quota: 4, shortfall: 0 });
    expect(s('T1', 'rental_housing').selected).toHaveLength(4);
    for (const id of s('T1', 'rental_housing').selected)
      expect(byId.get(id)).toMatchObject({ town: 'T1', kind: 'rental_housing' });
    // T2 has 8 three-in-one places: i ≡ 1 (mod 3) and i mod 5 ∈ {0, 1}, 4 of each residue pair in 0…59
    const t2 = s('T2', 'three_in_one');
    expect(t2.population).toBe(8);
    expect(t2.selected).toHaveLength(8);
    expect(t2.shortfall).toBe(42);
    expect(s('T3', 'rental_housing')).toMatchObject({ quota: 0, selected: [] });
    // a quota for a stratum without candidates selects nothing and no stratum appears for it
    expect(r.strata.find((x) => x.town === 'T9')).toBeUndefined();
  });

  it('allocates in proportion when no quotas are given', () => {
    // per town 12 rental and 8 three-in-one; 10 of 60: exact 2 and 1⅓ → floors 2,1 ×3 = 9, the last
    // place goes to the first of the three tied remainders (T1 three-in-one)
    const r = selectForInspection({ seed: 'p', candidates: cands, total: 10 });
    expect(r.strata.map((x) => x.population)).toEqual([12, 8, 12, 8, 12, 8]);
    expect(r.strata.map((x) => x.quota)).toEqual([2, 2, 2, 1, 2, 1]);
    expect(r.strata.every((x) => x.selected.length === x.quota)).toBe(true);
    const one = selectForInspection({ seed: 'p', candidates: cands, total: 6, atLeastOnePerStratum: true });
    expect(one.strata.map((x) => x.quota)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('refuses malformed requests', () => {
    expect(() => selectForInspection({ seed: ' ', candidates: cands, total: 3 })).toThrow(/seed/);
    expect(() => selectForInspection({ seed: 's', candidates: [...cands, cands[0]!], total: 3 })).toThrow(
      /twice/,
    );
    expect(() => selectForInspection({ seed: 's', candidates: cands })).toThrow(/quotas or a total/);
    expect(() => selectForInspection({ seed: 's', candidates: cands, total: 2, quotas: [] })).toThrow(
      /not both/,
    );
    expect(() => selectForInspection({ seed: 's', candidates: cands, total: -1 })).toThrow(RangeError);
    expect(() =>
      selectForInspection({ seed: 's', candidates: cands, quotas: [{ town: 'T1', kind: 'x', n: 1.5 }] }),
    ).toThrow(RangeError);
    expect(() =>
      selectForInspection({ seed: 's', candidates: cands, total: 5, atLeastOnePerStratum: true }),
    ).toThrow(/at least 6/);
  });
});

describe('proportional allocation (by hand)', () => {
  it('splits by largest remainders with stable tie-breaks', () => {
    expect(proportionalAllocation([50, 30, 20], 10)).toEqual([5, 3, 2]);
    // exact 1.75, 1.75, 1.5 → floors 1,1,1 and two left for the two .75s
    expect(proportionalAllocation([7, 7, 6], 5)).toEqual([2, 2, 1]);
    // a three-way tie goes to the first ones
    expect(proportionalAllocation([1, 1, 1], 2)).toEqual([1, 1, 0]);
    // equal remainders (.5): the larger stratum first
    expect(proportionalAllocation([1, 3], 2)).toEqual([0, 2]);
    expect(proportionalAllocation([4, 2], 9)).toEqual([4, 2]);
    expect(proportionalAllocation([4, 2], 0)).toEqual([0, 0]);
    for (const total of [0, 1, 7, 33, 99]) {
      const out = proportionalAllocation([40, 33, 17, 9, 1], total);
      expect(out.reduce((s, x) => s + x, 0)).toBe(total);
    }
  });
});

describe('uniformity (deterministic: fixed seeds, bounded loops)', () => {
  // Chi-square statistic of observed counts against equal expected counts.
  const chi2 = (counts: number[]) => {
    const e = counts.reduce((s, x) => s + x, 0) / counts.length;
    return counts.reduce((s, o) => s + (o - e) ** 2 / e, 0);
  };

  it('picks each of 10 places equally often over 2,000 seeds (3 per draw)', () => {
    const cands = Array.from({ length: 10 }, (_, i) => ({ id: `P${i}`, town: 'T', kind: 'k' }));
    const counts = new Map(cands.map((c) => [c.id, 0]));
    const first = new Map(cands.map((c) => [c.id, 0]));
    for (let s = 0; s < 2000; s++) {
      const r = selectForInspection({ seed: `s${s}`, candidates: cands, total: 3 });
      for (const id of r.selected) counts.set(id, counts.get(id)! + 1);
      first.set(r.selected[0]!, first.get(r.selected[0]!)! + 1);
    }
    // 9 degrees of freedom: P(χ² > 27.88) = 0.001 under uniformity
    const all = [...counts.values()];
    expect(all.reduce((s, x) => s + x, 0)).toBe(6000);
    expect(chi2(all)).toBeLessThan(27.88);
    expect(chi2([...first.values()])).toBeLessThan(27.88);
    for (const c of all) expect(Math.abs(c - 600)).toBeLessThan(90);
  });

  it('draws every pair of 6 places equally often (no favoured combinations)', () => {
    const cands = Array.from({ length: 6 }, (_, i) => ({ id: String(i), town: 'T', kind: 'k' }));
    const pairs = new Map<string, number>();
    for (let s = 0; s < 3000; s++) {
      const sel = selectForInspection({ seed: `pair-${s}`, candidates: cands, total: 2 }).selected.sort();
      const k = sel.join('-');
      pairs.set(k, (pairs.get(k) ?? 0) + 1);
    }
    expect(pairs.size).toBe(15);
    // 14 degrees of freedom: P(χ² > 36.12) = 0.001
    expect(chi2([...pairs.values()])).toBeLessThan(36.12);
  });
});
