// Pure logic of the live updates: the bell's state (latest notifications and the unread count) as a
// reducer, which feed entries a page listens to, the stream's messages read defensively, and how long
// ago something happened. No React and no I/O, so they are tested alone.
import type { FeedEntry, Notification } from '../api/notifications';
import { formatDateTime } from '../pages/events/model';

/** How many notifications the bell keeps and shows. */
export const BELL_SIZE = 20;

export interface BellState {
  /** Newest first; at most BELL_SIZE. */
  items: Notification[];
  unread: number;
  /** The list was fetched at least once (the count alone is fetched on load). */
  listed: boolean;
}

export const initialBell: BellState = { items: [], unread: 0, listed: false };

export type BellAction =
  | { type: 'count'; count: number }
  | { type: 'listed'; items: Notification[] }
  | { type: 'received'; notification: Notification }
  | { type: 'read'; notification: Notification }
  | { type: 'readAll'; at: string };

const newestFirst = (a: Notification, b: Notification) => b.id - a.id;

export function bellReducer(state: BellState, action: BellAction): BellState {
  switch (action.type) {
    case 'count':
      return { ...state, unread: Math.max(0, action.count) };
    case 'listed': {
      // what arrived live while the page was loading stays, once
      const byId = new Map(action.items.map((n) => [n.id, n]));
      for (const n of state.items) if (!byId.has(n.id)) byId.set(n.id, n);
      return { ...state, items: [...byId.values()].sort(newestFirst).slice(0, BELL_SIZE), listed: true };
    }
    case 'received': {
      const n = action.notification;
      // a stream resumed after a disconnect may bring one again
      if (state.items.some((x) => x.id === n.id)) return state;
      return {
        ...state,
        items: [n, ...state.items].sort(newestFirst).slice(0, BELL_SIZE),
        unread: state.unread + (n.readAt === null ? 1 : 0),
      };
    }
    case 'read': {
      const n = action.notification;
      const before = state.items.find((x) => x.id === n.id);
      const wasUnread = before ? before.readAt === null : true;
      return {
        ...state,
        items: state.items.map((x) => (x.id === n.id ? n : x)),
        unread: wasUnread && n.readAt !== null ? Math.max(0, state.unread - 1) : state.unread,
      };
    }
    case 'readAll':
      return {
        ...state,
        items: state.items.map((x) => (x.readAt === null ? { ...x, readAt: action.at } : x)),
        unread: 0,
      };
  }
}

/**
 * Whether a feed kind is among `patterns`: an exact kind ('events.assigned') or a prefix ending in
 * '.*' ('events.*' takes every kind that starts with 'events.').
 */
export function kindMatches(patterns: readonly string[], kind: string): boolean {
  return patterns.some((p) => (p.endsWith('.*') ? kind.startsWith(p.slice(0, -1)) : p === kind));
}

export type LiveMessage =
  | { type: 'ready' }
  | { type: 'reset' }
  | { type: 'notification'; notification: Notification }
  | { type: 'feed'; entry: FeedEntry };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function hasCommonFields(v: Record<string, unknown>): boolean {
  return (
    typeof v.id === 'number' &&
    typeof v.kind === 'string' &&
    typeof v.link === 'string' &&
    isRecord(v.title) &&
    typeof v.title.zh === 'string' &&
    typeof v.title.en === 'string'
  );
}

/**
 * One message of the stream, from its event name and data; undefined for what this client does not
 * know (a newer server's event, or data it cannot read), which is then ignored.
 */
export function readLiveMessage(event: string, data: string): LiveMessage | undefined {
  if (event === 'ready' || event === 'reset') return { type: event };
  if (event !== 'notification' && event !== 'feed') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isRecord(v) || !hasCommonFields(v)) return undefined;
  if (event === 'notification') {
    if (typeof v.createdAt !== 'string' || !(v.readAt === null || typeof v.readAt === 'string')) return;
    return { type: 'notification', notification: v as unknown as Notification };
  }
  if (typeof v.at !== 'string') return undefined;
  return { type: 'feed', entry: v as unknown as FeedEntry };
}

/** A record this client itself just changed, as the server answered the change. */
export interface OwnChange {
  entityType: string;
  entityId: number;
  /** The record's updatedAt after the change. */
  at: string;
}

/** Clock slack between the record's updatedAt and the feed entry written in the same transaction. */
const OWN_SLACK_MS = 2000;

/**
 * Whether a feed entry only reports a change this client made itself (and has already shown): same
 * record, written with that change (its time within a clock's slack of the record's updatedAt).
 */
export function isOwnChange(entry: FeedEntry, own: readonly OwnChange[]): boolean {
  const at = Date.parse(entry.at);
  return own.some(
    (c) =>
      c.entityType === entry.entityType &&
      c.entityId === entry.entityId &&
      Math.abs(at - Date.parse(c.at)) <= OWN_SLACK_MS,
  );
}

/** The link as an in-app path to navigate to; null for anything else (another site, '//host'). */
export function inAppPath(link: string): string | null {
  return /^\/([^/\\]|$)/.test(link) ? link : null;
}

export interface AgoWords {
  now: string;
  minutes: string;
  hours: string;
}

/** "刚刚", "5 分钟前", "3 小时前" within a day; the local date and time beyond. */
export function timeAgo(iso: string, now: number, words: AgoWords): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const minutes = Math.floor((now - t) / 60_000);
  if (minutes < 1) return words.now;
  if (minutes < 60) return words.minutes.replace('{n}', String(minutes));
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return words.hours.replace('{n}', String(hours));
  return formatDateTime(iso);
}
