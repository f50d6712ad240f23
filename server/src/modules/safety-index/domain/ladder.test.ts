import { describe, expect, it } from 'vitest';
import {
  answerDays,
  DEFAULT_LADDER,
  type Ladder,
  ladderAction,
  ladderDepth,
  ladderSchema,
} from './ladder.js';
import type { Color } from './scheme.js';

const h = (s: string): Color[] =>
  s.split(' ').map((c) => ({ G: 'dark_green', g: 'green', y: 'yellow', o: 'orange', r: 'red' })[c] as Color);

describe('the accountability ladder', () => {
  it.each([
    ['g g r', 'warning'],
    ['r r', 'copy_notice'],
    ['g o o o', 'copy_notice'],
    ['o o r', 'copy_notice'],
    ['o r r r', 'supervision'],
    ['r r r r', 'listing'],
    ['r r r r r', null],
    ['g y o', null],
    ['r g', null],
    ['G', null],
  ] as const)('%s → %s', (history, action) => {
    expect(ladderAction(h(history), false)).toBe(action);
  });

  it('delists after two consecutive periods at yellow or better, once', () => {
    expect(ladderAction(h('r r r r y'), true)).toBeNull();
    expect(ladderAction(h('r r r r y g'), true)).toBe('delisting');
    expect(ladderAction(h('r r r r y g G'), true)).toBeNull();
    expect(ladderAction(h('r r r r o g'), true)).toBeNull();
    expect(ladderAction(h('r r r r r'), true)).toBeNull();
  });

  it('counts a missing period as breaking the streak', () => {
    expect(ladderAction([...h('r r'), null, 'red'], false)).toBe('warning');
  });

  it('follows configured rules: streak lengths, "or worse", answer days, look-back depth', () => {
    const ladder: Ladder = ladderSchema.parse({
      rungs: [
        { action: 'warning', when: [{ color: 'orange', orWorse: true, periods: 2 }], answerDays: 7 },
        { action: 'listing', when: [{ color: 'red', periods: 6 }], answerDays: 90 },
      ],
      delisting: { atOrBetter: 'green', periods: 3, answerDays: 20 },
    });
    expect(ladderAction(h('g r'), false, ladder)).toBeNull();
    expect(ladderAction(h('g o r'), false, ladder)).toBe('warning');
    expect(ladderAction(h('g o r r'), false, ladder)).toBeNull();
    expect(ladderAction(h('r r r r r r'), false, ladder)).toBe('listing');
    expect(ladderAction(h('r r r r r r y g'), true, ladder)).toBeNull();
    expect(ladderAction(h('r r r r r r g g G'), true, ladder)).toBe('delisting');
    expect(answerDays('warning', ladder)).toBe(7);
    expect(answerDays('delisting', ladder)).toBe(20);
    expect(ladderDepth(ladder)).toBe(6);
    expect(ladderDepth(DEFAULT_LADDER)).toBe(4);
    expect(answerDays('listing')).toBe(60);
  });

  it('refuses rungs out of order or twice, empty conditions and silly lengths', () => {
    const ok = structuredClone(DEFAULT_LADDER);
    expect(ladderSchema.safeParse(ok).success).toBe(true);
    const reversed = { ...ok, rungs: [...ok.rungs].reverse() };
    expect(ladderSchema.safeParse(reversed).success).toBe(false);
    const twice = { ...ok, rungs: [ok.rungs[0], ok.rungs[0]] };
    expect(ladderSchema.safeParse(twice).success).toBe(false);
    const empty = { ...ok, rungs: [{ ...ok.rungs[0], when: [] }] };
    expect(ladderSchema.safeParse(empty).success).toBe(false);
    const long = { ...ok, rungs: [{ ...ok.rungs[0], when: [{ color: 'red', periods: 13 }] }] };
    expect(ladderSchema.safeParse(long).success).toBe(false);
  });
});
