// Listing for rectification (挂牌整治), admonition talks (约谈) and the ranking board (晾晒): shapes
// mirroring server/src/modules/hazards/listing/schema.ts and one typed call per endpoint.
import { api } from './client';
import type { Media } from './events';
import type { PartyRef } from './hazards';
import type { Page } from './types';

const V1 = '/api/v1/hazards';

export type SubjectKind = 'hazard' | 'place';
export type PartyKind = 'unit' | 'department' | 'place';

export interface Listing {
  id: number;
  subject: { kind: SubjectKind; id: number; title: string };
  reason: string;
  responsible: PartyRef;
  deadline: string;
  criteria: string;
  state: 'listed' | 'delisted';
  overdue: boolean;
  listedAt: string;
  listedBy: string;
  delistedAt: string | null;
  delistedBy: string | null;
  evidence: string | null;
  version: number;
}
export interface ListingDetail extends Listing {
  history: {
    seq: number;
    at: string;
    kind: 'list' | 'delist';
    by: string;
    details: Record<string, unknown>;
  }[];
  media: Media[];
}
export interface CreateListingInput {
  subject: { kind: SubjectKind; id: number };
  reason: string;
  responsible: { kind: PartyKind; id: number };
  /** YYYY-MM-DD (the end of that day) or an ISO time. */
  deadline: string;
  criteria: string;
}
export interface ListingQuery {
  state?: 'listed' | 'delisted';
  subject?: SubjectKind;
  overdue?: 'true' | 'false';
  page?: number;
  pageSize?: number;
}

export type FollowUpState = 'pending' | 'done' | 'not_done';
export interface Admonition {
  id: number;
  party: PartyRef;
  heldAt: string;
  heldBy: string;
  subject: string;
  hazards: { id: number; trackingNo: string }[];
  listingId: number | null;
  commitments: string;
  followUp: {
    due: string;
    state: FollowUpState;
    overdue: boolean;
    note: string | null;
    at: string | null;
    by: string | null;
  };
  version: number;
  createdBy: string;
  createdAt: string;
}
export interface CreateAdmonitionInput {
  party: { kind: PartyKind; id: number };
  heldAt: string;
  heldBy: string;
  subject: string;
  hazardIds: number[];
  listingId?: number;
  commitments: string;
  followUpDue: string;
}
export interface AdmonitionQuery {
  followUp?: FollowUpState | 'overdue';
  from?: string;
  to?: string;
  /** Only the talks about this listing. */
  listing?: number;
  page?: number;
  pageSize?: number;
}

export interface RankingRow {
  rank: number;
  party: { kind: 'unit' | 'department'; id: number; code: string; name: string };
  found: number;
  closedOut: number;
  closeoutRate: number | null;
  onTimeRate: number | null;
  overdueOpen: number;
  listed: number;
  admonitions: number;
}
export interface RankingResult {
  from: string;
  to: string;
  by: string;
  items: RankingRow[];
}

export const listingApi = {
  list: (query: ListingQuery, signal?: AbortSignal) =>
    api.get<Page<Listing>>(`${V1}/listings`, { query: { ...query }, signal }),
  get: (id: number, signal?: AbortSignal) => api.get<ListingDetail>(`${V1}/listings/${id}`, { signal }),
  create: (body: CreateListingInput) => api.post<ListingDetail>(`${V1}/listings`, body),
  delist: (id: number, body: { version: number; evidence: string; mediaIds: number[] }) =>
    api.post<ListingDetail>(`${V1}/listings/${id}/delist`, body),
  admonitions: (query: AdmonitionQuery, signal?: AbortSignal) =>
    api.get<Page<Admonition>>(`${V1}/admonitions`, { query: { ...query }, signal }),
  admonition: (id: number, signal?: AbortSignal) =>
    api.get<Admonition>(`${V1}/admonitions/${id}`, { signal }),
  admonish: (body: CreateAdmonitionInput) => api.post<Admonition>(`${V1}/admonitions`, body),
  followUp: (id: number, body: { version: number; done: boolean; note?: string }) =>
    api.post<Admonition>(`${V1}/admonitions/${id}/follow-up`, body),
  ranking: (query: { from: string; to: string; by: 'town' | 'department' }, signal?: AbortSignal) =>
    api.get<RankingResult>(`${V1}/ranking`, { query, signal }),
};
