import { describe, expect, it } from 'vitest';
import type { FeedEntry, Notification } from '../api/notifications';
import {
  BELL_SIZE,
  type BellState,
  bellReducer,
  inAppPath,
  initialBell,
  isOwnChange,
  kindMatches,
  readLiveMessage,
  timeAgo,
} from './model';

const note = (id: number, readAt: string | null = null): Notification => ({
  id,
  kind: 'events.assigned',
  entityType: 'event',
  entityId: 100 + id,
  title: { zh: `事件 ${id} 已派遣`, en: `Event ${id} was assigned` },
  link: `/events/${100 + id}`,
  createdAt: '2026-11-24T02:00:00.000Z',
  readAt,
});

const entry = (over: Partial<FeedEntry> = {}): FeedEntry => ({
  id: 7,
  at: '2026-11-24T02:00:00.500Z',
  kind: 'events.assigned',
  entityType: 'event',
  entityId: 42,
  title: { zh: '事件已派遣', en: 'Event assigned' },
  link: '/events/42',
  unitPath: '/3303/330304/',
  ...over,
});

const run = (...actions: Parameters<typeof bellReducer>[1][]): BellState =>
  actions.reduce(bellReducer, initialBell);

describe('the bell', () => {
  it('takes the count fetched on load and bumps it with each unread notification that arrives', () => {
    const s = run({ type: 'count', count: 3 }, { type: 'received', notification: note(5) });
    expect(s.unread).toBe(4);
    expect(s.items.map((n) => n.id)).toEqual([5]);
  });

  it('ignores a notification it already holds (a resumed stream may bring one again)', () => {
    const s = run(
      { type: 'count', count: 0 },
      { type: 'received', notification: note(5) },
      { type: 'received', notification: note(5) },
    );
    expect(s.unread).toBe(1);
    expect(s.items).toHaveLength(1);
  });

  it('merges a fetched list with what arrived live, newest first, and keeps at most BELL_SIZE', () => {
    const fetched = Array.from({ length: BELL_SIZE }, (_, i) => note(BELL_SIZE - i));
    const s = run(
      { type: 'received', notification: note(BELL_SIZE + 1) },
      { type: 'listed', items: fetched },
    );
    expect(s.listed).toBe(true);
    expect(s.items).toHaveLength(BELL_SIZE);
    expect(s.items[0]?.id).toBe(BELL_SIZE + 1);
    expect(s.items.at(-1)?.id).toBe(2);
  });

  it('counts one down when an unread one is read, and not again when it is read twice', () => {
    const read = note(5, '2026-11-24T02:05:00.000Z');
    const s = run(
      { type: 'count', count: 2 },
      { type: 'listed', items: [note(5), note(4)] },
      { type: 'read', notification: read },
      { type: 'read', notification: read },
    );
    expect(s.unread).toBe(1);
    expect(s.items.find((n) => n.id === 5)?.readAt).toBe(read.readAt);
  });

  it('clears the count and marks every listed one read on read-all', () => {
    const s = run(
      { type: 'count', count: 7 },
      { type: 'listed', items: [note(2), note(1, '2026-11-24T01:00:00.000Z')] },
      { type: 'readAll', at: '2026-11-24T03:00:00.000Z' },
    );
    expect(s.unread).toBe(0);
    expect(s.items.map((n) => n.readAt)).toEqual(['2026-11-24T03:00:00.000Z', '2026-11-24T01:00:00.000Z']);
  });

  it('never counts below zero', () => {
    expect(run({ type: 'count', count: -1 }).unread).toBe(0);
    expect(run({ type: 'read', notification: note(1, '2026-11-24T03:00:00.000Z') }).unread).toBe(0);
  });
});

describe('feed kinds', () => {
  it('matches exact kinds and prefixes ending in .*', () => {
    expect(kindMatches(['events.*'], 'events.assigned')).toBe(true);
    expect(kindMatches(['events.*'], 'eventsx.assigned')).toBe(false);
    expect(kindMatches(['events.*'], 'hazards.listed')).toBe(false);
    expect(kindMatches(['hazards.listed', 'events.submitted'], 'events.submitted')).toBe(true);
    expect(kindMatches(['events.submitted'], 'events.submitted.more')).toBe(false);
    expect(kindMatches([], 'events.assigned')).toBe(false);
  });
});

describe('stream messages', () => {
  it('reads ready, reset, notifications and feed entries', () => {
    expect(readLiveMessage('ready', '{}')).toEqual({ type: 'ready' });
    expect(readLiveMessage('reset', '')).toEqual({ type: 'reset' });
    expect(readLiveMessage('notification', JSON.stringify(note(3)))).toEqual({
      type: 'notification',
      notification: note(3),
    });
    expect(readLiveMessage('feed', JSON.stringify(entry()))).toEqual({ type: 'feed', entry: entry() });
  });

  it('ignores unknown events and data it cannot read', () => {
    expect(readLiveMessage('something-new', '{}')).toBeUndefined();
    expect(readLiveMessage('notification', 'not json')).toBeUndefined();
    expect(readLiveMessage('notification', JSON.stringify({ ...note(3), title: 'x' }))).toBeUndefined();
    expect(readLiveMessage('notification', JSON.stringify({ ...note(3), readAt: 5 }))).toBeUndefined();
    expect(readLiveMessage('feed', JSON.stringify({ ...entry(), at: undefined }))).toBeUndefined();
    expect(readLiveMessage('feed', 'null')).toBeUndefined();
  });
});

describe('own changes', () => {
  const own = [{ entityType: 'event', entityId: 42, at: '2026-11-24T02:00:00.000Z' }];
  it('recognises the feed entry written with a change made here', () => {
    expect(isOwnChange(entry(), own)).toBe(true);
  });
  it('takes a later change of the same record, or another record, as news', () => {
    expect(isOwnChange(entry({ at: '2026-11-24T02:00:30.000Z' }), own)).toBe(false);
    expect(isOwnChange(entry({ entityId: 43 }), own)).toBe(false);
    expect(isOwnChange(entry({ entityType: 'hazard' }), own)).toBe(false);
    expect(isOwnChange(entry(), [])).toBe(false);
  });
});

describe('links and times', () => {
  it('navigates to in-app paths only', () => {
    expect(inAppPath('/events/42')).toBe('/events/42');
    expect(inAppPath('/index/accountability?item=7')).toBe('/index/accountability?item=7');
    expect(inAppPath('/')).toBe('/');
    expect(inAppPath('//evil.example/x')).toBeNull();
    expect(inAppPath('/\\evil.example')).toBeNull();
    expect(inAppPath('https://evil.example/')).toBeNull();
    expect(inAppPath('javascript:alert(1)')).toBeNull();
  });

  it('says how long ago within a day, and the local time beyond', () => {
    const words = { now: '刚刚', minutes: '{n} 分钟前', hours: '{n} 小时前' };
    const now = Date.parse('2026-11-24T10:00:00.000Z');
    expect(timeAgo('2026-11-24T09:59:30.000Z', now, words)).toBe('刚刚');
    expect(timeAgo('2026-11-24T09:55:00.000Z', now, words)).toBe('5 分钟前');
    expect(timeAgo('2026-11-24T07:00:00.000Z', now, words)).toBe('3 小时前');
    // 2026-11-22 20:15 in Asia/Shanghai
    expect(timeAgo('2026-11-22T12:15:00.000Z', now, words)).toBe('2026-11-22 20:15');
    expect(timeAgo('garbage', now, words)).toBe('—');
  });
});
