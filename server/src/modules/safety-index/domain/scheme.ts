// A safety-index scheme (pure): the indicators on the three dimensions — problems (问题), needs (需求),
// effects (效果) — with where each value comes from, how they combine (the engine's method) and the five
// color bands. `toMeta` turns it into the engine's indicator tree; `colorOf` maps a score to its band.
import { z } from 'zod';
import type { MetaRow } from '../engine/index.js';
import { aggregateSpecSchema, methodSchema, normaliseSpecSchema } from '../engine/index.js';
import { COLORS, type Color } from './colors.js';
import { DEFAULT_LADDER, ladderSchema } from './ladder.js';

export { COLORS, type Color };

export const DIMENSIONS = ['problems', 'needs', 'effects'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const EVENT_METRICS = [
  'perThousand',
  'resolutionRate',
  'onTimeRate',
  'medianResolveHours',
  'satisfaction',
  'reopenRate',
] as const;
export const INDEX_LEVELS = ['town', 'village'] as const;

/**
 * Where an indicator's value comes from:
 *  - `events:<metric>`: the events module's metric of the unit for the period;
 *  - `events.group:<group>`: reports of a top-level event category per 1,000 residents;
 *  - `external:<code>`: a value imported per unit and period (警情, fire, traffic deaths, 信访, survey rates).
 */
export const SOURCE_RE = new RegExp(
  `^(events:(${EVENT_METRICS.join('|')})|events\\.group:[a-z0-9_]{1,40}|external:[a-z][a-z0-9_]{0,39})$`,
);

const bilingual = z
  .object({ zh: z.string().trim().min(1).max(60), en: z.string().trim().min(1).max(60) })
  .strict();
const CODE = /^[a-z][a-z0-9_]{0,39}$/;

export const indicatorSchema = z
  .object({
    code: z.string().regex(CODE, 'lowercase letters, digits and _; starts with a letter'),
    name: bilingual,
    dimension: z.enum(DIMENSIONS),
    /** +1: more is better; −1: more is worse. */
    direction: z.union([z.literal(1), z.literal(-1)]),
    weight: z.number().positive().max(1000),
    source: z.string().regex(SOURCE_RE, 'events:<metric>, events.group:<group> or external:<code>'),
    target: z.number().optional(),
  })
  .strict();
export type Indicator = z.infer<typeof indicatorSchema>;

export const bandsSchema = z
  .discriminatedUnion('mode', [
    z
      .object({
        mode: z.literal('thresholds'),
        /** Lowest scores of dark green, green, yellow and orange (descending); below the last is red. */
        thresholds: z.tuple([z.number(), z.number(), z.number(), z.number()]),
      })
      .strict()
      .refine((b) => b.thresholds.every((t, i) => i === 0 || t < b.thresholds[i - 1]!), {
        message: 'thresholds must descend: dark green > green > yellow > orange',
      }),
    z
      .object({
        mode: z.literal('quantiles'),
        /** Shares of units (best first) in dark green, green, yellow and orange; the rest are red. */
        shares: z.tuple([z.number(), z.number(), z.number(), z.number()]),
      })
      .strict()
      .refine((b) => b.shares.every((s) => s > 0) && b.shares.reduce((a, s) => a + s, 0) < 1, {
        message: 'shares must be positive and leave some units for red',
      }),
  ])
  .describe('How scores map to the five colors');
export type Bands = z.infer<typeof bandsSchema>;

/**
 * The uncertainty analysis every compute runs (Monte Carlo): each replication perturbs every weight by
 * up to ±weightNoise and may pick another normalisation or aggregation; the result is each unit's median
 * rank and 5th–95th percentile rank interval and each input's sensitivity index.
 */
export const uncertaintySchema = z
  .object({
    runs: z.number().int().min(0).max(10_000).default(1000),
    weightNoise: z.number().min(0).max(0.9).default(0.25),
    normalise: z.array(normaliseSpecSchema).max(6).optional(),
    aggregate: z.array(aggregateSpecSchema).max(6).optional(),
    /** The random seed: the same run on the same inputs gives the same intervals. */
    seed: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31 - 1)
      .default(1),
  })
  .strict();
export type UncertaintySettings = z.infer<typeof uncertaintySchema>;

export const schemeBodySchema = z
  .object({
    name: bilingual,
    indicators: z.array(indicatorSchema).min(1).max(60),
    /** Weights of the three dimensions in the index. */
    dimensionWeights: z
      .object({
        problems: z.number().positive(),
        needs: z.number().positive(),
        effects: z.number().positive(),
      })
      .strict(),
    method: methodSchema.optional().describe("The engine's method (default COINr's)"),
    bands: bandsSchema,
    /** The accountability ladder's rules (default: the seeded ladder). */
    ladder: ladderSchema.default(DEFAULT_LADDER),
    uncertainty: uncertaintySchema.prefault({}).describe('Monte Carlo rank intervals (runs 0 turns it off)'),
  })
  .strict()
  .superRefine((s, ctx) => {
    const codes = new Set<string>();
    for (const [i, ind] of s.indicators.entries()) {
      if (
        codes.has(ind.code) ||
        (DIMENSIONS as readonly string[]).includes(ind.code) ||
        ind.code === 'index'
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['indicators', i, 'code'],
          message: 'duplicate or reserved code',
        });
      }
      codes.add(ind.code);
    }
    for (const d of DIMENSIONS) {
      if (!s.indicators.some((ind) => ind.dimension === d)) {
        ctx.addIssue({
          code: 'custom',
          path: ['indicators'],
          message: `the ${d} dimension has no indicator`,
        });
      }
    }
  });
export type SchemeBody = z.infer<typeof schemeBodySchema>;

/** The engine's indicator tree: indicators → the three dimensions → the index. */
export function toMeta(s: Pick<SchemeBody, 'indicators' | 'dimensionWeights'>): MetaRow[] {
  return [
    ...s.indicators.map(
      (i): MetaRow => ({
        iCode: i.code,
        Level: 1,
        Direction: i.direction,
        Weight: i.weight,
        Parent: i.dimension,
        Type: 'Indicator',
        ...(i.target !== undefined ? { Target: i.target } : {}),
      }),
    ),
    ...DIMENSIONS.map(
      (d): MetaRow => ({
        iCode: d,
        Level: 2,
        Direction: 1,
        Weight: s.dimensionWeights[d],
        Parent: 'index',
        Type: 'Aggregate',
      }),
    ),
    { iCode: 'index', Level: 3, Direction: 1, Weight: 1, Parent: null, Type: 'Aggregate' },
  ];
}

/**
 * The color of every score. Thresholds: a score at or above a band's lowest score is in it. Quantiles:
 * units ranked best first are cut by the cumulative shares (ties share the better band). Missing → null.
 */
export function colorsOf(scores: readonly (number | null)[], bands: Bands): (Color | null)[] {
  if (bands.mode === 'thresholds') {
    return scores.map((x) => {
      if (x === null || !Number.isFinite(x)) return null;
      const i = bands.thresholds.findIndex((t) => x >= t);
      return COLORS[i === -1 ? 4 : i]!;
    });
  }
  const present = scores.map((x, i) => [x, i] as const).filter(([x]) => x !== null && Number.isFinite(x)) as [
    number,
    number,
  ][];
  present.sort((a, b) => b[0] - a[0]);
  const n = present.length;
  const cuts: number[] = [];
  let acc = 0;
  for (const s of bands.shares) {
    acc += s;
    cuts.push(Math.round(acc * n));
  }
  const out: (Color | null)[] = scores.map(() => null);
  let prev: { score: number; color: Color } | null = null;
  for (const [k, [score, i]] of present.entries()) {
    let band = cuts.findIndex((c) => k < c);
    if (band === -1) band = 4;
    let color = COLORS[band]!;
    if (prev && prev.score === score) color = prev.color;
    out[i] = color;
    prev = { score, color };
  }
  return out;
}

/** The month before YYYY-MM. */
export function previousPeriod(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** First and last local day of a month, YYYY-MM-DD. */
export function periodDays(period: string): { from: string; to: string } {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${period}-01`, to: `${period}-${String(last).padStart(2, '0')}` };
}

export const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
