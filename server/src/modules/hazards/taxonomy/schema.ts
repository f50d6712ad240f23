// The hazard taxonomy's request and response shapes; route types are z.infer of these and the
// OpenAPI document is generated from them.
import { z } from 'zod';
import { MAX_PAGE_SIZE, pageFields } from '../../../http/pagination.js';
import { MAX_DEADLINE_HOURS } from '../domain/deadlines.js';

export const DOMAIN_CODE_RE = /^[a-z][a-z0-9_]{1,39}$/;
export const ASPECT_CODE_RE = /^[a-z][a-z0-9_]{1,39}$/;
export const MAX_ASPECTS = 20;

const bilingual = (max: number, what: string) =>
  z
    .object({
      zh: z.string().trim().min(1).max(max).describe(`${what} in Chinese`),
      en: z.string().trim().min(1).max(max).describe(`${what} in English`),
    })
    .strict();

const hours = (what: string) =>
  z
    .number()
    .positive()
    .max(MAX_DEADLINE_HOURS)
    .describe(`Default rectification time for a ${what} hazard, calendar hours`);

export const deadlineHours = z
  .object({
    general: hours('general (一般)'),
    major: hours('major (较大)'),
    critical: hours('critical (重大)'),
  })
  .strict();

export const aspect = z
  .object({
    code: z
      .string()
      .regex(ASPECT_CODE_RE, 'lowercase letters, digits and _; starts with a letter')
      .describe('Stable key within the domain: hazards record it'),
    name: bilingual(80, 'Name'),
    active: z.boolean().default(true).describe('Retired aspects stay for old hazards but take no new ones'),
  })
  .strict();
export type Aspect = z.infer<typeof aspect>;

/** The rules every version carries. */
const rules = {
  position: z.number().int().min(1).max(999).describe('Display order among the domains, 1 first'),
  name: bilingual(60, 'Name'),
  description: bilingual(500, 'Description').optional(),
  departmentCode: z
    .string()
    .regex(/^[0-9A-Za-z-]{1,32}$/)
    .describe('The responsible department hazards of this domain are routed to, e.g. 330304-XF'),
  deadlineHours,
  aspects: z
    .array(aspect)
    .min(1)
    .max(MAX_ASPECTS)
    .superRefine((as, ctx) => {
      const seen = new Set<string>();
      for (const [i, a] of as.entries()) {
        if (seen.has(a.code))
          ctx.addIssue({ code: 'custom', path: [i, 'code'], message: 'duplicate aspect code' });
        seen.add(a.code);
      }
    })
    .describe('The aspects (方面) of the domain, in display order'),
  active: z.boolean().default(true).describe('Retired domains stay for old hazards but take no new ones'),
};

export const domainDef = z
  .object({ code: z.string().regex(DOMAIN_CODE_RE).describe('Stable code, e.g. fire'), ...rules })
  .strict();
export type DomainDef = z.infer<typeof domainDef>;
export type DomainDefInput = z.input<typeof domainDef>;

export const updateBody = z
  .object({
    ...rules,
    version: z.number().int().min(1).describe('The current version you read; a stale one answers 409'),
  })
  .strict();
export type UpdateDomain = z.infer<typeof updateBody>;

const text2 = z.object({ zh: z.string(), en: z.string() });
export const domainDto = z
  .object({
    id: z.number().int().describe('Domain id (with the version: what a hazard records)'),
    code: z.string(),
    version: z.number().int().describe('This version; versions are immutable'),
    currentVersion: z.number().int().describe('The version new hazards use'),
    position: z.number().int(),
    name: text2,
    description: text2.nullable(),
    departmentCode: z.string(),
    deadlineHours: z.object({ general: z.number(), major: z.number(), critical: z.number() }),
    aspects: z.array(z.object({ code: z.string(), name: text2, active: z.boolean() })),
    active: z.boolean(),
    createdAt: z.string().describe('When this version was made (ISO 8601)'),
    createdBy: z.string().describe('Who made this version'),
  })
  .describe('A hazard domain at one version');
export type DomainDto = z.infer<typeof domainDto>;

export const listQuery = z.object({
  includeInactive: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('Also list retired domains'),
  page: pageFields.page,
  // the catalogue is small: by default one page holds all of it
  pageSize: pageFields.pageSize
    .unwrap()
    .default(MAX_PAGE_SIZE)
    .describe(`Items per page, at most ${MAX_PAGE_SIZE} (the default)`),
});
export type ListQuery = z.infer<typeof listQuery>;

export const codeParams = z.object({ code: z.string().regex(DOMAIN_CODE_RE).describe('Domain code') });
export const versionQuery = z.object({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('An earlier version (default: the current one)'),
});
