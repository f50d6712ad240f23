// Pure helpers of the five-color map (五色云图), the unit page and the public page: colours, legend
// counts, movers, label placement, the URL of a unit page. No React, no MapLibre, no ECharts here, so
// they load with any page and are tested alone.
import { COLORS, type IndexColor, type IndexLevel } from '../../api/safetyIndex';

export { COLORS };

/** The five bands, best first: 深绿 / 绿 / 黄 / 橙 / 红. Chosen to read on a light map and in print. */
export const COLOR_HEX: Readonly<Record<IndexColor, string>> = {
  dark_green: '#1e7b3f',
  green: '#67b35a',
  yellow: '#f0c419',
  orange: '#ef8a2c',
  red: '#d93b36',
};
/** A unit in the index without a score (too little data), or a boundary without a result. */
export const NO_COLOR_HEX = '#c3cad4';

/** Text on a band's fill: dark on the light bands, white on the dark ones. */
export const COLOR_TEXT: Readonly<Record<IndexColor, string>> = {
  dark_green: '#ffffff',
  green: '#10320f',
  yellow: '#3b2f00',
  orange: '#3d1c00',
  red: '#ffffff',
};

export function isIndexColor(c: unknown): c is IndexColor {
  return typeof c === 'string' && (COLORS as readonly string[]).includes(c);
}

/** A band's fill colour; grey for no band (or an unknown one). */
export function colorHex(c: string | null | undefined): string {
  return isIndexColor(c) ? COLOR_HEX[c] : NO_COLOR_HEX;
}

export interface Scored {
  unitId: number;
  name: string;
  score: number | null;
  rank: number | null;
  color: IndexColor | null;
  change: number | null;
}

export type LegendCounts = Record<IndexColor | 'none', number>;

/** How many units are in each band, and how many have none; the counts sum to the number of units. */
export function legendCounts(items: readonly Pick<Scored, 'color'>[]): LegendCounts {
  const out: LegendCounts = { dark_green: 0, green: 0, yellow: 0, orange: 0, red: 0, none: 0 };
  for (const it of items) out[isIndexColor(it.color) ? it.color : 'none']++;
  return out;
}

/** Units by rank (unranked last, then by name), as the ranking table shows them. */
export function byRank<T extends Pick<Scored, 'rank' | 'name'>>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) =>
      (a.rank ?? Number.POSITIVE_INFINITY) - (b.rank ?? Number.POSITIVE_INFINITY) ||
      a.name.localeCompare(b.name, 'zh-CN'),
  );
}

/**
 * The biggest movers: the `n` largest rises and the `n` largest falls of score since the previous
 * published month. A unit without a change (new, or unscored either month) is neither; a change of 0
 * is neither; ties are broken by name so the list is stable.
 */
export function movers<T extends Pick<Scored, 'change' | 'name'>>(
  items: readonly T[],
  n = 3,
): { up: T[]; down: T[] } {
  const moved = items.filter((i) => i.change !== null && Number.isFinite(i.change) && i.change !== 0);
  const name = (a: T, b: T) => a.name.localeCompare(b.name, 'zh-CN');
  const up = moved
    .filter((i) => (i.change as number) > 0)
    .sort((a, b) => (b.change as number) - (a.change as number) || name(a, b))
    .slice(0, n);
  const down = moved
    .filter((i) => (i.change as number) < 0)
    .sort((a, b) => (a.change as number) - (b.change as number) || name(a, b))
    .slice(0, n);
  return { up, down };
}

/** A score as shown: one decimal, or a dash. */
export function formatScore(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(1);
}

/** A change as shown: ▲ 2.3 / ▼ 1.0 / 0.0 / — (no previous month). */
export function formatChange(x: number | null | undefined): {
  text: string;
  dir: 'up' | 'down' | 'flat' | 'none';
} {
  if (x === null || x === undefined || !Number.isFinite(x)) return { text: '—', dir: 'none' };
  const r = Math.round(x * 10) / 10;
  if (r > 0) return { text: `▲ ${r.toFixed(1)}`, dir: 'up' };
  if (r < 0) return { text: `▼ ${Math.abs(r).toFixed(1)}`, dir: 'down' };
  return { text: '0.0', dir: 'flat' };
}

/** The change of a score from the month before, from a unit's trend (published months, oldest first). */
export function changeFromTrend(
  trend: readonly { period: string; score: number | null }[],
  period: string,
): number | null {
  const i = trend.findIndex((p) => p.period === period);
  if (i <= 0) return null;
  const now = trend[i]?.score;
  const before = trend[i - 1]?.score;
  if (now === null || now === undefined || before === null || before === undefined) return null;
  // the month before must be the calendar month before: a gap breaks the comparison
  if (trend[i - 1]?.period !== previousMonth(period)) return null;
  return Math.round((now - before) * 100) / 100;
}

export function previousMonth(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** Names that contain the query (spaces ignored, case-insensitive), the closest matches first. */
export function searchByName<T extends { name: string }>(
  items: readonly T[],
  query: string,
  limit = 20,
): T[] {
  const q = query.replace(/\s+/g, '').toLowerCase();
  if (!q) return [];
  return items
    .map((it) => ({ it, at: it.name.toLowerCase().indexOf(q) }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => a.at - b.at || a.it.name.length - b.it.name.length)
    .slice(0, limit)
    .map((x) => x.it);
}

export interface LabelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Which labels to show so that none overlaps another: greedily, in the order given (the caller puts
 * the most important first), a label is kept when its box, grown by `gap`, meets no kept box.
 * Returns the kept indices.
 */
export function placeLabels(boxes: readonly LabelBox[], gap = 2): Set<number> {
  const kept: LabelBox[] = [];
  const out = new Set<number>();
  boxes.forEach((b, i) => {
    const hit = kept.some(
      (k) =>
        b.x < k.x + k.width + gap &&
        k.x < b.x + b.width + gap &&
        b.y < k.y + k.height + gap &&
        k.y < b.y + b.height + gap,
    );
    if (!hit) {
      kept.push(b);
      out.add(i);
    }
  });
  return out;
}

/** The unit page of a run: /index/units/42?run=7&level=village. */
export function unitPath(unitId: number, runId?: number, level?: IndexLevel): string {
  const q = new URLSearchParams();
  if (runId !== undefined) q.set('run', String(runId));
  if (level) q.set('level', level);
  const s = q.toString();
  return `${UNIT_BASE}/${unitId}${s ? `?${s}` : ''}`;
}

/** The map at a period and level: /index/map?period=2025-06&level=village. */
export function mapPath(period?: string, level?: IndexLevel): string {
  const q = new URLSearchParams();
  if (period) q.set('period', period);
  if (level) q.set('level', level);
  const s = q.toString();
  return `${MAP_BASE}${s ? `?${s}` : ''}`;
}

export const MAP_BASE = '/index/map';
export const UNIT_BASE = '/index/units';
export const PUBLIC_BASE = '/public/index';

export const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The level in a query string, town by default. */
export function levelParam(v: string | null): IndexLevel {
  return v === 'village' ? 'village' : 'town';
}

/** The period in a query string when it is one of the published ones, else the newest. */
export function periodParam(v: string | null, periods: readonly string[]): string | undefined {
  return v && periods.includes(v) ? v : periods[0];
}

/** Where an indicator stands on its normalised 0–100 scale, as one of the five bands (for the bars). */
export function bandOfNormalised(x: number | null): IndexColor | null {
  if (x === null || !Number.isFinite(x)) return null;
  if (x >= 80) return 'dark_green';
  if (x >= 60) return 'green';
  if (x >= 40) return 'yellow';
  if (x >= 20) return 'orange';
  return 'red';
}

export interface IndicatorRow {
  code: string;
  normalised: number | null;
  contribution: number;
}

/**
 * The indicators in the order that explains a low score: where the unit stands worst among its peers
 * (lowest normalised value) first; missing values last; ties by larger contribution, then code.
 */
export function weakestFirst<T extends IndicatorRow>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => {
    const an = a.normalised ?? Number.POSITIVE_INFINITY;
    const bn = b.normalised ?? Number.POSITIVE_INFINITY;
    return an - bn || b.contribution - a.contribution || a.code.localeCompare(b.code);
  });
}

/** The indicators that drag the score down: up to `n` with a normalised value below `below`. */
export function dragging<T extends IndicatorRow>(rows: readonly T[], n = 3, below = 50): T[] {
  return weakestFirst(rows)
    .filter((r) => r.normalised !== null && r.normalised < below)
    .slice(0, n);
}

/**
 * The 90 % rank interval as whole ranks (the percentiles of the replications may fall between two
 * ranks: rounded to the nearer), or null when the run has none.
 */
export function rankBounds(
  ri: { p05: number; p95: number } | null | undefined,
): { lo: number; hi: number } | null {
  if (!ri || !Number.isFinite(ri.p05) || !Number.isFinite(ri.p95)) return null;
  const lo = Math.max(1, Math.round(ri.p05));
  return { lo, hi: Math.max(lo, Math.round(ri.p95)) };
}

// ── 六无平安村社 (safe villages) ─────────────────────────────────────────────────────────────────

export type SafeFilter = 'all' | 'candidates' | 'failing' | 'waiting';

export interface SafeVillageRow {
  unit: { id: number; code: string; name: string };
  town: { id: number; code: string; name: string } | null;
  candidate: boolean;
  checks: { code: string; status: 'pass' | 'fail' | 'no_data'; count: number; months: number | null }[];
}

/** A village fails when any check failed; it waits for data when any check has none (as the server counts). */
export const isFailing = (v: Pick<SafeVillageRow, 'checks'>) => v.checks.some((c) => c.status === 'fail');
export const isWaiting = (v: Pick<SafeVillageRow, 'checks'>) => v.checks.some((c) => c.status === 'no_data');

/** The counts of the summary: villages, candidates, failing, waiting for data. */
export function safeCounts(
  items: readonly SafeVillageRow[],
): Record<'villages' | Exclude<SafeFilter, 'all'>, number> {
  return {
    villages: items.length,
    candidates: items.filter((v) => v.candidate).length,
    failing: items.filter(isFailing).length,
    waiting: items.filter(isWaiting).length,
  };
}

/**
 * The villages the table shows: in a town (null: all), matching the filter and the search (name or code,
 * spaces ignored), ordered by town then name.
 */
export function filterVillages<T extends SafeVillageRow>(
  items: readonly T[],
  opts: { filter: SafeFilter; town: number | null; query?: string },
): T[] {
  const q = (opts.query ?? '').replace(/\s+/g, '').toLowerCase();
  const keep = (v: T) =>
    (opts.town === null || v.town?.id === opts.town) &&
    (opts.filter === 'all' ||
      (opts.filter === 'candidates' && v.candidate) ||
      (opts.filter === 'failing' && isFailing(v)) ||
      (opts.filter === 'waiting' && isWaiting(v))) &&
    (!q || v.unit.name.toLowerCase().includes(q) || v.unit.code.toLowerCase().includes(q));
  return items
    .filter(keep)
    .sort(
      (a, b) =>
        (a.town?.name ?? '').localeCompare(b.town?.name ?? '', 'zh-CN') ||
        a.unit.name.localeCompare(b.unit.name, 'zh-CN'),
    );
}

/** The towns the villages are in, by name (for the town filter). */
export function townsOf(items: readonly SafeVillageRow[]): { id: number; name: string }[] {
  const m = new Map<number, string>();
  for (const v of items) if (v.town) m.set(v.town.id, v.town.name);
  return [...m].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

/** The year the page opens on: that of the last month that is over (Beijing time), so January shows last year. */
export function defaultSafeYear(now: Date): number {
  const local = new Date(now.getTime() + 8 * 3600_000);
  const y = local.getUTCFullYear();
  return local.getUTCMonth() === 0 ? y - 1 : y;
}

/** The current year in Beijing time (the latest a year picker offers). */
export function currentYear(now: Date): number {
  return new Date(now.getTime() + 8 * 3600_000).getUTCFullYear();
}
