import { Tag } from 'antd';
import type { EventState } from '../../api/events';
import { useI18n } from '../../i18n';

const COLORS: Record<EventState, string> = {
  submitted: 'blue',
  accepted: 'cyan',
  rejected: 'red',
  assigned: 'geekblue',
  in_progress: 'processing',
  returned: 'orange',
  resolved: 'green',
  closed: 'default',
  reopened: 'volcano',
  merged: 'purple',
};

export function StateTag({ state }: { state: EventState }) {
  const { t } = useI18n();
  return (
    <Tag color={COLORS[state]} className="report-state" data-state={state}>
      {t(`report.state.${state}`)}
    </Tag>
  );
}
