// One hazard in a drawer: what was found (domain, severity, place, photos, the rule broken), where it
// stands (route, weekly list, rectifying party, deadline, supervision), what happened (timeline), and
// buttons for exactly the actions the server says the viewer may take now. A stale version (409)
// reloads the hazard and says so; other refusals (403, 409, 422) show in place.
import { ExclamationCircleOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Image,
  Popconfirm,
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
  type HazardAction,
  type HazardDetail,
  type HazardTimelineItem,
  hazardsApi,
  type RouteRef,
} from '../../api/hazards';
import { type Translate, useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { formatDateTime, placeLine } from '../events/model';
import { bi, HazardDueTag, HazardStateTag, SeverityTag } from './bits';
import { HazardActionForm, hazardErrorText, isHazardVersionConflict } from './HazardActionForm';
import { buildHazardTransition, formatDeadline, HAZARD_ACTION_SPECS, orderedHazardActions } from './model';

const gone = (e: unknown) => isApiError(e, 404) || isApiError(e, 403);

export function HazardDrawer({
  hazardId,
  onClose,
  onChanged,
}: {
  hazardId: number | null;
  onClose: () => void;
  onChanged?: (h: HazardDetail) => void;
}) {
  const { t, tc, errorText, lang } = useI18n();
  const { message } = App.useApp();
  const [hazard, setHazard] = useState<HazardDetail | null>(null);
  const [conflict, setConflict] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<HazardAction | null>(null);
  const [form, setForm] = useState<HazardAction | null>(null);
  const loaded = useAsync(
    hazardId === null ? null : (signal) => hazardsApi.get(hazardId, signal),
    [hazardId],
    {
      expected: gone,
    },
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on a new hazard only
  useEffect(() => {
    setConflict(false);
    setError(null);
    setForm(null);
    setHazard(null);
  }, [hazardId]);
  useEffect(() => {
    if (loaded.data) setHazard(loaded.data);
  }, [loaded.data]);

  const reloadAfterConflict = useCallback(() => {
    setForm(null);
    setError(null);
    setConflict(true);
    loaded.reload();
  }, [loaded.reload]);

  const done = (next: HazardDetail, action: HazardAction) => {
    setHazard(next);
    setForm(null);
    setConflict(false);
    setError(null);
    void message.success(t('hazards.done', { action: tc('hazards.action', action) }));
    onChanged?.(next);
  };

  const run = async (action: HazardAction) => {
    if (!hazard) return;
    setBusy(action);
    setError(null);
    setConflict(false);
    try {
      done(await hazardsApi.transition(hazard.id, buildHazardTransition(action, hazard.version, {})), action);
    } catch (e) {
      if (isHazardVersionConflict(e)) reloadAfterConflict();
      else {
        setError(hazardErrorText(e, errorText));
        if (isApiError(e, 409)) loaded.reload();
      }
    } finally {
      setBusy(null);
    }
  };

  const actions = hazard ? orderedHazardActions(hazard.actions) : [];
  const footer =
    hazard && actions.length > 0 ? (
      <Space wrap data-testid="hazard-actions">
        {actions.map((a) => {
          const spec = HAZARD_ACTION_SPECS[a];
          const button = (
            <Button
              key={a}
              type={spec.primary ? 'primary' : 'default'}
              danger={spec.danger}
              loading={busy === a}
              disabled={busy !== null && busy !== a}
              data-testid={`hazard-action-${a}`}
              onClick={
                spec.direct && !spec.confirm ? () => void run(a) : spec.direct ? undefined : () => setForm(a)
              }
            >
              {tc('hazards.action', a)}
            </Button>
          );
          return spec.confirm ? (
            <Popconfirm key={a} title={t('hazards.form.consolidateConfirm')} onConfirm={() => run(a)}>
              {button}
            </Popconfirm>
          ) : (
            button
          );
        })}
      </Space>
    ) : hazard ? (
      <Typography.Text type="secondary" data-testid="hazard-no-actions">
        {t('hazards.detail.noActions')}
      </Typography.Text>
    ) : null;

  return (
    <Drawer
      open={hazardId !== null}
      onClose={onClose}
      width={620}
      destroyOnHidden
      title={hazard ? t('hazards.detail.title', { no: hazard.trackingNo }) : t('common.loading')}
      extra={
        hazard && (
          <Space>
            <HazardStateTag state={hazard.state} />
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
      className="event-drawer hazard-drawer"
      data-testid="hazard-drawer"
    >
      {gone(loaded.error) ? (
        <Result status="404" subTitle={t('hazards.detail.notFound')} />
      ) : !hazard ? (
        loaded.error ? (
          <Alert type="error" showIcon message={errorText(loaded.error)} />
        ) : (
          <Skeleton active paragraph={{ rows: 10 }} />
        )
      ) : (
        <div
          className="event-detail"
          data-testid="hazard-detail"
          data-hazard-id={hazard.id}
          data-version={hazard.version}
          data-state={hazard.state}
        >
          {conflict && (
            <Alert
              type="warning"
              showIcon
              icon={<ExclamationCircleOutlined />}
              message={t('hazards.detail.conflict')}
              className="event-detail-alert"
              data-testid="hazard-conflict"
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
              data-testid="hazard-error"
            />
          )}
          {hazard.mergedInto && (
            <Alert
              type="info"
              showIcon
              message={t('hazards.detail.mergedInto', { no: hazard.mergedInto.trackingNo })}
              className="event-detail-alert"
            />
          )}
          {hazard.roles.length > 0 && (
            <div className="hazard-roles">
              <Typography.Text type="secondary">{t('hazards.detail.yourRoles')}：</Typography.Text>
              {hazard.roles.map((r) => (
                <Tag key={r} bordered={false} color="blue">
                  {tc('hazards.role', r)}
                </Tag>
              ))}
            </div>
          )}
          <Descriptions size="small" column={2} bordered className="event-facts">
            <Descriptions.Item label={t('hazards.detail.domain')} span={2}>
              {bi(lang, hazard.domain.name)} · {bi(lang, hazard.aspect.name)}
            </Descriptions.Item>
            <Descriptions.Item label={t('hazards.detail.severity')}>
              <SeverityTag severity={hazard.severity} />
              {hazard.listed && <Tag color="red">{t('hazards.detail.listed')}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t('hazards.detail.source')}>
              {tc('hazards.source', hazard.source)}
            </Descriptions.Item>
            {hazard.place && (
              <Descriptions.Item label={t('hazards.detail.place')} span={2}>
                <a href={`/places/${hazard.place.id}`}>{hazard.place.name}</a>
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('hazards.detail.units')} span={2}>
              {placeLine(hazard.units) || '—'}
              {hazard.address ? ` · ${hazard.address}` : ''}
            </Descriptions.Item>
            {hazard.ruleBroken && (
              <Descriptions.Item label={t('hazards.detail.rule')} span={2}>
                {hazard.ruleBroken}
              </Descriptions.Item>
            )}
            <Descriptions.Item
              label={hazard.route ? t('hazards.detail.route') : t('hazards.detail.suggestion')}
              span={2}
            >
              <span data-testid="hazard-route">{routeText(hazard.route ?? hazard.suggestion)}</span>
            </Descriptions.Item>
            {hazard.batch && (
              <Descriptions.Item label={t('hazards.detail.batch')}>{hazard.batch}</Descriptions.Item>
            )}
            {hazard.assignee && (
              <Descriptions.Item label={t('hazards.detail.assignee')}>
                <span data-testid="hazard-assignee">
                  {hazard.assignee.name}
                  <Typography.Text type="secondary">
                    {' '}
                    （{tc('hazards.party', hazard.assignee.kind)}）
                  </Typography.Text>
                </span>
              </Descriptions.Item>
            )}
            {hazard.dueAt && (
              <Descriptions.Item label={t('hazards.detail.due')} span={2}>
                <Space size={6}>
                  <span data-testid="hazard-due">{formatDeadline(hazard.dueAt)}</span>
                  <HazardDueTag hazard={hazard} />
                </Space>
              </Descriptions.Item>
            )}
            {hazard.escalation > 0 && (
              <Descriptions.Item label={t('hazards.detail.escalation')}>
                <Tag color="red">{t('hazards.detail.escalationTier', { n: hazard.escalation })}</Tag>
              </Descriptions.Item>
            )}
          </Descriptions>
          <Section title={t('hazards.detail.description')}>
            <Typography.Paragraph className="event-description" data-testid="hazard-description">
              {hazard.description}
            </Typography.Paragraph>
          </Section>
          {hazard.media.length > 0 && (
            <Section title={t('hazards.detail.photos')}>
              <Image.PreviewGroup>
                <div className="hazard-photos" data-testid="hazard-photos">
                  {hazard.media.map((m) => (
                    <Image key={m.id} src={m.thumbnailUrl ?? m.url} preview={{ src: m.url }} alt="" />
                  ))}
                </div>
              </Image.PreviewGroup>
            </Section>
          )}
          <Section title={t('hazards.detail.timeline')}>
            <HazardTimeline items={hazard.timeline} />
          </Section>
        </div>
      )}
      {hazard && form && (
        <HazardActionForm
          action={form}
          hazard={hazard}
          onDone={(next) => done(next, form)}
          onConflict={reloadAfterConflict}
          onCancel={() => setForm(null)}
        />
      )}
    </Drawer>
  );
}

function routeText(r: RouteRef): string {
  return [r.town?.name, r.department?.name].filter(Boolean).join(' · ') || '—';
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="event-section">
      <div className="event-section-head">
        <Typography.Title level={5}>{title}</Typography.Title>
      </div>
      {children}
    </section>
  );
}

/** What a step carried, in words: the reason, the note, the route, the party, the deadline, the list. */
function detailsText(
  d: Record<string, unknown>,
  t: Translate,
  tc: (p: string, c: string) => string,
): string[] {
  const out: string[] = [];
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : undefined);
  const named = (k: string) => {
    const v = d[k];
    if (v && typeof v === 'object' && 'name' in v && typeof (v as { name: unknown }).name === 'string')
      return (v as { name: string }).name;
    return undefined;
  };
  const route = d.route as { town?: { name?: string }; department?: { name?: string } } | undefined;
  if (route && typeof route === 'object')
    out.push([route.town?.name, route.department?.name].filter(Boolean).join(' · '));
  const assignee = named('assignee');
  if (assignee) out.push(`→ ${assignee}`);
  const deadline = str('deadline');
  if (deadline) out.push(t('hazards.detail.deadlineLine', { at: formatDeadline(deadline) }));
  const batch = str('batch');
  if (batch) out.push(batch);
  const severity = str('severity');
  if (severity) out.push(tc('hazards.severity', severity));
  const reason = str('reason');
  if (reason) out.push(`“${reason}”`);
  const note = str('note');
  if (note) out.push(note);
  if (Array.isArray(d.evidence)) out.push(t('hazards.detail.evidenceLine', { n: d.evidence.length }));
  return out.filter(Boolean);
}

function HazardTimeline({ items }: { items: readonly HazardTimelineItem[] }) {
  const { t, tc } = useI18n();
  return (
    <Timeline
      data-testid="hazard-timeline"
      items={items.map((i) => ({
        key: i.seq,
        color:
          i.kind === 'reject' || i.kind === 'verify_fail'
            ? 'red'
            : i.kind === 'verify_pass'
              ? 'green'
              : 'blue',
        children: (
          <div data-kind={i.kind} className="hazard-timeline-item">
            <div>
              <strong>
                {i.kind === 'record' || i.kind === 'remind' || i.kind === 'merged_in'
                  ? tc('hazards.kind', i.kind)
                  : tc('hazards.action', i.kind)}
              </strong>
              {i.to && i.from !== i.to && (
                <Typography.Text type="secondary"> → {tc('hazards.state', i.to)}</Typography.Text>
              )}
            </div>
            <div className="hazard-timeline-details">
              {formatDateTime(i.at)} · {i.by}
              {i.as ? `（${tc('hazards.role', i.as)}）` : ''}
            </div>
            {detailsText(i.details, t, tc).map((line) => (
              <div key={line} className="hazard-timeline-details">
                {line}
              </div>
            ))}
          </div>
        ),
      }))}
    />
  );
}
