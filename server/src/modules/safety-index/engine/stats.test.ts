import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median, pearson, quantileSorted, Ranker, rankDescending, sd, skewKurt } from './stats.js';

const f = (a: number[]) => Float64Array.from(a);

describe('stats', () => {
  it('skewness and kurtosis are type 2 (checked against scipy bias=False)', () => {
    const s = skewKurt(f([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100]));
    expect(s.skew).toBeCloseTo(3.0632410342394985, 12);
    expect(s.kurt).toBeCloseTo(9.741390834569144, 12);
    // Missing values are skipped.
    const t = skewKurt(f([1, Number.NaN, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100]));
    expect(t.skew).toBeCloseTo(s.skew, 12);
  });

  it('median, sd and type-7 quantiles', () => {
    expect(median(f([5, 1, Number.NaN, 3, 2]))).toBe(2.5);
    expect(sd(f([2, 4, 4, 4, 5, 5, 7, 9]))).toBeCloseTo(2.138089935299395, 12);
    expect(quantileSorted([1, 2, 3, 4], 0.05)).toBeCloseTo(1.15, 12);
    expect(quantileSorted([1, 2, 3, 4], 0.95)).toBeCloseTo(3.85, 12);
  });

  it('pearson over complete pairs', () => {
    expect(pearson(f([1, 2, 3, Number.NaN]), f([2, 4, 6, 1]))).toBeCloseTo(1, 12);
    expect(pearson(f([1, 2, 3, 4]), f([4, 3, 2, 1]))).toBeCloseTo(-1, 12);
    expect(pearson(f([1, 2, 3]), f([1, 1, 1]))).toBeNaN();
  });

  it('ranks highest first, ties share the lowest rank, missing gets 0', () => {
    expect([...rankDescending(f([10, 30, 20, 30, Number.NaN, -5, 0, -0]))]).toEqual([4, 1, 3, 1, 0, 7, 5, 5]);
  });

  it('the radix ranker agrees with a naive count on any data', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ noNaN: true, noDefaultInfinity: true }),
            fc.integer({ min: -3, max: 3 }),
            fc.constant(Number.NaN),
          ),
          { maxLength: 60 },
        ),
        (xs) => {
          const x = f(xs);
          const got = new Ranker(x.length).rank(x);
          xs.forEach((v, i) => {
            const want = Number.isNaN(v) ? 0 : xs.filter((o) => !Number.isNaN(o) && o > v).length + 1;
            expect(got[i]).toBe(want);
          });
        },
      ),
    );
  });
});
