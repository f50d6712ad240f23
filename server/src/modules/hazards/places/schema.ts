// The places registry's request and response shapes (场所/企业): route types are z.infer of these and the
// OpenAPI document is generated from them. The fixed list of kinds of place is declared here.
import { z } from 'zod';
import { pageFields } from '../../../http/pagination.js';
import { dryRunField, rowError } from '../../../lib/table-reader.js';
import { checkCreditCode } from './credit-code.js';

/**
 * The kinds of place, each with the hazard domains it mostly belongs to (for the web client's hints and
 * for the covert inspections' stratified draw). Fixed in code: a new kind is a code change with its
 * translations, and the database only checks the shape of the code.
 */
export const PLACE_KINDS = [
  { code: 'enterprise', zh: '企业', en: 'Enterprise (factory, workshop, company)' },
  { code: 'shop', zh: '沿街店铺', en: 'Street-front shop' },
  {
    code: 'three_in_one',
    zh: '三合一场所',
    en: '“Three-in-one” place (living, storage and trade under one roof)',
  },
  { code: 'rental_housing', zh: '出租房', en: 'Rental housing' },
  { code: 'construction_site', zh: '建筑工地', en: 'Construction site' },
  { code: 'school', zh: '学校、幼儿园', en: 'School or kindergarten' },
  { code: 'market', zh: '集贸市场、商场', en: 'Market or shopping centre' },
  { code: 'hotel', zh: '宾馆、旅馆', en: 'Hotel or guesthouse' },
  { code: 'restaurant', zh: '餐饮场所', en: 'Restaurant' },
  { code: 'entertainment', zh: '娱乐场所', en: 'Entertainment venue (KTV, internet café …)' },
  { code: 'medical_elderly', zh: '医疗、养老机构', en: 'Clinic, hospital or care home' },
  { code: 'hazardous_chemicals', zh: '危险化学品单位', en: 'Hazardous-chemicals business' },
  { code: 'gas_station', zh: '加油加气站', en: 'Fuel or gas filling station' },
  { code: 'gas_supply', zh: '燃气供应点', en: 'Bottled-gas supply point' },
  { code: 'fishing_vessel', zh: '渔船', en: 'Fishing vessel (at its home port)' },
  { code: 'port', zh: '港口码头', en: 'Port or pier' },
  { code: 'other', zh: '其他', en: 'Other' },
] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number]['code'];
export const PLACE_KIND_CODES = PLACE_KINDS.map((k) => k.code) as [PlaceKind, ...PlaceKind[]];
const KIND_BY_CODE = new Map(PLACE_KINDS.map((k) => [k.code as string, k]));
export const kindName = (code: string) => {
  const k = KIND_BY_CODE.get(code);
  return k ? { zh: k.zh, en: k.en } : { zh: code, en: code };
};

/** Black/white list status (黑名单 / 白名单); 'none' is on neither. */
export const LIST_STATUSES = ['none', 'black', 'white'] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const csvOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(values)).max(values.length));

/** A contact phone as written: digits, '-', spaces and a leading '+' (5–20 characters once normalised). */
export const PHONE_RE = /^\+?[0-9][0-9 -]{3,17}[0-9]$/;
export const normalizePhone = (s: string) =>
  s.normalize('NFKC').replace(/[()]/g, '').replace(/\s+/g, ' ').trim();

export const creditCode = z
  .string()
  .max(40)
  .transform((s, ctx) => {
    const r = checkCreditCode(s);
    if (r.ok) return r.code;
    ctx.addIssue({ code: 'custom', message: r.message });
    return z.NEVER;
  })
  .describe('统一社会信用代码 (GB 32100-2015): 18 characters; the check character is verified');

export const location = z
  .object({
    lng: z.number().min(-180).max(180),
    lat: z.number().min(-90).max(90),
    crs: z
      .enum(['wgs84', 'gcj02'])
      .default('wgs84')
      .describe('wgs84 (GPS) or gcj02 (the coordinates of Chinese map apps); stored as WGS84'),
  })
  .strict();

const fields = {
  name: z.string().trim().min(1).max(200).describe('Registered or usual name'),
  kind: z.enum(PLACE_KIND_CODES).describe('Kind of place (GET /hazards/places/kinds)'),
  address: z.string().trim().max(300).nullable().describe('Street address'),
  location: location.describe('Where it is; the unit is found from it unless unitId is given'),
  unitId: id
    .nullable()
    .describe(
      'The unit it belongs to (normally a micro-grid). Left out: the unit containing the location. ' +
        'Given: the location must lie in it (or the unit below its located one)',
    ),
  contactName: z.string().trim().min(1).max(60).nullable().describe('Contact person (负责人)'),
  contactPhone: z
    .string()
    .max(30)
    .transform(normalizePhone)
    .pipe(z.string().regex(PHONE_RE, 'a phone number: digits, - and spaces, a leading +'))
    .nullable()
    .describe('Contact phone: personal data, shown masked outside the place’s unit scope'),
};

export const createBody = z
  .object({
    name: fields.name,
    creditCode: creditCode.nullable().default(null),
    kind: fields.kind,
    address: fields.address.default(null),
    location: fields.location,
    unitId: fields.unitId.optional(),
    contactName: fields.contactName.default(null),
    contactPhone: fields.contactPhone.default(null),
  })
  .strict();
export type CreatePlace = z.infer<typeof createBody>;
export type CreatePlaceInput = z.input<typeof createBody>;

export const updateBody = z
  .object({
    name: fields.name.optional(),
    creditCode: creditCode.nullable().optional(),
    kind: fields.kind.optional(),
    address: fields.address.optional(),
    location: fields.location.optional(),
    unitId: fields.unitId.optional(),
    contactName: fields.contactName.optional(),
    contactPhone: fields.contactPhone.optional(),
    version: z.number().int().min(1).describe('The version you read; a stale one answers 409'),
  })
  .strict()
  .describe('The fields to change (null clears an optional one) and the version read');
export type UpdatePlace = z.infer<typeof updateBody>;

export const listStatusBody = z
  .object({
    status: z.enum(LIST_STATUSES).describe('black (黑名单), white (白名单) or none (removed from the list)'),
    reason: z.string().trim().min(2).max(500).describe('Why: kept in the history'),
    version: z.number().int().min(1).describe('The version you read; a stale one answers 409'),
  })
  .strict();
export type ListStatusBody = z.infer<typeof listStatusBody>;

const text2 = z.object({ zh: z.string(), en: z.string() });
export const unitRef = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  level: z.string(),
});

export const placeDto = z
  .object({
    id: z.number().int(),
    name: z.string(),
    creditCode: z.string().nullable(),
    kind: z.string(),
    kindName: text2,
    address: z.string().nullable(),
    location: z.object({ lng: z.number(), lat: z.number() }).describe('WGS84'),
    unit: unitRef.describe('The unit it belongs to'),
    units: z.array(unitRef).describe('Its unit chain, town first, down to its unit'),
    contact: z.object({
      name: z.string().nullable(),
      phone: z.string().nullable(),
      masked: z.boolean().describe('The phone is masked: the viewer works outside the place’s unit'),
    }),
    listStatus: z.enum(LIST_STATUSES),
    listReason: z.string().nullable(),
    listedAt: z.string().nullable(),
    version: z.number().int(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .describe('A registered place or enterprise');
export type PlaceDto = z.infer<typeof placeDto>;

export const historyItem = z.object({
  from: z.enum(LIST_STATUSES),
  to: z.enum(LIST_STATUSES),
  reason: z.string(),
  by: z.string().describe('Who changed it'),
  asRole: z.string().nullable().describe('In which role'),
  at: z.string(),
});
export type HistoryItem = z.infer<typeof historyItem>;

export const placeDetail = placeDto.extend({
  listHistory: z.array(historyItem).describe('Every change of the list status, oldest first'),
  can: z.object({
    edit: z.boolean(),
    changeListStatus: z.boolean(),
  }),
});
export type PlaceDetail = z.infer<typeof placeDetail>;

export const filterFields = {
  unit: id.optional().describe('A unit: places in its subtree (default: your whole scope)'),
  kind: csvOf(PLACE_KIND_CODES).optional().describe('One or more kinds, comma-separated'),
  listStatus: csvOf(LIST_STATUSES).optional().describe('One or more list statuses, comma-separated'),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('Words of the name, or the credit code (whole or its start)'),
};
export const listQuery = z.object({ ...filterFields, ...pageFields });
export type ListQuery = z.infer<typeof listQuery>;
export const exportQuery = z.object(filterFields);
export type PlaceFilterQuery = z.infer<typeof exportQuery>;

export const idParams = z.object({ id });

export const kindDto = z.object({ code: z.string(), name: text2 });

export const ON_EXISTING = ['refuse', 'update'] as const;
export type OnExisting = (typeof ON_EXISTING)[number];
export const importQuery = z.object({
  dryRun: dryRunField,
  onExisting: z
    .enum(ON_EXISTING)
    .default('refuse')
    .describe(
      'A row whose credit code is registered already: refuse (the default: reported as already_registered) ' +
        'or update that place with the row',
    ),
});
export type ImportQuery = z.infer<typeof importQuery>;

export const importResult = z.object({
  dryRun: z.boolean(),
  rows: z.number().int().describe('Data rows read (empty rows not counted)'),
  created: z.number().int().describe('Places registered (on a dry run: that would be)'),
  updated: z.number().int().describe('Places updated by credit code (onExisting=update)'),
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string().nullable().describe('The text encoding of a CSV file'),
  ignoredColumns: z.array(z.string()).describe('Columns the importer does not know and left alone'),
});
export type ImportResult = z.infer<typeof importResult>;

export { rowError };
