// "My reports": what this device still has to send, then the reports of the account (view=mine) and those
// this device follows with the tokens it was given. Grid workers may also look at their grid's events.
import { CloudUploadOutlined, DeleteOutlined, ReloadOutlined, RightOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Segmented, Spin, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { type EventItem, eventsApi } from '../../api/events';
import { useI18n } from '../../i18n';
import { navigate } from '../../router/router';
import { TIME_ZONE } from '../events/model';
import { bilingual, isFieldStaff, useReport } from './context';
import { loadFollowed } from './follow';
import { StateTag } from './StateTag';

type View = 'mine' | 'queue';

export function MyReports() {
  const { t, lang, errorText } = useI18n();
  const { user, outbox, byCode } = useReport();
  const field = isFieldStaff(user);
  const [view, setView] = useState<View>('mine');
  const [items, setItems] = useState<EventItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setLoading(true);
      setError(null);
      try {
        const tokens = loadFollowed().map((f) => f.token);
        const [own, followed] = await Promise.all([
          user ? eventsApi.list({ view, pageSize: 50 }, signal).then((p) => p.items) : Promise.resolve([]),
          view === 'mine' && tokens.length
            ? eventsApi.followed(tokens).then((r) => r.items)
            : Promise.resolve([] as EventItem[]),
        ]);
        const byId = new Map<number, EventItem>();
        for (const e of [...own, ...followed]) byId.set(e.id, e);
        if (!signal?.aborted)
          setItems([...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
      } catch (e) {
        if (!signal?.aborted) setError(errorText(e));
      } finally {
        if (!signal?.aborted) setLoading(false);
      }
    },
    [user, view, errorText],
  );

  // reload when the outbox sends something (its count drops)
  const pending = outbox.entries.length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `pending` is the trigger, not an input
  useEffect(() => {
    const ctrl = new AbortController();
    void load(ctrl.signal);
    return () => ctrl.abort();
  }, [load, pending]);

  const when = (iso: string) =>
    new Date(iso).toLocaleString(lang, {
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: TIME_ZONE,
    });

  return (
    <div className="report-mine" data-testid="my-reports">
      <div className="report-mine-top">
        {field ? (
          <Segmented<View>
            value={view}
            onChange={setView}
            options={[
              { value: 'mine', label: t('report.mine.mine') },
              { value: 'queue', label: t('report.mine.queue') },
            ]}
          />
        ) : (
          <h2 className="report-h2">{t('report.mine.title')}</h2>
        )}
        <Button
          icon={<ReloadOutlined />}
          onClick={() => void load()}
          loading={loading}
          aria-label={t('report.reload')}
        />
      </div>

      {view === 'mine' &&
        outbox.entries.map((e) => (
          <div key={e.key} className="report-card report-card-outbox" data-testid="outbox-entry">
            <div className="report-card-head">
              <span className="report-card-title">
                {bilingual(lang, byCode.get(e.body.categoryCode)?.name) || e.body.categoryCode}
              </span>
              {e.failed ? (
                <Tag color="red">{t('report.outbox.failed')}</Tag>
              ) : (
                <Tag icon={<CloudUploadOutlined />} color="gold">
                  {t('report.outbox.waiting')}
                </Tag>
              )}
            </div>
            <div className="report-card-text">{e.body.description}</div>
            {e.failed ? (
              <Alert
                type="error"
                className="report-card-alert"
                message={errorText(new ApiError(e.failed))}
                description={e.failed.detail}
                action={
                  <Button
                    size="small"
                    danger
                    icon={<DeleteOutlined />}
                    onClick={() => void outbox.discard(e.key)}
                  >
                    {t('report.outbox.discard')}
                  </Button>
                }
              />
            ) : (
              <div className="report-card-meta">
                {t('report.outbox.attempts', { n: e.attempts })}
                {e.files.length > 0 && ` · ${t('report.outbox.files', { n: e.files.length })}`}
                <Button size="small" type="link" onClick={outbox.retryNow}>
                  {t('report.retryNow')}
                </Button>
              </div>
            )}
          </div>
        ))}

      {error && <Alert type="warning" showIcon message={error} className="report-card-alert" />}
      {items === null && loading && <Spin className="page-spin" />}
      {items && items.length === 0 && outbox.entries.length === 0 && (
        <Empty
          description={user || view === 'queue' ? t('report.mine.empty') : t('report.mine.emptyDevice')}
        />
      )}
      {items?.map((e) => (
        <a
          key={e.id}
          href={`/report/mine/${e.id}`}
          className="report-card"
          data-testid="report-item"
          data-tracking={e.trackingNo}
          onClick={(ev) => {
            ev.preventDefault();
            navigate(`/report/mine/${e.id}`);
          }}
        >
          <div className="report-card-head">
            <span className="report-card-title">{bilingual(lang, e.category.name)}</span>
            <StateTag state={e.state} />
          </div>
          <div className="report-card-text">{e.description}</div>
          <div className="report-card-meta">
            <span>{e.trackingNo}</span>
            <span>{when(e.createdAt)}</span>
            {e.overdue && <Tag color="red">{t('report.overdue')}</Tag>}
            <RightOutlined className="report-card-go" />
          </div>
        </a>
      ))}
    </div>
  );
}
