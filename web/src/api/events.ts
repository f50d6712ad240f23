// Events: shapes (mirroring server/src/modules/events/schema.ts) and one typed call per endpoint.
import { api } from './client';
import type { Page } from './types';

const V1 = '/api/v1';

export const EVENT_STATES = [
  'submitted',
  'accepted',
  'rejected',
  'assigned',
  'in_progress',
  'returned',
  'resolved',
  'closed',
  'reopened',
  'merged',
] as const;
export type EventState = (typeof EVENT_STATES)[number];
export const EVENT_ACTIONS = [
  'accept',
  'reject',
  'assign',
  'reassign',
  'start',
  'return',
  'resolve',
  'rate',
  'reopen',
  'merge',
  'close',
] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];
export type EventSource = 'app' | 'staff' | 'open311' | 'hotline';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export type AnswerValue = string | number | string[];
export interface Bilingual {
  zh: string;
  en: string;
}

export interface Media {
  id: number;
  /** 'document' (PDF) only where a record takes documents, e.g. an accountability item's answer */
  kind: 'image' | 'video' | 'document';
  mime: string;
  bytes: number;
  width?: number;
  height?: number;
  takenAt?: string;
  location?: { lng: number; lat: number };
  url: string;
  thumbnailUrl: string | null;
}

export interface UnitRef {
  id: number;
  code: string;
  name: string;
  level: string;
}
export interface HandlerRef {
  kind: 'unit' | 'department';
  id: number;
  code: string;
  name: string;
  /** grid, village, town, center or department */
  level: string;
}

export interface TimelineItem {
  seq: number;
  at: string;
  kind: 'submit' | EventAction | 'remind' | 'overdue' | 'escalate' | 'follow';
  from: EventState | null;
  to: EventState | null;
  by: string;
  as: string | null;
  reason?: string;
  note?: string;
  rating?: number;
  comment?: string;
  assignee?: HandlerRef;
  supervisor?: HandlerRef;
  targetEventId?: number;
  mediaIds?: number[];
}

export interface EventItem {
  id: number;
  trackingNo: string;
  state: EventState;
  version: number;
  priority: Priority;
  category: { code: string; version: number; name: Bilingual };
  description: string;
  answers: Record<string, AnswerValue>;
  location: { lng: number; lat: number };
  address: string | null;
  place: UnitRef[];
  route: HandlerRef | null;
  assignee: HandlerRef | null;
  dueAt: string | null;
  overdue: boolean;
  escalations: number;
  supervisor: HandlerRef | null;
  source: EventSource;
  anonymous: boolean;
  reporter: { name: string | null; phone: string | null; masked: boolean } | null;
  rating: number | null;
  reopenCount: number;
  mergedInto: { id: number; trackingNo: string } | null;
  resolvedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  media: Media[];
  actions: EventAction[];
  mine: boolean;
}

export interface EventDetail extends EventItem {
  timeline: TimelineItem[];
  duplicates: {
    id: number;
    trackingNo: string;
    state: EventState;
    distanceM: number;
    createdAt: string;
    description: string;
  }[];
}
export interface CreatedEvent extends EventDetail {
  followToken: string | null;
}

export interface CreateEventInput {
  categoryCode: string;
  description: string;
  location?: { lng: number; lat: number; crs?: 'wgs84' | 'gcj02' };
  address?: string;
  answers?: Record<string, AnswerValue>;
  mediaIds?: number[];
  anonymous?: boolean;
  onBehalfOf?: { name: string; phone?: string };
}

export interface TransitionInput {
  action: EventAction;
  version: number;
  reason?: string;
  assignee?: { kind: 'unit' | 'department'; id: number };
  note?: string;
  rating?: number;
  comment?: string;
  targetEventId?: number;
  mediaIds?: number[];
  followToken?: string;
}

export interface EventListQuery {
  state?: string;
  category?: string;
  unit?: number;
  from?: string;
  to?: string;
  view?: 'all' | 'mine' | 'queue' | 'overdue';
  q?: string;
  page?: number;
  pageSize?: number;
}

export interface CountBy {
  key: string;
  name: string;
  count: number;
}
export interface DailyView {
  date: string;
  unit: UnitRef;
  totals: {
    reported: number;
    accepted: number;
    assigned: number;
    resolved: number;
    closed: number;
    reopened: number;
    open: number;
    overdue: number;
  };
  byCategory: CountBy[];
  byState: CountBy[];
  byUnit: { unit: UnitRef; reported: number; resolved: number; open: number; overdue: number }[];
  handlers: { handler: HandlerRef; open: number; resolved: number }[];
  resolveHours: { median: number | null; p90: number | null };
  onTimeRate: number | null;
  satisfaction: { average: number | null; ratings: number };
  overdueList: {
    id: number;
    trackingNo: string;
    state: EventState;
    dueAt: string | null;
    escalations: number;
    category: string;
    assignee: HandlerRef | null;
  }[];
  points: { id: number; lng: number; lat: number; state: EventState; category: string; overdue: boolean }[];
}

export interface Category {
  id: number;
  code: string;
  version: number;
  parentCode: string | null;
  depth: number;
  name: Bilingual;
  handledBy: { level: string; departmentCode?: string };
  deadline: { hours: number; workingHours: boolean };
  priority: Priority;
  questions: {
    code: string;
    label: Bilingual;
    type: 'text' | 'number' | 'date' | 'single_choice' | 'multi_choice';
    required: boolean;
    order: number;
    help?: Bilingual;
    values?: { code: string; label: Bilingual }[];
  }[];
  keywords: string[];
  active: boolean;
}

export interface Suggestion {
  code: string;
  name: Bilingual;
  score: number;
  matched: string[];
}

export const eventsApi = {
  /** Files a report. Send the same idempotency key on every retry of one report: a repeat never files twice. */
  create: (body: CreateEventInput, idempotencyKey: string) =>
    api.post<CreatedEvent>(`${V1}/events`, body, {
      headers: { 'Idempotency-Key': idempotencyKey },
      allowUnauthenticated: true,
    }),
  list: (query: EventListQuery, signal?: AbortSignal) =>
    api.get<Page<EventItem>>(`${V1}/events`, { query: { ...query }, signal }),
  get: (id: number, signal?: AbortSignal) => api.get<EventDetail>(`${V1}/events/${id}`, { signal }),
  transition: (id: number, body: TransitionInput) =>
    api.post<EventDetail>(`${V1}/events/${id}/transitions`, body, { allowUnauthenticated: true }),
  /** Reports a device follows with the tokens it was given (reporters without an account). */
  followed: (tokens: string[]) =>
    api.post<{ items: EventDetail[] }>(`${V1}/events/followed`, { tokens }, { allowUnauthenticated: true }),
  daily: (query: { date?: string; unit?: number }, signal?: AbortSignal) =>
    api.get<DailyView>(`${V1}/events/daily`, { query, signal }),
  categories: (signal?: AbortSignal) =>
    api.get<Page<Category>>(`${V1}/event-categories`, { signal, allowUnauthenticated: true }),
  suggest: (q: string, signal?: AbortSignal) =>
    api.get<{ items: Suggestion[] }>(`${V1}/event-category-suggestions`, {
      query: { q },
      signal,
      allowUnauthenticated: true,
    }),
  /** Uploads photos or a short video; the answer carries each file's EXIF location when it has one. */
  upload: (files: readonly File[]) => {
    const form = new FormData();
    for (const f of files) form.append('file', f, f.name);
    return api.post<{ items: Media[] }>(`${V1}/media`, form, { allowUnauthenticated: true });
  },
};
