// One report as its reporter sees it: every step of the timeline, the handler's result with its photos,
// and, once it is resolved, a rating (1–5 with a comment) or "not fixed", which reopens it with a reason.
import { LeftOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, Image, Input, Rate, Spin, Timeline } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { isApiError } from '../../api/client';
import { type EventDetail, eventsApi, type Media, type TimelineItem } from '../../api/events';
import { hasKey, type MessageKey, useI18n } from '../../i18n';
import { navigate } from '../../router/router';
import { TIME_ZONE } from '../events/model';
import { bilingual } from './context';
import { tokenFor } from './follow';
import { TrackingNo } from './ReportDone';
import { StateTag } from './StateTag';

/** Shown where a photo cannot be loaded (offline, or not readable for this viewer). */
const PHOTO_FALLBACK =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect width="96" height="96" fill="#eef2f6"/>' +
      '<path d="M28 36h8l4-6h16l4 6h8v30H28z" fill="none" stroke="#9aa8b8" stroke-width="3"/>' +
      '<circle cx="48" cy="51" r="8" fill="none" stroke="#9aa8b8" stroke-width="3"/></svg>',
  );

/** Ratings below this reopen the report (the server's CLOSING_RATING). */
const CLOSING_RATING = 3;

async function fetchDetail(
  id: number,
  token: string | undefined,
  signal?: AbortSignal,
): Promise<EventDetail> {
  if (token) {
    const { items } = await eventsApi.followed([token]);
    const found = items.find((e) => e.id === id);
    if (found) return found;
  }
  return eventsApi.get(id, signal);
}

export function ReportDetail({ id }: { id: number }) {
  const { t, lang, errorText } = useI18n();
  const [event, setEvent] = useState<EventDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const token = tokenFor(id);

  const load = useCallback(
    (signal?: AbortSignal) =>
      fetchDetail(id, token, signal)
        .then((e) => {
          if (!signal?.aborted) {
            setEvent(e);
            setError(null);
          }
        })
        .catch((e: unknown) => {
          if (!signal?.aborted) setError(errorText(e));
        }),
    [id, token, errorText],
  );

  useEffect(() => {
    const ctrl = new AbortController();
    void load(ctrl.signal);
    return () => ctrl.abort();
  }, [load]);

  const back = (
    <Button
      type="link"
      icon={<LeftOutlined />}
      className="report-back"
      onClick={() => navigate('/report/mine')}
    >
      {t('report.mine.title')}
    </Button>
  );
  if (error) {
    return (
      <div className="report-detail">
        {back}
        <Alert type="error" showIcon message={error} />
      </div>
    );
  }
  if (!event) return <Spin className="page-spin" />;

  const when = (iso: string) =>
    new Date(iso).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short', timeZone: TIME_ZONE });
  const resolveSteps = event.timeline.filter((s) => s.kind === 'resolve');
  const result = resolveSteps[resolveSteps.length - 1];
  const resultMediaIds = new Set(resolveSteps.flatMap((s) => s.mediaIds ?? []));
  const resultMedia = event.media.filter((m) => result?.mediaIds?.includes(m.id));
  const reportMedia = event.media.filter((m) => !resultMediaIds.has(m.id));
  const canAnswer = event.state === 'resolved' && (event.actions.includes('rate') || !!token);

  return (
    <div className="report-detail" data-testid="report-detail" data-state={event.state}>
      {back}
      <section className="report-card">
        <div className="report-card-head">
          <span className="report-card-title">{bilingual(lang, event.category.name)}</span>
          <StateTag state={event.state} />
        </div>
        <TrackingNo no={event.trackingNo} />
        <p className="report-detail-text">{event.description}</p>
        <Photos media={reportMedia} />
        <dl className="report-facts">
          <dt>{t('report.detail.createdAt')}</dt>
          <dd>{when(event.createdAt)}</dd>
          {event.place.length > 0 && (
            <>
              <dt>{t('report.done.place')}</dt>
              <dd>{event.place.map((u) => u.name).join(' › ')}</dd>
            </>
          )}
          {event.address && (
            <>
              <dt>{t('report.address')}</dt>
              <dd>{event.address}</dd>
            </>
          )}
          {event.assignee && (
            <>
              <dt>{t('report.detail.assignee')}</dt>
              <dd>{event.assignee.name}</dd>
            </>
          )}
          {/* the deadline of the assignment being worked (a reopened or returned event waits for a new one) */}
          {event.dueAt && ['assigned', 'in_progress'].includes(event.state) && (
            <>
              <dt>{t('report.detail.dueAt')}</dt>
              <dd>{when(event.dueAt)}</dd>
            </>
          )}
          {event.rating !== null && (
            <>
              <dt>{t('report.detail.rating')}</dt>
              <dd>
                <Rate disabled value={event.rating} className="report-rate-small" />
              </dd>
            </>
          )}
          {event.mergedInto && (
            <>
              <dt>{t('report.detail.mergedInto')}</dt>
              <dd>{event.mergedInto.trackingNo}</dd>
            </>
          )}
        </dl>
      </section>

      {result?.note && (
        <section className="report-card report-result" data-testid="report-result">
          <div className="report-label">
            {['resolved', 'closed'].includes(event.state)
              ? t('report.detail.result')
              : t('report.detail.lastResult')}
          </div>
          <p className="report-detail-text">{result.note}</p>
          <Photos media={resultMedia} />
        </section>
      )}

      {canAnswer && <Answer event={event} token={token} onDone={setEvent} onStale={() => void load()} />}

      <section className="report-card">
        <div className="report-label">{t('report.detail.timeline')}</div>
        <Timeline
          className="report-timeline"
          data-testid="report-timeline"
          items={[...event.timeline]
            .sort((a, b) => b.seq - a.seq)
            .map((s) => ({ color: stepColor(s), children: <Step step={s} when={when} /> }))}
        />
      </section>
    </div>
  );
}

function stepColor(s: TimelineItem): string {
  if (s.kind === 'resolve' || (s.kind === 'rate' && s.to === 'closed')) return 'green';
  if (s.kind === 'reopen' || s.kind === 'reject' || s.kind === 'overdue' || s.kind === 'escalate')
    return 'red';
  if (s.kind === 'rate') return 'orange';
  return 'blue';
}

function Step({ step, when }: { step: TimelineItem; when: (iso: string) => string }) {
  const { t } = useI18n();
  const who = (by: string) => (hasKey(`report.by.${by}`) ? t(`report.by.${by}` as MessageKey) : by);
  return (
    <div className="report-step" data-kind={step.kind}>
      <div className="report-step-head">
        <strong>{t(`report.timeline.${step.kind}`)}</strong>
        <span className="report-step-time">{when(step.at)}</span>
      </div>
      <div className="report-step-by">{who(step.by)}</div>
      {step.assignee && <div>{t('report.detail.to', { name: step.assignee.name })}</div>}
      {step.supervisor && <div>{t('report.detail.supervisor', { name: step.supervisor.name })}</div>}
      {step.rating !== undefined && <Rate disabled value={step.rating} className="report-rate-small" />}
      {step.reason && <div className="report-step-text">{step.reason}</div>}
      {step.note && <div className="report-step-text">{step.note}</div>}
      {step.comment && <div className="report-step-text">{step.comment}</div>}
    </div>
  );
}

function Photos({ media }: { media: readonly Media[] }) {
  if (media.length === 0) return null;
  return (
    <div className="report-detail-photos">
      <Image.PreviewGroup>
        {media.map((m) =>
          m.kind === 'video' ? (
            // biome-ignore lint/a11y/useMediaCaption: reporters' own clips carry no captions
            <video key={m.id} src={m.url} controls preload="metadata" className="report-detail-video" />
          ) : (
            <Image
              key={m.id}
              src={m.thumbnailUrl ?? m.url}
              preview={{ src: m.url }}
              width={96}
              height={96}
              fallback={PHOTO_FALLBACK}
            />
          ),
        )}
      </Image.PreviewGroup>
    </div>
  );
}

/** Rate the answer, or say it was not fixed. */
function Answer({
  event,
  token,
  onDone,
  onStale,
}: {
  event: EventDetail;
  token: string | undefined;
  onDone: (e: EventDetail) => void;
  onStale: () => void;
}) {
  const { t, errorText } = useI18n();
  const { message } = AntApp.useApp();
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState('');
  const [reopening, setReopening] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const send = async (
    body: { action: 'rate'; rating: number; comment?: string } | { action: 'reopen'; reason: string },
  ) => {
    setBusy(true);
    setError(null);
    try {
      const next = await eventsApi.transition(event.id, {
        ...body,
        version: event.version,
        ...(token ? { followToken: token } : {}),
      });
      void message.success(body.action === 'rate' ? t('report.rate.thanks') : t('report.reopen.done'));
      onDone(next);
    } catch (e) {
      if (isApiError(e, 409)) {
        void message.info(t('report.stale'));
        onStale();
      } else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="report-card report-answer" data-testid="report-answer">
      <div className="report-label">{t('report.rate.title')}</div>
      <Rate value={rating} onChange={setRating} className="report-rate" data-testid="report-rate" />
      {rating > 0 && rating < CLOSING_RATING && <div className="report-note">{t('report.rate.lowNote')}</div>}
      <Input.TextArea
        value={comment}
        maxLength={500}
        autoSize={{ minRows: 2, maxRows: 5 }}
        placeholder={t('report.rate.comment')}
        data-testid="rate-comment"
        onChange={(e) => setComment(e.target.value)}
      />
      {error && <Alert type="error" showIcon message={error} className="report-card-alert" />}
      <div className="report-answer-actions">
        <Button
          type="primary"
          disabled={rating < 1}
          loading={busy && !reopening}
          data-testid="rate-submit"
          onClick={() =>
            void send({ action: 'rate', rating, ...(comment.trim() ? { comment: comment.trim() } : {}) })
          }
        >
          {t('report.rate.submit')}
        </Button>
        {!reopening && (
          <Button danger data-testid="not-fixed" onClick={() => setReopening(true)}>
            {t('report.reopen')}
          </Button>
        )}
      </div>
      {reopening && (
        <div className="report-reopen">
          <Input.TextArea
            value={reason}
            maxLength={500}
            autoSize={{ minRows: 2, maxRows: 5 }}
            placeholder={t('report.reopen.reason')}
            data-testid="reopen-reason"
            onChange={(e) => setReason(e.target.value)}
          />
          <div className="report-answer-actions">
            <Button onClick={() => setReopening(false)}>{t('report.cancel')}</Button>
            <Button
              danger
              type="primary"
              disabled={!reason.trim()}
              loading={busy}
              data-testid="reopen-submit"
              onClick={() => void send({ action: 'reopen', reason: reason.trim() })}
            >
              {t('report.reopen.submit')}
            </Button>
          </div>
        </div>
      )}
    </section>
  );
}
