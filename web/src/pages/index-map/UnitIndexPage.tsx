// A unit's score explained (/index/units/:unitId?run=ID&level=town|village): the score, its rank with
// its 90 % interval (Monte Carlo: how far the rank moves when the weights do) and band; the three
// dimension scores; every indicator with its input, source, normalised value and contribution (a bar
// chart with the weakest on top: what drags the score down); the trend month by month; and the unit's
// accountability record (预警 → 抄告 → 督办 → 挂牌, 摘牌). Without ?run= the newest published run that
// has the unit.
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Result, Select, Skeleton, Spin, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { lazy, Suspense, useMemo, useState } from 'react';
import { isApiError } from '../../api/client';
import {
  type AccountabilityItem,
  type IndexLevel,
  indexApi,
  type UnitExplanation,
} from '../../api/safetyIndex';
import { useI18n } from '../../i18n';
import { useAsync, useErrorToast } from '../../lib/useAsync';
import { navigate, useLocation } from '../../router/router';
import { contributionOption } from './charts';
import { dragging, formatScore, mapPath, rankBounds, UNIT_BASE, unitPath } from './model';
import { Dimensions, Headline, TrendChart } from './parts';
import { latestRunFor, runFor } from './runs';
import './indexmap.css';

const IndexChart = lazy(() => import('../../components/EChart'));

type IndicatorRow = UnitExplanation['indicators'][number];

export const ACTION_COLORS: Record<string, string> = {
  warning: 'gold',
  copy_notice: 'orange',
  supervision: 'volcano',
  listing: 'red',
  delisting: 'green',
};
export const ITEM_STATE_COLORS: Record<string, string> = {
  open: 'processing',
  answered: 'cyan',
  accepted: 'success',
  overdue: 'error',
};

export default function UnitIndexPage() {
  const { t, lang } = useI18n();
  const { pathname, search } = useLocation();
  const toast = useErrorToast();
  const match = new RegExp(`^${UNIT_BASE}/(\\d+)$`).exec(pathname);
  const unitId = match ? Number(match[1]) : null;
  const runParam = Number(search.get('run'));
  const levelParam = search.get('level');
  const level: IndexLevel | undefined =
    levelParam === 'town' || levelParam === 'village' ? levelParam : undefined;
  const runId = Number.isInteger(runParam) && runParam > 0 ? runParam : null;
  const [switching, setSwitching] = useState(false);

  // without ?run=: find the newest published run that has the unit, and put it in the URL
  const latest = useAsync(
    unitId !== null && runId === null
      ? async () => {
          const found = await latestRunFor(unitId, level);
          if (found) navigate(unitPath(unitId, found.runId, found.level), { replace: true });
          return found;
        }
      : null,
    [unitId, runId, level],
  );
  const x = useAsync(
    unitId !== null && runId !== null ? () => indexApi.explain(runId, unitId) : null,
    [unitId, runId],
    { expected: (e) => isApiError(e, 404) },
  );

  const d = x.data;
  const name = (n: { zh: string; en: string }) => (lang === 'en' ? n.en : n.zh);
  const chart = useMemo(
    () =>
      d
        ? contributionOption(
            d.indicators.map((i) => ({ ...i, name: lang === 'en' ? i.name.en : i.name.zh })),
            {
              contribution: t('indexmap.contribution'),
              normalised: t('indexmap.normalised'),
              missing: t('indexmap.notCounted'),
            },
            lang === 'en' ? 22 : 10,
          )
        : null,
    [d, t, lang],
  );
  const drags = useMemo(() => (d ? dragging(d.indicators) : []), [d]);

  if (unitId === null) return <Result status="404" title="404" subTitle={t('common.notFound')} />;

  const openPeriod = async (period: string) => {
    if (!d || period === d.period) return;
    setSwitching(true);
    try {
      const found = await runFor(unitId, period, level);
      if (found) navigate(unitPath(unitId, found.runId, found.level));
    } catch (e) {
      toast(e);
    } finally {
      setSwitching(false);
    }
  };

  const back = (
    <Button
      type="link"
      icon={<ArrowLeftOutlined />}
      className="index-back"
      onClick={() => navigate(mapPath(d?.period, level))}
    >
      {t('indexmap.backToMap')}
    </Button>
  );

  if (latest.data === null || isApiError(x.error, 404)) {
    return (
      <div className="index-unit-page">
        {back}
        <Card>
          <Empty description={t('indexmap.unitNotInIndex')} data-testid="unit-empty" />
        </Card>
      </div>
    );
  }
  if (x.error || latest.error) {
    return (
      <div className="index-unit-page">
        {back}
        <Alert
          type="error"
          showIcon
          message={t('indexmap.loadFailed')}
          action={<Button onClick={x.error ? x.reload : latest.reload}>{t('indexmap.retry')}</Button>}
        />
      </div>
    );
  }
  if (!d) {
    return (
      <div className="index-unit-page">
        {back}
        <Skeleton active paragraph={{ rows: 14 }} />
      </div>
    );
  }

  const periods = d.trend.map((p) => p.period).reverse();
  return (
    <Spin spinning={x.loading || switching}>
      <div className="index-unit-page" data-testid="unit-index-page" data-unit-id={d.unit.id}>
        <div className="index-unit-head">
          {back}
          <Typography.Title level={4} className="index-unit-title" data-testid="unit-title">
            {d.unit.name}
          </Typography.Title>
          <Typography.Text type="secondary" className="index-unit-code">
            {d.unit.code}
          </Typography.Text>
          <span className="index-head-end">
            <Select
              className="index-period"
              data-testid="unit-period"
              value={d.period}
              options={periods.map((p) => ({ value: p, label: t('indexmap.periodLabel', { period: p }) }))}
              onChange={(p: string) => void openPeriod(p)}
              aria-label={t('indexmap.period')}
            />
          </span>
        </div>

        <Card size="small" className="index-summary-card">
          <div className="index-summary">
            <Headline x={d} />
            <Dimensions dimensions={d.dimensions} />
          </div>
          {rankBounds(d.rankInterval) && (
            <div className="index-summary-note" data-testid="unit-rank-interval-hint">
              {t('indexmap.rankIntervalHint')}
            </div>
          )}
        </Card>

        <div className="index-unit-grid">
          <Card
            size="small"
            title={t('indexmap.contributions')}
            className="index-contrib-card"
            extra={<span className="index-hint">{t('indexmap.contributionsHint')}</span>}
          >
            {drags.length > 0 && (
              <div className="index-drags" data-testid="unit-drags">
                {t('indexmap.drags')}
                {drags.map((r) => (
                  <Tag key={r.code} color="red" bordered={false}>
                    {name(r.name)}
                  </Tag>
                ))}
              </div>
            )}
            {chart && (
              <Suspense fallback={<Spin className="panel-spin" />}>
                <IndexChart
                  option={chart}
                  height={Math.max(160, d.indicators.length * 26 + 24)}
                  testId="unit-contributions"
                />
              </Suspense>
            )}
          </Card>
          <div className="index-unit-side">
            <Card size="small" title={t('indexmap.trend')}>
              <TrendChart x={d} onPickPeriod={(p) => void openPeriod(p)} />
            </Card>
            <Card size="small" title={t('indexmap.accountability')} styles={{ body: { padding: 0 } }}>
              <Accountability items={d.accountability} />
            </Card>
          </div>
        </div>

        <Card size="small" title={t('indexmap.indicators')} styles={{ body: { padding: 0 } }}>
          <Indicators rows={d.indicators} />
        </Card>
      </div>
    </Spin>
  );
}

function sourceText(source: string, t: ReturnType<typeof useI18n>['t']): string {
  const [kind, code] = source.includes(':')
    ? [source.slice(0, source.indexOf(':')), source.slice(source.indexOf(':') + 1)]
    : [source, ''];
  const label =
    kind === 'external'
      ? t('indexmap.source.external')
      : kind === 'events'
        ? t('indexmap.source.events')
        : kind === 'events.group'
          ? t('indexmap.source.eventsGroup')
          : kind;
  return code ? `${label} · ${code}` : label;
}

const num = (x: number | null, digits = 2) =>
  x === null || !Number.isFinite(x) ? '—' : String(Math.round(x * 10 ** digits) / 10 ** digits);

function Indicators({ rows }: { rows: IndicatorRow[] }) {
  const { t, tc, lang } = useI18n();
  return (
    <Table<IndicatorRow>
      size="small"
      rowKey="code"
      dataSource={rows}
      pagination={false}
      data-testid="unit-indicators"
      scroll={{ x: 720 }}
      columns={[
        {
          key: 'name',
          title: t('indexmap.col.indicator'),
          render: (_, r) => (
            <span>
              {lang === 'en' ? r.name.en : r.name.zh}
              {r.corrected && (
                <Tag color="purple" bordered={false} className="index-corrected">
                  {t('indexmap.corrected')}
                </Tag>
              )}
            </span>
          ),
        },
        {
          key: 'dimension',
          title: t('indexmap.col.dimension'),
          width: 84,
          render: (_, r) => tc('indexmap.dimension', r.dimension),
        },
        {
          key: 'input',
          title: t('indexmap.col.input'),
          width: 90,
          align: 'right',
          render: (_, r) => (r.input === null ? t('indexmap.missing') : num(r.input, 3)),
        },
        {
          key: 'source',
          title: t('indexmap.col.source'),
          ellipsis: true,
          render: (_, r) => (
            <Typography.Text type="secondary" title={r.source}>
              {sourceText(r.source, t)}
            </Typography.Text>
          ),
        },
        {
          key: 'normalised',
          title: t('indexmap.normalised'),
          width: 96,
          align: 'right',
          sorter: (a, b) => (a.normalised ?? -1) - (b.normalised ?? -1),
          render: (_, r) => (r.normalised === null ? t('indexmap.notCounted') : formatScore(r.normalised)),
        },
        {
          key: 'contribution',
          title: t('indexmap.contribution'),
          width: 96,
          align: 'right',
          sorter: (a, b) => a.contribution - b.contribution,
          render: (_, r) => r.contribution.toFixed(2),
        },
      ]}
    />
  );
}

function Accountability({ items }: { items: AccountabilityItem[] }) {
  const { t, tc } = useI18n();
  return (
    <Table<AccountabilityItem>
      size="small"
      rowKey="id"
      dataSource={items}
      pagination={false}
      data-testid="unit-accountability"
      locale={{
        emptyText: (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('indexmap.noAccountability')} />
        ),
      }}
      columns={[
        {
          key: 'action',
          title: t('indexmap.col.action'),
          render: (_, r) => (
            <Tag color={ACTION_COLORS[r.action] ?? 'default'} data-action={r.action}>
              {tc('indexmap.action', r.action)}
            </Tag>
          ),
        },
        { key: 'period', title: t('indexmap.col.period'), dataIndex: 'period', width: 84 },
        {
          key: 'state',
          title: t('indexmap.col.state'),
          width: 84,
          render: (_, r) => (
            <Tag color={ITEM_STATE_COLORS[r.state] ?? 'default'} bordered={false}>
              {tc('indexmap.state', r.state)}
            </Tag>
          ),
        },
        {
          key: 'due',
          title: t('indexmap.col.due'),
          width: 104,
          render: (_, r) => dayjs(r.dueAt).format('YYYY-MM-DD'),
        },
      ]}
    />
  );
}
