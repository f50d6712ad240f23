// Small shared pieces of the hazard pages: state and severity tags, the deadline tag, and the
// reference data they read (domains, towns) loaded once per page load.
import { Tag } from 'antd';
import { unitsApi } from '../../api/endpoints';
import type { Hazard, HazardDomain, HazardState, Severity } from '../../api/hazards';
import { hazardsApi } from '../../api/hazards';
import type { Unit } from '../../api/types';
import { useI18n } from '../../i18n';
import { DueTag } from '../events/bits';
import { FINISHED_STATES, HAZARD_STATE_COLORS, SEVERITY_COLORS } from './model';

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

export const loadDomains = once(() =>
  hazardsApi.domains().then((p) => p.items.filter((d) => d.active).sort((a, b) => a.position - b.position)),
);
export const loadTowns = once(() => unitsApi.list({ level: 'town', pageSize: 200 }).then((p) => p.items));

export type { HazardDomain, Unit };

export function HazardStateTag({ state }: { state: HazardState }) {
  const { tc } = useI18n();
  return (
    <Tag color={HAZARD_STATE_COLORS[state]} data-testid="hazard-state" data-state={state}>
      {tc('hazards.state', state)}
    </Tag>
  );
}

export function SeverityTag({ severity }: { severity: Severity }) {
  const { tc } = useI18n();
  return (
    <Tag color={SEVERITY_COLORS[severity]} data-severity={severity}>
      {tc('hazards.severity', severity)}
    </Tag>
  );
}

/** The rectification deadline as the events pages show a time limit (nothing once finished). */
export function HazardDueTag({ hazard }: { hazard: Pick<Hazard, 'dueAt' | 'overdue' | 'state'> }) {
  const finished = FINISHED_STATES.includes(hazard.state) || hazard.state === 'verifying';
  return (
    <DueTag
      event={{ dueAt: hazard.dueAt, overdue: hazard.overdue, state: finished ? 'closed' : 'assigned' }}
    />
  );
}

export const bi = (lang: string, t: { zh: string; en: string }) => (lang === 'en' ? t.en : t.zh);
