// Notifications and the live feed: shapes (mirroring server/src/modules/notifications/schema.ts), one
// typed call per endpoint the client uses, and the address of the live stream (Server-Sent Events).

import { api } from './client';
import type { Bilingual } from './events';
import type { Page } from './types';

const V1 = '/api/v1/notifications';

/** The live stream: `ready`, `notification` (a Notification), `feed` (a FeedEntry), `reset`. */
export const STREAM_URL = `${V1}/stream`;

export interface Notification {
  id: number;
  /** What happened, e.g. 'events.assigned'. */
  kind: string;
  entityType: string;
  entityId: number;
  title: Bilingual;
  /** An in-app path, e.g. '/events/42'. */
  link: string;
  createdAt: string;
  readAt: string | null;
}

export interface FeedEntry {
  id: number;
  at: string;
  kind: string;
  entityType: string;
  entityId: number;
  title: Bilingual;
  link: string;
  unitPath: string;
}

export const notificationsApi = {
  list: (query: { unread?: boolean; page?: number; pageSize?: number }, signal?: AbortSignal) =>
    api.get<Page<Notification>>(V1, { query: { ...query }, signal }),
  unreadCount: (signal?: AbortSignal) => api.get<{ count: number }>(`${V1}/unread-count`, { signal }),
  markRead: (id: number) => api.post<Notification>(`${V1}/${id}/read`),
  readAll: () => api.post<{ updated: number }>(`${V1}/read-all`),
};
