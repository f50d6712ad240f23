// Finding the published run of a unit: the run of a month at the unit's level (towns and villages are
// separate runs), through the public index, which answers the run's id with its items.
import { isApiError } from '../../api/client';
import { type IndexLevel, indexApi } from '../../api/safetyIndex';

/** The published run of `period` that has `unitId`, trying the given level first; null when none has it. */
export async function runFor(
  unitId: number,
  period: string,
  level?: IndexLevel,
): Promise<{ runId: number; level: IndexLevel } | null> {
  const levels: IndexLevel[] = level ? [level] : ['town', 'village'];
  for (const l of levels) {
    try {
      const index = await indexApi.publicIndex(period, l);
      if (index.items.some((i) => i.unitId === unitId)) return { runId: index.runId, level: l };
    } catch (e) {
      if (!isApiError(e, 404)) throw e;
    }
  }
  return null;
}

/** The newest published run that has the unit (the unit page opened without ?run=). */
export async function latestRunFor(
  unitId: number,
  level?: IndexLevel,
): Promise<{ runId: number; level: IndexLevel } | null> {
  const { periods } = await indexApi.publicPeriods();
  for (const p of periods.slice(0, 3)) {
    const found = await runFor(unitId, p, level);
    if (found) return found;
  }
  return null;
}
