// Event categories' request and response shapes. Route types are z.infer of these, and the OpenAPI
// document is generated from them. The code is the Open311 service_code: stable once published.
import { z } from 'zod';
import { MAX_PAGE_SIZE, pageFields } from '../../../http/pagination.js';

export const CATEGORY_CODE_RE = /^[a-z0-9_.-]{1,64}$/;
export const QUESTION_CODE_RE = /^[a-z][a-z0-9_]{0,39}$/;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const QUESTION_TYPES = ['text', 'number', 'date', 'single_choice', 'multi_choice'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
/** Levels a category's events are handled at (小事不出网格、大事不出村社、难事不出镇街), or the center. */
export const HANDLING_UNIT_LEVELS = ['grid', 'village', 'town', 'center'] as const;
/** Longest allowed deadline: 90 days. */
export const MAX_DEADLINE_HOURS = 24 * 90;
/** Categories nest at most this deep (a group, its categories, and one level of sub-categories). */
export const MAX_DEPTH = 3;

const bilingual = (max: number, what: string) =>
  z
    .object({
      zh: z.string().trim().min(1).max(max).describe(`${what} in Chinese`),
      en: z.string().trim().min(1).max(max).describe(`${what} in English`),
    })
    .strict();

export const choiceValue = z
  .object({
    code: z.string().regex(QUESTION_CODE_RE, 'lowercase letters, digits and _; starts with a letter'),
    label: bilingual(60, 'Label'),
  })
  .strict();

export const question = z
  .object({
    code: z
      .string()
      .regex(QUESTION_CODE_RE, 'lowercase letters, digits and _; starts with a letter')
      .describe('Stable key of the answer (the Open311 attribute code)'),
    label: bilingual(100, 'The question'),
    type: z.enum(QUESTION_TYPES).describe('text, number, date, single_choice or multi_choice'),
    required: z.boolean().default(false),
    order: z.number().int().min(1).max(99).describe('Position in the form, 1 first'),
    help: bilingual(300, 'Help text').optional(),
    values: z
      .array(choiceValue)
      .max(30)
      .optional()
      .describe('The choices; required for the choice types only'),
  })
  .strict()
  .superRefine((q, ctx) => {
    const choice = q.type === 'single_choice' || q.type === 'multi_choice';
    if (choice && (!q.values || q.values.length < 2)) {
      ctx.addIssue({
        code: 'custom',
        path: ['values'],
        message: `a ${q.type} question needs at least 2 values`,
      });
    }
    if (!choice && q.values !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `a ${q.type} question takes no values` });
    }
    const seen = new Set<string>();
    for (const [i, v] of (q.values ?? []).entries()) {
      if (seen.has(v.code))
        ctx.addIssue({ code: 'custom', path: ['values', i, 'code'], message: 'duplicate value code' });
      seen.add(v.code);
    }
  });
export type Question = z.infer<typeof question>;

export const handledBy = z
  .discriminatedUnion('level', [
    z.object({ level: z.enum(HANDLING_UNIT_LEVELS) }).strict(),
    z
      .object({
        level: z.literal('department'),
        departmentCode: z
          .string()
          .regex(/^[0-9A-Za-z-]{1,32}$/)
          .describe('A department code, e.g. 330304-XF'),
      })
      .strict(),
  ])
  .describe('Who handles its events: the grid, village, town or center of the place, or a department');
export type HandledByInput = z.infer<typeof handledBy>;

export const deadline = z
  .object({
    hours: z.number().positive().max(MAX_DEADLINE_HOURS).describe('Time allowed to resolve, in hours'),
    workingHours: z
      .boolean()
      .describe(
        'Count only working hours (Mon–Fri 08:30–12:00, 14:00–17:30, with holidays and make-up days)',
      ),
  })
  .strict();

const keywords = z
  .array(z.string().trim().min(1).max(30))
  .max(40)
  .default([])
  .describe('Words that suggest the category: Chinese matched as substrings, English as whole words');

/** The rules of a category: what every version carries. */
const rules = {
  parentCode: z
    .string()
    .regex(CATEGORY_CODE_RE)
    .nullable()
    .describe('Code of the parent category; null for a group'),
  name: bilingual(60, 'Name'),
  description: bilingual(500, 'Description').nullable().optional(),
  handledBy,
  deadline,
  priority: z.enum(PRIORITIES).default('normal'),
  questions: z
    .array(question)
    .max(20)
    .default([])
    .superRefine((qs, ctx) => {
      const codes = new Set<string>();
      const orders = new Set<number>();
      for (const [i, q] of qs.entries()) {
        if (codes.has(q.code))
          ctx.addIssue({ code: 'custom', path: [i, 'code'], message: 'duplicate question code' });
        if (orders.has(q.order))
          ctx.addIssue({ code: 'custom', path: [i, 'order'], message: 'duplicate order' });
        codes.add(q.code);
        orders.add(q.order);
      }
    })
    .describe('Extra questions the report form asks'),
  keywords,
  active: z.boolean().default(true).describe('Retired categories stay for old events but take no new ones'),
};

export const createBody = z
  .object({
    code: z
      .string()
      .regex(CATEGORY_CODE_RE, 'lowercase letters, digits, _ . -')
      .describe('Stable code, the Open311 service_code, e.g. fire.blocked_exit'),
    ...rules,
  })
  .strict();
export type CreateCategory = z.infer<typeof createBody>;
export type CreateCategoryInput = z.input<typeof createBody>;

export const updateBody = z
  .object({
    ...rules,
    version: z.number().int().min(1).describe('The current version you read; a stale one answers 409'),
  })
  .strict();
export type UpdateCategory = z.infer<typeof updateBody>;

export const categoryDto = z
  .object({
    id: z.number().int().describe('Category id (with the version: what an event records)'),
    code: z.string(),
    version: z.number().int().describe('This version; versions are immutable'),
    currentVersion: z.number().int().describe('The version new events use'),
    parentCode: z.string().nullable(),
    depth: z.number().int().describe('0 for a group'),
    name: bilingual(60, 'Name'),
    description: bilingual(500, 'Description').nullable(),
    handledBy,
    deadline,
    priority: z.enum(PRIORITIES),
    questions: z.array(
      z.object({
        code: z.string(),
        label: z.object({ zh: z.string(), en: z.string() }),
        type: z.enum(QUESTION_TYPES),
        required: z.boolean(),
        order: z.number().int(),
        help: z.object({ zh: z.string(), en: z.string() }).optional(),
        values: z
          .array(z.object({ code: z.string(), label: z.object({ zh: z.string(), en: z.string() }) }))
          .optional(),
      }),
    ),
    keywords: z.array(z.string()),
    active: z.boolean(),
    createdAt: z.string().describe('When this version was made (ISO 8601)'),
    createdBy: z.string().describe('Who made this version'),
  })
  .describe('An event category at one version');
export type CategoryDto = z.infer<typeof categoryDto>;

export const listQuery = z.object({
  includeInactive: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('Also list retired categories'),
  page: pageFields.page,
  // the catalogue is small: by default one page holds all of it
  pageSize: pageFields.pageSize
    .unwrap()
    .default(MAX_PAGE_SIZE)
    .describe(`Items per page, at most ${MAX_PAGE_SIZE} (the default)`),
});

export const codeParams = z.object({ code: z.string().regex(CATEGORY_CODE_RE).describe('Category code') });
export const versionQuery = z.object({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('An earlier version (default: the current one)'),
});

export const suggestQuery = z.object({
  q: z.string().trim().min(1).max(2000).describe('The description of the problem'),
});
export const suggestResult = z.object({
  items: z.array(
    z.object({
      code: z.string(),
      name: z.object({ zh: z.string(), en: z.string() }),
      score: z
        .number()
        .describe('Sum of the matched keywords’ weights (Chinese: characters; English: 2 per word)'),
      matched: z.array(z.string()).describe('The keywords that matched'),
    }),
  ),
});
