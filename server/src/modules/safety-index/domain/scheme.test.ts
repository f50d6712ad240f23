import { describe, expect, it } from 'vitest';
import { computeIndex } from '../engine/index.js';
import { DEFAULT_SCHEME } from './default-scheme.js';
import { colorsOf, periodDays, previousPeriod, schemeBodySchema, toMeta } from './scheme.js';

describe('schemes', () => {
  it('seeds a valid default scheme with 10–20 indicators on all three dimensions', () => {
    const s = schemeBodySchema.parse(DEFAULT_SCHEME);
    expect(s.indicators.length).toBeGreaterThanOrEqual(10);
    expect(s.indicators.length).toBeLessThanOrEqual(20);
    expect(new Set(s.indicators.map((i) => i.dimension))).toEqual(new Set(['problems', 'needs', 'effects']));
    // no default indicator rewards raw counts of reports filed by staff
    expect(s.indicators.some((i) => i.source === 'events:perThousand' && i.direction === 1)).toBe(false);
  });

  it('refuses an incomplete tree, duplicate codes, bad sources and non-descending bands', () => {
    const base = structuredClone(DEFAULT_SCHEME);
    const noEffects = { ...base, indicators: base.indicators.filter((i) => i.dimension !== 'effects') };
    expect(schemeBodySchema.safeParse(noEffects).success).toBe(false);
    const dup = { ...base, indicators: [...base.indicators, base.indicators[0]] };
    expect(schemeBodySchema.safeParse(dup).success).toBe(false);
    const badSource = {
      ...base,
      indicators: [{ ...base.indicators[0]!, source: 'sql:drop table' }, ...base.indicators.slice(1)],
    };
    expect(schemeBodySchema.safeParse(badSource).success).toBe(false);
    const badBands = { ...base, bands: { mode: 'thresholds', thresholds: [60, 70, 80, 90] } };
    expect(schemeBodySchema.safeParse(badBands).success).toBe(false);
    const zeroWeight = { ...base, dimensionWeights: { problems: 0, needs: 1, effects: 1 } };
    expect(schemeBodySchema.safeParse(zeroWeight).success).toBe(false);
  });

  it('builds a tree the engine computes', () => {
    const s = schemeBodySchema.parse(DEFAULT_SCHEME);
    const units = ['a', 'b', 'c', 'd'];
    const data = Object.fromEntries(s.indicators.map((i, k) => [i.code, units.map((_, u) => 1 + u * 2 + k)]));
    const r = computeIndex({ meta: toMeta(s), units, data }, s.method ?? {});
    const j = r.aggregated.codes.indexOf('index');
    expect(j).toBeGreaterThanOrEqual(0);
    expect(Array.from(r.ranks.index!)).toHaveLength(4);
  });

  it('maps scores to five colors by thresholds and by quantiles', () => {
    const t = {
      mode: 'thresholds' as const,
      thresholds: [90, 80, 70, 60] as [number, number, number, number],
    };
    expect(colorsOf([95, 90, 85, 70, 60, 59.9, null], t)).toEqual([
      'dark_green',
      'dark_green',
      'green',
      'yellow',
      'orange',
      'red',
      null,
    ]);
    const q = {
      mode: 'quantiles' as const,
      shares: [0.2, 0.2, 0.2, 0.2] as [number, number, number, number],
    };
    const scores = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(colorsOf(scores, q)).toEqual([
      'red',
      'red',
      'orange',
      'orange',
      'yellow',
      'yellow',
      'green',
      'green',
      'dark_green',
      'dark_green',
    ]);
    // ties share the better band
    expect(colorsOf([50, 50, 40, 30, 20], { mode: 'quantiles', shares: [0.2, 0.2, 0.2, 0.2] })).toEqual([
      'dark_green',
      'dark_green',
      'yellow',
      'orange',
      'red',
    ]);
  });

  it('knows months', () => {
    expect(previousPeriod('2026-01')).toBe('2025-12');
    expect(previousPeriod('2026-11')).toBe('2026-10');
    expect(periodDays('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(periodDays('2028-02').to).toBe('2028-02-29');
  });
});
