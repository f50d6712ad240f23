// The safety index: shapes (mirroring server/src/modules/safety-index/{service,routes}.ts) and one typed
// call per endpoint.
import { ApiError, api, buildUrl, type Problem } from './client';
import type { Media } from './events';
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
/** The rungs of the accountability ladder that follow bad colors, lowest first (delisting has its own rule). */
export const RUNGS = ['warning', 'copy_notice', 'supervision', 'listing'] as const;
export type Rung = (typeof RUNGS)[number];
/** A streak of colors: `periods` consecutive published months at `color` (with `orWorse`: or any worse color). */
export interface LadderStreak {
  color: IndexColor;
  orWorse: boolean;
  periods: number;
}
/** The accountability ladder's rules (server: safety-index/domain/ladder.ts). */
export interface Ladder {
  rungs: { action: Rung; when: LadderStreak[]; answerDays: number }[];
  delisting: { atOrBetter: IndexColor; periods: number; answerDays: number };
}
/** The Monte Carlo analysis every compute runs (runs 0 turns it off); weightNoise 0.25 = ±25 %. */
export interface UncertaintySettings {
  runs: number;
  weightNoise: number;
  seed: number;
  normalise?: unknown[];
  aggregate?: unknown[];
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
  /** Absent in versions saved before the ladder was part of the scheme: the server's default applies. */
  ladder?: Ladder;
  uncertainty?: UncertaintySettings;
}
export interface Scheme {
  code: string;
  version: number;
  currentVersion: number;
  body: SchemeBody;
  createdAt: string;
  createdBy: string;
}

/** Median rank and the 5th–95th percentile rank over the Monte Carlo replications (may be fractional). */
export interface RankInterval {
  median: number;
  p05: number;
  p95: number;
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
  rankInterval: RankInterval | null;
}

/** The run's Monte Carlo analysis: its settings and how much of the rank shifts each input explains. */
export interface RunUncertainty {
  runs: number;
  weightNoise: number;
  seed: number;
  /** Mean absolute shift of the units' ranks from the nominal ranking, over the replications. */
  meanRankShift: number;
  /** weight:<indicator or dimension code>, normalisation or aggregation; highest first. */
  sensitivity: { input: string; kind: string; firstOrder: number }[];
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
  uncertainty: RunUncertainty | null;
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
  /** The superior unit an overdue item was escalated to */
  escalatedTo: number | null;
}

export type ItemHistoryKind = 'created' | 'answered' | 'returned' | 'accepted' | 'overdue' | 'escalated';
/** One item with the unit, the answer's documents and its append-only history (oldest first). */
export interface AccountabilityItemDetail extends AccountabilityItem {
  unit: { id: number; code: string; name: string };
  documents: Media[];
  history: {
    at: string;
    kind: ItemHistoryKind;
    by: string;
    note: string | null;
    details: Record<string, unknown>;
  }[];
}

export type ItemActBody =
  | { action: 'answer'; version: number; text: string; mediaIds?: number[] }
  | { action: 'accept'; version: number }
  | { action: 'return'; version: number; text: string; days?: number };

export interface UnitExplanation {
  runId: number;
  period: string;
  unit: { id: number; code: string; name: string };
  score: number | null;
  rank: number | null;
  rankInterval: RankInterval | null;
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

export interface ExternalProblem {
  /** The row: 1-based in the order sent (JSON), or the spreadsheet's row (a file). */
  row: number;
  column?: string;
  message: string;
}

/** The server refused an import: `problems` names each defect (at most 1,000; `problemCount` says how many). */
export class ExternalRowsRejected extends ApiError {
  constructor(
    problem: Problem,
    readonly problems: ExternalProblem[],
    readonly problemCount: number,
  ) {
    super(problem);
  }
}

/** What a file import did (or, on a dry run, would do). */
export interface ExternalFileResult {
  imported: number;
  dryRun: boolean;
  layout: 'long' | 'wide';
  format: 'csv' | 'xlsx';
  /** The CSV's encoding (utf-8, utf-8-bom, gb18030, utf-16le …); null for Excel. */
  encoding: string | null;
  indicators: string[];
  units: number;
}

export type CheckStatus = 'pass' | 'fail' | 'no_data';
export interface SafeVillages {
  year: number;
  /** The last day counted (today for the current year). */
  to: string;
  within: { id: number; name: string };
  checks: { code: string; name: Bilingual; sources: string[] }[];
  villages: number;
  candidates: number;
  waitingForData: number;
  items: {
    unit: { id: number; code: string; name: string };
    town: { id: number; code: string; name: string } | null;
    candidate: boolean;
    checks: { code: string; status: CheckStatus; count: number; months: number | null }[];
    publishedMonths: number;
    worstColor: IndexColor | null;
  }[];
}

// ApiError keeps only the standard problem members, and an import's 422 carries its defects in
// `problems`; so the two import calls read the problem document themselves. (Should ApiError keep the
// extra members, these become plain api.post calls.)
async function sendExternal<T>(url: string, body: string | FormData): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        accept: 'application/json, application/problem+json',
        // FormData: the browser sets the multipart boundary
        ...(typeof body === 'string' ? { 'content-type': 'application/json' } : {}),
      },
      body,
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new ApiError({ status: 0, code: 'network.unreachable', detail: String(e) });
  }
  const answer = (await res.json().catch(() => ({}))) as Partial<Problem> & {
    problems?: ExternalProblem[];
    problemCount?: number;
    /** A file import's defects (safety_index.import_invalid), as every import reports them. */
    errors?: (ExternalProblem & { code?: string })[];
    errorCount?: number;
  };
  if (res.ok) return answer as T;
  const problem: Problem = {
    ...answer,
    status: answer.status ?? res.status,
    code: answer.code ?? `http.${res.status}`,
  };
  if (Array.isArray(answer.problems))
    throw new ExternalRowsRejected(problem, answer.problems, answer.problemCount ?? answer.problems.length);
  if (Array.isArray(answer.errors)) {
    const rows: ExternalProblem[] = answer.errors.map((e: ExternalProblem) => ({
      row: e.row,
      message: e.message,
      ...(e.column ? { column: e.column } : {}),
    }));
    throw new ExternalRowsRejected(problem, rows, answer.errorCount ?? rows.length);
  }
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
    dryRun = false,
  ) =>
    sendExternal<{ imported: number; dryRun: boolean }>(
      `${V1}/index/external`,
      JSON.stringify({ period, rows, dryRun }),
    ),
  /**
   * A CSV (any Chinese encoding) or Excel .xlsx file, long or wide layout, read by the server; all or
   * nothing, a 422 throws ExternalRowsRejected naming each defect by spreadsheet row and column.
   */
  importExternalFile: (file: Blob, opts: { period: string; source?: string; dryRun: boolean }) => {
    const form = new FormData();
    form.append('file', file, file instanceof File ? file.name : 'import');
    const url = buildUrl(`${V1}/index/external/file`, {
      period: opts.period,
      source: opts.source?.trim() || undefined,
      dryRun: opts.dryRun,
    });
    return sendExternal<ExternalFileResult>(url, form);
  },
  /** 六无平安村社: every village in scope (or under `within`) checked for a year. */
  safeVillages: (year: number, within?: number) =>
    api.get<SafeVillages>(`${V1}/index/safe-villages`, { query: { year, within } }),
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
  item: (id: number, signal?: AbortSignal) =>
    api.get<AccountabilityItemDetail>(`${V1}/index/accountability/${id}`, { signal }),
  actOnItem: (id: number, body: ItemActBody) =>
    api.post<AccountabilityItemDetail>(`${V1}/index/accountability/${id}`, body),
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
