// The safety index: shapes (mirroring server/src/modules/safety-index/{service,routes}.ts) and one typed
// call per endpoint.
import { ApiError, api, type Problem } from './client';
import type { Page } from './types';

const V1 = '/api/v1';

export const COLORS = ['dark_green', 'green', 'yellow', 'orange', 'red'] as const;
export type IndexColor = (typeof COLORS)[number];
export type IndexLevel = 'town' | 'village';
export type RunState = 'collected' | 'computed' | 'confirmed' | 'published' | 'discarded';
export type Dimension = 'problems' | 'needs' | 'effects';
export interface Bilingual {
  zh: string;
  en: string;
}

export interface SchemeIndicator {
  code: string;
  name: Bilingual;
  dimension: Dimension;
  direction: 1 | -1;
  weight: number;
  /** events:<metric>, events.group:<group> or external:<code> */
  source: string;
  target?: number;
}
export interface SchemeBody {
  name: Bilingual;
  indicators: SchemeIndicator[];
  dimensionWeights: Record<Dimension, number>;
  /** The engine's method (see server/src/modules/safety-index/engine/README.md); default COINr's. */
  method?: Record<string, unknown>;
  bands:
    | { mode: 'thresholds'; thresholds: [number, number, number, number] }
    | { mode: 'quantiles'; shares: [number, number, number, number] };
}
export interface Scheme {
  code: string;
  version: number;
  currentVersion: number;
  body: SchemeBody;
  createdAt: string;
  createdBy: string;
}

export interface IndexResult {
  unitId: number;
  code: string;
  name: string;
  score: number | null;
  rank: number | null;
  color: IndexColor | null;
  /** From the previous published month */
  change: number | null;
  dimensions: Record<string, number | null>;
}

export interface RunSummary {
  id: number;
  period: string;
  level: IndexLevel;
  scheme: { code: string; version: number };
  state: RunState;
  version: number;
  within: { id: number; name: string };
  missing: { unitId: number; indicator: string }[];
  warnings: { code: string; message: string }[];
  anomalies: { unitId: number; indicator: string; kind: string; message: string }[];
  createdAt: string;
  createdBy: string;
  computedAt: string | null;
  confirmedAt: string | null;
  publishedAt: string | null;
}
export interface Run extends RunSummary {
  results: IndexResult[];
  corrections: {
    unitId: number;
    indicator: string;
    original: number | null;
    value: number | null;
    reason: string;
    by: string;
    at: string;
  }[];
}

export type AccountabilityAction = 'warning' | 'copy_notice' | 'supervision' | 'listing' | 'delisting';
export interface AccountabilityItem {
  id: number;
  unitId: number;
  action: AccountabilityAction;
  period: string;
  state: 'open' | 'answered' | 'accepted' | 'overdue';
  version: number;
  dueAt: string;
  answer: string | null;
  answeredAt: string | null;
  acceptedAt: string | null;
  createdAt: string;
}

export interface UnitExplanation {
  runId: number;
  period: string;
  unit: { id: number; code: string; name: string };
  score: number | null;
  rank: number | null;
  of: number;
  color: IndexColor | null;
  dimensions: Record<string, number | null>;
  indicators: {
    code: string;
    name: Bilingual;
    dimension: Dimension;
    input: number | null;
    source: string;
    normalised: number | null;
    /** Points of the score this indicator gives (they sum to the score) */
    contribution: number;
    corrected: boolean;
  }[];
  trend: { period: string; score: number | null; rank: number | null; color: IndexColor | null }[];
  accountability: AccountabilityItem[];
}

export interface PublicIndex {
  period: string;
  level: IndexLevel;
  runId: number;
  items: {
    unitId: number;
    code: string;
    name: string;
    score: number | null;
    rank: number | null;
    color: IndexColor | null;
    change: number | null;
  }[];
}

/** The server refused an import: `problems` names each row it refused (1-based, in the order sent). */
export class ExternalRowsRejected extends ApiError {
  constructor(
    problem: Problem,
    readonly problems: { row: number; message: string }[],
  ) {
    super(problem);
  }
}

// ApiError keeps only the standard problem members, and the import's answer carries its rows in
// `problems`; so this one call reads the problem document itself. (Should ApiError keep the extra
// members, this becomes a plain api.post.)
async function postExternal(
  period: string,
  rows: { unitCode: string; indicator: string; value: number; source: string }[],
): Promise<{ imported: number }> {
  let res: Response;
  try {
    res = await fetch(`${V1}/index/external`, {
      method: 'POST',
      headers: { accept: 'application/json, application/problem+json', 'content-type': 'application/json' },
      body: JSON.stringify({ period, rows }),
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new ApiError({ status: 0, code: 'network.unreachable', detail: String(e) });
  }
  const body = (await res.json().catch(() => ({}))) as Partial<Problem> & {
    imported?: number;
    problems?: { row: number; message: string }[];
  };
  if (res.ok) return { imported: body.imported ?? rows.length };
  const problem: Problem = {
    ...body,
    status: body.status ?? res.status,
    code: body.code ?? `http.${res.status}`,
  };
  if (Array.isArray(body.problems)) throw new ExternalRowsRejected(problem, body.problems);
  throw new ApiError(problem);
}

export const indexApi = {
  schemes: () => api.get<{ items: Scheme[] }>(`${V1}/index/schemes`),
  scheme: (code: string, version?: number) =>
    api.get<Scheme>(`${V1}/index/schemes/${code}`, { query: { version } }),
  /** version: the one you read (null to create); a stale one answers 409 */
  saveScheme: (code: string, scheme: SchemeBody, version: number | null) =>
    api.put<Scheme>(`${V1}/index/schemes/${code}`, { scheme, version }),
  preview: (scheme: SchemeBody, level: IndexLevel, period?: string) =>
    api.post<{
      period: string;
      results: IndexResult[];
      warnings: { code: string; message: string }[];
      missing: number;
    }>(`${V1}/index/schemes/preview`, { scheme, level, ...(period ? { period } : {}) }),
  /** All or nothing; a 422 throws ExternalRowsRejected naming every refused row. */
  importExternal: (
    period: string,
    rows: { unitCode: string; indicator: string; value: number; source: string }[],
  ) => postExternal(period, rows),
  runs: (page = 1, pageSize = 20) =>
    api.get<Page<RunSummary>>(`${V1}/index/runs`, { query: { page, pageSize } }),
  run: (id: number) => api.get<Run>(`${V1}/index/runs/${id}`),
  startRun: (period: string, level: IndexLevel) => api.post<Run>(`${V1}/index/runs`, { period, level }),
  correct: (
    id: number,
    body: { unitId: number; indicator: string; value: number | null; reason: string; version: number },
  ) => api.post<Run>(`${V1}/index/runs/${id}/corrections`, body),
  confirm: (id: number, version: number) => api.post<Run>(`${V1}/index/runs/${id}/confirm`, { version }),
  publish: (id: number, version: number) => api.post<Run>(`${V1}/index/runs/${id}/publish`, { version }),
  explain: (runId: number, unitId: number) =>
    api.get<UnitExplanation>(`${V1}/index/runs/${runId}/units/${unitId}`),
  accountability: (query: { unit?: number; state?: string; page?: number; pageSize?: number }) =>
    api.get<Page<AccountabilityItem>>(`${V1}/index/accountability`, { query }),
  actOnItem: (id: number, body: { action: 'answer' | 'accept'; version: number; text?: string }) =>
    api.post<AccountabilityItem>(`${V1}/index/accountability/${id}`, body),
  // public: no login
  publicPeriods: () =>
    api.get<{ periods: string[] }>(`${V1}/public/index/periods`, { allowUnauthenticated: true }),
  publicIndex: (period: string, level: IndexLevel) =>
    api.get<PublicIndex>(`${V1}/public/index`, { query: { period, level }, allowUnauthenticated: true }),
  publicExplain: (runId: number, unitId: number) =>
    api.get<UnitExplanation>(`${V1}/public/index/runs/${runId}/units/${unitId}`, {
      allowUnauthenticated: true,
    }),
};
