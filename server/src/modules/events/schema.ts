// Events' request and response shapes (the native API contract). Route types are z.infer of these, and
// the OpenAPI document is generated from them.
import { z } from 'zod';
import { pageFields } from '../../http/pagination.js';
import { mediaDto } from '../media/schema.js';
import { EVENT_ACTIONS, EVENT_STATES } from './domain/state-machine.js';

export const EVENT_SOURCES = ['app', 'staff', 'open311', 'hotline'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];
export const MAX_DESCRIPTION = 2000;
export const MAX_MEDIA_PER_EVENT = 9;
/** Kinds of timeline entries beyond the transitions: intake and the supervision steps. */
export const TIMELINE_KINDS = [
  'submit',
  ...EVENT_ACTIONS,
  'remind',
  'overdue',
  'escalate',
  'follow',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

export const location = z
  .object({
    lng: z.number().min(-180).max(180),
    lat: z.number().min(-90).max(90),
    crs: z
      .enum(['wgs84', 'gcj02'])
      .default('wgs84')
      .describe('wgs84 (GPS) or gcj02 (the coordinates of Chinese map apps)'),
  })
  .strict();

/** An answer to a category's extra question: text, number, date (YYYY-MM-DD) or choice codes. */
export const answerValue = z.union([z.string().max(1000), z.number(), z.array(z.string().max(100)).max(30)]);

export const createEventBody = z
  .object({
    categoryCode: z.string().min(1).max(64).describe('The category (the Open311 service_code)'),
    description: z.string().trim().min(1).max(MAX_DESCRIPTION),
    location: location
      .optional()
      .describe(
        'Where: from GPS or a map pin. May be left out when an attached photo carries an EXIF location',
      ),
    address: z
      .string()
      .trim()
      .max(200)
      .optional()
      .describe('A description of the place, e.g. a street address'),
    answers: z
      .record(z.string(), answerValue)
      .default({})
      .describe("Answers to the category's questions by code"),
    mediaIds: z.array(id).max(MAX_MEDIA_PER_EVENT).default([]).describe('Uploads (POST /media) to attach'),
    anonymous: z
      .boolean()
      .default(false)
      .describe(
        'Keep the reporter out of the record: only a keyed pseudonym remains, for "my reports" and abuse control',
      ),
    onBehalfOf: z
      .object({
        name: z.string().trim().min(1).max(50),
        phone: z
          .string()
          .trim()
          .regex(/^\+?[0-9-]{5,20}$/, 'digits, - and an optional leading +')
          .optional(),
      })
      .strict()
      .optional()
      .describe('Staff filing for a resident (a grid worker, the hotline): who reported it'),
  })
  .strict();
export type CreateEventBody = z.infer<typeof createEventBody>;

export const assignee = z
  .object({ kind: z.enum(['unit', 'department']), id: z.number().int().positive() })
  .strict()
  .describe('A unit (grid, village, town, the county center) or a department');

export const transitionBody = z
  .object({
    action: z.enum(EVENT_ACTIONS),
    version: z.number().int().min(1).describe('The version you read; a stale one answers 409'),
    reason: z.string().trim().max(500).optional(),
    assignee: assignee.optional(),
    note: z.string().trim().max(MAX_DESCRIPTION).optional().describe("The handler's result note (resolve)"),
    rating: z.number().int().optional().describe('1–5 (rate)'),
    comment: z.string().trim().max(500).optional(),
    targetEventId: z.number().int().positive().optional().describe('The surviving event (merge)'),
    mediaIds: z.array(id).max(MAX_MEDIA_PER_EVENT).default([]).describe('Photos of the result (resolve)'),
    followToken: z
      .string()
      .max(100)
      .optional()
      .describe('A reporter without an account proves they filed it with the token they were given'),
  })
  .strict();
export type TransitionBody = z.infer<typeof transitionBody>;

export const unitRef = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  level: z.string(),
});
export const handlerRef = z
  .object({
    kind: z.enum(['unit', 'department']),
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    level: z.string().describe('grid, village, town, center, or department'),
  })
  .describe('Who handles it');
export type HandlerRef = z.infer<typeof handlerRef>;

export const timelineItem = z.object({
  seq: z.number().int(),
  at: z.string(),
  kind: z.enum(TIMELINE_KINDS),
  from: z.enum(EVENT_STATES).nullable(),
  to: z.enum(EVENT_STATES).nullable(),
  by: z.string().describe('Who: a staff member’s name, a unit, "reporter", or "system"'),
  as: z.string().nullable().describe('The role they acted in: dispatcher, handler, reporter, system'),
  reason: z.string().optional(),
  note: z.string().optional(),
  rating: z.number().int().optional(),
  comment: z.string().optional(),
  assignee: handlerRef.optional(),
  supervisor: handlerRef.optional(),
  targetEventId: z.number().int().optional(),
  mediaIds: z.array(z.number().int()).optional(),
});
export type TimelineItem = z.infer<typeof timelineItem>;

export const eventDto = z.object({
  id: z.number().int(),
  trackingNo: z.string().describe('What the reporter quotes: the date and a serial, e.g. 20261123-000042'),
  state: z.enum(EVENT_STATES),
  version: z.number().int().describe('Send it back with a transition (optimistic concurrency)'),
  priority: z.enum(['low', 'normal', 'high', 'urgent']),
  category: z.object({
    code: z.string(),
    version: z.number().int(),
    name: z.object({ zh: z.string(), en: z.string() }),
  }),
  description: z.string(),
  answers: z.record(z.string(), answerValue),
  location: z.object({ lng: z.number(), lat: z.number() }).describe('WGS84'),
  address: z.string().nullable(),
  place: z.array(unitRef).describe('The located unit chain, town first, down to the micro-grid'),
  route: handlerRef
    .nullable()
    .describe('Where the category’s rule sends it (the suggestion to the dispatcher)'),
  assignee: handlerRef.nullable(),
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
  escalations: z.number().int().describe('How many times supervision moved it up a level'),
  supervisor: handlerRef.nullable().describe('Who supervises it now that it is overdue'),
  source: z.enum(EVENT_SOURCES),
  anonymous: z.boolean(),
  reporter: z
    .object({ name: z.string().nullable(), phone: z.string().nullable(), masked: z.boolean() })
    .nullable()
    .describe('Only for staff who handle it; masked unless the viewer needs to call back'),
  rating: z.number().int().nullable(),
  reopenCount: z.number().int(),
  mergedInto: z.object({ id: z.number().int(), trackingNo: z.string() }).nullable(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  media: z.array(mediaDto),
  actions: z.array(z.enum(EVENT_ACTIONS)).describe('What the viewer may do now'),
  mine: z.boolean().describe('The viewer reported it (or follows it after a merge)'),
});
export type EventDto = z.infer<typeof eventDto>;

export const eventDetail = eventDto.extend({
  timeline: z.array(timelineItem),
  duplicates: z
    .array(
      z.object({
        id: z.number().int(),
        trackingNo: z.string(),
        state: z.enum(EVENT_STATES),
        distanceM: z.number(),
        createdAt: z.string(),
        description: z.string(),
      }),
    )
    .describe('Open events of the same category within 50 m in the 7 days before it (dispatchers only)'),
});
export type EventDetail = z.infer<typeof eventDetail>;

export const createdEvent = eventDetail.extend({
  followToken: z
    .string()
    .nullable()
    .describe('Given once to a reporter without an account: keep it to follow and rate the report'),
});
export type CreatedEvent = z.infer<typeof createdEvent>;

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(values)).max(values.length));

export const listQuery = z.object({
  state: csv(EVENT_STATES).optional().describe('One or more states, comma-separated'),
  category: z.string().max(64).optional().describe('A category code (its sub-categories included)'),
  unit: id.optional().describe('A unit: events located in its subtree'),
  from: isoDate.optional().describe('Reported on or after this local date'),
  to: isoDate.optional().describe('Reported on or before this local date'),
  view: z
    .enum(['all', 'mine', 'queue', 'overdue'])
    .default('all')
    .describe(
      'all in scope; mine = I reported; queue = assigned to me or my unit; overdue = past due in scope',
    ),
  q: z.string().trim().max(100).optional().describe('Tracking number or words of the description'),
  ...pageFields,
});
export type ListQuery = z.infer<typeof listQuery>;

export const idParams = z.object({ id });

export const followBody = z
  .object({ tokens: z.array(z.string().max(100)).min(1).max(50) })
  .strict()
  .describe('The follow tokens a device kept');

export const dailyQuery = z.object({
  date: isoDate.optional().describe('The local day (Asia/Shanghai); default today'),
  unit: id.optional().describe('A unit subtree; default the viewer’s scope'),
});

const countBy = z.object({ key: z.string(), name: z.string(), count: z.number().int() });
export const dailyView = z.object({
  date: z.string(),
  unit: unitRef,
  totals: z.object({
    reported: z.number().int(),
    accepted: z.number().int(),
    assigned: z.number().int(),
    resolved: z.number().int(),
    closed: z.number().int(),
    reopened: z.number().int(),
    open: z.number().int().describe('Open at the end of the day'),
    overdue: z.number().int().describe('Open and past due at the end of the day'),
  }),
  byCategory: z.array(countBy),
  byState: z.array(countBy),
  byUnit: z.array(
    z.object({
      unit: unitRef,
      reported: z.number().int(),
      resolved: z.number().int(),
      open: z.number().int(),
      overdue: z.number().int(),
    }),
  ),
  handlers: z
    .array(z.object({ handler: handlerRef, open: z.number().int(), resolved: z.number().int() }))
    .describe('Who is handling what: open assignments and resolutions that day, busiest first'),
  resolveHours: z.object({ median: z.number().nullable(), p90: z.number().nullable() }),
  onTimeRate: z.number().nullable().describe('Share of the day’s resolutions made by their due time'),
  satisfaction: z.object({ average: z.number().nullable(), ratings: z.number().int() }),
  overdueList: z.array(
    eventDto.pick({ id: true, trackingNo: true, state: true, dueAt: true, escalations: true }).extend({
      category: z.string(),
      assignee: handlerRef.nullable(),
    }),
  ),
  points: z
    .array(
      z.object({
        id: z.number().int(),
        lng: z.number(),
        lat: z.number(),
        state: z.enum(EVENT_STATES),
        category: z.string(),
        overdue: z.boolean(),
      }),
    )
    .describe('The day’s events on the map (at most 5,000)'),
});
export type DailyView = z.infer<typeof dailyView>;

export const metricsQuery = z.object({
  from: isoDate.describe('First local day'),
  to: isoDate.describe('Last local day'),
  level: z.enum(['town', 'village', 'grid']).default('town'),
  within: id.optional().describe('Only units in this subtree (default: the viewer’s scope)'),
});
export const metricsRow = z.object({
  unit: unitRef,
  population: z.number().int(),
  reported: z.number().int(),
  perThousand: z.number().nullable().describe('Reported per 1,000 residents'),
  resolved: z.number().int(),
  resolutionRate: z.number().nullable(),
  onTimeRate: z.number().nullable(),
  medianResolveHours: z.number().nullable(),
  satisfaction: z.number().nullable().describe('Average rating 1–5'),
  reopenRate: z.number().nullable(),
  staffQuickShare: z
    .number()
    .nullable()
    .describe(
      'Share of the reports filed by staff and resolved within 10 minutes (a sign of invented events)',
    ),
  byCategory: z.record(z.string(), z.number().int()).describe('Reported per top-level category'),
});
export type MetricsRow = z.infer<typeof metricsRow>;
export const metricsResult = z.object({
  from: z.string(),
  to: z.string(),
  level: z.string(),
  items: z.array(metricsRow),
});
