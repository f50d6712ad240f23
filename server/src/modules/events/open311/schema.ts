// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the documents this endpoint answers,
// their field lists exactly as the spec publishes them, and the zod schemas of what clients send.
// The names are the spec's (snake_case, `long` for the longitude), not this code base's.
import { z } from 'zod';
import { CATEGORY_CODE_RE } from '../categories/schema.js';

export const FORMATS = ['json', 'xml'] as const;
export type Format = (typeof FORMATS)[number];
export const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};
export const LOCALES = ['zh', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** "Default query limit is a span of 90 days or first 1000 requests returned, whichever is smallest." */
export const MAX_REQUESTS = 1000;
export const WINDOW_DAYS = 90;
export const WINDOW_MS = WINDOW_DAYS * 24 * 3600 * 1000;
export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

// ---- the published field lists, in the spec's order (the XML children come in this order)

export const SERVICE_FIELDS = [
  'service_code',
  'service_name',
  'description',
  'metadata',
  'type',
  'keywords',
  'group',
] as const;
export const DEFINITION_FIELDS = ['service_code', 'attributes'] as const;
export const ATTRIBUTE_FIELDS = [
  'variable',
  'code',
  'datatype',
  'required',
  'datatype_description',
  'order',
  'description',
  'values',
] as const;
export const VALUE_FIELDS = ['key', 'name'] as const;
/** The answer to POST requests (realtime services: an id, never a token). */
export const CREATED_FIELDS = ['service_request_id', 'service_notice', 'account_id'] as const;
export const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
] as const;
export const ERROR_FIELDS = ['code', 'description'] as const;
export const DISCOVERY_FIELDS = ['changeset', 'contact', 'key_service', 'endpoints'] as const;
export const ENDPOINT_FIELDS = ['specification', 'url', 'changeset', 'type', 'formats'] as const;

export const DATATYPES = [
  'string',
  'number',
  'datetime',
  'text',
  'singlevaluelist',
  'multivaluelist',
] as const;
export type Datatype = (typeof DATATYPES)[number];

export interface ServiceItem {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
}
export interface Attribute {
  variable: boolean;
  code: string;
  datatype: Datatype;
  required: boolean;
  datatype_description: string | null;
  order: number;
  description: string;
  values: { key: string; name: string }[];
}
export interface ServiceDefinition {
  service_code: string;
  attributes: Attribute[];
}
export interface CreatedRequest {
  service_request_id: string;
  service_notice: string | null;
  account_id: null;
}
export interface ServiceRequest {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: null;
  zipcode: null;
  lat: number;
  long: number;
  media_url: string | null;
}
export interface ErrorItem {
  code: number;
  description: string;
}
export interface Discovery {
  changeset: string;
  contact: string;
  key_service: string;
  endpoints: {
    specification: string;
    url: string;
    changeset: string;
    type: 'production' | 'test';
    formats: string[];
  }[];
}

/** The XML root element of each document (the JSON is the root's content). */
export const XML_ROOTS = {
  services: 'services',
  definition: 'service_definition',
  requests: 'service_requests',
  errors: 'errors',
  discovery: 'discovery',
} as const;

// ---- input

/** "A null parameter should be treated as equivalent to a non-declared parameter": '' is absent. */
const absentIfEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodTypeAny>(t: T) => z.preprocess(absentIfEmpty, t.optional());

const W3C_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))$/;

/**
 * A W3C date-time (the ISO 8601 subset the spec names) with its zone, e.g. 2026-01-01T00:00:00+08:00,
 * checked against the calendar (no 30 February). A space before the offset is read as '+': it is
 * what an unencoded '+' in a query string becomes.
 */
export function parseW3cDateTime(input: string): Date | null {
  const s = input.trim().replace(/ (\d{2}:?\d{2})$/, '+$1');
  const m = W3C_RE.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec = '00', , zone, oh = '00', om = '00'] = m;
  const month = Number(mo);
  const day = Number(d);
  const daysIn = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysIn) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return null;
  if (zone !== 'Z' && (Number(oh) > 14 || Number(om) > 59)) return null;
  const at = new Date(zone === 'Z' || zone?.includes(':') ? s : `${s.slice(0, -2)}:${s.slice(-2)}`);
  return Number.isNaN(at.getTime()) ? null : at;
}

const dateTime = z
  .string()
  .max(40)
  .transform((s, ctx) => {
    const at = parseW3cDateTime(s);
    if (!at) {
      ctx.addIssue({
        code: 'custom',
        message: 'a date-time with its time zone (W3C format), e.g. 2026-01-01T00:00:00+08:00',
      });
      return z.NEVER;
    }
    return at;
  });

const csv = <T extends z.ZodType<unknown, string>>(item: T, max: number, what: string) =>
  z
    .string()
    .max(100_000)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(max, `at most ${max} ${what}`));

/** Tracking numbers as the events module hands them out (the date and a serial, e.g. 20261123-000042). */
export const TRACKING_NO_RE = /^[0-9A-Za-z][0-9A-Za-z-]{0,39}$/;

export const localeQuery = z.object({
  locale: optional(z.enum(LOCALES))
    .default('zh')
    .describe('Language of names and notices: zh (default) or en. An extension of the spec'),
});

export const requestsQuery = localeQuery.extend({
  service_request_id: optional(
    csv(z.string().regex(TRACKING_NO_RE, 'not a service_request_id'), MAX_REQUESTS, 'ids'),
  ).describe('Comma-separated ids; when given, every other filter is ignored (as the spec says)'),
  service_code: optional(
    csv(z.string().regex(CATEGORY_CODE_RE, 'not a service_code'), 200, 'service codes'),
  ).describe('Comma-separated service codes'),
  start_date: optional(dateTime).describe('Requested on or after, e.g. 2026-01-01T00:00:00+08:00'),
  end_date: optional(dateTime).describe('Requested on or before; the range may span at most 90 days'),
  status: optional(csv(z.enum(['open', 'closed']), 2, 'statuses')).describe('open, closed, or both'),
  jurisdiction_id: optional(z.string().max(200)).describe('Ignored: this endpoint serves one jurisdiction'),
});
export type RequestsQuery = z.infer<typeof requestsQuery>;

export const serviceFileParams = z.object({
  file: z.string().max(80).describe('service_code.json or service_code.xml'),
});
export const requestFileParams = z.object({
  file: z.string().max(80).describe('service_request_id.json or service_request_id.xml'),
});

/** The api_key a client may send in the query string of a POST instead of the body. */
export const apiKeyQuery = z.object({ api_key: optional(z.string().max(200)) });

const decimal = (min: number, max: number, what: string) =>
  z.preprocess(
    (v) => (typeof v === 'number' ? String(v) : v),
    z
      .string({ error: `${what} must be a decimal number (WGS84 degrees)` })
      .trim()
      .regex(/^[+-]?(\d+(\.\d*)?|\.\d+)$/, `${what} must be a decimal number (WGS84 degrees)`)
      .transform(Number)
      .pipe(
        z
          .number()
          .min(min, `${what} must lie between ${min} and ${max}`)
          .max(max, `${what} must lie between ${min} and ${max}`),
      ),
  );

const asText = (v: unknown) => (typeof v === 'number' ? String(v) : v);
/** attribute[code]: one value, or a list for a multivaluelist; JSON numbers are read as their text. */
const attributeValue = z.preprocess(
  (v) => (Array.isArray(v) ? v.map(asText) : asText(v)),
  z.union([z.string().max(1000), z.array(z.string().max(1000)).max(30)]),
);

const text = (max: number) => optional(z.string().trim().max(max, `at most ${max} characters`));

/**
 * POST requests, after the body (form-encoded or JSON) is brought into one shape: plain fields, and
 * `attribute` holding attribute[code]=value (a list for attribute[code][]=…). Unknown fields are ignored.
 */
export const postBody = z.object({
  api_key: text(200),
  jurisdiction_id: text(200),
  service_code: z
    .string({ error: 'service_code is required' })
    .trim()
    .min(1, 'service_code is required')
    .max(64, 'at most 64 characters'),
  lat: optional(decimal(-90, 90, 'lat')),
  long: optional(decimal(-180, 180, 'long')),
  address_string: text(200),
  address_id: text(200),
  description: optional(z.string().max(4000, 'at most 4,000 characters')),
  media_url: text(2000),
  email: text(200),
  device_id: text(200),
  account_id: text(200),
  first_name: text(50),
  last_name: text(50),
  phone: text(40),
  locale: optional(z.enum(LOCALES)).default('zh'),
  attribute: z.record(z.string().max(100), attributeValue).default({}),
});
export type PostBody = z.infer<typeof postBody>;

const ATTRIBUTE_KEY_RE = /^attribute\[([^\]]*)\](\[\])?$/;

/**
 * One shape for both encodings: `attribute[code]=v` and `attribute[code][]=v` keys (form or JSON) and
 * a JSON `attribute` object go into `attribute`; a repeated plain field keeps its last value.
 */
export function normalisePostBody(entries: Iterable<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const attribute: Record<string, unknown> = {};
  const put = (code: string, value: unknown, many: boolean) => {
    if (code === '__proto__') return;
    const prev = attribute[code];
    if (many || Array.isArray(value)) {
      const add = Array.isArray(value) ? value : [value];
      attribute[code] = [...(Array.isArray(prev) ? prev : prev === undefined ? [] : [prev]), ...add];
    } else if (Array.isArray(prev)) prev.push(value);
    else attribute[code] = value;
  };
  for (const [key, value] of entries) {
    const m = ATTRIBUTE_KEY_RE.exec(key);
    if (m) put(m[1] ?? '', value, m[2] !== undefined);
    else if (key === 'attribute' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [code, v] of Object.entries(value)) put(code, v, false);
    } else if (key !== '__proto__') out[key] = value;
  }
  out.attribute = attribute;
  return out;
}
