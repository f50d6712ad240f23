// Typed calls, one per endpoint the client uses.
import { api } from './client';
import type {
  Account,
  ApiKey,
  AssignedPerson,
  CreatedApiKey,
  Level,
  Page,
  Unit,
  UnitDetail,
  UnitFeatureCollection,
  User,
} from './types';

const V1 = '/api/v1';

export const authApi = {
  login: (username: string, password: string) =>
    api.post<{ user: User }>(`${V1}/auth/login`, { username, password }, { allowUnauthenticated: true }),
  logout: () => api.post<void>(`${V1}/auth/logout`, undefined, { allowUnauthenticated: true }),
  /** The user behind the session cookie; a 401 means nobody is logged in (not an expired session). */
  me: () =>
    api
      .get<User | { user: User }>(`${V1}/me`, { allowUnauthenticated: true })
      .then((r) => ('user' in r ? r.user : r)),
};

export const systemApi = {
  /** Public facts about the deployment the client adapts to (e.g. a map tile URL). */
  clientConfig: (signal?: AbortSignal) =>
    api.get<{ tileUrl: string | null }>(`${V1}/client-config`, { signal, allowUnauthenticated: true }),
};

export interface UnitListQuery {
  level?: Level;
  parent?: number;
  q?: string;
  page?: number;
  pageSize?: number;
}

export const unitsApi = {
  list: (query: UnitListQuery, signal?: AbortSignal) =>
    api.get<Page<Unit>>(`${V1}/units`, { query: { ...query }, signal }),
  get: (id: number, signal?: AbortSignal) => api.get<UnitDetail>(`${V1}/units/${id}`, { signal }),
  geojson: (query: { within?: number; level?: Level }, signal?: AbortSignal) =>
    api.get<UnitFeatureCollection>(`${V1}/units/geojson`, { query, signal }),
  people: (id: number, page: number, pageSize: number, signal?: AbortSignal) =>
    api.get<Page<AssignedPerson>>(`${V1}/units/${id}/people`, { query: { page, pageSize }, signal }),
};

/** Lists that may come back bare or wrapped in a page. */
function itemsOf<T>(r: T[] | { items: T[] }): T[] {
  return Array.isArray(r) ? r : r.items;
}

export const adminApi = {
  accounts: (page: number, pageSize: number) =>
    api.get<Page<Account>>(`${V1}/accounts`, { query: { page, pageSize } }),
  apiKeys: () =>
    api.get<ApiKey[] | Page<ApiKey>>(`${V1}/api-keys`, { query: { pageSize: 200 } }).then(itemsOf),
  createApiKey: (name: string) => api.post<CreatedApiKey>(`${V1}/api-keys`, { name }),
  revokeApiKey: (id: number) => api.del<void>(`${V1}/api-keys/${id}`),
};
