// Inspections (暗访 covert visits, 自查 self-inspections): shapes mirroring
// server/src/modules/hazards/inspections/schema.ts and one typed call per endpoint.
import { api } from './client';
import type { Bilingual, Media } from './events';
import type { HazardState, Severity } from './hazards';
import type { Page } from './types';

const P = '/api/v1/hazards/inspections';

export const CAMPAIGN_KINDS = ['covert', 'self'] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];
export const CAMPAIGN_STATES = ['planned', 'drawn', 'closed'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];
export type SubjectType = 'place' | 'unit';
export const OUTCOMES = ['pass', 'fail', 'na'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type LocationFlag = 'too_far' | 'outside_unit' | 'no_location';

export interface TemplateItem {
  code: string;
  text: Bilingual;
  domainCode: string;
  aspectCode: string;
  severity: Severity;
  photoRequired: boolean;
  active: boolean;
}

export interface Template {
  id: number;
  code: string;
  version: number;
  currentVersion: number;
  name: Bilingual;
  kind: CampaignKind;
  subjectType: SubjectType;
  subject: string;
  items: TemplateItem[];
  active: boolean;
  createdAt: string;
  createdBy: string;
}

export interface TemplateUpdate {
  version: number;
  name: Bilingual;
  kind: CampaignKind;
  subjectType: SubjectType;
  subject: string;
  items: TemplateItem[];
  active: boolean;
}

export interface Stratum {
  town: string;
  kind: string;
  population: number;
  quota: number;
  selected: number;
  shortfall: number;
}

export interface Campaign {
  id: number;
  name: string;
  kind: CampaignKind;
  state: CampaignState;
  unit: { id: number; code: string; name: string; level: string };
  startsOn: string;
  endsOn: string;
  templates: { code: string; version: number; subjectType: SubjectType; subject: string }[];
  sampleSize: number | null;
  inspectorIds: number[];
  draw: {
    seed: string;
    algorithm: string;
    drawnAt: string;
    drawnBy: string;
    candidates: number;
    strata: Stratum[];
  } | null;
  closedAt: string | null;
  version: number;
  createdAt: string;
  createdBy: string;
}

export interface Target {
  id: number;
  position: number;
  type: SubjectType;
  placeId: number | null;
  unitId: number;
  unitPath: string;
  name: string;
  kind: string;
  location: { lng: number; lat: number } | null;
  template: { code: string; version: number };
  state: 'pending' | 'done';
  doneAt: string | null;
  overdue: boolean;
  inspectionId: number | null;
}

export interface CampaignDetail extends Campaign {
  targets: Target[];
}

export interface CreateCampaignInput {
  name: string;
  kind: CampaignKind;
  unitId: number;
  startsOn: string;
  endsOn: string;
  templates: string[];
  sampleSize?: number;
  inspectorIds: number[];
}

export interface VerifyResult {
  algorithm: string;
  seed: string;
  candidates: number;
  recorded: string[];
  recomputed: string[];
  matches: boolean;
}

export interface Progress {
  campaignId: number;
  state: CampaignState;
  total: number;
  done: number;
  pending: number;
  overdue: number;
  locationFlags: number;
  findings: number;
  hazards: {
    total: number;
    open: number;
    closedOut: number;
    overdue: number;
    byState: Partial<Record<HazardState, number>>;
    items: { id: number; trackingNo: string; state: HazardState; targetId: number }[];
  };
  overdueTargets: Target[];
}

export interface ResultInput {
  code: string;
  outcome: Outcome;
  note?: string;
  severity?: Severity;
  mediaIds: number[];
}

export interface Inspection {
  id: number;
  campaignId: number;
  targetId: number;
  state: 'checked_in' | 'submitted';
  template: Template;
  by: string;
  checkedInAt: string;
  location: { lng: number; lat: number } | null;
  distanceM: number | null;
  locationFlag: LocationFlag | null;
  results:
    | {
        code: string;
        outcome: Outcome;
        note: string | null;
        severity: Severity | null;
        mediaIds: number[];
        hazardId: number | null;
      }[]
    | null;
  submittedAt: string | null;
  version: number;
  media: Media[];
}

export const inspectionsApi = {
  templates: (
    query: { kind?: CampaignKind; includeInactive?: boolean; page?: number; pageSize?: number },
    signal?: AbortSignal,
  ) => api.get<Page<Template>>(`${P}/templates`, { query: { ...query }, signal }),
  template: (code: string, version?: number, signal?: AbortSignal) =>
    api.get<Template>(`${P}/templates/${encodeURIComponent(code)}`, { query: { version }, signal }),
  updateTemplate: (code: string, body: TemplateUpdate) =>
    api.put<Template>(`${P}/templates/${encodeURIComponent(code)}`, body),
  campaigns: (
    query: { kind?: CampaignKind; state?: CampaignState; page?: number; pageSize?: number },
    signal?: AbortSignal,
  ) => api.get<Page<Campaign>>(`${P}/campaigns`, { query: { ...query }, signal }),
  campaign: (id: number, signal?: AbortSignal) => api.get<CampaignDetail>(`${P}/campaigns/${id}`, { signal }),
  createCampaign: (body: CreateCampaignInput) => api.post<CampaignDetail>(`${P}/campaigns`, body),
  draw: (id: number, body: { version: number; seed?: string }) =>
    api.post<CampaignDetail>(`${P}/campaigns/${id}/draw`, body),
  verify: (id: number, signal?: AbortSignal) =>
    api.get<VerifyResult>(`${P}/campaigns/${id}/verify`, { signal }),
  progress: (id: number, signal?: AbortSignal) =>
    api.get<Progress>(`${P}/campaigns/${id}/progress`, { signal }),
  close: (id: number, version: number) => api.post<CampaignDetail>(`${P}/campaigns/${id}/close`, { version }),
  checkIn: (
    targetId: number,
    body: { location?: { lng: number; lat: number; crs: 'wgs84' }; mediaIds: number[] },
  ) => api.post<Inspection>(`${P}/targets/${targetId}/check-in`, body),
  visit: (id: number, signal?: AbortSignal) => api.get<Inspection>(`${P}/visits/${id}`, { signal }),
  submit: (id: number, body: { version: number; results: ResultInput[] }) =>
    api.post<Inspection>(`${P}/visits/${id}/submit`, body),
};
