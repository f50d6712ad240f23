// Inspections' request and response shapes (checklist templates, campaigns, draws, visits and forms).
// Route types are z.infer of these, and the OpenAPI document is generated from them.
import { z } from 'zod';
import { pageFields } from '../../../http/pagination.js';
import { mediaDto } from '../../media/schema.js';
import { SEVERITIES } from '../domain/severity.js';
import { HAZARD_STATES } from '../domain/state-machine.js';

export const CAMPAIGN_KINDS = ['covert', 'self'] as const;
export const CAMPAIGN_STATES = ['planned', 'drawn', 'closed'] as const;
export const SUBJECT_TYPES = ['place', 'unit'] as const;
/** Unit levels a template may be for (a town's police station and town hall, a village, a grid). */
export const UNIT_SUBJECTS = ['town', 'village', 'grid'] as const;
export const OUTCOMES = ['pass', 'fail', 'na'] as const;
export const LOCATION_FLAGS = ['too_far', 'outside_unit', 'no_location'] as const;
/** A check-in farther than this from the place is flagged (GPS is unreliable: never refused). */
export const CHECK_IN_RADIUS_M = 300;
export const MAX_ITEMS = 100;
export const MAX_MEDIA = 9;

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const bodyId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const code = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'lowercase letters, digits and _');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const text2 = z
  .object({ zh: z.string().trim().min(1).max(300), en: z.string().trim().min(1).max(500) })
  .strict();

// ---------------------------------------------------------------- templates (检查表)

export const templateItem = z
  .object({
    code: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,19}$/, 'e.g. a1, fire_exit, 3.2'),
    text: text2.describe('The question, e.g. 消防通道是否畅通 / Are the fire lanes clear?'),
    domainCode: code.describe('The hazard domain a failed item is recorded under'),
    aspectCode: code.describe('The aspect within the domain'),
    severity: z.enum(SEVERITIES).default('general').describe('The severity a failed item is recorded with'),
    photoRequired: z.boolean().default(false).describe('A failed item must carry at least one photo'),
    active: z.boolean().default(true).describe('Retired items stay in later versions with active: false'),
  })
  .strict();
export type TemplateItem = z.infer<typeof templateItem>;

const templateRules = {
  name: text2,
  kind: z.enum(CAMPAIGN_KINDS).describe('covert (暗访) or self (自查): which campaigns may use it'),
  subjectType: z.enum(SUBJECT_TYPES).describe('place: a kind of registered place; unit: a level of unit'),
  subject: code.describe(
    'A place kind (three_in_one, rental_housing, construction_site, gas_station …) or a unit level (town: its police station, village, grid)',
  ),
  items: z
    .array(templateItem)
    .min(1)
    .max(MAX_ITEMS)
    .refine((a) => new Set(a.map((i) => i.code)).size === a.length, 'item codes must be distinct'),
  active: z.boolean().default(true),
};
export const templateDef = z.object({ code, ...templateRules }).strict();
export type TemplateDef = z.infer<typeof templateDef>;
export type TemplateDefInput = z.input<typeof templateDef>;
export const updateTemplate = z
  .object({
    version: z.number().int().min(1).describe('The version you read; a stale one answers 409'),
    ...templateRules,
  })
  .strict();
export type UpdateTemplate = z.infer<typeof updateTemplate>;

export const templateDto = z.object({
  id: z.number().int(),
  code: z.string(),
  version: z.number().int().describe('This version (immutable)'),
  currentVersion: z.number().int().describe('The version new campaigns use'),
  name: z.object({ zh: z.string(), en: z.string() }),
  kind: z.enum(CAMPAIGN_KINDS),
  subjectType: z.enum(SUBJECT_TYPES),
  subject: z.string(),
  items: z.array(
    z.object({
      code: z.string(),
      text: z.object({ zh: z.string(), en: z.string() }),
      domainCode: z.string(),
      aspectCode: z.string(),
      severity: z.enum(SEVERITIES),
      photoRequired: z.boolean(),
      active: z.boolean(),
    }),
  ),
  active: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type TemplateDto = z.infer<typeof templateDto>;

export const templateListQuery = z.object({
  kind: z.enum(CAMPAIGN_KINDS).optional(),
  includeInactive: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  ...pageFields,
});
export type TemplateListQuery = z.infer<typeof templateListQuery>;
export const templateParams = z.object({ code });
export const templateGetQuery = z.object({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('An earlier version (default: the current one)'),
});

// ---------------------------------------------------------------- campaigns (计划)

export const createCampaign = z
  .object({
    name: z.string().trim().min(1).max(200).describe('e.g. 2026 年 12 月三合一场所暗访'),
    kind: z.enum(CAMPAIGN_KINDS),
    unitId: bodyId.describe('The scope: targets are drawn from this unit’s subtree (within yours)'),
    startsOn: isoDate.describe('First local day'),
    endsOn: isoDate.describe('Last local day: the deadline of every target'),
    templates: z
      .array(code)
      .min(1)
      .max(10)
      .describe(
        'Template codes, one per subject: what is drawn (kinds of place, levels of unit) and the forms',
      ),
    sampleSize: bodyId
      .max(10_000)
      .optional()
      .describe(
        'Targets to draw in all, allocated to (town, kind) strata in proportion; omit for every candidate',
      ),
    inspectorIds: z
      .array(bodyId)
      .max(50)
      .default([])
      .describe('covert: the accounts that visit (safety office); they alone see the draw with the planners'),
  })
  .strict();
export type CreateCampaign = z.infer<typeof createCampaign>;

export const versionBody = z
  .object({ version: z.number().int().min(1).describe('The version you read; a stale one answers 409') })
  .strict();
export const drawBody = versionBody
  .extend({
    seed: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('The seed (e.g. drawn in public); default a random one. Recorded with the draw'),
  })
  .strict();
export type DrawBody = z.infer<typeof drawBody>;

const unitRef = z.object({ id: z.number().int(), code: z.string(), name: z.string(), level: z.string() });
const stratum = z.object({
  town: z.string().describe('Town code'),
  kind: z.string().describe('Place kind or unit level'),
  population: z.number().int().describe('Candidates in the stratum'),
  quota: z.number().int(),
  selected: z.number().int(),
  shortfall: z.number().int(),
});

export const campaignDto = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(CAMPAIGN_KINDS),
  state: z.enum(CAMPAIGN_STATES).describe('planned → drawn (targets chosen, visits under way) → closed'),
  unit: unitRef,
  startsOn: z.string(),
  endsOn: z.string(),
  templates: z.array(
    z.object({
      code: z.string(),
      version: z.number().int().describe('The version the campaign keeps'),
      subjectType: z.enum(SUBJECT_TYPES),
      subject: z.string(),
    }),
  ),
  sampleSize: z.number().int().nullable(),
  inspectorIds: z.array(z.number().int()),
  draw: z
    .object({
      seed: z.string(),
      algorithm: z.string(),
      drawnAt: z.string(),
      drawnBy: z.string(),
      candidates: z.number().int().describe('How many candidates the draw chose from (snapshotted)'),
      strata: z.array(stratum),
    })
    .nullable()
    .describe('Only for those who see the targets'),
  closedAt: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type CampaignDto = z.infer<typeof campaignDto>;

export const targetDto = z.object({
  id: z.number().int(),
  position: z.number().int().describe('Draw order (may serve as the visiting order)'),
  type: z.enum(SUBJECT_TYPES),
  placeId: z.number().int().nullable(),
  unitId: z.number().int(),
  unitPath: z.string(),
  name: z.string(),
  kind: z.string(),
  location: z.object({ lng: z.number(), lat: z.number() }).nullable().describe('The place’s, WGS84'),
  template: z.object({ code: z.string(), version: z.number().int() }),
  state: z.enum(['pending', 'done']),
  doneAt: z.string().nullable(),
  overdue: z.boolean().describe('Not done by the end of the campaign’s last day'),
  inspectionId: z.number().int().nullable(),
});
export type TargetDto = z.infer<typeof targetDto>;

export const campaignDetail = campaignDto.extend({
  targets: z
    .array(targetDto)
    .describe('Those the viewer may see (staff of a self-inspection: their subtree’s)'),
});
export type CampaignDetail = z.infer<typeof campaignDetail>;

export const campaignListQuery = z.object({
  kind: z.enum(CAMPAIGN_KINDS).optional(),
  state: z.enum(CAMPAIGN_STATES).optional(),
  ...pageFields,
});
export type CampaignListQuery = z.infer<typeof campaignListQuery>;

export const verifyResult = z.object({
  algorithm: z.string(),
  seed: z.string(),
  candidates: z.number().int(),
  recorded: z.array(z.string()).describe('The targets in draw order (p:<place id>, u:<unit id>)'),
  recomputed: z.array(z.string()).describe('The same draw rerun now from the snapshot and the seed'),
  matches: z.boolean().describe('The rerun chose the targets, in order, that the draw recorded'),
});
export type VerifyResult = z.infer<typeof verifyResult>;

export const progressDto = z.object({
  campaignId: z.number().int(),
  state: z.enum(CAMPAIGN_STATES),
  total: z.number().int(),
  done: z.number().int(),
  pending: z.number().int(),
  overdue: z.number().int().describe('Pending after the last day'),
  locationFlags: z.number().int().describe('Visits checked in away from the target'),
  findings: z.number().int().describe('Failed items'),
  hazards: z.object({
    total: z.number().int(),
    open: z.number().int(),
    closedOut: z.number().int(),
    overdue: z.number().int().describe('Past their rectification deadline'),
    byState: z
      .partialRecord(z.enum(HAZARD_STATES), z.number().int())
      .describe('Hazards per state (states with any)'),
    items: z.array(
      z.object({
        id: z.number().int(),
        trackingNo: z.string(),
        state: z.enum(HAZARD_STATES),
        targetId: z.number().int(),
      }),
    ),
  }),
  overdueTargets: z.array(targetDto),
});
export type ProgressDto = z.infer<typeof progressDto>;

export const idParams = z.object({ id });

// ---------------------------------------------------------------- visits and forms

export const checkInBody = z
  .object({
    location: z
      .object({
        lng: z.number().min(-180).max(180),
        lat: z.number().min(-90).max(90),
        crs: z.enum(['wgs84', 'gcj02']).default('wgs84'),
      })
      .strict()
      .optional()
      .describe('Where you stand (required for covert visits); farther than 300 m from the place is flagged'),
    mediaIds: z.array(bodyId).max(MAX_MEDIA).default([]).describe('Photos of the arrival (POST /media)'),
  })
  .strict();
export type CheckInBody = z.infer<typeof checkInBody>;

export const resultInput = z
  .object({
    code: z.string().min(1).max(20).describe('The item code'),
    outcome: z.enum(OUTCOMES).describe('pass, fail (becomes a hazard), na (not applicable)'),
    note: z.string().trim().max(1000).optional(),
    severity: z.enum(SEVERITIES).optional().describe('fail: overrides the item’s default severity'),
    mediaIds: z.array(bodyId).max(MAX_MEDIA).default([]).describe('fail: the hazard’s evidence photos'),
  })
  .strict();
export const submitBody = z
  .object({
    version: z.number().int().min(1).describe('The version you read; a stale one answers 409'),
    results: z.array(resultInput).min(1).max(MAX_ITEMS).describe('One per active item of the checklist'),
  })
  .strict();
export type SubmitBody = z.infer<typeof submitBody>;

export const inspectionDto = z.object({
  id: z.number().int(),
  campaignId: z.number().int(),
  targetId: z.number().int(),
  state: z.enum(['checked_in', 'submitted']),
  template: templateDto.describe('The checklist at the version the campaign keeps'),
  by: z.string(),
  checkedInAt: z.string(),
  location: z.object({ lng: z.number(), lat: z.number() }).nullable(),
  distanceM: z.number().nullable().describe('Metres from the place'),
  locationFlag: z
    .enum(LOCATION_FLAGS)
    .nullable()
    .describe(
      'too_far (more than 300 m from the place), outside_unit, no_location; a warning, never a refusal',
    ),
  results: z
    .array(
      z.object({
        code: z.string(),
        outcome: z.enum(OUTCOMES),
        note: z.string().nullable(),
        severity: z.enum(SEVERITIES).nullable(),
        mediaIds: z.array(z.number().int()),
        hazardId: z.number().int().nullable().describe('The hazard a failed item became'),
      }),
    )
    .nullable(),
  submittedAt: z.string().nullable(),
  version: z.number().int(),
  media: z.array(mediaDto).describe('Check-in photos and the photos of items that passed'),
});
export type InspectionDto = z.infer<typeof inspectionDto>;
export type ResultItem = NonNullable<InspectionDto['results']>[number];
