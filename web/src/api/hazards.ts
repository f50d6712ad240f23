// Hazards (the loop), the places registry and the hazard taxonomy: shapes mirroring
// server/src/modules/hazards/{schema,places/schema,taxonomy/schema}.ts and one typed call per endpoint.
import { api, buildUrl } from './client';
import type { Bilingual, Media } from './events';
import type { Page } from './types';

const V1 = '/api/v1';

export const HAZARD_STATES = [
  'reported',
  'triaged',
  'confirmed',
  'consolidated',
  'assigned',
  'rectifying',
  'verifying',
  'closed_out',
  'rejected',
  'merged',
] as const;
export type HazardState = (typeof HAZARD_STATES)[number];
export const HAZARD_ACTIONS = [
  'triage',
  'confirm',
  'reject',
  'merge',
  'consolidate',
  'assign',
  'reassign',
  'return',
  'start',
  'extend_deadline',
  'submit',
  'verify_pass',
  'verify_fail',
  'supervise',
] as const;
export type HazardAction = (typeof HAZARD_ACTIONS)[number];
export type HazardRole = 'reporter' | 'dispatcher' | 'reviewer' | 'rectifier' | 'system';
export const SEVERITIES = ['general', 'major', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const HAZARD_SOURCES = ['report', 'covert', 'self', 'inspection'] as const;
export type HazardSource = (typeof HAZARD_SOURCES)[number];
export type HazardView = 'all' | 'mine' | 'review' | 'rectify' | 'overdue';

export interface Ref {
  id: number;
  code: string;
  name: string;
}
export interface UnitRef extends Ref {
  level: string;
}
export interface PartyRef {
  kind: 'unit' | 'department' | 'place';
  id: number;
  name: string;
}
export interface RouteRef {
  town: UnitRef | null;
  department: Ref | null;
}

export interface HazardTimelineItem {
  seq: number;
  at: string;
  kind: 'record' | HazardAction | 'remind' | 'merged_in';
  from: HazardState | null;
  to: HazardState | null;
  by: string;
  as: HazardRole | null;
  details: Record<string, unknown>;
}

export interface Hazard {
  id: number;
  trackingNo: string;
  state: HazardState;
  version: number;
  severity: Severity;
  domain: { code: string; version: number; name: Bilingual };
  aspect: { code: string; name: Bilingual };
  description: string;
  ruleBroken: string | null;
  source: HazardSource;
  location: { lng: number; lat: number };
  address: string | null;
  units: UnitRef[];
  place: { id: number; name: string } | null;
  suggestion: RouteRef;
  route: RouteRef | null;
  batch: string | null;
  assignee: PartyRef | null;
  assignedAt: string | null;
  dueAt: string | null;
  overdue: boolean;
  escalation: number;
  closedOutAt: string | null;
  mergedInto: { id: number; trackingNo: string } | null;
  listed: boolean;
  createdAt: string;
  updatedAt: string;
  actions: HazardAction[];
  roles: HazardRole[];
}
export interface HazardDetail extends Hazard {
  media: Media[];
  timeline: HazardTimelineItem[];
}

export interface HazardListQuery {
  view?: HazardView;
  state?: string;
  domain?: string;
  aspect?: string;
  severity?: string;
  source?: string;
  unit?: number;
  town?: number;
  department?: number;
  place?: number;
  batch?: string;
  listed?: 'true' | 'false';
  from?: string;
  to?: string;
  q?: string;
  page?: number;
  pageSize?: number;
}

export interface CreateHazardInput {
  domainCode: string;
  aspectCode: string;
  severity: Severity;
  description: string;
  ruleBroken?: string;
  placeId?: number;
  location?: { lng: number; lat: number; crs?: 'wgs84' | 'gcj02' };
  address?: string;
  source?: HazardSource;
  mediaIds?: number[];
}

export interface HazardTransitionInput {
  action: HazardAction;
  version: number;
  reason?: string;
  note?: string;
  route?: { townId: number; departmentId: number };
  targetHazardId?: number;
  assignee?: { kind: 'unit' | 'department' | 'place'; id: number };
  /** YYYY-MM-DD (the end of that day) or an ISO time. */
  deadline?: string;
  severity?: Severity;
  mediaIds?: number[];
}

export interface MetricsCounts {
  found: number;
  closedOut: number;
  due: number;
  dueClosedOut: number;
  closedOnTime: number;
  overdueOpen: number;
  closeoutRate: number | null;
  onTimeRate: number | null;
}
export interface MetricsRow extends MetricsCounts {
  unit: UnitRef;
  byDomain: Record<string, MetricsCounts>;
}
export interface MetricsResult {
  from: string;
  to: string;
  level: string;
  items: MetricsRow[];
}

export interface HazardDomain {
  id: number;
  code: string;
  version: number;
  currentVersion: number;
  position: number;
  name: Bilingual;
  description: Bilingual | null;
  departmentCode: string;
  deadlineHours: Record<Severity, number>;
  aspects: { code: string; name: Bilingual; active: boolean }[];
  active: boolean;
}

// ── places ───────────────────────────────────────────────────────────────────────────────────────
export type ListStatus = 'none' | 'black' | 'white';
export const LIST_STATUSES: readonly ListStatus[] = ['none', 'black', 'white'];

export interface Place {
  id: number;
  name: string;
  creditCode: string | null;
  kind: string;
  kindName: Bilingual;
  address: string | null;
  location: { lng: number; lat: number };
  unit: UnitRef;
  units: UnitRef[];
  contact: { name: string | null; phone: string | null; masked: boolean };
  listStatus: ListStatus;
  listReason: string | null;
  listedAt: string | null;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}
export interface PlaceDetail extends Place {
  listHistory: {
    from: ListStatus;
    to: ListStatus;
    reason: string;
    by: string;
    asRole: string | null;
    at: string;
  }[];
  can: { edit: boolean; changeListStatus: boolean };
}
export interface PlaceFilter {
  unit?: number;
  kind?: string;
  listStatus?: string;
  q?: string;
}
export interface PlaceInput {
  name: string;
  creditCode?: string | null;
  kind: string;
  address?: string | null;
  location: { lng: number; lat: number; crs?: 'wgs84' | 'gcj02' };
  unitId?: number | null;
  contactName?: string | null;
  contactPhone?: string | null;
}
export interface PlaceImportResult {
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  ignoredColumns: string[];
}
/** One defect of an import file (the 422 problem's `errors`). */
export interface RowError {
  row: number;
  column: string | null;
  code: string;
  message: string;
}

export const hazardsApi = {
  /** A page and its count (past the server's cap of 10,000 `total` is the cap and `totalCapped` true). */
  list: (query: HazardListQuery & { count?: 'capped' | 'exact' }, signal?: AbortSignal) =>
    api.get<Page<Hazard> & { totalCapped: boolean }>(`${V1}/hazards`, { query: { ...query }, signal }),
  /** A page alone, for turning the pages of a list whose count the caller holds. */
  page: (query: HazardListQuery, signal?: AbortSignal) =>
    api.get<Omit<Page<Hazard>, 'total'>>(`${V1}/hazards`, { query: { ...query, count: 'none' }, signal }),
  get: (id: number, signal?: AbortSignal) => api.get<HazardDetail>(`${V1}/hazards/${id}`, { signal }),
  record: (body: CreateHazardInput) => api.post<HazardDetail>(`${V1}/hazards`, body),
  transition: (id: number, body: HazardTransitionInput) =>
    api.post<HazardDetail>(`${V1}/hazards/${id}/transitions`, body),
  metrics: (
    query: {
      from: string;
      to: string;
      level?: 'town' | 'village' | 'grid';
      within?: number;
      domain?: string;
    },
    signal?: AbortSignal,
  ) => api.get<MetricsResult>(`${V1}/hazards/metrics`, { query, signal }),
  domains: (signal?: AbortSignal) => api.get<Page<HazardDomain>>(`${V1}/hazard-domains`, { signal }),
};

export const placesApi = {
  kinds: (signal?: AbortSignal) =>
    api.get<{ items: { code: string; name: Bilingual }[] }>(`${V1}/hazards/places/kinds`, { signal }),
  list: (query: PlaceFilter & { page?: number; pageSize?: number }, signal?: AbortSignal) =>
    api.get<Page<Place>>(`${V1}/hazards/places`, { query: { ...query }, signal }),
  /** The filtered list as CSV: a plain link (the browser downloads it with the session cookie). */
  exportUrl: (filter: PlaceFilter) => buildUrl(`${V1}/hazards/places/export`, { ...filter }),
  get: (id: number, signal?: AbortSignal) => api.get<PlaceDetail>(`${V1}/hazards/places/${id}`, { signal }),
  create: (body: PlaceInput) => api.post<PlaceDetail>(`${V1}/hazards/places`, body),
  update: (id: number, body: Partial<PlaceInput> & { version: number }) =>
    api.patch<PlaceDetail>(`${V1}/hazards/places/${id}`, body),
  setListStatus: (id: number, body: { status: ListStatus; reason: string; version: number }) =>
    api.post<PlaceDetail>(`${V1}/hazards/places/${id}/list-status`, body),
  import: (file: File, opts: { dryRun: boolean; onExisting?: 'refuse' | 'update' }) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return api.post<PlaceImportResult>(`${V1}/hazards/places/imports`, form, {
      query: { dryRun: opts.dryRun, onExisting: opts.onExisting ?? 'refuse' },
    });
  },
};
