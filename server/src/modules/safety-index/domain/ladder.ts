// The accountability ladder (pure): from a unit's colors over consecutive published periods, the
// action that follows. The rules are data, kept in each scheme version (`ladder`), so a safety office can
// change them and every published run keeps the rules it was published under. The seeded rules
// (DEFAULT_LADDER): one red → 预警 warning to the unit's head; two reds in a row or three oranges-or-worse
// in a row → 抄告 copy-notice to the superior unit; three reds in a row → 督办 supervised rectification;
// four reds in a row → 挂牌 public listing; a listed unit is delisted (摘牌) after two consecutive periods at
// yellow or better, once the superior signs it off.
//
// A condition fires in the period where its streak reaches exactly its length, so each rung is taken once
// per streak; when several rungs fire at once the highest (latest in the list) wins. A period without a
// published run breaks every streak.
import { z } from 'zod';
import { COLORS, type Color } from './colors.js';

export const ACTIONS = ['warning', 'copy_notice', 'supervision', 'listing', 'delisting'] as const;
export type LadderAction = (typeof ACTIONS)[number];
/** The rungs that follow bad colors, lowest first (delisting has its own rule). */
export const RUNGS = ['warning', 'copy_notice', 'supervision', 'listing'] as const;
export type Rung = (typeof RUNGS)[number];

const rank: Record<Color, number> = { dark_green: 0, green: 1, yellow: 2, orange: 3, red: 4 };

const colorSchema = z.enum(COLORS);
const streakSchema = z
  .object({
    /** The color counted; with `orWorse` any worse color counts too (with `orBetter` any better one). */
    color: colorSchema,
    orWorse: z.boolean().default(false),
    /** Consecutive published periods (1–12). */
    periods: z.number().int().min(1).max(12),
  })
  .strict();

export const ladderSchema = z
  .object({
    rungs: z
      .array(
        z
          .object({
            action: z.enum(RUNGS),
            /** Any of these streaks triggers the rung. */
            when: z.array(streakSchema).min(1).max(4),
            /** Days the unit has to answer (the item's deadline). */
            answerDays: z.number().int().min(1).max(365),
          })
          .strict(),
      )
      .min(1)
      .max(4),
    delisting: z
      .object({
        /** The worst color that counts as recovered (yellow: yellow or better). */
        atOrBetter: colorSchema,
        periods: z.number().int().min(1).max(12),
        answerDays: z.number().int().min(1).max(365),
      })
      .strict(),
  })
  .strict()
  .superRefine((l, ctx) => {
    const seen = new Set<string>();
    let last = -1;
    for (const [i, r] of l.rungs.entries()) {
      const at = RUNGS.indexOf(r.action);
      if (seen.has(r.action) || at < last) {
        ctx.addIssue({
          code: 'custom',
          path: ['rungs', i, 'action'],
          message: 'each rung once, in the order warning → copy_notice → supervision → listing',
        });
      }
      seen.add(r.action);
      last = at;
    }
  })
  .describe('The accountability ladder: which streaks of colors lead to which action');
export type Ladder = z.infer<typeof ladderSchema>;

export const DEFAULT_LADDER: Ladder = {
  rungs: [
    { action: 'warning', when: [{ color: 'red', orWorse: false, periods: 1 }], answerDays: 10 },
    {
      action: 'copy_notice',
      when: [
        { color: 'red', orWorse: false, periods: 2 },
        { color: 'orange', orWorse: true, periods: 3 },
      ],
      answerDays: 10,
    },
    { action: 'supervision', when: [{ color: 'red', orWorse: false, periods: 3 }], answerDays: 30 },
    { action: 'listing', when: [{ color: 'red', orWorse: false, periods: 4 }], answerDays: 60 },
  ],
  delisting: { atOrBetter: 'yellow', periods: 2, answerDays: 10 },
};

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
export function ladderAction(
  history: readonly (Color | null)[],
  listed: boolean,
  ladder: Ladder = DEFAULT_LADDER,
): LadderAction | null {
  if (listed) {
    const d = ladder.delisting;
    return streak(history, (c) => rank[c] <= rank[d.atOrBetter]) === d.periods ? 'delisting' : null;
  }
  let action: Rung | null = null;
  for (const r of ladder.rungs) {
    const fires = r.when.some(
      (w) => streak(history, (c) => (w.orWorse ? rank[c] >= rank[w.color] : c === w.color)) === w.periods,
    );
    if (fires) action = r.action;
  }
  return action;
}

/** Days a unit has to answer an action under `ladder`. */
export function answerDays(action: LadderAction, ladder: Ladder = DEFAULT_LADDER): number {
  if (action === 'delisting') return ladder.delisting.answerDays;
  return ladder.rungs.find((r) => r.action === action)?.answerDays ?? 30;
}

/** Periods of history the rules look at (the longest streak any of them needs). */
export function ladderDepth(ladder: Ladder = DEFAULT_LADDER): number {
  return Math.max(ladder.delisting.periods, ...ladder.rungs.flatMap((r) => r.when.map((w) => w.periods)));
}
