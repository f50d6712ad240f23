// Small shared pieces of the events pages: the state tag and the time-limit tag.
import { ClockCircleOutlined, WarningOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import { useEffect, useState } from 'react';
import type { EventState } from '../../api/events';
import { useI18n } from '../../i18n';
import { DURATION_EN, DURATION_ZH, dueStatus, formatDuration, STATE_COLORS } from './model';

export function StateTag({ state }: { state: EventState }) {
  const { tc } = useI18n();
  return (
    <Tag color={STATE_COLORS[state].tag} data-testid="state-tag" data-state={state} className="state-tag">
      {tc('events.state', state)}
    </Tag>
  );
}

/** The current time, refreshed every minute (time limits count down while a page stays open). */
export function useNow(everyMs = 60_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** "超期 2小时" in red, "剩余 3小时" in orange when under four hours, else "剩余 2天" plainly; nothing once finished. */
export function DueTag({ event }: { event: { dueAt: string | null; overdue: boolean; state: EventState } }) {
  const { t, lang } = useI18n();
  const now = useNow();
  const s = dueStatus(event, now);
  const words = lang === 'en' ? DURATION_EN : DURATION_ZH;
  switch (s.kind) {
    case 'overdue':
      return (
        <Tag color="red" icon={<WarningOutlined />} data-testid="overdue-tag">
          {s.byMs > 0
            ? t('events.detail.overdueBy', { time: formatDuration(s.byMs, words) })
            : t('events.detail.overdue')}
        </Tag>
      );
    case 'soon':
      return (
        <Tag color="orange" icon={<ClockCircleOutlined />}>
          {t('events.detail.left', { time: formatDuration(s.leftMs, words) })}
        </Tag>
      );
    case 'ok':
      return <Tag bordered={false}>{t('events.detail.left', { time: formatDuration(s.leftMs, words) })}</Tag>;
    default:
      return null;
  }
}
