import { describe, expect, it } from 'vitest';
import { type NormaliseSpec, normaliseSpecSchema } from './method.js';
import { normaliseColumn } from './normalise.js';

const run = (
  x: number[],
  spec: Record<string, unknown>,
  direction: 1 | -1 = 1,
  target: number | null = null,
) => {
  const out = new Float64Array(x.length);
  const warning = normaliseColumn(
    Float64Array.from(x),
    out,
    normaliseSpecSchema.parse(spec) as NormaliseSpec,
    direction,
    target,
    'X',
  );
  return { out: [...out], warning };
};
const close = (got: number[], want: number[], digits = 10) => {
  for (const [i, g] of got.entries()) {
    if (Number.isNaN(want[i]!)) expect(g).toBeNaN();
    else expect(g).toBeCloseTo(want[i]!, digits);
  }
};

describe('normalisation', () => {
  const x = [1, 2, 3, 5];
  it('min-max to a range, direction −1 flipped', () => {
    expect(run(x, { method: 'minmax' }).out).toEqual([0, 25, 50, 100]);
    expect(run(x, { method: 'minmax' }, -1).out).toEqual([100, 75, 50, 0]);
    close(run(x, { method: 'minmax', min: 1, max: 10 }).out, [1, 3.25, 5.5, 10]);
    close(run([1, Number.NaN, 3], { method: 'minmax' }).out, [0, Number.NaN, 100]);
  });

  it('z-score with sample sd, rescaled to a mean and sd', () => {
    // mean 2.75, sd √(8.75/3) = 1.7078251
    close(run(x, { method: 'zscore' }).out, [-1.0246950766, -0.4391550328, 0.1463850109, 1.3174650985], 9);
    close(
      run(x, { method: 'zscore', mean: 50, sd: 10 }, -1).out,
      [60.246950766, 54.391550328, 48.536149891, 36.825349015],
      8,
    );
  });

  it('distance to target from the worst unit, capped at the target', () => {
    close(run(x, { method: 'target' }, 1, 4).out, [0, 100 / 3, 200 / 3, 100]);
    close(run(x, { method: 'target', cap: false, scale: 1 }, 1, 4).out, [0, 1 / 3, 2 / 3, 4 / 3]);
    close(run(x, { method: 'target' }, -1, 2).out, [100, 100, 200 / 3, 0]);
    expect(run(x, { method: 'target' }, 1, null).warning?.code).toBe('no_target');
  });

  it('goalposts clamp to [0, scale]', () => {
    close(run(x, { method: 'goalposts', lower: 0, upper: 4 }).out, [25, 50, 75, 100]);
    close(run(x, { method: 'goalposts', lower: 0, upper: 4 }, -1).out, [75, 50, 25, 0]);
  });

  it('percentile rank (ties averaged) and Borda rank', () => {
    close(run([1, 2, 2, 5], { method: 'percentile' }).out, [0, 50, 50, 100]);
    close(run([1, 2, 2, 5], { method: 'percentile' }, -1).out, [100, 50, 50, 0]);
    expect(run([1, 2, 2, 5, Number.NaN], { method: 'borda' }).out).toEqual([0, 1, 1, 3, Number.NaN]);
    expect(run([1, 2, 2, 5], { method: 'borda' }, -1).out).toEqual([3, 1, 1, 0]);
  });

  it('a constant indicator is left missing with a warning', () => {
    const r = run([3, 3, 3], { method: 'minmax' });
    expect(r.out.every(Number.isNaN)).toBe(true);
    expect(r.warning).toMatchObject({ code: 'constant_indicator', indicator: 'X' });
  });
});
