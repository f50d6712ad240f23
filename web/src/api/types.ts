// Shapes of the server's answers (mirrors server/src/modules/*/schema.ts).

export const LEVELS = ['city', 'county', 'town', 'village', 'grid', 'micro_grid'] as const;
export type Level = (typeof LEVELS)[number];

export const ROLES = [
  'resident',
  'grid_worker',
  'micro_grid_leader',
  'village_staff',
  'town_staff',
  'department_staff',
  'dispatcher',
  'mediator',
  'safety_office',
  'leader',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'resident');

export type GridKind = 'general' | 'dedicated';

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface Unit {
  id: number;
  code: string;
  name: string;
  level: Level;
  parentId: number | null;
  population: number | null;
  households: number | null;
  gridKind: GridKind | null;
  countyCode: string | null;
  areaM2: number | null;
  centroid: [number, number] | null;
}

export interface UnitDetail extends Unit {
  ancestors: Unit[];
  childCount: number;
  bbox?: [number, number, number, number] | null;
}

export interface UnitFeatureProps {
  id: number;
  code: string;
  name: string;
  level: Level;
  parentId: number | null;
  population: number | null;
  households: number | null;
  gridKind: GridKind | null;
  centroid: [number, number] | null;
}

export interface UnitFeature {
  type: 'Feature';
  id?: number | string;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown } | null;
  properties: UnitFeatureProps;
}

export interface UnitFeatureCollection {
  type: 'FeatureCollection';
  features: UnitFeature[];
}

export interface AssignedPerson {
  personId: number;
  name: string;
  phone: string | null;
  duty: string;
  rank: number;
}

export interface ScopeUnitRef {
  id: number;
  code: string;
  name: string;
  level: string;
}

export interface Scope {
  unit: ScopeUnitRef | null;
  department: { id: number; code: string; name: string } | null;
}

export interface User {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  scope: Scope;
}

export interface Account {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  scope: Scope | null;
  disabled: boolean;
}

export interface ApiKey {
  id: number;
  name: string;
  /** The first characters of the key, to tell keys apart */
  prefix?: string;
  roles?: Role[];
  scope?: Scope;
  createdAt?: string;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
}

export interface CreatedApiKey {
  id: number;
  name: string;
  key: string;
}
