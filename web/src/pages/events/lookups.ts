// Reference data the console reads often and that rarely changes: the category tree and the
// departments. Loaded once per page load and shared; a failure is not cached, so the next use retries.
import { api } from '../../api/client';
import { type Category, eventsApi } from '../../api/events';
import type { Page } from '../../api/types';

export interface Department {
  id: number;
  code: string;
  name: string;
  /** The unit whose territory it serves. */
  unitId: number;
}

/** GET /api/v1/departments (the units module); the client had no call for it yet. */
export const departmentsApi = {
  list: (signal?: AbortSignal) =>
    api.get<Page<Department>>('/api/v1/departments', { query: { pageSize: 200 }, signal }),
};

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    if (!pending) {
      pending = load().catch((e: unknown) => {
        pending = null;
        throw e;
      });
    }
    return pending;
  };
}

export const loadCategories = once(() => eventsApi.categories().then((p) => p.items));
export const loadDepartments = once(() => departmentsApi.list().then((p) => p.items));

export interface CategoryNode {
  value: string;
  title: string;
  children?: CategoryNode[];
}

/** The category tree for a tree select, in the user's language (the list comes depth-first). */
export function categoryTree(items: readonly Category[], lang: 'zh-CN' | 'en'): CategoryNode[] {
  const roots: CategoryNode[] = [];
  const byCode = new Map<string, CategoryNode>();
  for (const c of items) {
    const node: CategoryNode = { value: c.code, title: lang === 'en' ? c.name.en : c.name.zh };
    byCode.set(c.code, node);
    const parent = c.parentCode ? byCode.get(c.parentCode) : undefined;
    if (!parent) roots.push(node);
    else if (parent.children) parent.children.push(node);
    else parent.children = [node];
  }
  return roots;
}
