// The hazard loop's request and response shapes. Route types are z.infer of these, and the OpenAPI
// document is generated from them.
import { z } from 'zod';
import { pageFields, pageOf } from '../../http/pagination.js';
import { dryRunField } from '../../lib/table-reader.js';
import { mediaDto } from '../media/schema.js';
import { SEVERITIES } from './domain/severity.js';
import { HAZARD_ACTIONS, HAZARD_ROLES, HAZARD_STATES } from './domain/state-machine.js';

export const HAZARD_SOURCES = ['report', 'covert', 'self', 'inspection'] as const;
export type HazardSource = (typeof HAZARD_SOURCES)[number];
export const MAX_DESCRIPTION = 2000;
export const MAX_MEDIA = 9;
/** Kinds of timeline entries beyond the machine's actions: the record itself and the reminder. */
export const TIMELINE_KINDS = ['record', ...HAZARD_ACTIONS, 'remind', 'merged_in', 'list', 'delist'] as const;

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const bodyId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const code = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'lowercase letters, digits and _');

export const createHazardBody = z
  .object({
    domainCode: code.describe('The hazard domain (e.g. fire); it decides the department triage suggests'),
    aspectCode: code.describe('The aspect within the domain (e.g. blocked_exit)'),
    severity: z.enum(SEVERITIES).describe('一般 general, 较大 major, 重大 critical'),
    description: z.string().trim().min(1).max(MAX_DESCRIPTION),
    ruleBroken: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .optional()
      .describe('The rule, standard or clause it breaks, e.g. 《消防法》第二十八条'),
    placeId: bodyId.optional().describe('The registered place or enterprise where it was found'),
    location: z
      .object({
        lng: z.number().min(-180).max(180),
        lat: z.number().min(-90).max(90),
        crs: z.enum(['wgs84', 'gcj02']).default('wgs84'),
      })
      .strict()
      .optional()
      .describe("Where (GPS or a map pin); default the place's location or a photo's EXIF location"),
    address: z.string().trim().max(300).optional(),
    source: z
      .enum(HAZARD_SOURCES)
      .default('report')
      .describe('report; covert (暗访, the safety office); self (自查); inspection (a department’s)'),
    mediaIds: z.array(bodyId).max(MAX_MEDIA).default([]).describe('Evidence photos (POST /media) to attach'),
  })
  .strict();
export type CreateHazardBody = z.infer<typeof createHazardBody>;

export const assigneeInput = z
  .object({ kind: z.enum(['unit', 'department', 'place']), id: bodyId })
  .strict()
  .describe('The rectifying party: a unit (village, grid …), a department, or a registered place');

/** A deadline: an instant (ISO 8601 with offset) or a local date, meaning the end of that day. */
export const deadlineInput = z
  .union([isoDate, z.iso.datetime({ offset: true })])
  .describe('An ISO 8601 time, or a local date YYYY-MM-DD meaning the end of that day (Asia/Shanghai)');

export const transitionBody = z
  .object({
    action: z.enum(HAZARD_ACTIONS),
    version: z.number().int().min(1).describe('The version you read; a stale one answers 409'),
    reason: z.string().trim().max(500).optional(),
    note: z.string().trim().max(MAX_DESCRIPTION).optional(),
    route: z
      .object({ townId: bodyId, departmentId: bodyId })
      .strict()
      .optional()
      .describe('triage: the town and department (default for a first triage: the suggestion)'),
    targetHazardId: bodyId.optional().describe('merge: the existing item it duplicates'),
    assignee: assigneeInput.optional(),
    deadline: deadlineInput
      .optional()
      .describe(
        'assign/reassign (default: the domain’s time for the severity, to the end of that day), extend_deadline, verify_fail',
      ),
    severity: z.enum(SEVERITIES).optional().describe('confirm: a corrected severity'),
    mediaIds: z
      .array(bodyId)
      .max(MAX_MEDIA)
      .default([])
      .describe('submit: the rectification evidence (uploads to attach)'),
  })
  .strict();
export type TransitionBody = z.infer<typeof transitionBody>;

const text2 = z.object({ zh: z.string(), en: z.string() });
export const unitRef = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  level: z.string(),
});
export const departmentRef = z.object({ id: z.number().int(), code: z.string(), name: z.string() });
export const partyRef = z
  .object({
    kind: z.enum(['unit', 'department', 'place']),
    id: z.number().int(),
    name: z.string(),
  })
  .describe('A rectifying party');
export type PartyRef = z.infer<typeof partyRef>;
export const routeRef = z.object({ town: unitRef.nullable(), department: departmentRef.nullable() });

export const timelineItem = z.object({
  seq: z.number().int(),
  at: z.string(),
  kind: z.enum(TIMELINE_KINDS),
  from: z.enum(HAZARD_STATES).nullable(),
  to: z.enum(HAZARD_STATES).nullable(),
  by: z.string().describe('Who: a staff member’s name, or "system"'),
  as: z.enum(HAZARD_ROLES).nullable().describe('The hazard-relative role they acted in'),
  details: z
    .record(z.string(), z.unknown())
    .describe(
      'What the step carried: reason, note, route, batch, assignee, deadline, evidence, severity, escalation …',
    ),
});
export type TimelineItem = z.infer<typeof timelineItem>;

export const hazardDto = z.object({
  id: z.number().int(),
  trackingNo: z.string().describe('YH, the local date and a serial, e.g. YH20261123-000042'),
  state: z.enum(HAZARD_STATES),
  version: z.number().int().describe('Send it back with a transition (optimistic concurrency)'),
  severity: z.enum(SEVERITIES),
  domain: z.object({ code: z.string(), version: z.number().int(), name: text2 }),
  aspect: z.object({ code: z.string(), name: text2 }),
  description: z.string(),
  ruleBroken: z.string().nullable(),
  source: z.enum(HAZARD_SOURCES),
  location: z.object({ lng: z.number(), lat: z.number() }).describe('WGS84'),
  address: z.string().nullable(),
  units: z.array(unitRef).describe('The located unit chain, town first, down to the micro-grid'),
  place: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  suggestion: routeRef.describe('What triage suggests: the location’s town and the domain’s department'),
  route: routeRef.nullable().describe('The town and department it was triaged to (they review it)'),
  batch: z.string().nullable().describe('The weekly list (汇总) it is on, e.g. 2026-W48'),
  assignee: partyRef.nullable(),
  assignedAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  escalation: z.number().int().describe('督办 tier: 0 none, 1 town/department, 2 safety office, 3 leaders'),
  closedOutAt: z.string().nullable(),
  mergedInto: z.object({ id: z.number().int(), trackingNo: z.string() }).nullable(),
  listed: z.boolean().describe('Publicly listed for rectification (挂牌整治)'),
  createdAt: z.string(),
  updatedAt: z.string(),
  actions: z.array(z.enum(HAZARD_ACTIONS)).describe('What the viewer may do now'),
  roles: z.array(z.enum(HAZARD_ROLES)).describe('The viewer’s roles for this hazard'),
});
export type HazardDto = z.infer<typeof hazardDto>;

export const hazardDetail = hazardDto.extend({
  media: z.array(mediaDto).describe('Evidence photos and the rectification evidence'),
  timeline: z.array(timelineItem),
});
export type HazardDetail = z.infer<typeof hazardDetail>;

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(values)).max(values.length));

export const LIST_VIEWS = ['all', 'mine', 'review', 'rectify', 'overdue'] as const;

export const listQuery = z.object({
  view: z
    .enum(LIST_VIEWS)
    .default('all')
    .describe(
      'all in scope; mine = I recorded; review = waiting for my town or department; rectify = assigned to me or my unit; overdue = past the deadline in scope',
    ),
  state: csv(HAZARD_STATES).optional().describe('One or more states, comma-separated'),
  domain: code.optional().describe('A domain code'),
  aspect: code.optional().describe('An aspect code (with domain)'),
  severity: csv(SEVERITIES).optional(),
  source: csv(HAZARD_SOURCES).optional(),
  unit: id.optional().describe('A unit: hazards located in its subtree'),
  town: id.optional().describe('Triaged to this town'),
  department: id.optional().describe('Triaged to this department'),
  place: id.optional(),
  batch: z
    .string()
    .regex(/^\d{4}-W\d{2}$/)
    .optional()
    .describe('On this weekly list, e.g. 2026-W48'),
  listed: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  from: isoDate.optional().describe('Recorded on or after this local date'),
  to: isoDate.optional().describe('Recorded on or before this local date'),
  q: z.string().trim().min(1).max(100).optional().describe('Tracking number or words of the description'),
  count: z
    .enum(['capped', 'exact', 'none'])
    .default('capped')
    .describe(
      'capped (default): total is exact up to 10,000 matches, beyond that 10,000 with totalCapped=true; exact: count every match (slower on large scopes); none: the page alone, total null (a client that already holds the count, turning pages)',
    ),
  ...pageFields,
});
export type ListQuery = z.infer<typeof listQuery>;
/** The list's filters without the page: what the export takes. */
export const exportQuery = listQuery.omit({ page: true, pageSize: true, count: true });
/** A page of the list: the usual page, and whether `total` stopped at the cap (a lower bound). */
export const hazardPage = pageOf(hazardDto).extend({
  total: z.number().int().nullable().describe('Matches of the filter (null when count=none)'),
  totalCapped: z
    .boolean()
    .describe('true: there are more than `total` matches (the count stopped at 10,000; ask count=exact)'),
});
export type ListFilterQuery = z.infer<typeof exportQuery>;

export const idParams = z.object({ id });

export const metricsQuery = z.object({
  from: isoDate.describe('First local day'),
  to: isoDate.describe('Last local day'),
  level: z.enum(['town', 'village', 'grid']).default('town'),
  within: id.optional().describe('Only units in this subtree (default: the viewer’s scope)'),
  domain: code.optional().describe('Only this domain'),
});
export type MetricsQuery = z.infer<typeof metricsQuery>;

const counts = {
  found: z.number().int().describe('Recorded in the period (rejected and merged ones left out)'),
  closedOut: z.number().int().describe('Closed out (销号) in the period'),
  due: z.number().int().describe('Whose deadline in force fell in the period'),
  dueClosedOut: z.number().int().describe('Of those, closed out by the end of the period'),
  closedOnTime: z.number().int().describe('Of those, closed out by their own deadline'),
  overdueOpen: z.number().int().describe('Of those, not closed out when the period ended'),
  closeoutRate: z.number().nullable().describe('dueClosedOut / due (销号率); null when nothing fell due'),
  onTimeRate: z.number().nullable().describe('closedOnTime / due; null when nothing fell due'),
};
export const metricsCounts = z.object(counts);
export type MetricsCounts = z.infer<typeof metricsCounts>;
export const metricsRow = z.object({
  unit: unitRef,
  ...counts,
  byDomain: z.record(z.string(), metricsCounts).describe('The same per domain code (domains with any)'),
});
export type MetricsRow = z.infer<typeof metricsRow>;
export const metricsResult = z.object({
  from: z.string(),
  to: z.string(),
  level: z.string(),
  items: z.array(metricsRow),
});
export type MetricsResult = z.infer<typeof metricsResult>;

export const importQuery = z.object({ dryRun: dryRunField });
export const hazardImportResult = z.object({
  dryRun: z.boolean(),
  rows: z.number().int().describe('Data rows read'),
  reported: z.number().int().describe('Imported (or, in a dry run, to import) as reported: awaiting triage'),
  closedOut: z.number().int().describe('Imported as closed out (the row has a close-out date)'),
  format: z.string(),
  encoding: z.string().nullable(),
  ignoredColumns: z.array(z.string()),
});
export type HazardImportResult = z.infer<typeof hazardImportResult>;
