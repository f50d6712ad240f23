import { LEVELS, type Level } from '../../api/types';

/** The level directly below (children are exactly one level deeper), or null for a micro-grid. */
export function childLevel(level: Level): Level | null {
  return LEVELS[LEVELS.indexOf(level) + 1] ?? null;
}

export function formatNumber(n: number | null | undefined, lang: string): string {
  return n === null || n === undefined ? '—' : n.toLocaleString(lang);
}
