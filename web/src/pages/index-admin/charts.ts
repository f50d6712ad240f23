// ECharts options of the safety office's pages, built as plain data (pure, tested without a canvas).

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export interface SensitivityBar {
  label: string;
  /** First-order sensitivity index, 0–1. */
  value: number;
}

/**
 * The first-order sensitivity of the ranks to each input, a horizontal bar each, the most influential on
 * top; at most `max` bars (the rest are the least influential, left out).
 */
export function sensitivityOption(
  rows: readonly SensitivityBar[],
  text: { title: string },
  opts: { max?: number; labelChars?: number } = {},
) {
  const shown = [...rows]
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label))
    .slice(0, opts.max ?? 12)
    // ECharts draws the first category at the bottom
    .reverse();
  return {
    animation: false,
    grid: { left: 8, right: 44, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'item' as const,
      formatter: (p: { dataIndex: number }) => {
        const r = shown[p.dataIndex];
        return r ? `<strong>${esc(r.label)}</strong><br/>${esc(text.title)}: ${r.value.toFixed(3)}` : '';
      },
    },
    xAxis: {
      type: 'value' as const,
      min: 0,
      max: (v: { max: number }) => Math.max(0.1, Math.ceil(v.max * 10) / 10),
      splitLine: { lineStyle: { color: '#edf0f4' } },
      axisLabel: { color: '#6b7a8c' },
    },
    yAxis: {
      type: 'category' as const,
      data: shown.map((r) => cut(r.label, opts.labelChars ?? 12)),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: '#c9d2de' } },
      axisLabel: { color: '#3d4b5c' },
    },
    series: [
      {
        name: text.title,
        type: 'bar' as const,
        barMaxWidth: 14,
        data: shown.map((r) => ({
          value: Math.round(r.value * 1000) / 1000,
          itemStyle: { color: '#1f5fae' },
        })),
        label: {
          show: true,
          position: 'right' as const,
          color: '#3d4b5c',
          fontSize: 11,
          formatter: (p: { value: number }) => p.value.toFixed(2),
        },
      },
    ],
  };
}
