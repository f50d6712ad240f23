// "瓯海的一天" (/daily): a day of an area at a glance — what was reported, what got resolved and how
// fast, what is overdue, who is handling what, where it happened. Date and area are chosen on top
// (today and the viewer's scope by default); an overdue event or a dot on the map opens its drawer,
// a row of the areas' table drills down into that area.
import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Empty,
  Result,
  Skeleton,
  Spin,
  Statistic,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { lazy, type ReactNode, Suspense, useMemo, useState } from 'react';
import { isApiError } from '../../api/client';
import { systemApi, unitsApi } from '../../api/endpoints';
import { type DailyView as Daily, type EventState, eventsApi } from '../../api/events';
import { useUser } from '../../auth/AuthProvider';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { areaBoundaries, UnitPicker } from './area';
import { DueTag, StateTag } from './bits';
import { barOption } from './charts';
import { dayjs } from './dayjs';
import { EventDrawer } from './EventDrawer';
import type { MapPoint } from './EventMap';
import { formatDateTime, formatHours, formatRate, localDate, STATE_COLORS } from './model';
import './events.css';

const EventMap = lazy(() => import('./EventMap'));
const Chart = lazy(() => import('../../components/EChart'));

const TABLE_PAGE = 8;

export default function DailyView() {
  const { t, tc } = useI18n();
  const user = useUser();
  const [date, setDate] = useState(() => localDate(new Date()));
  const [unit, setUnit] = useState<number | undefined>(undefined);
  const [openId, setOpenId] = useState<number | null>(null);
  const daily = useAsync((signal) => eventsApi.daily({ date, unit }, signal), [date, unit], {
    expected: (e) => isApiError(e, 403),
  });
  const clientConfig = useAsync((signal) => systemApi.clientConfig(signal), []);
  const areaId = daily.data?.unit.id;
  const boundaries = useAsync(
    areaId === undefined
      ? null
      : async (signal) => areaBoundaries(await unitsApi.get(areaId, signal), signal),
    [areaId],
  );

  const d0 = daily.data;
  // built once per answer, so the charts redraw only when the data changes
  const charts = useMemo(() => {
    if (!d0) return null;
    const count = t('events.daily.count');
    return {
      category: d0.byCategory.some((r) => r.count > 0)
        ? barOption(d0.byCategory, { seriesName: count, top: 10, otherName: t('events.daily.other') })
        : null,
      state: d0.byState.some((r) => r.count > 0)
        ? barOption(
            d0.byState.map((r) => ({ ...r, name: tc('events.state', r.key) })),
            {
              seriesName: count,
              keepOrder: true,
              top: 12,
              colorOf: (k) => STATE_COLORS[k as EventState]?.hex ?? '#1f5fae',
            },
          )
        : null,
    };
  }, [d0, t, tc]);

  if (isApiError(daily.error, 403)) {
    return <Result status="403" title="403" subTitle={t('error.403')} />;
  }
  const d = daily.data;
  const title = d ? t('events.daily.title', { name: d.unit.name }) : t('nav.daily');

  return (
    <div className="daily-page" data-testid="daily-view">
      <div className="daily-head">
        <Typography.Title level={4} className="daily-title" data-testid="daily-title">
          {title}
        </Typography.Title>
        <div className="daily-controls">
          <DatePicker
            value={dayjs(date)}
            onChange={(v) => v && setDate(v.format('YYYY-MM-DD'))}
            allowClear={false}
            disabledDate={(v) => v.format('YYYY-MM-DD') > localDate(new Date())}
            data-testid="daily-date"
          />
          <UnitPicker
            user={user}
            value={unit}
            valueLabel={d?.unit.id === unit ? d?.unit.name : undefined}
            onChange={setUnit}
            placeholder={d?.unit.name ?? t('events.daily.unit')}
            className="daily-unit"
            testId="daily-unit"
          />
          <Tooltip title={t('events.refresh')}>
            <Button
              icon={<ReloadOutlined />}
              onClick={daily.reload}
              loading={daily.loading}
              aria-label={t('events.refresh')}
            />
          </Tooltip>
        </div>
      </div>
      {daily.error && !d ? (
        <Alert type="error" showIcon message={t('error.generic')} />
      ) : !d ? (
        <Skeleton active paragraph={{ rows: 12 }} />
      ) : (
        <Spin spinning={daily.loading}>
          <Kpis d={d} />
          <div className="daily-row daily-row-charts">
            <Card size="small" title={t('events.daily.byCategory')} className="daily-card">
              <Bars testId="chart-category" option={charts?.category ?? null} />
            </Card>
            <Card size="small" title={t('events.daily.byState')} className="daily-card">
              <Bars testId="chart-state" option={charts?.state ?? null} />
            </Card>
            <Card size="small" title={t('events.daily.map')} className="daily-card daily-map-card">
              <div className="daily-map">
                <Suspense fallback={<Spin className="panel-spin" />}>
                  {clientConfig.loading ? (
                    <Spin className="panel-spin" />
                  ) : (
                    <EventMap
                      testId="daily-map"
                      points={d.points.map(
                        (p): MapPoint => ({
                          id: p.id,
                          lng: p.lng,
                          lat: p.lat,
                          state: p.state,
                          overdue: p.overdue,
                          label: p.category,
                        }),
                      )}
                      boundaries={boundaries.data}
                      loading={false}
                      selectedId={openId}
                      onPick={setOpenId}
                      tileUrl={clientConfig.data?.tileUrl ?? undefined}
                    />
                  )}
                </Suspense>
              </div>
            </Card>
          </div>
          <div className="daily-row daily-row-tables">
            <Card size="small" title={t('events.daily.byUnit')} className="daily-card">
              <Table
                size="small"
                rowKey={(r) => r.unit.id}
                dataSource={d.byUnit}
                data-testid="daily-units"
                locale={{
                  emptyText: (
                    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('events.daily.empty')} />
                  ),
                }}
                pagination={{
                  pageSize: TABLE_PAGE,
                  size: 'small',
                  hideOnSinglePage: true,
                  showSizeChanger: false,
                }}
                onRow={(r) => ({ onClick: () => setUnit(r.unit.id), className: 'daily-row-link' })}
                columns={[
                  {
                    key: 'unit',
                    title: t('events.daily.col.unit'),
                    ellipsis: true,
                    render: (_, r) => (
                      <span>
                        {r.unit.name} <Tag bordered={false}>{tc('level', r.unit.level)}</Tag>
                      </span>
                    ),
                  },
                  num('reported', t('events.daily.col.reported')),
                  num('resolved', t('events.daily.col.resolved')),
                  num('open', t('events.daily.col.open')),
                  {
                    key: 'overdue',
                    title: t('events.daily.col.overdue'),
                    align: 'right',
                    width: 80,
                    sorter: (a, b) => a.overdue - b.overdue,
                    render: (_, r) => (
                      <span className={r.overdue > 0 ? 'daily-bad' : undefined}>{r.overdue}</span>
                    ),
                  },
                ]}
              />
            </Card>
            <Card size="small" title={t('events.daily.handlers')} className="daily-card">
              <Table
                size="small"
                rowKey={(r) => `${r.handler.kind}:${r.handler.id}`}
                dataSource={d.handlers}
                data-testid="daily-handlers"
                locale={{
                  emptyText: (
                    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('events.daily.empty')} />
                  ),
                }}
                pagination={{
                  pageSize: TABLE_PAGE,
                  size: 'small',
                  hideOnSinglePage: true,
                  showSizeChanger: false,
                }}
                columns={[
                  {
                    key: 'name',
                    title: t('events.daily.col.handler'),
                    ellipsis: true,
                    render: (_, r) => r.handler.name,
                  },
                  {
                    key: 'level',
                    title: t('events.daily.col.level'),
                    width: 120,
                    render: (_, r) => <Tag bordered={false}>{tc('events.level', r.handler.level)}</Tag>,
                  },
                  {
                    key: 'open',
                    title: t('events.daily.col.open'),
                    align: 'right',
                    width: 80,
                    sorter: (a, b) => a.open - b.open,
                    render: (_, r) => r.open,
                  },
                  {
                    key: 'resolved',
                    title: t('events.daily.col.resolved'),
                    align: 'right',
                    width: 80,
                    sorter: (a, b) => a.resolved - b.resolved,
                    render: (_, r) => r.resolved,
                  },
                ]}
              />
            </Card>
          </div>
          <Card
            size="small"
            title={
              <span>
                {t('events.daily.overdueList')}{' '}
                {d.overdueList.length > 0 && <Tag color="red">{d.overdueList.length}</Tag>}
              </span>
            }
            className="daily-card daily-overdue"
          >
            <Table
              size="small"
              rowKey="id"
              dataSource={d.overdueList}
              data-testid="daily-overdue"
              locale={{
                emptyText: (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('events.daily.overdueEmpty')} />
                ),
              }}
              pagination={{ pageSize: 10, size: 'small', hideOnSinglePage: true, showSizeChanger: false }}
              onRow={(r) => ({ onClick: () => setOpenId(r.id), className: 'daily-row-link' })}
              columns={[
                {
                  key: 'no',
                  title: t('events.col.trackingNo'),
                  width: 160,
                  render: (_, r) => <code>{r.trackingNo}</code>,
                },
                {
                  key: 'category',
                  title: t('events.col.category'),
                  ellipsis: true,
                  render: (_, r) => r.category,
                },
                {
                  key: 'state',
                  title: t('events.col.state'),
                  width: 100,
                  render: (_, r) => <StateTag state={r.state} />,
                },
                {
                  key: 'assignee',
                  title: t('events.col.assignee'),
                  ellipsis: true,
                  render: (_, r) => r.assignee?.name ?? '—',
                },
                {
                  key: 'due',
                  title: t('events.col.due'),
                  width: 260,
                  render: (_, r) => (
                    <span className="daily-due">
                      {formatDateTime(r.dueAt)} <DueTag event={{ ...r, overdue: true }} />
                    </span>
                  ),
                },
                {
                  key: 'esc',
                  title: t('events.daily.col.escalations'),
                  width: 90,
                  align: 'right',
                  render: (_, r) => r.escalations,
                },
              ]}
            />
          </Card>
        </Spin>
      )}
      <EventDrawer eventId={openId} onClose={() => setOpenId(null)} onChanged={daily.reload} />
    </div>
  );
}

type UnitRow = Daily['byUnit'][number];
function num(key: 'reported' | 'resolved' | 'open', title: string) {
  return {
    key,
    title,
    align: 'right' as const,
    width: 88,
    sorter: (a: UnitRow, b: UnitRow) => a[key] - b[key],
    render: (_: unknown, r: UnitRow) => r[key],
  };
}

function Bars({ option, testId }: { option: ReturnType<typeof barOption> | null; testId: string }) {
  const { t } = useI18n();
  if (!option)
    return (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={t('events.daily.empty')}
        className="daily-empty"
      />
    );
  return (
    <Suspense fallback={<Spin className="panel-spin" />}>
      <Chart option={option} height={264} testId={testId} />
    </Suspense>
  );
}

function Kpi({
  label,
  value,
  suffix,
  sub,
  tone,
  testId,
}: {
  label: string;
  value: ReactNode;
  suffix?: string;
  sub?: ReactNode;
  tone?: 'bad' | 'good';
  testId: string;
}) {
  return (
    <Card size="small" className={`daily-kpi${tone ? ` daily-kpi-${tone}` : ''}`} data-testid={testId}>
      <Statistic title={label} value={value as string | number} suffix={suffix} />
      <div className="daily-kpi-sub">{sub ?? '\u00a0'}</div>
    </Card>
  );
}

function Kpis({ d }: { d: Daily }) {
  const { t } = useI18n();
  const x = d.totals;
  return (
    <div className="daily-kpis">
      <Kpi
        label={t('events.daily.kpi.reported')}
        value={x.reported}
        testId="kpi-reported"
        sub={t('events.daily.flowIn', { accepted: x.accepted, assigned: x.assigned })}
      />
      <Kpi
        label={t('events.daily.kpi.resolved')}
        value={x.resolved}
        testId="kpi-resolved"
        tone="good"
        sub={t('events.daily.flowOut', { closed: x.closed, reopened: x.reopened })}
      />
      <Kpi label={t('events.daily.kpi.open')} value={x.open} testId="kpi-open" />
      <Kpi
        label={t('events.daily.kpi.overdue')}
        value={x.overdue}
        testId="kpi-overdue"
        tone={x.overdue > 0 ? 'bad' : undefined}
      />
      <Kpi label={t('events.daily.kpi.onTime')} value={formatRate(d.onTimeRate)} testId="kpi-on-time" />
      <Kpi
        label={t('events.daily.kpi.median')}
        value={formatHours(d.resolveHours.median)}
        suffix={d.resolveHours.median === null ? undefined : t('events.daily.hours')}
        sub={
          d.resolveHours.p90 === null
            ? undefined
            : t('events.daily.p90', { h: formatHours(d.resolveHours.p90) })
        }
        testId="kpi-median"
      />
      <Kpi
        label={t('events.daily.kpi.satisfaction')}
        value={d.satisfaction.average === null ? '—' : d.satisfaction.average.toFixed(1)}
        suffix={d.satisfaction.average === null ? undefined : '/ 5'}
        sub={t('events.daily.ratings', { count: d.satisfaction.ratings })}
        testId="kpi-satisfaction"
      />
    </div>
  );
}
