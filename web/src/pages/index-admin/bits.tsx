// Small shared pieces of the index pages: the five-color tag, the run's state tag, the score-change
// text, error texts for the index's own problem codes, and unit names looked up once per session.
import { Tag } from 'antd';
import { useCallback } from 'react';
import { isApiError } from '../../api/client';
import { unitsApi } from '../../api/endpoints';
import type { AccountabilityAction, IndexColor, RunState } from '../../api/safetyIndex';
import { type MessageKey, useI18n } from '../../i18n';
import { formatChange } from './model';

export const COLOR_HEX: Record<IndexColor, string> = {
  dark_green: '#1a7f37',
  green: '#52b043',
  yellow: '#e6b800',
  orange: '#f08c00',
  red: '#d4380d',
};

/** The tag colors of the accountability actions, mildest to hardest (delisting: good news). */
export const ACTION_COLORS: Record<AccountabilityAction, string> = {
  warning: 'gold',
  copy_notice: 'orange',
  supervision: 'volcano',
  listing: 'red',
  delisting: 'green',
};

const STATE_TAG: Record<RunState, string> = {
  collected: 'default',
  computed: 'processing',
  confirmed: 'gold',
  published: 'success',
  discarded: 'default',
};

export function ColorTag({ color }: { color: IndexColor | null }) {
  const { t } = useI18n();
  if (!color) return <span className="ia-muted">—</span>;
  return (
    <span className="ia-color" data-color={color}>
      <span className="ia-swatch" style={{ background: COLOR_HEX[color] }} />
      {t(`indexadmin.color.${color}`)}
    </span>
  );
}

export function RunStateTag({ state }: { state: RunState }) {
  const { t } = useI18n();
  return (
    <Tag color={STATE_TAG[state]} data-testid="run-state" data-state={state}>
      {t(`indexadmin.state.${state}`)}
    </Tag>
  );
}

export function Change({ value }: { value: number | null }) {
  const cls = value === null || value === 0 ? 'ia-muted' : value > 0 ? 'ia-up' : 'ia-down';
  return <span className={cls}>{formatChange(value)}</span>;
}

const ERROR_KEYS: Record<string, MessageKey> = {
  'safety_index.period_not_over': 'indexadmin.error.periodNotOver',
  'safety_index.no_scheme': 'indexadmin.error.noScheme',
  'safety_index.already_published': 'indexadmin.error.alreadyPublished',
  'safety_index.run_not_editable': 'indexadmin.error.notEditable',
  'safety_index.run_version_conflict': 'indexadmin.run.conflict',
  'safety_index.scheme_version_conflict': 'indexadmin.scheme.conflict',
  'safety_index.item_version_conflict': 'indexadmin.acc.conflict',
  'safety_index.item_not_open': 'indexadmin.error.notEditable',
  'safety_index.invalid_scheme': 'indexadmin.error.invalidScheme',
  'safety_index.reason_required': 'indexadmin.error.reasonRequired',
  'safety_index.invalid_external': 'indexadmin.error.invalidExternal',
  'safety_index.input_not_found': 'indexadmin.error.inputNotFound',
  'safety_index.external_file_too_large': 'indexadmin.error.fileTooLarge',
  'safety_index.external_file_unsupported': 'indexadmin.error.fileUnsupported',
  'safety_index.external_file_unreadable': 'indexadmin.error.fileUnreadable',
  'safety_index.no_file': 'indexadmin.error.noFile',
  'safety_index.not_multipart': 'indexadmin.error.noFile',
};

/** The user's text for an error of the index API: its own words for the index's codes. */
export function useIndexErrorText(): (e: unknown) => string {
  const { t, errorText } = useI18n();
  return useCallback(
    (e: unknown) => {
      const key = isApiError(e) ? ERROR_KEYS[e.code] : undefined;
      return key ? t(key) : errorText(e);
    },
    [t, errorText],
  );
}

/** A 409 meaning "someone else changed it first" (reload, then try again). */
export function isConflict(e: unknown): boolean {
  return isApiError(e, 409) && /version_conflict$/.test(e.code);
}

export interface UnitLabel {
  name: string;
  /** The unit above it (a village's town), to tell apart units of the same name. */
  parent: string | null;
}

const unitLabels = new Map<number, Promise<UnitLabel | null>>();

/** Names of units by id (the accountability items carry only the id), each asked once per session. */
export async function namesOf(ids: readonly number[]): Promise<Map<number, UnitLabel>> {
  const out = new Map<number, UnitLabel>();
  await Promise.all(
    [...new Set(ids)].map(async (id) => {
      let p = unitLabels.get(id);
      if (!p) {
        p = unitsApi.get(id).then(
          (u) => ({ name: u.name, parent: u.ancestors.at(-1)?.name ?? null }),
          () => null,
        );
        unitLabels.set(id, p);
      }
      const label = await p;
      if (label) out.set(id, label);
      else unitLabels.delete(id);
    }),
  );
  return out;
}
