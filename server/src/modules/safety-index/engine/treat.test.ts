import { describe, expect, it } from 'vitest';
import { Matrix } from './matrix.js';
import { parseMethod } from './method.js';
import { treat, winsoriseColumn } from './treat.js';

const opts = { winmax: 5, skewThreshold: 2, kurtThreshold: 3.5, logFallback: true };
const f = (a: number[]) => Float64Array.from(a);
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('outlier treatment (COINr rule)', () => {
  it('leaves an indicator alone when |skew| < 2 or kurtosis < 3.5', () => {
    const x = f(oneTo(10));
    expect(winsoriseColumn(x, opts).outcome).toBe('passed');
    expect([...x]).toEqual(oneTo(10));
  });

  it('winsorises the high side one step at a time until it passes', () => {
    // skew 3.06, kurt 9.74 → 100 becomes 30 → skew 1.71: passes after one point.
    const x = f([...oneTo(10), 30, 100]);
    const s = winsoriseColumn(x, opts);
    expect(s).toMatchObject({ outcome: 'winsorised', winsorised: 1 });
    expect(s.skew).toBeCloseTo(3.0632410342394985, 10);
    expect(s.skewAfter).toBeCloseTo(1.7120380600890506, 10);
    expect([...x]).toEqual([...oneTo(10), 30, 30]);
  });

  it('counts the points tied at the extreme: 400→300, then 300,300→200, then three 200s→20', () => {
    const x = f([...oneTo(20), 200, 300, 400]);
    const s = winsoriseColumn(x, opts);
    expect(s).toMatchObject({ outcome: 'winsorised', winsorised: 3 });
    expect([...x.subarray(19)]).toEqual([20, 20, 20, 20]);
  });

  it('falls back to ln(x − min + 0.01(max − min)) of the original values once winmax points do not suffice', () => {
    const x = f([...oneTo(20), 200, 300, 400]);
    const s = winsoriseColumn(x, { ...opts, winmax: 2 });
    expect(s.outcome).toBe('log');
    expect(x[0]).toBeCloseTo(Math.log(3.99), 12);
    expect(x[1]).toBeCloseTo(1.6074359097634274, 12);
    expect(x[22]).toBeCloseTo(5.998911747743032, 12);
  });

  it('winsorises the low side when the skew is negative', () => {
    const x = f([-100, -30, ...oneTo(10).map((v) => -v)]);
    expect(winsoriseColumn(x, opts)).toMatchObject({ outcome: 'winsorised', winsorised: 1 });
    expect(x[0]).toBe(-30);
  });

  it('skips columns with fewer than four values and keeps missing values missing', () => {
    expect(winsoriseColumn(f([1, 2, 1000]), opts).outcome).toBe('skipped');
    const x = f([...oneTo(10), Number.NaN, 30, 100]);
    winsoriseColumn(x, opts);
    expect(x[10]).toBeNaN();
    expect(x[12]).toBe(30);
  });

  it('reports every treated point and honours per-indicator overrides', () => {
    const units = oneTo(12).map((i) => `u${i}`);
    const m = new Matrix(
      ['A', 'B', 'C'],
      12,
      f([...oneTo(10), 30, 100, ...oneTo(10), 30, 100, ...oneTo(10), 30, 100]),
    );
    const r = treat(
      m,
      units,
      parseMethod({ treat: { overrides: { B: { method: 'none' }, C: { method: 'log' } } } }).treat,
    );
    expect(r.points.filter((p) => p.indicator === 'A')).toEqual([
      { unit: 'u12', indicator: 'A', original: 100, treated: 30, reason: 'winsorised_high' },
    ]);
    expect(r.points.filter((p) => p.indicator === 'B')).toHaveLength(0);
    expect(r.points.filter((p) => p.indicator === 'C')).toHaveLength(12);
    expect(r.points.find((p) => p.indicator === 'C' && p.unit === 'u1')).toMatchObject({
      reason: 'log',
      treated: Math.log(0.99),
    });
    expect(r.summary.map((s) => [s.indicator, s.outcome])).toEqual([
      ['A', 'winsorised'],
      ['C', 'log'],
    ]);
    expect(m.get(11, 0)).toBe(100); // the input is not modified
  });
});
