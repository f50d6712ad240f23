// ECharts options for the unit page and the public page, built as plain data (pure, tested without a canvas).
import type { IndexColor } from '../../api/safetyIndex';
import { bandOfNormalised, colorHex, formatScore, weakestFirst } from './model';

export interface ContributionRow {
  code: string;
  name: string;
  normalised: number | null;
  contribution: number;
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * A horizontal bar per indicator: its contribution in points of the score, coloured by where the unit
 * stands on that indicator (its normalised value, red when it is among the worst). The weakest
 * indicators sit on top: they are what drags the score down.
 */
export function contributionOption(
  rows: readonly ContributionRow[],
  text: { contribution: string; normalised: string; missing: string },
  labelChars = 10,
) {
  // ECharts draws the first category at the bottom: reverse so the weakest is on top
  const shown = weakestFirst(rows).reverse();
  return {
    animation: false,
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'item' as const,
      formatter: (p: { dataIndex: number }) => {
        const r = shown[p.dataIndex];
        if (!r) return '';
        return `<strong>${esc(r.name)}</strong><br/>${esc(text.contribution)}: ${r.contribution.toFixed(2)}<br/>${esc(
          text.normalised,
        )}: ${r.normalised === null ? esc(text.missing) : r.normalised.toFixed(1)}`;
      },
    },
    xAxis: {
      type: 'value' as const,
      min: 0,
      splitLine: { lineStyle: { color: '#edf0f4' } },
      axisLabel: { color: '#6b7a8c' },
    },
    yAxis: {
      type: 'category' as const,
      data: shown.map((r) => cut(r.name, labelChars)),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: '#c9d2de' } },
      axisLabel: { color: '#3d4b5c' },
    },
    series: [
      {
        name: text.contribution,
        type: 'bar' as const,
        barMaxWidth: 16,
        data: shown.map((r) => ({
          value: Math.max(0, Math.round(r.contribution * 100) / 100),
          itemStyle: { color: colorHex(bandOfNormalised(r.normalised)) },
        })),
        label: {
          show: true,
          position: 'right' as const,
          color: '#3d4b5c',
          fontSize: 11,
          // an indicator without a normalised value (missing, or the same for every unit) gives nothing
          formatter: (p: { value: number; dataIndex: number }) =>
            shown[p.dataIndex]?.normalised === null ? text.missing : p.value.toFixed(1),
        },
      },
    ],
  };
}

export interface TrendPoint {
  period: string;
  score: number | null;
  rank: number | null;
  color: IndexColor | null;
}

/** The score month by month, each point in its band's colour; the selected month's point larger. */
export function trendOption(
  trend: readonly TrendPoint[],
  text: { score: string; rank: string; colorName: (c: IndexColor | null) => string },
  selected?: string,
) {
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'item' as const,
      formatter: (p: { dataIndex: number }) => {
        const t = trend[p.dataIndex];
        if (!t) return '';
        return `<strong>${esc(t.period)}</strong><br/>${esc(text.score)}: ${formatScore(t.score)}<br/>${esc(
          text.rank,
        )}: ${t.rank ?? '—'}<br/>${esc(text.colorName(t.color))}`;
      },
    },
    xAxis: {
      type: 'category' as const,
      data: trend.map((t) => t.period),
      axisTick: { alignWithLabel: true },
      axisLine: { lineStyle: { color: '#c9d2de' } },
      axisLabel: { color: '#3d4b5c' },
    },
    yAxis: {
      type: 'value' as const,
      scale: true,
      splitLine: { lineStyle: { color: '#edf0f4' } },
      axisLabel: { color: '#6b7a8c' },
    },
    series: [
      {
        name: text.score,
        type: 'line' as const,
        connectNulls: false,
        lineStyle: { color: '#7d8ea3', width: 2 },
        data: trend.map((t) => ({
          value: t.score === null ? null : Math.round(t.score * 100) / 100,
          symbol: 'circle',
          symbolSize: t.period === selected ? 14 : 10,
          itemStyle: {
            color: colorHex(t.color),
            borderColor: t.period === selected ? '#1f2d3d' : '#ffffff',
            borderWidth: 2,
          },
        })),
        label: {
          show: true,
          position: 'top' as const,
          color: '#3d4b5c',
          fontSize: 11,
          formatter: (p: { value: number | null }) => (p.value === null ? '' : p.value.toFixed(1)),
        },
      },
    ],
  };
}
