// The notifications module's shapes: what other modules publish (a Notice, validated here because it
// comes from code, not from a request), and the request/response shapes of the API, from which the
// OpenAPI document is generated.
import { z } from 'zod';
import { pageFields } from '../../http/pagination.js';

const isoTime = z.string().describe('ISO 8601 timestamp');
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const KIND_RE = /^[a-z][a-z0-9_.-]{0,99}$/;
export const ENTITY_TYPE_RE = /^[a-z][a-z0-9_]{0,49}$/;
export const UNIT_PATH_RE = /^\/([0-9A-Za-z-]+\/)+$/;
/** An in-app path: one leading slash, never '//' or '/\' (which browsers read as another site). */
export const LINK_RE = /^\/([^/\\]|$)/;

const title = z
  .object({
    zh: z.string().trim().min(1).max(200).describe('Chinese text'),
    en: z.string().trim().min(1).max(200).describe('English text'),
  })
  .describe('Short bilingual text, without personal data');

// ---- what other modules publish

export const noticeSchema = z.object({
  kind: z.string().regex(KIND_RE),
  entityType: z.string().regex(ENTITY_TYPE_RE),
  entityId: id,
  title,
  link: z.string().max(300).regex(LINK_RE),
  to: z.object({
    accountIds: z.array(id).max(10_000).optional(),
    unitIds: z.array(id).max(1000).optional(),
    departmentIds: z.array(id).max(1000).optional(),
  }),
  unitPath: z.string().max(400).regex(UNIT_PATH_RE),
  countyCode: z
    .string()
    .regex(/^[0-9A-Za-z-]{1,32}$/)
    .optional(),
  external: z.boolean().optional(),
});

// ---- the API

export const idParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export const listQuery = z.object({
  unread: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('Only the unread ones'),
  ...pageFields,
});
export type ListQuery = z.infer<typeof listQuery>;

export const feedQuery = z.object(pageFields);

export const notificationDto = z.object({
  id: z.number().int(),
  kind: z.string().describe("What happened, e.g. 'events.assigned'"),
  entityType: z.string().describe("The kind of record it concerns, e.g. 'event'"),
  entityId: z.number().int(),
  title,
  link: z.string().describe("Where the web client opens it, e.g. '/events/42'"),
  createdAt: isoTime,
  readAt: isoTime.nullable(),
});
export type NotificationDto = z.infer<typeof notificationDto>;

export const feedEntryDto = z.object({
  id: z.number().int(),
  at: isoTime,
  kind: z.string(),
  entityType: z.string(),
  entityId: z.number().int(),
  title,
  link: z.string(),
  unitPath: z.string().describe("The unit path of the record, e.g. '/3303/330304/330304001/'"),
});
export type FeedEntryDto = z.infer<typeof feedEntryDto>;

export const unreadCount = z.object({ count: z.number().int().describe('Unread notifications') });
export const readAllResult = z.object({ updated: z.number().int().describe('Notifications marked read') });

export const streamQuery = z.object({
  lastEventId: z
    .string()
    .max(64)
    .optional()
    .describe('Resume after this event id (for clients that cannot send the Last-Event-ID header)'),
});
