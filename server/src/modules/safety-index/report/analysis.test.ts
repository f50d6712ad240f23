import { describe, expect, it } from 'vitest';
import { analyse, escapeHtml, type ReportInput, renderHtml } from './analysis.js';

const unit = (
  id: number,
  score: number,
  rank: number,
  color: ReportInput['units'][number]['color'],
  change: number | null,
  n: Record<string, number | null>,
) => ({
  id,
  name: `单位${id}`,
  score,
  rank,
  color,
  change,
  contributions: {},
  normalised: n,
});

const INPUT: ReportInput = {
  period: '2026-10',
  level: 'town',
  state: 'published',
  schemeName: '默认方案',
  indicators: [
    { code: 'a', name: '警情', dimension: 'problems', weight: 3 },
    { code: 'b', name: '办结率', dimension: 'effects', weight: 2 },
    { code: 'c', name: '满意度', dimension: 'effects', weight: 1 },
    { code: 'd', name: '信访', dimension: 'needs', weight: 1 },
  ],
  units: [
    unit(1, 92, 1, 'dark_green', 3, { a: 90, b: 95, c: 90, d: 92 }),
    unit(2, 80, 2, 'green', -1, { a: 80, b: 70, c: 85, d: 88 }),
    unit(3, 60, 3, 'orange', -12, { a: 20, b: 75, c: 10, d: 90 }),
    unit(4, 40, 4, 'red', null, { a: 5, b: 30, c: null, d: 60 }),
  ],
  accountability: [{ unitName: '<单位4>', action: 'warning', state: 'open', dueAt: '2026-11-15T00:00:00Z' }],
};

describe('the analysis report', () => {
  it('counts colors, ranks, movers and names what drags red and orange units down', () => {
    const r = analyse(INPUT);
    expect(r.colors).toEqual({ dark_green: 1, green: 1, yellow: 0, orange: 1, red: 1 });
    expect(r.average).toBe(68);
    expect(r.averageChange).toBeCloseTo(-10 / 3, 9);
    expect(r.top.map((u) => u.id)).toEqual([1, 2, 3, 4]);
    expect(r.bottom.map((u) => u.id)).toEqual([4, 3, 2, 1]);
    expect(r.risers.map((u) => u.id)).toEqual([1]);
    expect(r.fallers.map((u) => u.id)).toEqual([3, 2]);
    expect(r.hotSpots.map((h) => [h.unit.id, h.drags.map((d) => d.name)])).toEqual([
      [3, ['满意度', '警情', '办结率']],
      [4, ['警情', '办结率', '信访']],
    ]);
  });

  it('renders a printable page with every text escaped', () => {
    const html = renderHtml(INPUT, analyse(INPUT));
    expect(html).toContain('2026-10 平安治理指数分析报告（镇街）');
    expect(html).toContain('@media print');
    expect(html).toContain('&lt;单位4&gt;');
    expect(html).not.toContain('<单位4>');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
