// The category tree (public), kept in localStorage so that a page opened without network can still
// offer the categories and guess one from the description.
import { useEffect, useMemo, useState } from 'react';
import { type Category, eventsApi } from '../../api/events';

const KEY = 'anwang.report.categories';

function cached(): Category[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as Category[]) : [];
  } catch {
    return [];
  }
}

export function useCategories(): { categories: Category[]; byCode: Map<string, Category>; loaded: boolean } {
  const [categories, setCategories] = useState<Category[]>(cached);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    const ctrl = new AbortController();
    eventsApi
      .categories(ctrl.signal)
      .then((page) => {
        setCategories(page.items);
        try {
          localStorage.setItem(KEY, JSON.stringify(page.items));
        } catch {
          // full or private: the next offline open has no list, the server still has it
        }
      })
      .catch(() => {
        // offline: keep the cached tree
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoaded(true);
      });
    return () => ctrl.abort();
  }, []);
  const byCode = useMemo(() => new Map(categories.map((c) => [c.code, c])), [categories]);
  return { categories, byCode, loaded };
}
