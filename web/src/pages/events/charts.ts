// ECharts options for the daily view, built as plain data (pure, tested without a canvas).
import type { CountBy } from '../../api/events';

export interface BarOptions {
  seriesName: string;
  /** A bar's colour by its key (e.g. the state's colour); one colour for all when left out. */
  colorOf?: (key: string) => string;
  /** Keep the largest `top` rows (default 10); the rest are summed into one "other" bar when named. */
  top?: number;
  otherName?: string;
  /** Keep the given order instead of sorting by count (e.g. the states in their loop order). */
  keepOrder?: boolean;
  /** Longest label before it is cut with an ellipsis. */
  labelChars?: number;
}

export interface BarRow {
  key: string;
  name: string;
  count: number;
}

/** The rows a bar chart shows: largest first (unless told otherwise), the tail folded into "other". */
export function barRows(
  rows: readonly CountBy[],
  opts: Pick<BarOptions, 'top' | 'otherName' | 'keepOrder'>,
): BarRow[] {
  const top = opts.top ?? 10;
  const sorted = opts.keepOrder
    ? [...rows]
    : [...rows].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  const nonZero = sorted.filter((r) => r.count > 0);
  if (nonZero.length <= top || !opts.otherName) return nonZero.slice(0, top).map((r) => ({ ...r }));
  const head = nonZero.slice(0, top - 1);
  const rest = nonZero.slice(top - 1).reduce((s, r) => s + r.count, 0);
  return [...head.map((r) => ({ ...r })), { key: '_other', name: opts.otherName, count: rest }];
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A horizontal bar chart, the largest bar on top, each bar labelled with its count. */
export function barOption(rows: readonly CountBy[], opts: BarOptions) {
  const shown = barRows(rows, opts).reverse(); // ECharts draws the first category at the bottom
  const chars = opts.labelChars ?? 9;
  return {
    animation: false,
    grid: { left: 8, right: 36, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item' as const },
    xAxis: { type: 'value' as const, minInterval: 1, splitLine: { lineStyle: { color: '#edf0f4' } } },
    yAxis: {
      type: 'category' as const,
      data: shown.map((r) => cut(r.name, chars)),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: '#c9d2de' } },
      axisLabel: { color: '#3d4b5c' },
    },
    series: [
      {
        name: opts.seriesName,
        type: 'bar' as const,
        barMaxWidth: 16,
        label: { show: true, position: 'right' as const, color: '#3d4b5c' },
        data: shown.map((r) => ({
          value: r.count,
          name: r.name,
          itemStyle: { color: opts.colorOf?.(r.key) ?? '#1f5fae', borderRadius: [0, 3, 3, 0] },
        })),
      },
    ],
  };
}
