import { describe, expect, it } from 'vitest';
import { EVENT_ACTIONS, type HandlerRef, type UnitRef } from '../../api/events';
import { barOption, barRows } from './charts';
import { categoryTree } from './lookups';
import {
  ACTION_SPECS,
  buildTransition,
  DURATION_EN,
  decodeHandler,
  defaultHandler,
  dueStatus,
  formatDateTime,
  formatDistance,
  formatDuration,
  formatHours,
  formatRate,
  handlerOptions,
  listQueryFor,
  localDate,
  missingFields,
  orderedActions,
  placeShort,
  tabsFor,
} from './model';

const unit = (id: number, level: string, name: string): UnitRef => ({ id, code: String(id), name, level });
const PLACE = [
  unit(10, 'town', '景山街道'),
  unit(11, 'village', '景山社区'),
  unit(12, 'grid', '第1网格'),
  unit(13, 'micro_grid', '第1微网格'),
];
const GRID_ROUTE: HandlerRef = { kind: 'unit', id: 12, code: '12', name: '第1网格', level: 'grid' };

describe('tabs', () => {
  it('gives dispatchers the intake tabs and handlers their queue, everyone overdue and all', () => {
    expect(tabsFor(['dispatcher']).map((t) => t.key)).toEqual([
      'submitted',
      'dispatch',
      'handling',
      'overdue',
      'all',
    ]);
    expect(tabsFor(['grid_worker']).map((t) => t.key)).toEqual(['queue', 'done', 'overdue', 'all']);
    expect(tabsFor(['department_staff']).map((t) => t.key)).toEqual(['queue', 'done', 'overdue', 'all']);
    expect(tabsFor(['leader']).map((t) => t.key)).toEqual(['all', 'overdue']);
  });

  it('asks the server for the tab’s states and view, and only the filters that are set', () => {
    const [submitted, dispatch, handling, overdue] = tabsFor(['dispatcher']);
    expect(listQueryFor(submitted!, {}, 1, 20)).toEqual({
      view: 'all',
      state: 'submitted',
      page: 1,
      pageSize: 20,
    });
    expect(listQueryFor(dispatch!, {}, 2, 20).state).toBe('accepted,returned,reopened');
    expect(listQueryFor(handling!, {}, 1, 20).state).toBe('assigned,in_progress');
    expect(
      listQueryFor(overdue!, { q: '  20261123-000042 ', unit: 7, category: '', from: '2026-11-01' }, 1, 5),
    ).toEqual({
      view: 'overdue',
      q: '20261123-000042',
      unit: 7,
      from: '2026-11-01',
      page: 1,
      pageSize: 5,
    });
    const [queue] = tabsFor(['grid_worker']);
    expect(listQueryFor(queue!, { q: '   ' }, 1, 20)).toEqual({
      view: 'queue',
      state: 'assigned,in_progress',
      page: 1,
      pageSize: 20,
    });
  });
});

describe('actions', () => {
  it('has a form for every action and orders the buttons step forward first', () => {
    for (const a of EVENT_ACTIONS) expect(ACTION_SPECS[a]).toBeDefined();
    expect(orderedActions(['reject', 'merge', 'accept'])).toEqual(['accept', 'merge', 'reject']);
    expect(orderedActions(['return', 'start'])).toEqual(['start', 'return']);
  });

  it('names the fields the server refuses an action without', () => {
    expect(missingFields('reject', {})).toEqual(['reason']);
    expect(missingFields('reject', { reason: '   ' })).toEqual(['reason']);
    expect(missingFields('reject', { reason: '重复上报' })).toEqual([]);
    expect(missingFields('reassign', { reason: '属地有误' })).toEqual(['assignee']);
    expect(missingFields('assign', { assignee: 'unit:12' })).toEqual([]);
    expect(missingFields('assign', { assignee: 'unit:x' })).toEqual(['assignee']);
    expect(missingFields('resolve', { mediaIds: [1] })).toEqual(['note']);
    expect(missingFields('merge', { targetEventId: 0 })).toEqual(['target']);
    expect(missingFields('rate', { rating: 6 })).toEqual(['rating']);
    expect(missingFields('accept', {})).toEqual([]);
  });

  it('builds a body with the version read and only the fields the action takes', () => {
    expect(buildTransition('accept', 3, { reason: 'left over', note: 'x' })).toEqual({
      action: 'accept',
      version: 3,
    });
    expect(buildTransition('assign', 4, { assignee: 'department:9', reason: 'x' })).toEqual({
      action: 'assign',
      version: 4,
      assignee: { kind: 'department', id: 9 },
    });
    expect(buildTransition('reassign', 5, { assignee: 'unit:11', reason: ' 属地有误 ' })).toEqual({
      action: 'reassign',
      version: 5,
      assignee: { kind: 'unit', id: 11 },
      reason: '属地有误',
    });
    expect(buildTransition('resolve', 6, { note: ' 已清理 ', mediaIds: [4, 5] })).toEqual({
      action: 'resolve',
      version: 6,
      note: '已清理',
      mediaIds: [4, 5],
    });
    expect(buildTransition('resolve', 6, { note: '已清理', mediaIds: [] })).toEqual({
      action: 'resolve',
      version: 6,
      note: '已清理',
    });
    expect(buildTransition('merge', 2, { targetEventId: 41 })).toEqual({
      action: 'merge',
      version: 2,
      targetEventId: 41,
    });
    expect(buildTransition('rate', 7, { rating: 4, comment: '  ' })).toEqual({
      action: 'rate',
      version: 7,
      rating: 4,
    });
  });

  it('encodes handlers for the picker and reads them back', () => {
    expect(decodeHandler('unit:12')).toEqual({ kind: 'unit', id: 12 });
    expect(decodeHandler('department:3')).toEqual({ kind: 'department', id: 3 });
    expect(decodeHandler('team:3')).toBeNull();
    expect(decodeHandler(undefined)).toBeNull();
  });
});

describe('handler choices', () => {
  it('puts the suggestion first, then the place nearest first, the center, the departments; each once', () => {
    const opts = handlerOptions(GRID_ROUTE, PLACE, unit(2, 'county', '瓯海区'), [
      { id: 7, name: '瓯海区公安分局' },
      { id: 8, name: '瓯海区消防救援大队' },
    ]);
    expect(opts.map((o) => [o.value, o.level, o.suggested])).toEqual([
      ['unit:12', 'grid', true],
      ['unit:11', 'village', false],
      ['unit:10', 'town', false],
      ['unit:2', 'center', false],
      ['department:7', 'department', false],
      ['department:8', 'department', false],
    ]);
  });

  it('suggests a department when the rule names one', () => {
    const route: HandlerRef = {
      kind: 'department',
      id: 8,
      code: 'XF',
      name: '瓯海区消防救援大队',
      level: 'department',
    };
    const opts = handlerOptions(route, PLACE, null, [{ id: 8, name: '瓯海区消防救援大队' }]);
    expect(opts[0]).toMatchObject({ value: 'department:8', suggested: true });
    expect(opts.filter((o) => o.value === 'department:8')).toHaveLength(1);
    expect(opts.some((o) => o.level === 'micro_grid')).toBe(false);
  });

  it('pre-fills the route, except a reassignment to where it already is', () => {
    expect(defaultHandler('assign', GRID_ROUTE, null)).toBe('unit:12');
    expect(defaultHandler('reassign', GRID_ROUTE, GRID_ROUTE)).toBeUndefined();
    expect(defaultHandler('reassign', GRID_ROUTE, { ...GRID_ROUTE, id: 11, level: 'village' })).toBe(
      'unit:12',
    );
    expect(defaultHandler('assign', null, null)).toBeUndefined();
  });
});

describe('formatting', () => {
  it('formats durations in their two largest units', () => {
    expect(formatDuration(0)).toBe('0分钟');
    expect(formatDuration(59_000)).toBe('0分钟');
    expect(formatDuration(12 * 60_000)).toBe('12分钟');
    expect(formatDuration((5 * 60 + 20) * 60_000)).toBe('5小时20分钟');
    expect(formatDuration(3 * 3600_000)).toBe('3小时');
    expect(formatDuration((2 * 24 + 3) * 3600_000 + 17 * 60_000)).toBe('2天3小时');
    expect(formatDuration(-26 * 3600_000)).toBe('1天2小时');
    expect(formatDuration(2 * 86_400_000, DURATION_EN)).toBe('2 d');
    expect(formatDuration((5 * 60 + 20) * 60_000, DURATION_EN)).toBe('5 h 20 min');
  });

  it('formats hours, rates and distances for the daily view', () => {
    expect(formatHours(null)).toBe('—');
    expect(formatHours(3.456)).toBe('3.5');
    expect(formatHours(9.96)).toBe('10.0');
    expect(formatHours(26.4)).toBe('26');
    expect(formatRate(null)).toBe('—');
    expect(formatRate(0.875)).toBe('87.5%');
    expect(formatRate(1)).toBe('100%');
    expect(formatRate(0)).toBe('0%');
    expect(formatDistance(12.4)).toBe('12 m');
    expect(formatDistance(1530)).toBe('1.5 km');
  });

  it('reads times and days in Asia/Shanghai whatever the browser’s zone', () => {
    // 2026-11-23 17:30 UTC is already the 24th in Shanghai
    expect(localDate(new Date('2026-11-23T17:30:00Z'))).toBe('2026-11-24');
    expect(localDate(new Date('2026-11-23T15:59:00Z'))).toBe('2026-11-23');
    expect(formatDateTime('2026-11-23T06:05:00Z')).toBe('2026-11-23 14:05');
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('not a date')).toBe('—');
  });

  it('tells overdue, due soon and finished apart', () => {
    const now = new Date('2026-11-23T06:00:00Z');
    const at = (h: number) => new Date(now.getTime() + h * 3600_000).toISOString();
    expect(dueStatus({ dueAt: at(-2), overdue: false, state: 'assigned' }, now)).toEqual({
      kind: 'overdue',
      byMs: 7_200_000,
    });
    expect(dueStatus({ dueAt: at(1), overdue: false, state: 'in_progress' }, now)).toEqual({
      kind: 'soon',
      leftMs: 3_600_000,
    });
    expect(dueStatus({ dueAt: at(30), overdue: false, state: 'accepted' }, now).kind).toBe('ok');
    // the server's flag wins (supervision may have found it overdue on its own clock)
    expect(dueStatus({ dueAt: at(1), overdue: true, state: 'assigned' }, now).kind).toBe('overdue');
    expect(dueStatus({ dueAt: at(-2), overdue: true, state: 'resolved' }, now)).toEqual({ kind: 'done' });
    expect(dueStatus({ dueAt: null, overdue: false, state: 'submitted' }, now)).toEqual({ kind: 'none' });
  });

  it('shortens the place to village and grid', () => {
    expect(placeShort(PLACE)).toBe('景山社区 / 第1网格');
    expect(placeShort([unit(1, 'town', '泽雅镇')])).toBe('泽雅镇');
    expect(placeShort([])).toBe('');
  });
});

describe('daily charts', () => {
  const rows = [
    { key: 'a', name: '噪声', count: 3 },
    { key: 'b', name: '垃圾', count: 9 },
    { key: 'c', name: '停车', count: 0 },
    { key: 'd', name: '电动车', count: 5 },
    { key: 'e', name: '消防', count: 1 },
  ];

  it('shows the largest first, drops zeros and folds the tail into "other"', () => {
    expect(barRows(rows, { top: 10 }).map((r) => r.key)).toEqual(['b', 'd', 'a', 'e']);
    expect(barRows(rows, { top: 3, otherName: '其他' })).toEqual([
      { key: 'b', name: '垃圾', count: 9 },
      { key: 'd', name: '电动车', count: 5 },
      { key: '_other', name: '其他', count: 4 },
    ]);
    expect(barRows(rows, { keepOrder: true }).map((r) => r.key)).toEqual(['a', 'b', 'd', 'e']);
  });

  it('draws horizontal bars, the largest on top, coloured by key', () => {
    const option = barOption(rows, { seriesName: '件数', colorOf: (k) => (k === 'b' ? '#f00' : '#00f') });
    expect(option.yAxis.data).toEqual(['消防', '噪声', '电动车', '垃圾']);
    expect(option.series[0]?.data.map((d) => d.value)).toEqual([1, 3, 5, 9]);
    expect(option.series[0]?.data.at(-1)?.itemStyle.color).toBe('#f00');
  });
});

describe('category tree', () => {
  it('nests leaves under their group in the user’s language', () => {
    const cat = (code: string, parentCode: string | null, zh: string, en: string) =>
      ({ code, parentCode, name: { zh, en } }) as Parameters<typeof categoryTree>[0][number];
    const items = [
      cat('fire', null, '消防隐患', 'Fire hazards'),
      cat('fire.wiring', 'fire', '私拉乱接电线', 'Illegal wiring'),
      cat('other', null, '其他事项', 'Other matters'),
    ];
    expect(categoryTree(items, 'zh-CN')).toEqual([
      { value: 'fire', title: '消防隐患', children: [{ value: 'fire.wiring', title: '私拉乱接电线' }] },
      { value: 'other', title: '其他事项' },
    ]);
    expect(categoryTree(items, 'en')[0]?.children?.[0]?.title).toBe('Illegal wiring');
  });
});
