// The method: every choice the pipeline makes, validated with zod. Defaults are COINr's (winsorise with
// winmax 5, min-max to 0–100, weighted arithmetic mean, missing values left out and the rest reweighted).
// README.md beside this file documents every field.
import { z } from 'zod';

const scale = z.number().positive().default(100);

export const normaliseSpecSchema = z.discriminatedUnion('method', [
  z
    .object({ method: z.literal('minmax'), min: z.number().default(0), max: z.number().default(100) })
    .strict()
    .refine((s) => s.min < s.max, { message: 'minmax: min must be below max' }),
  z
    .object({
      method: z.literal('zscore'),
      mean: z.number().default(0),
      sd: z.number().positive().default(1),
    })
    .strict(),
  z.object({ method: z.literal('target'), scale, cap: z.boolean().default(true) }).strict(),
  z
    .object({ method: z.literal('goalposts'), lower: z.number(), upper: z.number(), scale })
    .strict()
    .refine((s) => s.lower < s.upper, { message: 'goalposts: lower must be below upper' }),
  z.object({ method: z.literal('percentile'), scale }).strict(),
  z.object({ method: z.literal('borda') }).strict(),
]);
export type NormaliseSpec = z.output<typeof normaliseSpecSchema>;
export type NormaliseMethod = NormaliseSpec['method'];

export const aggregateSpecSchema = z
  .object({
    method: z.enum(['arithmetic', 'geometric', 'harmonic', 'generalised']),
    /** Power of the generalised mean (1 arithmetic, 0 geometric, −1 harmonic). */
    p: z.number().optional(),
    /** Minimum share (0–1) of an aggregate's children that must be present, else the aggregate is missing. */
    minShare: z.number().min(0).max(1).default(0),
  })
  .strict()
  .refine((s) => s.method !== 'generalised' || s.p !== undefined, { message: 'generalised: p is required' });
export type AggregateSpec = z.output<typeof aggregateSpecSchema>;

export const ahpSchema = z
  .object({
    /** The children of the aggregate, in the order of the matrix rows and columns. */
    order: z.array(z.string()).min(1),
    /** Pairwise comparisons: matrix[i][j] is how much more important order[i] is than order[j] (Saaty 1/9–9). */
    matrix: z.array(z.array(z.number().positive())),
  })
  .strict();
export type AhpSpec = z.output<typeof ahpSchema>;

const treatOverride = z
  .object({ method: z.enum(['winsorise', 'log', 'none']), winmax: z.number().int().min(0).optional() })
  .strict();

export const methodSchema = z
  .object({
    denominate: z
      .object({ apply: z.boolean().default(true), per: z.number().positive().default(1) })
      .strict()
      .default({ apply: true, per: 1 }),
    impute: z
      .discriminatedUnion('method', [
        z.object({ method: z.literal('none') }).strict(),
        z.object({ method: z.literal('mean') }).strict(),
        z.object({ method: z.literal('median') }).strict(),
        z.object({ method: z.literal('groupMean'), group: z.string().min(1) }).strict(),
        z.object({ method: z.literal('groupMedian'), group: z.string().min(1) }).strict(),
        z.object({ method: z.literal('parent') }).strict(),
      ])
      .default({ method: 'none' }),
    treat: z
      .object({
        method: z.enum(['winsorise', 'none']).default('winsorise'),
        winmax: z.number().int().min(0).default(5),
        skewThreshold: z.number().positive().default(2),
        kurtThreshold: z.number().positive().default(3.5),
        logFallback: z.boolean().default(true),
        overrides: z.record(z.string(), treatOverride).default({}),
      })
      .strict()
      .prefault({}),
    normalise: z
      .object({
        default: normaliseSpecSchema.default({ method: 'minmax', min: 0, max: 100 }),
        overrides: z.record(z.string(), normaliseSpecSchema).default({}),
      })
      .strict()
      .prefault({}),
    weights: z
      .object({
        method: z.enum(['manual', 'equal']).default('manual'),
        manual: z.record(z.string(), z.number().positive()).default({}),
        ahp: z.record(z.string(), ahpSchema).default({}),
      })
      .strict()
      .prefault({}),
    aggregate: z
      .object({
        default: aggregateSpecSchema.default({ method: 'arithmetic', minShare: 0 }),
        byLevel: z.record(z.string().regex(/^[0-9]+$/, 'a level number'), aggregateSpecSchema).default({}),
      })
      .strict()
      .prefault({}),
    checks: z
      .object({
        availability: z.number().min(0).max(1).default(0.65),
        correlation: z.number().min(0).max(1).default(0.9),
        zeroShare: z.number().min(0).max(1).default(0.5),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type MethodInput = z.input<typeof methodSchema>;
export type Method = z.output<typeof methodSchema>;

export function parseMethod(input: unknown = {}): Method {
  return methodSchema.parse(input);
}

export function aggregateSpecFor(method: Method, level: number): AggregateSpec {
  return method.aggregate.byLevel[String(level)] ?? method.aggregate.default;
}

export function normaliseSpecFor(method: Method, code: string): NormaliseSpec {
  return method.normalise.overrides[code] ?? method.normalise.default;
}
