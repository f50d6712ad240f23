// The units module's request and response shapes. Route types are z.infer of these, and the OpenAPI
// document is generated from them, so every field carries a description.
import type { MultiPolygon, Polygon } from 'geojson';
import { z } from 'zod';
import { pageFields } from '../../http/pagination.js';

export const LEVELS = ['city', 'county', 'town', 'village', 'grid', 'micro_grid'] as const;
export type Level = (typeof LEVELS)[number];
/** Depth of a level: a child is exactly one deeper than its parent. */
export const LEVEL_DEPTH: Record<Level, number> = {
  city: 0,
  county: 1,
  town: 2,
  village: 3,
  grid: 4,
  micro_grid: 5,
};

export const GRID_KINDS = ['general', 'dedicated'] as const;
export type GridKind = (typeof GRID_KINDS)[number];

export const DUTIES = [
  'head',
  'deputy_head',
  'grid_worker',
  'micro_grid_leader',
  'micro_grid_member',
  'community_police',
  'full_time_staff',
] as const;
export type Duty = (typeof DUTIES)[number];

export const CODE_RE = /^[0-9A-Za-z-]{1,32}$/;

const level = z.enum(LEVELS).describe('Level: city, county, town, village, grid, micro_grid');
const id = z.coerce.number().int().positive();
const { page, pageSize } = pageFields;

export const unitDto = z
  .object({
    id: z.number().int().describe('Unit id'),
    code: z.string().describe('Official division code, e.g. 330304001001'),
    name: z.string().describe('Name, e.g. 景山街道'),
    level,
    parentId: z.number().int().nullable().describe('Id of the parent unit; null for a root'),
    population: z.number().int().nullable().describe('Resident population'),
    households: z.number().int().nullable().describe('Number of households'),
    gridKind: z.enum(GRID_KINDS).nullable().describe('For grids: general (全科网格) or dedicated (专属网格)'),
    countyCode: z.string().nullable().describe('Code of the county (区县) the unit lies in'),
    areaM2: z.number().nullable().describe('Area of the boundary in square metres'),
    centroid: z
      .tuple([z.number(), z.number()])
      .nullable()
      .describe('Centroid of the boundary, [lng, lat] WGS84; null without a boundary'),
  })
  .describe('A unit of the place hierarchy');
export type UnitDto = z.infer<typeof unitDto>;

export const unitDetail = unitDto
  .extend({
    ancestors: z.array(unitDto).describe('Ancestors, root first'),
    childCount: z.number().int().describe('Number of direct children'),
    bbox: z
      .tuple([z.number(), z.number(), z.number(), z.number()])
      .nullable()
      .describe('Bounding box [minLng, minLat, maxLng, maxLat] of the boundary'),
    version: z.number().int().describe('Row version; send it back with PATCH'),
  })
  .describe('A unit with its chain of ancestors');
export type UnitDetail = z.infer<typeof unitDetail>;

export const idParams = z.object({ id: id.describe('Unit id') });

export const listQuery = z.object({
  level: level.optional(),
  parent: id.optional().describe('Only the direct children of this unit id'),
  within: id.optional().describe('Only units in the subtree of this unit id (itself included)'),
  q: z.string().trim().min(1).max(100).optional().describe('Name substring or code prefix'),
  page,
  pageSize,
});
export type ListQuery = z.infer<typeof listQuery>;

export const geojsonQuery = z.object({
  level: level.optional(),
  within: id.optional().describe('Only units in the subtree of this unit id (itself included)'),
});

export const locateQuery = z.object({
  lng: z.coerce.number().min(-180).max(180).describe('Longitude'),
  lat: z.coerce.number().min(-90).max(90).describe('Latitude'),
  crs: z
    .enum(['wgs84', 'gcj02'])
    .default('wgs84')
    .describe('Coordinate system of the point: wgs84 (GPS) or gcj02 (what phones in China report)'),
});
export type Crs = z.infer<typeof locateQuery>['crs'];

export const locateResult = z
  .object({
    unit: unitDto.describe('The deepest unit containing the point, normally a micro-grid'),
    ancestors: z.array(unitDto).describe('Its ancestors, root first'),
  })
  .describe('Where a point lies');

export const personItem = z.object({
  personId: z.number().int(),
  name: z.string(),
  phone: z.string().nullable(),
  duty: z.enum(DUTIES).describe('Duty in the unit (定责)'),
  rank: z.number().int().describe('Order of succession (定序), 1 first'),
  unitId: z.number().int(),
});
export type PersonItem = z.infer<typeof personItem>;

export { pageQuery } from '../../http/pagination.js';

export const patchBody = z
  .object({
    name: z.string().trim().min(1).max(100).optional().describe('New name'),
    population: z.number().int().min(0).nullable().optional().describe('Resident population'),
    households: z.number().int().min(0).nullable().optional().describe('Number of households'),
    version: z.number().int().min(1).describe('The version you read; a stale version answers 409'),
  })
  .strict();
export type UnitPatch = z.infer<typeof patchBody>;

export const importBody = z
  .object({
    format: z.enum(['geojson', 'csv']).describe('geojson: a FeatureCollection; csv: units without shapes'),
    content: z.string().min(1).describe('The file content'),
  })
  .describe(
    'Units to import, all or nothing. Also accepted: a raw application/geo+json or text/csv body. ' +
      'GeoJSON properties / CSV columns: code, name, level, parent_code, population, households, grid_kind.',
  );

export const importResult = z.object({ inserted: z.number().int().describe('Units inserted') });

export const exportQuery = z.object({
  format: z.enum(['geojson', 'csv']).default('geojson'),
  within: id.optional().describe('Only the subtree of this unit id (default: your scope)'),
});

export const departmentDto = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string().describe('e.g. 区市场监管局'),
  unitId: z.number().int().describe('The unit whose territory it serves'),
});
export type DepartmentDto = z.infer<typeof departmentDto>;

export const policeBeatDto = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  stationName: z.string().describe('Police station (派出所)'),
  unitId: z.number().int(),
  gridIds: z.array(z.number().int()).describe('Grids matched to this beat (双网融合)'),
});
export type PoliceBeatDto = z.infer<typeof policeBeatDto>;

export const policeBeatQuery = z.object({
  grid: id.optional().describe('Only beats matched to this grid id'),
  page,
  pageSize,
});

export const featureCollection = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        geometry: z.unknown().describe('GeoJSON Polygon or MultiPolygon, WGS84'),
        properties: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .describe(
    'GeoJSON FeatureCollection; properties: id, code, name, level, parentId, population, households, gridKind, centroid',
  );

/** A unit to create. The derived figures (path, county, area, centroid, bbox) are computed on insert. */
export interface NewUnit {
  code: string;
  name: string;
  level: Level;
  parentCode: string | null;
  gridKind?: GridKind;
  population?: number | null;
  households?: number | null;
  boundary?: Polygon | MultiPolygon | null;
}
