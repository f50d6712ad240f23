import { describe, expect, it } from 'vitest';
import { ladderAction } from './ladder.js';
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
});
