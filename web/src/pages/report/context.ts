// What the reporting page's parts share: who is reporting, the outbox and the category tree.
import { createContext, useContext } from 'react';
import type { Bilingual, Category } from '../../api/events';
import type { Role, User } from '../../api/types';
import type { OutboxView } from './useOutbox';

/** Staff who file for residents ("on behalf of") and see their grid's events. */
export const FIELD_ROLES: readonly Role[] = ['grid_worker', 'micro_grid_leader'];

export interface ReportContextValue {
  /** Null for a visitor without an account (an anonymous reporter). */
  user: User | null;
  outbox: OutboxView;
  categories: Category[];
  byCode: Map<string, Category>;
  categoriesLoaded: boolean;
}

export const ReportContext = createContext<ReportContextValue | null>(null);

export function useReport(): ReportContextValue {
  const ctx = useContext(ReportContext);
  if (!ctx) throw new Error('useReport outside ReportPage');
  return ctx;
}

export function isFieldStaff(user: User | null): boolean {
  return !!user?.roles.some((r) => FIELD_ROLES.includes(r));
}

/** Residents (and only they) may keep their name out of the record; visitors have none to keep out. */
export function mayReportAnonymously(user: User | null): boolean {
  return !!user?.roles.includes('resident');
}

export function bilingual(lang: string, b: Bilingual | undefined): string {
  if (!b) return '';
  return lang === 'en' ? b.en || b.zh : b.zh;
}
