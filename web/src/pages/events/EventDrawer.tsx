// One event in a drawer: what was reported (photos, description, answers, place, reporter), where it
// stands (route, handler, time limit, supervision), what happened (timeline), possible duplicates,
// and the buttons for exactly the actions the server says the viewer may take now.
import { ExclamationCircleOutlined, ReloadOutlined, VideoCameraOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Empty,
  Image,
  List,
  Popconfirm,
  Rate,
  Result,
  Skeleton,
  Space,
  Tag,
  Timeline,
  Tooltip,
  Typography,
} from 'antd';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { isApiError } from '../../api/client';
import {
  type AnswerValue,
  type Category,
  type EventAction,
  type EventDetail,
  eventsApi,
  type HandlerRef,
  type Media,
  type TimelineItem,
} from '../../api/events';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { ActionForm, isVersionConflict } from './ActionForm';
import { DueTag, StateTag } from './bits';
import { loadCategories } from './lookups';
import {
  ACTION_SPECS,
  buildTransition,
  formatDateTime,
  formatDistance,
  orderedActions,
  placeLine,
  STATE_COLORS,
} from './model';

export interface EventDrawerProps {
  eventId: number | null;
  onClose: () => void;
  /** After a successful action: the lists refresh. */
  onChanged?: (event: EventDetail) => void;
}

const gone = (e: unknown) => isApiError(e, 404) || isApiError(e, 403);

export function EventDrawer({ eventId, onClose, onChanged }: EventDrawerProps) {
  const { t, tc, lang, errorText } = useI18n();
  const { message } = App.useApp();
  const [event, setEvent] = useState<EventDetail | null>(null);
  const [conflict, setConflict] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<EventAction | null>(null);
  const [form, setForm] = useState<EventAction | null>(null);
  const loaded = useAsync(eventId === null ? null : (signal) => eventsApi.get(eventId, signal), [eventId], {
    expected: gone,
  });
  const categories = useAsync(() => loadCategories(), []);

  // a new event starts clean; a reload keeps the conflict notice until the next action
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on a new event only
  useEffect(() => {
    setConflict(false);
    setError(null);
    setForm(null);
    setEvent(null);
  }, [eventId]);
  useEffect(() => {
    if (loaded.data) setEvent(loaded.data);
  }, [loaded.data]);

  const reloadAfterConflict = useCallback(() => {
    setForm(null);
    setError(null);
    setConflict(true);
    loaded.reload();
  }, [loaded.reload]);

  const done = (next: EventDetail, action: EventAction) => {
    setEvent(next);
    setForm(null);
    setConflict(false);
    setError(null);
    void message.success(t('events.done', { action: tc('events.action', action) }));
    onChanged?.(next);
  };

  const run = async (action: EventAction, extra: { targetEventId?: number } = {}) => {
    if (!event) return;
    setBusy(action);
    setError(null);
    setConflict(false);
    try {
      const next = await eventsApi.transition(event.id, buildTransition(action, event.version, extra));
      done(next, action);
    } catch (e) {
      if (isVersionConflict(e)) reloadAfterConflict();
      else {
        setError(errorText(e));
        if (isApiError(e, 409)) loaded.reload();
      }
    } finally {
      setBusy(null);
    }
  };

  const openForm = (action: EventAction) => {
    setConflict(false);
    setError(null);
    setForm(action);
  };

  const actions = event ? orderedActions(event.actions) : [];
  const footer =
    event && actions.length > 0 ? (
      <Space wrap data-testid="event-actions">
        {actions.map((a) => {
          const spec = ACTION_SPECS[a];
          const button = (
            <Button
              key={a}
              type={spec.primary ? 'primary' : 'default'}
              danger={spec.danger}
              loading={busy === a}
              disabled={busy !== null && busy !== a}
              data-testid={`action-${a}`}
              onClick={
                spec.direct && !spec.confirm ? () => void run(a) : spec.direct ? undefined : () => openForm(a)
              }
            >
              {tc('events.action', a)}
            </Button>
          );
          return spec.confirm ? (
            <Popconfirm key={a} title={t('events.form.closeConfirm')} onConfirm={() => run(a)}>
              {button}
            </Popconfirm>
          ) : (
            button
          );
        })}
      </Space>
    ) : event ? (
      <Typography.Text type="secondary" data-testid="event-no-actions">
        {t('events.detail.noActions')}
      </Typography.Text>
    ) : null;

  return (
    <Drawer
      open={eventId !== null}
      onClose={onClose}
      width={600}
      destroyOnHidden
      title={event ? t('events.detail.title', { no: event.trackingNo }) : t('common.loading')}
      extra={
        event && (
          <Space>
            <StateTag state={event.state} />
            <Tooltip title={t('events.refresh')}>
              <Button
                size="small"
                type="text"
                icon={<ReloadOutlined />}
                onClick={loaded.reload}
                loading={loaded.loading}
                aria-label={t('events.refresh')}
              />
            </Tooltip>
          </Space>
        )
      }
      footer={footer}
      className="event-drawer"
      data-testid="event-drawer"
    >
      {gone(loaded.error) ? (
        <Result status="404" subTitle={t('events.detail.notFound')} />
      ) : !event ? (
        loaded.error ? (
          <Alert type="error" showIcon message={errorText(loaded.error)} />
        ) : (
          <Skeleton active paragraph={{ rows: 10 }} />
        )
      ) : (
        <div
          className="event-detail"
          data-testid="event-detail"
          data-event-id={event.id}
          data-version={event.version}
        >
          {conflict && (
            <Alert
              type="warning"
              showIcon
              icon={<ExclamationCircleOutlined />}
              message={t('events.conflict')}
              className="event-detail-alert"
              data-testid="event-conflict"
            />
          )}
          {error && (
            <Alert
              type="error"
              showIcon
              message={error}
              closable
              onClose={() => setError(null)}
              className="event-detail-alert"
              data-testid="action-error"
            />
          )}
          {event.mergedInto && (
            <Alert
              type="info"
              showIcon
              message={t('events.detail.mergedInto', { no: event.mergedInto.trackingNo })}
              className="event-detail-alert"
            />
          )}
          <EventFacts event={event} />
          <Section title={t('events.detail.description')}>
            <Typography.Paragraph className="event-description" data-testid="event-description">
              {event.description}
            </Typography.Paragraph>
          </Section>
          <Photos media={photosOfReport(event)} />
          <Answers
            answers={event.answers}
            category={categories.data?.find((c) => c.code === event.category.code)}
            lang={lang}
          />
          {event.duplicates.length > 0 && (
            <Section title={t('events.detail.duplicates')} extra={t('events.detail.duplicatesHint')}>
              <List
                size="small"
                bordered
                data-testid="event-duplicates"
                dataSource={event.duplicates}
                renderItem={(d) => (
                  <List.Item
                    actions={
                      event.actions.includes('merge')
                        ? [
                            <Popconfirm
                              key="merge"
                              title={t('events.detail.mergeConfirm', { no: d.trackingNo })}
                              onConfirm={() => run('merge', { targetEventId: d.id })}
                            >
                              <Button
                                size="small"
                                loading={busy === 'merge'}
                                data-testid={`merge-into-${d.id}`}
                              >
                                {t('events.detail.mergeInto')}
                              </Button>
                            </Popconfirm>,
                          ]
                        : []
                    }
                  >
                    <List.Item.Meta
                      title={
                        <Space size={6} wrap>
                          <code>{d.trackingNo}</code>
                          <StateTag state={d.state} />
                          <Typography.Text type="secondary">
                            {t('events.detail.distance', { d: formatDistance(d.distanceM) })}
                          </Typography.Text>
                        </Space>
                      }
                      description={
                        <Typography.Text ellipsis className="event-dup-desc">
                          {formatDateTime(d.createdAt)} · {d.description}
                        </Typography.Text>
                      }
                    />
                  </List.Item>
                )}
              />
            </Section>
          )}
          <Section title={t('events.detail.timeline')}>
            <EventTimeline items={event.timeline} media={event.media} />
          </Section>
        </div>
      )}
      {event && form && (
        <ActionForm
          action={form}
          event={event}
          onDone={(next) => done(next, form)}
          onConflict={reloadAfterConflict}
          onCancel={() => setForm(null)}
        />
      )}
    </Drawer>
  );
}

function Section({ title, extra, children }: { title: string; extra?: string; children: ReactNode }) {
  return (
    <section className="event-section">
      <div className="event-section-head">
        <Typography.Title level={5}>{title}</Typography.Title>
        {extra && <Typography.Text type="secondary">{extra}</Typography.Text>}
      </div>
      {children}
    </section>
  );
}

function handlerText(h: HandlerRef | null, tc: (p: string, c: string) => string): ReactNode {
  if (!h) return '—';
  return (
    <Space size={4}>
      <span>{h.name}</span>
      <Tag bordered={false}>{tc('events.level', h.level)}</Tag>
    </Space>
  );
}

function EventFacts({ event }: { event: EventDetail }) {
  const { t, tc, lang } = useI18n();
  const reporter = !event.reporter ? (
    event.anonymous ? (
      <Tag>{t('events.detail.anonymous')}</Tag>
    ) : (
      '—'
    )
  ) : (
    <Space size={6} data-testid="event-reporter">
      {event.anonymous && <Tag>{t('events.detail.anonymous')}</Tag>}
      <span>{[event.reporter.name, event.reporter.phone].filter(Boolean).join(' · ') || '—'}</span>
      {event.reporter.masked && <Tag bordered={false}>{t('events.detail.masked')}</Tag>}
    </Space>
  );
  const items = [
    {
      key: 'category',
      label: t('events.col.category'),
      children: (
        <Space size={6} wrap>
          <span data-testid="event-category">
            {lang === 'en' ? event.category.name.en : event.category.name.zh}
          </span>
          {event.priority !== 'normal' && (
            <Tag
              color={event.priority === 'urgent' ? 'red' : event.priority === 'high' ? 'orange' : 'default'}
            >
              {tc('events.priority', event.priority)}
            </Tag>
          )}
        </Space>
      ),
    },
    {
      key: 'place',
      label: t('events.detail.place'),
      children: (
        <span data-testid="event-place">
          {placeLine(event.place) || '—'}
          {event.address ? <div className="event-address">{event.address}</div> : null}
        </span>
      ),
    },
    {
      key: 'created',
      label: t('events.detail.created'),
      children: `${formatDateTime(event.createdAt)} · ${tc('events.source', event.source)}`,
    },
    { key: 'reporter', label: t('events.detail.reporter'), children: reporter },
    {
      key: 'route',
      label: t('events.detail.route'),
      children: (
        <span data-testid="event-route">
          {event.route ? handlerText(event.route, tc) : t('events.detail.noRoute')}
        </span>
      ),
    },
    {
      key: 'assignee',
      label: t('events.detail.assignee'),
      children: <span data-testid="event-assignee">{handlerText(event.assignee, tc)}</span>,
    },
    {
      key: 'due',
      label: t('events.detail.due'),
      children: (
        <Space size={6} wrap>
          <span>{formatDateTime(event.dueAt)}</span>
          <DueTag event={event} />
        </Space>
      ),
    },
    ...(event.escalations > 0 || event.supervisor
      ? [
          {
            key: 'supervision',
            label: t('events.detail.supervision'),
            children: (
              <Space size={6} wrap data-testid="event-supervision">
                {event.supervisor && (
                  <span>{t('events.detail.supervisor', { name: event.supervisor.name })}</span>
                )}
                {event.escalations > 0 && (
                  <Tag color="red">{t('events.detail.escalations', { count: event.escalations })}</Tag>
                )}
              </Space>
            ),
          },
        ]
      : []),
    ...(event.resolvedAt
      ? [{ key: 'resolved', label: t('events.detail.resolved'), children: formatDateTime(event.resolvedAt) }]
      : []),
    ...(event.closedAt
      ? [{ key: 'closed', label: t('events.detail.closed'), children: formatDateTime(event.closedAt) }]
      : []),
    ...(event.rating !== null
      ? [
          {
            key: 'rating',
            label: t('events.detail.rating'),
            children: <Rate disabled value={event.rating} className="event-rating" />,
          },
        ]
      : []),
    ...(event.reopenCount > 0
      ? [
          {
            key: 'reopen',
            label: t('events.state.reopened'),
            children: t('events.detail.reopenCount', { count: event.reopenCount }),
          },
        ]
      : []),
  ];
  return (
    <Descriptions
      size="small"
      column={1}
      bordered
      items={items}
      className="event-facts"
      styles={{ label: { width: 104 } }}
    />
  );
}

/** Media attached with the report: everything not attached by a later step (a result's photos). */
function photosOfReport(event: EventDetail): Media[] {
  const later = new Set(event.timeline.flatMap((i) => (i.kind === 'submit' ? [] : (i.mediaIds ?? []))));
  return event.media.filter((m) => !later.has(m.id));
}

function Photos({ media }: { media: Media[] }) {
  const { t } = useI18n();
  if (media.length === 0) return null;
  return (
    <Section title={t('events.detail.photos')}>
      <Thumbs media={media} testId="event-photos" />
    </Section>
  );
}

function Thumbs({ media, testId }: { media: Media[]; testId?: string }) {
  const { t } = useI18n();
  return (
    <div className="event-thumbs" data-testid={testId}>
      <Image.PreviewGroup>
        {media.map((m) =>
          m.kind === 'video' ? (
            <a
              key={m.id}
              href={m.url}
              target="_blank"
              rel="noreferrer"
              className="event-thumb event-thumb-video"
            >
              <VideoCameraOutlined /> {t('events.detail.video')}
            </a>
          ) : (
            <Image
              key={m.id}
              width={88}
              height={88}
              className="event-thumb"
              src={m.thumbnailUrl ?? m.url}
              preview={{ src: m.url }}
              alt=""
            />
          ),
        )}
      </Image.PreviewGroup>
    </div>
  );
}

function answerText(value: AnswerValue, labels: Map<string, string>): string {
  if (Array.isArray(value)) return value.map((v) => labels.get(v) ?? v).join('、');
  if (typeof value === 'string') return labels.get(value) ?? value;
  return String(value);
}

function Answers({
  answers,
  category,
  lang,
}: {
  answers: Record<string, AnswerValue>;
  category: Category | undefined;
  lang: string;
}) {
  const { t } = useI18n();
  const codes = Object.keys(answers);
  if (codes.length === 0) return null;
  const questions = [...(category?.questions ?? [])].sort((a, b) => a.order - b.order);
  const ordered = [
    ...questions.filter((q) => q.code in answers).map((q) => q.code),
    ...codes.filter((c) => !questions.some((q) => q.code === c)),
  ];
  const pick = (b: { zh: string; en: string }) => (lang === 'en' ? b.en : b.zh);
  return (
    <Section title={t('events.detail.answers')}>
      <Descriptions
        size="small"
        column={1}
        bordered
        styles={{ label: { width: 160 } }}
        data-testid="event-answers"
        items={ordered.map((code) => {
          const q = questions.find((x) => x.code === code);
          const labels = new Map((q?.values ?? []).map((v) => [v.code, pick(v.label)]));
          const value = answers[code];
          return {
            key: code,
            label: q ? pick(q.label) : code,
            children: value === undefined ? '—' : answerText(value, labels),
          };
        })}
      />
    </Section>
  );
}

const KIND_COLORS: Partial<Record<TimelineItem['kind'], string>> = {
  submit: 'blue',
  resolve: 'green',
  close: 'gray',
  reject: 'gray',
  return: 'orange',
  reopen: 'red',
  overdue: 'red',
  escalate: 'red',
  remind: 'orange',
};

function EventTimeline({ items, media }: { items: TimelineItem[]; media: Media[] }) {
  const { t, tc } = useI18n();
  if (items.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  const byId = new Map(media.map((m) => [m.id, m]));
  return (
    <Timeline
      className="event-timeline"
      data-testid="event-timeline"
      items={items.map((i) => {
        const state = i.to ?? i.from;
        const photos = (i.mediaIds ?? []).map(
          (id): Media =>
            byId.get(id) ?? {
              id,
              kind: 'image',
              mime: 'image/jpeg',
              bytes: 0,
              url: `/api/v1/media/${id}`,
              thumbnailUrl: `/api/v1/media/${id}/thumbnail`,
            },
        );
        return {
          key: i.seq,
          color: KIND_COLORS[i.kind] ?? (state ? STATE_COLORS[state].hex : 'blue'),
          children: (
            <div className="timeline-item" data-kind={i.kind}>
              <div className="timeline-head">
                <strong>{tc('events.kind', i.kind)}</strong>
                {i.to && i.from !== i.to && <StateTag state={i.to} />}
                <span className="timeline-when">{formatDateTime(i.at)}</span>
              </div>
              <div className="timeline-who">
                {i.by === 'reporter' || i.by === 'system' ? tc('events.as', i.by) : i.by}
                {i.as && i.as !== i.by && i.by !== 'reporter' && i.by !== 'system'
                  ? ` · ${tc('events.as', i.as)}`
                  : ''}
              </div>
              {i.assignee && (
                <div>
                  → {i.assignee.name} <Tag bordered={false}>{tc('events.level', i.assignee.level)}</Tag>
                </div>
              )}
              {i.supervisor && <div>{t('events.detail.supervisor', { name: i.supervisor.name })}</div>}
              {i.reason && <div className="timeline-text">{i.reason}</div>}
              {i.note && <div className="timeline-text">{i.note}</div>}
              {i.rating !== undefined && <Rate disabled value={i.rating} className="event-rating" />}
              {i.comment && <div className="timeline-text">{i.comment}</div>}
              {photos.length > 0 && <Thumbs media={photos} />}
            </div>
          ),
        };
      })}
    />
  );
}
