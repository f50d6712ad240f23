import { describe, expect, it } from 'vitest';
import { apportion } from './apportion.js';

describe('apportion', () => {
  it('sums exactly and respects the floor', () => {
    const shares = apportion(5173, [3, 1, 1, 10, 0.5, 7], 2);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(5173);
    expect(Math.min(...shares)).toBeGreaterThanOrEqual(2);
    expect(shares[3]).toBeGreaterThan(shares[0] as number);
  });

  it('gives the remainder to the largest fractions, earlier index first on ties', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(7, [1, 0, 0], 1)).toEqual([5, 1, 1]);
  });

  it('refuses a total below the floor', () => {
    expect(() => apportion(3, [1, 1], 2)).toThrow(/cannot give/);
  });
});
