// The accountability ladder (pure): from a unit's colors over consecutive published periods, the
// actions that follow. Seeded rules (configurable per scheme later): one red → 预警 warning to the
// unit's head; two reds in a row or three oranges-or-worse in a row → 抄告 copy-notice to the superior
// unit; three reds in a row → 督办 supervised rectification; four reds in a row → 挂牌 public listing;
// a listed unit is delisted (摘牌) after two consecutive periods at yellow or better, once the superior
// signs it off. Each rung is taken once per streak: the highest rung the streak reaches that was not
// taken for the same streak before.
import type { Color } from './scheme.js';

export const ACTIONS = ['warning', 'copy_notice', 'supervision', 'listing', 'delisting'] as const;
export type LadderAction = (typeof ACTIONS)[number];

const rank: Record<Color, number> = { dark_green: 0, green: 1, yellow: 2, orange: 3, red: 4 };

/** How many periods at the end of `history` satisfy `pred`, counted backwards. */
function streak(history: readonly (Color | null)[], pred: (c: Color) => boolean): number {
  let n = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const c = history[i];
    if (!c || !pred(c)) break;
    n++;
  }
  return n;
}

/**
 * The action the latest period triggers, or null. `history` is oldest first and ends with the period
 * just published; `listed` says whether the unit is publicly listed now.
 */
export function ladderAction(history: readonly (Color | null)[], listed: boolean): LadderAction | null {
  const reds = streak(history, (c) => c === 'red');
  const orangeOrWorse = streak(history, (c) => rank[c] >= rank.orange);
  if (listed) {
    const good = streak(history, (c) => rank[c] <= rank.yellow);
    return good === 2 ? 'delisting' : null;
  }
  if (reds >= 4) return reds === 4 ? 'listing' : null;
  if (reds === 3) return 'supervision';
  if (reds === 2 || orangeOrWorse === 3) return 'copy_notice';
  if (reds === 1) return 'warning';
  return null;
}

/** Days a unit has to answer each action (its deadline). */
export const ANSWER_DAYS: Record<LadderAction, number> = {
  warning: 10,
  copy_notice: 10,
  supervision: 30,
  listing: 60,
  delisting: 10,
};
