import { describe, expect, it } from 'vitest';
import { contributionOption, trendOption } from './charts';
import {
  bandOfNormalised,
  byRank,
  COLOR_HEX,
  changeFromTrend,
  colorHex,
  currentYear,
  defaultSafeYear,
  dragging,
  filterVillages,
  formatChange,
  formatScore,
  legendCounts,
  levelParam,
  mapPath,
  movers,
  NO_COLOR_HEX,
  periodParam,
  placeLabels,
  previousMonth,
  rankBounds,
  type SafeVillageRow,
  type Scored,
  safeCounts,
  searchByName,
  townsOf,
  unitPath,
  weakestFirst,
} from './model';

const unit = (unitId: number, name: string, over: Partial<Scored> = {}): Scored => ({
  unitId,
  name,
  score: 70,
  rank: unitId,
  color: 'yellow',
  change: null,
  ...over,
});

describe('colours', () => {
  it('gives each of the five bands its own hex colour, and grey to none or an unknown one', () => {
    expect(colorHex('dark_green')).toBe('#1e7b3f');
    expect(colorHex('red')).toBe('#d93b36');
    expect(new Set(Object.values(COLOR_HEX)).size).toBe(5);
    for (const c of Object.values(COLOR_HEX)) expect(c).toMatch(/^#[0-9a-f]{6}$/);
    expect(colorHex(null)).toBe(NO_COLOR_HEX);
    expect(colorHex(undefined)).toBe(NO_COLOR_HEX);
    expect(colorHex('purple')).toBe(NO_COLOR_HEX);
    expect(Object.values(COLOR_HEX)).not.toContain(NO_COLOR_HEX);
  });

  it('bands a normalised value in fifths', () => {
    expect(bandOfNormalised(100)).toBe('dark_green');
    expect(bandOfNormalised(80)).toBe('dark_green');
    expect(bandOfNormalised(79.9)).toBe('green');
    expect(bandOfNormalised(40)).toBe('yellow');
    expect(bandOfNormalised(20)).toBe('orange');
    expect(bandOfNormalised(0)).toBe('red');
    expect(bandOfNormalised(null)).toBeNull();
    expect(bandOfNormalised(Number.NaN)).toBeNull();
  });
});

describe('legendCounts', () => {
  it('counts the units in each band and those without one; the counts sum to the units', () => {
    const items = [
      unit(1, 'a', { color: 'red' }),
      unit(2, 'b', { color: 'red' }),
      unit(3, 'c', { color: 'dark_green' }),
      unit(4, 'd', { color: null, score: null }),
      unit(5, 'e', { color: 'orange' }),
    ];
    const c = legendCounts(items);
    expect(c).toEqual({ dark_green: 1, green: 0, yellow: 0, orange: 1, red: 2, none: 1 });
    expect(Object.values(c).reduce((a, b) => a + b, 0)).toBe(items.length);
  });

  it('is all zeros for no units', () => {
    expect(legendCounts([])).toEqual({ dark_green: 0, green: 0, yellow: 0, orange: 0, red: 0, none: 0 });
  });
});

describe('movers', () => {
  const items = [
    unit(1, '甲', { change: 5 }),
    unit(2, '乙', { change: -7.5 }),
    unit(3, '丙', { change: 12 }),
    unit(4, '丁', { change: 0 }),
    unit(5, '戊', { change: null }),
    unit(6, '己', { change: -1 }),
    unit(7, '庚', { change: 0.5 }),
    unit(8, '辛', { change: 2 }),
    unit(9, '壬', { change: -3 }),
    unit(10, '癸', { change: -0.2 }),
  ];

  it('takes the three largest rises and the three largest falls', () => {
    const m = movers(items);
    expect(m.up.map((u) => u.change)).toEqual([12, 5, 2]);
    expect(m.down.map((u) => u.change)).toEqual([-7.5, -3, -1]);
  });

  it('leaves out units without a change or with none, and takes fewer when fewer moved', () => {
    const m = movers([
      unit(1, 'a', { change: 0 }),
      unit(2, 'b', { change: null }),
      unit(3, 'c', { change: 1 }),
    ]);
    expect(m.up.map((u) => u.unitId)).toEqual([3]);
    expect(m.down).toEqual([]);
  });

  it('breaks ties by name, whatever the input order', () => {
    const tie = [unit(1, 'b', { change: 3 }), unit(2, 'a', { change: 3 }), unit(3, 'c', { change: 3 })];
    expect(movers(tie, 2).up.map((u) => u.name)).toEqual(['a', 'b']);
    expect(movers([...tie].reverse(), 2).up.map((u) => u.name)).toEqual(['a', 'b']);
  });
});

describe('formatting', () => {
  it('shows changes with arrows and one decimal', () => {
    expect(formatChange(2.345)).toEqual({ text: '▲ 2.3', dir: 'up' });
    expect(formatChange(-1)).toEqual({ text: '▼ 1.0', dir: 'down' });
    expect(formatChange(0.04)).toEqual({ text: '0.0', dir: 'flat' });
    expect(formatChange(-0.04)).toEqual({ text: '0.0', dir: 'flat' });
    expect(formatChange(null)).toEqual({ text: '—', dir: 'none' });
  });

  it('shows scores with one decimal or a dash', () => {
    expect(formatScore(40.4736297)).toBe('40.5');
    expect(formatScore(100)).toBe('100.0');
    expect(formatScore(null)).toBe('—');
  });
});

describe('ranking and search', () => {
  it('orders by rank, the unranked last by name', () => {
    const r = byRank([
      unit(1, 'z', { rank: null }),
      unit(2, 'b', { rank: 2 }),
      unit(3, 'a', { rank: null }),
      unit(4, 'c', { rank: 1 }),
    ]);
    expect(r.map((u) => u.unitId)).toEqual([4, 2, 3, 1]);
  });

  it('finds names containing the query, the earliest match first, ignoring spaces', () => {
    const items = [unit(1, '景山社区'), unit(2, '新景山村'), unit(3, '茶山街道'), unit(4, '景山街道')];
    expect(searchByName(items, '景山').map((u) => u.unitId)).toEqual([1, 4, 2]);
    expect(searchByName(items, ' 茶 山 ').map((u) => u.unitId)).toEqual([3]);
    expect(searchByName(items, '   ')).toEqual([]);
    expect(searchByName(items, '梧田')).toEqual([]);
  });
});

describe('trend helpers', () => {
  const trend = [
    { period: '2026-04', score: 60 },
    { period: '2026-05', score: 65.5 },
    { period: '2026-07', score: 70 },
    { period: '2026-08', score: 68 },
  ];
  it('takes the change from the calendar month before, and none across a gap', () => {
    expect(changeFromTrend(trend, '2026-05')).toBe(5.5);
    expect(changeFromTrend(trend, '2026-08')).toBe(-2);
    expect(changeFromTrend(trend, '2026-07')).toBeNull(); // June was not published
    expect(changeFromTrend(trend, '2026-04')).toBeNull();
    expect(changeFromTrend(trend, '2026-09')).toBeNull();
  });
  it('knows the month before', () => {
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(previousMonth('2026-10')).toBe('2026-09');
  });
});

describe('placeLabels', () => {
  it('keeps labels in order, dropping those that would overlap a kept one', () => {
    const kept = placeLabels(
      [
        { x: 0, y: 0, width: 40, height: 14 },
        { x: 30, y: 5, width: 40, height: 14 }, // overlaps the first
        { x: 50, y: 0, width: 40, height: 14 }, // clear of the first (gap 2)
        { x: 0, y: 30, width: 40, height: 14 },
      ],
      2,
    );
    expect([...kept]).toEqual([0, 2, 3]);
  });
  it('treats the gap as part of the box', () => {
    const boxes = [
      { x: 0, y: 0, width: 10, height: 10 },
      { x: 12, y: 0, width: 10, height: 10 },
    ];
    expect([...placeLabels(boxes, 1)]).toEqual([0, 1]);
    expect([...placeLabels(boxes, 3)]).toEqual([0]);
  });
});

describe('paths and parameters', () => {
  it('builds unit and map paths', () => {
    expect(unitPath(42, 7, 'village')).toBe('/index/units/42?run=7&level=village');
    expect(unitPath(42)).toBe('/index/units/42');
    expect(mapPath('2026-08', 'town')).toBe('/index/map?period=2026-08&level=town');
    expect(mapPath()).toBe('/index/map');
  });
  it('reads the level and the period, falling back to town and the newest', () => {
    expect(levelParam('village')).toBe('village');
    expect(levelParam('grid')).toBe('town');
    expect(levelParam(null)).toBe('town');
    const periods = ['2026-09', '2026-08'];
    expect(periodParam('2026-08', periods)).toBe('2026-08');
    expect(periodParam('2025-01', periods)).toBe('2026-09');
    expect(periodParam(null, [])).toBeUndefined();
  });
});

describe('what drags a score down', () => {
  const rows = [
    { code: 'a', normalised: 72, contribution: 8.7 },
    { code: 'b', normalised: 0, contribution: 0 },
    { code: 'c', normalised: null, contribution: 0 },
    { code: 'd', normalised: 30, contribution: 2 },
    { code: 'e', normalised: 45, contribution: 4 },
    { code: 'f', normalised: 49.9, contribution: 6 },
  ];
  it('orders the weakest first, missing last', () => {
    expect(weakestFirst(rows).map((r) => r.code)).toEqual(['b', 'd', 'e', 'f', 'a', 'c']);
  });
  it('names up to three below the middle', () => {
    expect(dragging(rows).map((r) => r.code)).toEqual(['b', 'd', 'e']);
    expect(dragging(rows, 5).map((r) => r.code)).toEqual(['b', 'd', 'e', 'f']);
    expect(dragging([{ code: 'x', normalised: 90, contribution: 9 }])).toEqual([]);
  });
});

describe('chart options', () => {
  it('puts the weakest indicator on top of the contribution bars, coloured by its band', () => {
    const o = contributionOption(
      [
        { code: 'a', name: '警情', normalised: 72, contribution: 8.68 },
        { code: 'b', name: '重大案事件', normalised: 0, contribution: 0 },
        { code: 'c', name: '满意度', normalised: 95, contribution: 12.345 },
      ],
      { contribution: '贡献分', normalised: '标准化值', missing: '缺失' },
    );
    // ECharts draws the first category at the bottom
    expect(o.yAxis.data).toEqual(['满意度', '警情', '重大案事件']);
    expect(o.series[0]?.data.map((d) => d.value)).toEqual([12.35, 8.68, 0]);
    expect(o.series[0]?.data.map((d) => d.itemStyle.color)).toEqual([
      COLOR_HEX.dark_green,
      COLOR_HEX.green,
      COLOR_HEX.red,
    ]);
    expect(o.tooltip.formatter({ dataIndex: 2 })).toContain('重大案事件');
  });

  it('colours each trend point by its band and enlarges the selected month', () => {
    const o = trendOption(
      [
        { period: '2026-07', score: 60.123, rank: 9, color: 'orange' },
        { period: '2026-08', score: 75, rank: 4, color: 'green' },
        { period: '2026-09', score: null, rank: null, color: null },
      ],
      { score: '得分', rank: '排名', colorName: (c) => c ?? '无' },
      '2026-08',
    );
    expect(o.xAxis.data).toEqual(['2026-07', '2026-08', '2026-09']);
    const data = o.series[0]?.data ?? [];
    expect(data.map((d) => d.value)).toEqual([60.12, 75, null]);
    expect(data.map((d) => d.itemStyle.color)).toEqual([COLOR_HEX.orange, COLOR_HEX.green, NO_COLOR_HEX]);
    expect(data.map((d) => d.symbolSize)).toEqual([10, 14, 10]);
    expect(o.tooltip.formatter({ dataIndex: 0 })).toContain('60.1');
  });

  it('escapes names in tooltips', () => {
    const o = contributionOption([{ code: 'x', name: '<b>x</b>', normalised: 1, contribution: 1 }], {
      contribution: 'c',
      normalised: 'n',
      missing: 'm',
    });
    expect(o.tooltip.formatter({ dataIndex: 0 })).toContain('&lt;b&gt;x&lt;/b&gt;');
  });
});

describe('rank intervals', () => {
  it('rounds the percentiles to whole ranks, never below 1 nor crossing', () => {
    expect(rankBounds({ p05: 2.6, p95: 8.2 })).toEqual({ lo: 3, hi: 8 });
    expect(rankBounds({ p05: 0.8, p95: 1.2 })).toEqual({ lo: 1, hi: 1 });
    expect(rankBounds({ p05: 4.4, p95: 4.45 })).toEqual({ lo: 4, hi: 4 });
    expect(rankBounds(null)).toBeNull();
    expect(rankBounds({ p05: Number.NaN, p95: 3 })).toBeNull();
  });
});

describe('safe villages', () => {
  const check = (status: 'pass' | 'fail' | 'no_data', code = 'c') => ({
    code,
    status,
    count: status === 'fail' ? 1 : 0,
    months: null,
  });
  const v = (
    id: number,
    name: string,
    town: [number, string] | null,
    ...s: ('pass' | 'fail' | 'no_data')[]
  ) =>
    ({
      unit: { id, code: `v${id}`, name },
      town: town ? { id: town[0], code: `t${town[0]}`, name: town[1] } : null,
      candidate: s.every((x) => x === 'pass'),
      checks: s.map((x, i) => check(x, `c${i}`)),
    }) satisfies SafeVillageRow;
  const items = [
    v(1, '上村', [10, '梧田街道'], 'pass', 'pass'),
    v(2, '下村', [10, '梧田街道'], 'fail', 'no_data'),
    v(3, '东村', [20, '景山街道'], 'pass', 'no_data'),
    v(4, '西村', [20, '景山街道'], 'pass', 'pass'),
  ];
  it('counts as the server does: a village both failing and waiting counts in both', () => {
    expect(safeCounts(items)).toEqual({ villages: 4, candidates: 2, failing: 1, waiting: 2 });
  });
  it('filters by kind, town and search, ordered by town then name', () => {
    const ids = (xs: SafeVillageRow[]) => xs.map((x) => x.unit.id);
    expect(ids(filterVillages(items, { filter: 'all', town: null }))).toEqual([3, 4, 1, 2]);
    expect(ids(filterVillages(items, { filter: 'candidates', town: null }))).toEqual([4, 1]);
    expect(ids(filterVillages(items, { filter: 'waiting', town: 20 }))).toEqual([3]);
    expect(ids(filterVillages(items, { filter: 'failing', town: 20 }))).toEqual([]);
    expect(ids(filterVillages(items, { filter: 'all', town: null, query: ' v4 ' }))).toEqual([4]);
    expect(ids(filterVillages(items, { filter: 'all', town: null, query: '上' }))).toEqual([1]);
    expect(townsOf(items).map((t) => t.name)).toEqual(['景山街道', '梧田街道']);
  });
  it('opens on the year of the last month that is over, in Beijing time', () => {
    expect(defaultSafeYear(new Date('2026-11-23T04:00:00Z'))).toBe(2026);
    expect(defaultSafeYear(new Date('2027-01-15T04:00:00Z'))).toBe(2026);
    expect(defaultSafeYear(new Date('2026-12-31T16:30:00Z'))).toBe(2026); // 1 January in Beijing
    expect(currentYear(new Date('2026-12-31T16:30:00Z'))).toBe(2027);
  });
});
