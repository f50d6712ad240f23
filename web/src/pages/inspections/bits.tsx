// Small shared pieces of the inspection pages: the campaign's kind and state tags, who plans and who
// fills forms (as inspections/policy.ts decides on the server), the name of a template's subject.
import { Tag } from 'antd';
import type { Campaign, CampaignKind, CampaignState, Template } from '../../api/inspections';
import type { Role, User } from '../../api/types';
import { type Lang, useI18n } from '../../i18n';
import { bi } from '../hazards/bits';
import { CAMPAIGN_STATE_COLORS, KIND_COLORS } from './model';

/** Plan, draw and close campaigns; edit checklist templates (inspections/policy.ts PLANNER_ROLES). */
export const PLANNER_ROLES: readonly Role[] = ['safety_office', 'admin'];
/** Fill in a self-inspection form of their area (SELF_FILLER_ROLES). */
export const SELF_FILLER_ROLES: readonly Role[] = [
  'grid_worker',
  'micro_grid_leader',
  'village_staff',
  'town_staff',
];

export const isPlanner = (u: User) => u.roles.some((r) => PLANNER_ROLES.includes(r));

/** Whether the user visits this campaign's targets (the server still checks the target's area). */
export function mayFill(u: User, c: Pick<Campaign, 'kind' | 'state' | 'inspectorIds'>): boolean {
  if (c.state !== 'drawn') return false;
  if (c.kind === 'covert') return c.inspectorIds.includes(u.id);
  return isPlanner(u) || u.roles.some((r) => SELF_FILLER_ROLES.includes(r));
}

export function KindTag({ kind }: { kind: CampaignKind }) {
  const { tc } = useI18n();
  return (
    <Tag color={KIND_COLORS[kind]} data-kind={kind}>
      {tc('insp.kind', kind)}
    </Tag>
  );
}

export function CampaignStateTag({ state }: { state: CampaignState }) {
  const { tc } = useI18n();
  return (
    <Tag color={CAMPAIGN_STATE_COLORS[state]} data-testid="campaign-state" data-state={state}>
      {tc('insp.state', state)}
    </Tag>
  );
}

/** A template's subject: a kind of place by its registry name, or a level of unit. */
export function subjectName(
  t: Pick<Template, 'subjectType' | 'subject'>,
  kinds: readonly { code: string; name: { zh: string; en: string } }[] | undefined,
  lang: Lang,
  tc: (prefix: string, code: string) => string,
): string {
  if (t.subjectType === 'unit') return tc('level', t.subject);
  const k = kinds?.find((x) => x.code === t.subject);
  return k ? bi(lang, k.name) : t.subject;
}
