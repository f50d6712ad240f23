// The monthly analysis report (pure): from a run's results, the previous month's, each unit's
// contributions and the accountability items, the overall picture, rankings, movers, hot spots and what
// drags each red or orange unit down; rendered as one self-contained HTML page that prints as the PDF
// (A4, @media print). Every text from the data is escaped.
import type { Color } from '../domain/scheme.js';

export interface ReportInput {
  period: string;
  level: 'town' | 'village';
  state: string;
  schemeName: string;
  units: {
    id: number;
    name: string;
    score: number | null;
    rank: number | null;
    color: Color | null;
    change: number | null;
    /** Indicator code → points contributed to the score. */
    contributions: Record<string, number>;
    /** Indicator code → normalised value 0–100 (null: missing). */
    normalised: Record<string, number | null>;
  }[];
  indicators: { code: string; name: string; dimension: string; weight: number }[];
  accountability: { unitName: string; action: string; state: string; dueAt: string }[];
}

export interface AnalysisReport {
  period: string;
  level: string;
  colors: Record<Color, number>;
  average: number | null;
  averageChange: number | null;
  top: ReportInput['units'];
  bottom: ReportInput['units'];
  risers: ReportInput['units'];
  fallers: ReportInput['units'];
  /** Red and orange units with the three indicators that pull them down most. */
  hotSpots: { unit: ReportInput['units'][number]; drags: { name: string; normalised: number | null }[] }[];
  accountability: ReportInput['accountability'];
}

const COLOR_ORDER: Color[] = ['dark_green', 'green', 'yellow', 'orange', 'red'];
export const COLOR_NAMES: Record<Color, string> = {
  dark_green: '深绿',
  green: '绿',
  yellow: '黄',
  orange: '橙',
  red: '红',
};
export const COLOR_HEX: Record<Color, string> = {
  dark_green: '#1b7f3b',
  green: '#52c41a',
  yellow: '#fadb14',
  orange: '#fa8c16',
  red: '#f5222d',
};
export const ACTION_NAMES: Record<string, string> = {
  warning: '预警',
  copy_notice: '抄告',
  supervision: '督办',
  listing: '挂牌',
  delisting: '摘牌',
};
const STATE_NAMES: Record<string, string> = {
  open: '待答复',
  answered: '已答复',
  accepted: '已认可',
  overdue: '已超期',
};

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function analyse(input: ReportInput): AnalysisReport {
  const scored = input.units
    .filter((u) => u.score !== null)
    .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));
  const colors = Object.fromEntries(COLOR_ORDER.map((c) => [c, 0])) as Record<Color, number>;
  for (const u of scored) if (u.color) colors[u.color]++;
  const changed = scored.filter((u) => u.change !== null);
  const byChange = [...changed].sort((a, b) => (b.change ?? 0) - (a.change ?? 0));
  const hot = scored.filter((u) => u.color === 'red' || u.color === 'orange');
  return {
    period: input.period,
    level: input.level,
    colors,
    average: mean(scored.map((u) => u.score as number)),
    averageChange: mean(changed.map((u) => u.change as number)),
    top: scored.slice(0, 5),
    bottom: scored.slice(-5).reverse(),
    risers: byChange.filter((u) => (u.change ?? 0) > 0).slice(0, 5),
    fallers: byChange
      .filter((u) => (u.change ?? 0) < 0)
      .reverse()
      .slice(0, 5),
    hotSpots: hot.map((unit) => ({
      unit,
      // what pulls it down: the indicators where it stands lowest (weighted by how much they count)
      drags: input.indicators
        .map((i) => ({ name: i.name, normalised: unit.normalised[i.code] ?? null, weight: i.weight }))
        .filter((d) => d.normalised !== null)
        .sort((a, b) => (a.normalised as number) * 1 - (b.normalised as number) || b.weight - a.weight)
        .slice(0, 3)
        .map(({ name, normalised }) => ({ name, normalised })),
    })),
    accountability: input.accountability,
  };
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const fmt = (x: number | null, d = 1) => (x === null ? '—' : x.toFixed(d));
const signed = (x: number | null) =>
  x === null ? '—' : `${x > 0 ? '▲' : x < 0 ? '▼' : ''}${Math.abs(x).toFixed(1)}`;

export function renderHtml(input: ReportInput, r: AnalysisReport): string {
  const e = escapeHtml;
  const levelName = input.level === 'town' ? '镇街' : '村社';
  const dot = (c: Color | null) =>
    c ? `<span class="dot" style="background:${COLOR_HEX[c]}"></span>${COLOR_NAMES[c]}` : '—';
  const rows = (us: ReportInput['units']) =>
    us
      .map(
        (u) =>
          `<tr><td>${u.rank ?? '—'}</td><td>${e(u.name)}</td><td>${fmt(u.score)}</td><td>${signed(u.change)}</td><td>${dot(u.color)}</td></tr>`,
      )
      .join('');
  const table = (title: string, us: ReportInput['units']) =>
    `<section><h3>${title}</h3>${
      us.length
        ? `<table><thead><tr><th>名次</th><th>${levelName}</th><th>得分</th><th>变化</th><th>颜色</th></tr></thead><tbody>${rows(us)}</tbody></table>`
        : '<p class="muted">无</p>'
    }</section>`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${e(input.period)} 平安治理指数分析报告（${levelName}）</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font-family: "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif; margin: 24px auto; max-width: 900px; color: #222; }
  h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; border-bottom: 2px solid #c00; padding-bottom: 4px; margin-top: 28px; }
  h3 { font-size: 15px; margin: 16px 0 6px; } .muted { color: #888; } .meta { color: #555; font-size: 13px; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; } th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; }
  th { background: #fafafa; } .dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; vertical-align: middle; }
  .colors { display: flex; gap: 16px; flex-wrap: wrap; font-size: 14px; } .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
  .print { float: right; } @media print { .print { display: none; } body { margin: 0; max-width: none; } section { break-inside: avoid; } @page { size: A4; margin: 16mm; } }
</style></head><body>
<button class="print" onclick="window.print()">打印 / 另存为 PDF</button>
<h1>${e(input.period)} 平安治理指数分析报告（${levelName}）</h1>
<p class="meta">方案：${e(input.schemeName)} · 状态：${input.state === 'published' ? '已发布' : '待发布（仅供审核）'}</p>
<h2>一、总体情况</h2>
<p>参评${levelName} ${Object.values(r.colors).reduce((a, b) => a + b, 0)} 个，平均得分 ${fmt(r.average)}（较上月 ${signed(r.averageChange)}）。</p>
<div class="colors">${COLOR_ORDER.map((c) => `<span>${dot(c)}：${r.colors[c]} 个</span>`).join('')}</div>
<h2>二、排名</h2>
<div class="grid">${table('前五名', r.top)}${table('后五名', r.bottom)}</div>
<h2>三、进退情况</h2>
<div class="grid">${table('进步最快', r.risers)}${table('退步最快', r.fallers)}</div>
<h2>四、重点关注（红色、橙色）</h2>
${
  r.hotSpots.length
    ? `<table><thead><tr><th>${levelName}</th><th>得分</th><th>颜色</th><th>主要拉低得分的指标（标准化值）</th></tr></thead><tbody>${r.hotSpots
        .map(
          (h) =>
            `<tr><td>${e(h.unit.name)}</td><td>${fmt(h.unit.score)}</td><td>${dot(h.unit.color)}</td><td>${
              h.drags.map((d) => `${e(d.name)}（${fmt(d.normalised, 0)}）`).join('、') || '—'
            }</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p class="muted">本月无红色、橙色单位。</p>'
}
<h2>五、责任追究</h2>
${
  r.accountability.length
    ? `<table><thead><tr><th>单位</th><th>措施</th><th>状态</th><th>答复期限</th></tr></thead><tbody>${r.accountability
        .map(
          (a) =>
            `<tr><td>${e(a.unitName)}</td><td>${ACTION_NAMES[a.action] ?? e(a.action)}</td><td>${STATE_NAMES[a.state] ?? e(a.state)}</td><td>${e(a.dueAt.slice(0, 10))}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p class="muted">本月无预警、抄告、督办、挂牌事项。</p>'
}
</body></html>`;
}
