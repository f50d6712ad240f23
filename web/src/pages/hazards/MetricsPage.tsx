// 隐患销号率 (/hazards/metrics): leaders' view of the close-out rates for a period, by domain and by
// town (or village, grid), from GET /hazards/metrics: totals on top, two bar charts, the table below.
import { Card, DatePicker, Empty, Segmented, Spin, Statistic, Table, Typography } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { hazardsApi, type MetricsRow } from '../../api/hazards';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { dayjs } from '../events/dayjs';
import { formatRate, localDate } from '../events/model';
import { bi, loadDomains } from './bits';
import { rateChartOption, ratesByDomain, totals } from './model';
import './hazards.css';

const Chart = lazy(() => import('../../components/EChart'));
type Level = 'town' | 'village' | 'grid';

export default function MetricsPage() {
  const { t, tc, lang } = useI18n();
  const today = localDate(new Date());
  const [range, setRange] = useState<[string, string]>([`${today.slice(0, 4)}-01-01`, today]);
  const [level, setLevel] = useState<Level>('town');
  const metrics = useAsync(
    (signal) => hazardsApi.metrics({ from: range[0], to: range[1], level }, signal),
    [range[0], range[1], level],
  );
  const domains = useAsync(() => loadDomains(), []);
  const domainName = (code: string) => {
    const d = domains.data?.find((x) => x.code === code);
    return d ? bi(lang, d.name) : code;
  };
  const rows: MetricsRow[] = metrics.data?.items ?? [];
  const sum = useMemo(() => totals(rows), [rows]);
  const byDomain = useMemo(() => ratesByDomain(rows), [rows]);
  const byUnit = rows
    .map((r) => ({
      name: r.unit.name,
      rate: r.closeoutRate,
      dueClosedOut: r.dueClosedOut,
      due: r.due,
      found: r.found,
    }))
    .sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1));

  return (
    <div className="metrics-page" data-testid="hazard-metrics">
      <div
        className="events-head metrics-head"
        style={{ marginBottom: 12, display: 'flex', gap: 16, alignItems: 'center' }}
      >
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('metrics.title')}
        </Typography.Title>
        <DatePicker.RangePicker
          value={[dayjs(range[0]), dayjs(range[1])]}
          allowClear={false}
          onChange={(r) => {
            if (r?.[0] && r[1]) setRange([r[0].format('YYYY-MM-DD'), r[1].format('YYYY-MM-DD')]);
          }}
        />
        <Segmented<Level>
          value={level}
          onChange={setLevel}
          options={(['town', 'village', 'grid'] as const).map((l) => ({
            value: l,
            label: tc('metrics.level', l),
          }))}
        />
        <Typography.Text type="secondary">{t('metrics.rateHint')}</Typography.Text>
      </div>
      {metrics.loading && !metrics.data ? (
        <Spin className="page-spin" />
      ) : (
        <>
          <div className="metrics-cards">
            <Card size="small">
              <Statistic title={t('metrics.found')} value={sum.found} />
            </Card>
            <Card size="small">
              <Statistic title={t('metrics.closedOut')} value={sum.closedOut} />
            </Card>
            <Card size="small">
              <Statistic title={t('metrics.due')} value={sum.due} />
            </Card>
            <Card size="small">
              <Statistic title={t('metrics.rate')} value={formatRate(sum.rate)} data-testid="metrics-rate" />
            </Card>
            <Card size="small">
              <Statistic
                title={t('metrics.overdueOpen')}
                value={sum.overdueOpen}
                valueStyle={sum.overdueOpen > 0 ? { color: '#cf1322' } : undefined}
              />
            </Card>
          </div>
          {sum.found === 0 && sum.due === 0 ? (
            <Empty description={t('metrics.empty')} />
          ) : (
            <div className="metrics-charts">
              <Card size="small" title={`${t('metrics.rate')} · ${t('metrics.byDomain')}`}>
                <Suspense fallback={<Spin />}>
                  <Chart
                    testId="metrics-by-domain"
                    height={Math.max(160, byDomain.length * 30)}
                    option={rateChartOption(
                      byDomain.map((d) => ({ ...d, name: domainName(d.code) })),
                      t('metrics.rate'),
                    )}
                  />
                </Suspense>
              </Card>
              <Card size="small" title={`${t('metrics.rate')} · ${t('metrics.byUnit')}`}>
                <Suspense fallback={<Spin />}>
                  <Chart
                    testId="metrics-by-unit"
                    height={Math.max(160, byUnit.filter((r) => r.found > 0 || r.due > 0).length * 30)}
                    option={rateChartOption(byUnit, t('metrics.rate'))}
                  />
                </Suspense>
              </Card>
            </div>
          )}
          <Table
            size="small"
            rowKey={(r) => r.unit.id}
            dataSource={rows}
            pagination={false}
            columns={[
              { key: 'unit', title: t('metrics.col.unit'), render: (_, r) => r.unit.name },
              { key: 'found', title: t('metrics.found'), dataIndex: 'found', align: 'right' },
              { key: 'closedOut', title: t('metrics.closedOut'), dataIndex: 'closedOut', align: 'right' },
              { key: 'due', title: t('metrics.due'), dataIndex: 'due', align: 'right' },
              {
                key: 'rate',
                title: t('metrics.rate'),
                align: 'right',
                render: (_, r) => formatRate(r.closeoutRate),
              },
              { key: 'overdue', title: t('metrics.overdueOpen'), dataIndex: 'overdueOpen', align: 'right' },
            ]}
          />
        </>
      )}
    </div>
  );
}
