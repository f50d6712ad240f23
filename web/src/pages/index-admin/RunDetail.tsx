// One run under review: the stepper (collected → computed → confirmed → published), what to review
// before confirming (anomaly flags first, then missing inputs and the engine's warnings), the results
// with each unit's 90 % rank interval, the rank robustness panel (the Monte Carlo settings and the
// sensitivity of the ranks to each input), the corrections with their reasons, and the Confirm and
// Publish buttons. Every change sends the version read; "changed by someone else" reloads. A published
// run is read-only.
import {
  ArrowLeftOutlined,
  CheckCircleOutlined,
  EditOutlined,
  ReloadOutlined,
  SendOutlined,
  WarningFilled,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Empty,
  Input,
  Result,
  Skeleton,
  Space,
  Statistic,
  Steps,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { isApiError } from '../../api/client';
import {
  type IndexResult,
  indexApi,
  type Run,
  type RunUncertainty,
  type SchemeIndicator,
} from '../../api/safetyIndex';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { Link, navigate } from '../../router/router';
import { rankBounds } from '../index-map/model';
import { Change, ColorTag, isConflict, RunStateTag, useIndexErrorText } from './bits';
import { CorrectionDialog, type CorrectionTarget } from './CorrectionDialog';
import { sensitivityOption } from './charts';
import {
  DIMENSIONS,
  formatDateTime,
  formatScore,
  formatValue,
  groupMissing,
  RUN_STEPS,
  runActions,
  runStepper,
  sensitivityLabel,
} from './model';

const IndexChart = lazy(() => import('../../components/EChart'));

type TabKey = 'results' | 'anomalies' | 'missing' | 'corrections' | 'warnings';

export function RunDetail({ id, manage }: { id: number; manage: boolean }) {
  const { t, tc, lang } = useI18n();
  const { modal, message } = App.useApp();
  const errorText = useIndexErrorText();
  const loaded = useAsync(() => indexApi.run(id), [id], { expected: (e) => isApiError(e, 404) });
  const [run, setRun] = useState<Run | undefined>(undefined);
  useEffect(() => setRun(loaded.data), [loaded.data]);
  const scheme = useAsync(run ? () => indexApi.scheme(run.scheme.code, run.scheme.version) : null, [
    run?.scheme.code,
    run?.scheme.version,
  ]);
  const [tab, setTab] = useState<TabKey | null>(null);
  const [search, setSearch] = useState('');
  const [correcting, setCorrecting] = useState<CorrectionTarget | null>(null);
  const [busy, setBusy] = useState(false);

  const indicators = useMemo(
    () => new Map<string, SchemeIndicator>((scheme.data?.body.indicators ?? []).map((i) => [i.code, i])),
    [scheme.data],
  );
  const names = useMemo(() => new Map((run?.results ?? []).map((r) => [r.unitId, r.name])), [run]);
  const anomalyUnits = useMemo(() => new Set((run?.anomalies ?? []).map((a) => a.unitId)), [run]);
  const results = useMemo(() => {
    const q = search.trim();
    return [...(run?.results ?? [])]
      .filter((r) => !q || r.name.includes(q) || r.code.includes(q))
      .sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || a.code.localeCompare(b.code));
  }, [run, search]);

  if (loaded.error !== undefined && !loaded.loading) {
    return (
      <Card className="page-card">
        <Result
          status={isApiError(loaded.error, 404) ? '404' : 'error'}
          title={isApiError(loaded.error, 404) ? t('indexadmin.run.notFound') : t('indexadmin.loadFailed')}
          extra={<Button onClick={() => navigate('/index/runs')}>{t('indexadmin.back')}</Button>}
        />
      </Card>
    );
  }
  if (!run) {
    return (
      <Card className="page-card">
        <Skeleton active paragraph={{ rows: 8 }} />
      </Card>
    );
  }

  const ranked = run.results.filter((r) => r.rank !== null).length;
  const can = runActions(run.state);
  const stepper = runStepper(run.state);
  const indicatorName = (code: string) => {
    const ind = indicators.get(code);
    return ind ? (lang === 'en' ? ind.name.en : ind.name.zh) : code;
  };
  const level = tc('level', run.level);
  const activeTab: TabKey = tab ?? (run.anomalies.length && can.confirm ? 'anomalies' : 'results');

  const reload = async () => {
    try {
      setRun(await indexApi.run(id));
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  const act = async (call: () => Promise<Run>, done: string) => {
    setBusy(true);
    try {
      setRun(await call());
      void message.success(done);
    } catch (e) {
      void message.error(errorText(e));
      if (isConflict(e) || isApiError(e, 409)) await reload();
    } finally {
      setBusy(false);
    }
  };
  const confirm = () =>
    modal.confirm({
      title: t('indexadmin.run.confirmTitle', { period: run.period, level }),
      content: (
        <div>
          <p>{t('indexadmin.run.confirmBody')}</p>
          {run.anomalies.length > 0 && (
            <Alert
              type="warning"
              showIcon
              message={t('indexadmin.run.confirmAnomalies', { n: run.anomalies.length })}
            />
          )}
        </div>
      ),
      okText: t('indexadmin.run.confirm'),
      cancelText: t('common.cancel'),
      onOk: () => act(() => indexApi.confirm(run.id, run.version), t('indexadmin.run.confirmedOk')),
    });
  const publish = () =>
    modal.confirm({
      title: t('indexadmin.run.publishTitle', { period: run.period, level }),
      content: t('indexadmin.run.publishBody'),
      okText: t('indexadmin.run.publish'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () => act(() => indexApi.publish(run.id, run.version), t('indexadmin.run.publishedOk')),
    });

  const dims = DIMENSIONS.map((d) => ({
    key: d,
    title: t(`indexadmin.dimension.${d}`),
    width: 78,
    align: 'right' as const,
    render: (_: unknown, r: IndexResult) => formatScore(r.dimensions[d] ?? null, 1),
  }));

  return (
    <div className="ia-run" data-testid="run-detail" data-run-id={run.id} data-state={run.state}>
      <Card className="ia-card ia-run-head">
        <div className="ia-run-title">
          <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate('/index/runs')}>
            {t('indexadmin.back')}
          </Button>
          <Typography.Title level={4} className="ia-h">
            {t('indexadmin.run.title', { period: run.period, level })}
          </Typography.Title>
          <RunStateTag state={run.state} />
          <Typography.Text type="secondary" className="ia-run-meta">
            {t('indexadmin.run.meta', {
              id: run.id,
              scheme: `${run.scheme.code}@${run.scheme.version}`,
              within: run.within.name,
              by: run.createdBy,
              at: formatDateTime(run.createdAt),
            })}
          </Typography.Text>
          <span className="ia-grow" />
          <Button icon={<ReloadOutlined />} onClick={() => void reload()}>
            {t('indexadmin.reload')}
          </Button>
          {run.state !== 'collected' && (
            <Button href={`/api/v1/index/runs/${run.id}/report`} target="_blank" data-testid="run-report">
              {t('indexadmin.run.report')}
            </Button>
          )}
          {manage && can.confirm && (
            <Button
              type="primary"
              icon={<CheckCircleOutlined />}
              loading={busy}
              onClick={confirm}
              data-testid="run-confirm"
            >
              {t('indexadmin.run.confirm')}
            </Button>
          )}
          {manage && can.publish && (
            <Button
              type="primary"
              icon={<SendOutlined />}
              loading={busy}
              onClick={publish}
              data-testid="run-publish"
            >
              {t('indexadmin.run.publish')}
            </Button>
          )}
        </div>
        <Steps
          size="small"
          className="ia-steps"
          current={stepper.current}
          data-testid="run-steps"
          items={RUN_STEPS.map((s, i) => ({
            title: t(`indexadmin.step.${s}`),
            status: stepper.statuses[i],
            description: stepTime(run, s),
          }))}
        />
        <div className="ia-stats">
          <Statistic title={t('indexadmin.run.units')} value={run.results.length} />
          <Statistic
            title={t('indexadmin.run.anomalyCount')}
            value={run.anomalies.length}
            valueStyle={run.anomalies.length ? { color: '#d46b08' } : undefined}
          />
          <Statistic title={t('indexadmin.run.missingCount')} value={run.missing.length} />
          <Statistic title={t('indexadmin.run.correctionCount')} value={run.corrections.length} />
          <Statistic title={t('indexadmin.run.warningCount')} value={run.warnings.length} />
          <div className="ia-state-note">
            {run.state === 'published' ? (
              <Alert
                type="success"
                showIcon
                message={t('indexadmin.run.publishedNote', { at: formatDateTime(run.publishedAt) })}
                data-testid="run-readonly"
              />
            ) : run.state === 'confirmed' ? (
              <Alert type="info" showIcon message={t('indexadmin.run.confirmedNote')} />
            ) : run.state === 'computed' && run.anomalies.length > 0 ? (
              <Alert
                type="warning"
                showIcon
                message={t('indexadmin.run.anomalyAlert', { n: run.anomalies.length })}
                data-testid="anomaly-alert"
              />
            ) : run.state === 'computed' ? (
              <Alert type="info" showIcon message={t('indexadmin.run.reviewNote')} />
            ) : null}
          </div>
        </div>
      </Card>

      <Card className="ia-card ia-run-body">
        <Tabs
          activeKey={activeTab}
          onChange={(k) => setTab(k as TabKey)}
          tabBarExtraContent={
            activeTab === 'results' ? (
              <Space>
                <Input.Search
                  allowClear
                  placeholder={t('indexadmin.result.search')}
                  onChange={(e) => setSearch(e.target.value)}
                  style={{ width: 200 }}
                />
                {manage && can.correct && (
                  <Button
                    icon={<EditOutlined />}
                    onClick={() => setCorrecting({})}
                    data-testid="open-correction"
                  >
                    {t('indexadmin.correct.title')}
                  </Button>
                )}
              </Space>
            ) : null
          }
          items={[
            {
              key: 'results',
              label: t('indexadmin.tab.results'),
              children: (
                <Table<IndexResult>
                  data-testid="run-results"
                  size="small"
                  rowKey="unitId"
                  dataSource={results}
                  pagination={{ pageSize: 15, showSizeChanger: false, hideOnSinglePage: true }}
                  columns={[
                    {
                      key: 'rank',
                      title: t('indexadmin.result.rank'),
                      dataIndex: 'rank',
                      width: 64,
                      render: (x) => x ?? '—',
                    },
                    {
                      key: 'interval',
                      title: t('indexadmin.result.interval'),
                      width: 150,
                      render: (_, r) => <RankRange result={r} of={ranked} />,
                    },
                    {
                      key: 'unit',
                      title: t('indexadmin.result.unit'),
                      render: (_, r) => (
                        <Space size={6}>
                          <Link to={`/index/units/${r.unitId}?run=${run.id}`}>{r.name}</Link>
                          <Typography.Text type="secondary" className="ia-code">
                            {r.code}
                          </Typography.Text>
                          {anomalyUnits.has(r.unitId) && (
                            <Tooltip title={t('indexadmin.result.hasAnomaly')}>
                              <WarningFilled className="ia-warn" />
                            </Tooltip>
                          )}
                        </Space>
                      ),
                    },
                    {
                      key: 'score',
                      title: t('indexadmin.result.score'),
                      align: 'right',
                      width: 84,
                      render: (_, r) => <strong>{formatScore(r.score)}</strong>,
                    },
                    {
                      key: 'color',
                      title: t('indexadmin.result.color'),
                      width: 84,
                      render: (_, r) => <ColorTag color={r.color} />,
                    },
                    {
                      key: 'change',
                      title: t('indexadmin.result.change'),
                      align: 'right',
                      width: 84,
                      render: (_, r) => <Change value={r.change} />,
                    },
                    ...dims,
                    ...(manage && can.correct
                      ? [
                          {
                            key: 'act',
                            title: '',
                            width: 72,
                            render: (_: unknown, r: IndexResult) => (
                              <Button
                                size="small"
                                type="link"
                                onClick={() => setCorrecting({ unitId: r.unitId })}
                                data-testid="correct-unit"
                              >
                                {t('indexadmin.result.correct')}
                              </Button>
                            ),
                          },
                        ]
                      : []),
                  ]}
                />
              ),
            },
            {
              key: 'anomalies',
              label: (
                <span data-testid="tab-anomalies">
                  {t('indexadmin.tab.anomalies')}{' '}
                  <Badge count={run.anomalies.length} color="#fa8c16" showZero={false} size="small" />
                </span>
              ),
              children:
                run.anomalies.length === 0 ? (
                  <Empty description={t('indexadmin.anomaly.none')} />
                ) : (
                  <>
                    <Typography.Paragraph type="secondary">
                      {t('indexadmin.anomaly.intro')}
                    </Typography.Paragraph>
                    <Table
                      data-testid="run-anomalies"
                      size="small"
                      rowKey={(a) => `${a.unitId}:${a.indicator}:${a.kind}`}
                      rowClassName={() => 'ia-row-anomaly'}
                      dataSource={run.anomalies}
                      pagination={{ pageSize: 15, hideOnSinglePage: true, showSizeChanger: false }}
                      columns={[
                        {
                          key: 'unit',
                          title: t('indexadmin.result.unit'),
                          render: (_, a) => names.get(a.unitId) ?? `#${a.unitId}`,
                        },
                        {
                          key: 'indicator',
                          title: t('indexadmin.correct.indicator'),
                          render: (_, a) => (
                            <IndicatorLabel name={indicatorName(a.indicator)} code={a.indicator} />
                          ),
                        },
                        {
                          key: 'kind',
                          title: t('indexadmin.anomaly.kind'),
                          render: (_, a) => (
                            <Tag color="orange" icon={<WarningFilled />}>
                              {tc('indexadmin.anomaly.kind', a.kind)}
                            </Tag>
                          ),
                        },
                        { key: 'message', title: t('indexadmin.anomaly.message'), dataIndex: 'message' },
                        ...(manage && can.correct
                          ? [
                              {
                                key: 'act',
                                title: '',
                                width: 80,
                                render: (_: unknown, a: { unitId: number; indicator: string }) => (
                                  <Button
                                    size="small"
                                    type="link"
                                    onClick={() =>
                                      setCorrecting({ unitId: a.unitId, indicator: a.indicator })
                                    }
                                  >
                                    {t('indexadmin.result.correct')}
                                  </Button>
                                ),
                              },
                            ]
                          : []),
                      ]}
                    />
                  </>
                ),
            },
            {
              key: 'missing',
              label: (
                <span>
                  {t('indexadmin.tab.missing')}{' '}
                  <Badge count={run.missing.length} color="#8c8c8c" showZero={false} size="small" />
                </span>
              ),
              children:
                run.missing.length === 0 ? (
                  <Empty description={t('indexadmin.missing.none')} />
                ) : (
                  <>
                    <Typography.Paragraph type="secondary">
                      {t('indexadmin.missing.note')}
                    </Typography.Paragraph>
                    <Table
                      data-testid="run-missing"
                      size="small"
                      rowKey="unitId"
                      dataSource={groupMissing(run.missing, names)}
                      pagination={{ pageSize: 15, hideOnSinglePage: true, showSizeChanger: false }}
                      columns={[
                        { key: 'unit', title: t('indexadmin.result.unit'), dataIndex: 'name', width: 200 },
                        {
                          key: 'indicators',
                          title: t('indexadmin.missing.indicators'),
                          render: (_, g) => g.indicators.map((c) => <Tag key={c}>{indicatorName(c)}</Tag>),
                        },
                        {
                          key: 'n',
                          title: t('indexadmin.missing.count'),
                          width: 80,
                          align: 'right',
                          render: (_, g) => g.indicators.length,
                        },
                      ]}
                    />
                  </>
                ),
            },
            {
              key: 'corrections',
              label: (
                <span data-testid="tab-corrections">
                  {t('indexadmin.tab.corrections')}{' '}
                  <Badge count={run.corrections.length} color="#1f5fae" showZero={false} size="small" />
                </span>
              ),
              children:
                run.corrections.length === 0 ? (
                  <Empty description={t('indexadmin.correction.none')} />
                ) : (
                  <Table
                    data-testid="run-corrections"
                    size="small"
                    rowKey={(c) => `${c.unitId}:${c.indicator}`}
                    dataSource={run.corrections}
                    pagination={false}
                    columns={[
                      {
                        key: 'unit',
                        title: t('indexadmin.result.unit'),
                        render: (_, c) => names.get(c.unitId) ?? `#${c.unitId}`,
                      },
                      {
                        key: 'indicator',
                        title: t('indexadmin.correct.indicator'),
                        render: (_, c) => (
                          <IndicatorLabel name={indicatorName(c.indicator)} code={c.indicator} />
                        ),
                      },
                      {
                        key: 'original',
                        title: t('indexadmin.correct.original'),
                        align: 'right',
                        render: (_, c) => <span className="ia-strike">{formatValue(c.original)}</span>,
                      },
                      {
                        key: 'value',
                        title: t('indexadmin.correct.value'),
                        align: 'right',
                        render: (_, c) => (
                          <strong>
                            {c.value === null ? t('indexadmin.correct.missingValue') : formatValue(c.value)}
                          </strong>
                        ),
                      },
                      { key: 'reason', title: t('indexadmin.correct.reason'), dataIndex: 'reason' },
                      { key: 'by', title: t('indexadmin.correction.by'), dataIndex: 'by', width: 110 },
                      {
                        key: 'at',
                        title: t('indexadmin.correction.at'),
                        width: 140,
                        render: (_, c) => formatDateTime(c.at),
                      },
                    ]}
                  />
                ),
            },
            {
              key: 'warnings',
              label: (
                <span>
                  {t('indexadmin.tab.warnings')}{' '}
                  <Badge count={run.warnings.length} color="#8c8c8c" showZero={false} size="small" />
                </span>
              ),
              children:
                run.warnings.length === 0 ? (
                  <Empty description={t('indexadmin.warning.none')} />
                ) : (
                  <Table
                    data-testid="run-warnings"
                    size="small"
                    rowKey="key"
                    dataSource={run.warnings.map((w, i) => ({ ...w, key: i }))}
                    pagination={{ pageSize: 15, hideOnSinglePage: true, showSizeChanger: false }}
                    columns={[
                      {
                        key: 'code',
                        title: t('indexadmin.warning.code'),
                        width: 220,
                        render: (_, w) => <code>{w.code}</code>,
                      },
                      { key: 'message', title: t('indexadmin.warning.message'), dataIndex: 'message' },
                    ]}
                  />
                ),
            },
          ]}
        />
      </Card>

      {run.state !== 'collected' && run.results.length > 0 && (
        <Robustness uncertainty={run.uncertainty} results={run.results} indicators={indicators} lang={lang} />
      )}

      {manage && correcting && (
        <CorrectionDialog
          run={run}
          target={correcting}
          indicators={scheme.data?.body.indicators ?? []}
          onClose={() => setCorrecting(null)}
          onCorrected={(r) => {
            setRun(r);
            setCorrecting(null);
            setTab('corrections');
          }}
          onConflict={async () => {
            setCorrecting(null);
            await reload();
          }}
        />
      )}
    </div>
  );
}

/** A unit's 90 % rank interval: the ranks as text, and a bar over 1…n with the nominal rank marked. */
function RankRange({ result, of }: { result: IndexResult; of: number }) {
  const { t } = useI18n();
  const b = rankBounds(result.rankInterval);
  if (!b || !result.rankInterval || of < 2) return <span className="ia-muted">—</span>;
  const pos = (rank: number) => `${((Math.min(of, Math.max(1, rank)) - 1) / (of - 1)) * 100}%`;
  return (
    <Tooltip
      title={t('indexadmin.result.intervalTip', {
        median: formatValue(result.rankInterval.median),
        lo: b.lo,
        hi: b.hi,
      })}
    >
      <span className="ia-range" data-testid="rank-interval" data-lo={b.lo} data-hi={b.hi}>
        <span className="ia-range-text">{b.lo === b.hi ? b.lo : `${b.lo}–${b.hi}`}</span>
        <span className="ia-range-track">
          <span
            className="ia-range-band"
            style={{
              left: pos(b.lo),
              width: `calc(${((b.hi - b.lo) / (of - 1)) * 100}% + 4px)`,
            }}
          />
          {result.rank !== null && <span className="ia-range-dot" style={{ left: pos(result.rank) }} />}
        </span>
      </span>
    </Tooltip>
  );
}

/** The run's Monte Carlo analysis: its settings, the mean rank shift, and what the ranks are sensitive to. */
function Robustness({
  uncertainty,
  results,
  indicators,
  lang,
}: {
  uncertainty: RunUncertainty | null;
  results: IndexResult[];
  indicators: ReadonlyMap<string, SchemeIndicator>;
  lang: string;
}) {
  const { t } = useI18n();
  const bars = useMemo(
    () =>
      (uncertainty?.sensitivity ?? []).map((s) => ({
        label: sensitivityLabel(
          s.input,
          {
            indicator: (code) => {
              const ind = indicators.get(code);
              return ind ? (lang === 'en' ? ind.name.en : ind.name.zh) : undefined;
            },
            dimension: (code) =>
              (DIMENSIONS as readonly string[]).includes(code)
                ? t(`indexadmin.dimension.${code as (typeof DIMENSIONS)[number]}`)
                : undefined,
          },
          t,
        ),
        value: s.firstOrder,
      })),
    [uncertainty, indicators, lang, t],
  );
  const option = useMemo(
    () =>
      sensitivityOption(
        bars,
        { title: t('indexadmin.robust.sensitivity') },
        { labelChars: lang === 'en' ? 24 : 12 },
      ),
    [bars, t, lang],
  );
  const widest = useMemo(() => {
    let best: { name: string; lo: number; hi: number } | null = null;
    for (const r of results) {
      const b = rankBounds(r.rankInterval);
      if (b && (!best || b.hi - b.lo > best.hi - best.lo)) best = { name: r.name, ...b };
    }
    return best;
  }, [results]);

  if (!uncertainty) {
    return (
      <Card
        className="ia-card"
        size="small"
        title={t('indexadmin.robust.title')}
        data-testid="run-robustness"
      >
        <Typography.Text type="secondary">{t('indexadmin.robust.none')}</Typography.Text>
      </Card>
    );
  }
  const noise = `${Math.round(uncertainty.weightNoise * 100)}%`;
  const shown = Math.min(12, bars.length);
  return (
    <Card className="ia-card" size="small" title={t('indexadmin.robust.title')} data-testid="run-robustness">
      <div className="ia-robust">
        <div className="ia-robust-facts">
          <Typography.Paragraph type="secondary" className="ia-hint">
            {t('indexadmin.robust.intro', { noise, runs: uncertainty.runs.toLocaleString() })}
          </Typography.Paragraph>
          <div className="ia-robust-stats">
            <Statistic title={t('indexadmin.robust.runs')} value={uncertainty.runs} />
            <Statistic title={t('indexadmin.robust.noise')} value={`±${noise}`} />
            <Statistic title={t('indexadmin.robust.seed')} value={uncertainty.seed} groupSeparator="" />
            <Statistic
              title={t('indexadmin.robust.shift')}
              value={t('indexadmin.robust.places', { n: formatScore(uncertainty.meanRankShift, 2) })}
            />
          </div>
          {widest && widest.hi > widest.lo && (
            <Typography.Text className="ia-hint" data-testid="robust-widest">
              {t('indexadmin.robust.widest', widest)}
            </Typography.Text>
          )}
        </div>
        <div className="ia-robust-chart">
          <div className="ia-field-label">{t('indexadmin.robust.sensitivity')}</div>
          {bars.length === 0 || bars.every((b) => b.value < 0.005) ? (
            <Typography.Text type="secondary" className="ia-hint">
              {t('indexadmin.robust.flat')}
            </Typography.Text>
          ) : (
            <Suspense fallback={<Skeleton active paragraph={{ rows: 3 }} />}>
              <IndexChart
                option={option}
                height={Math.max(120, shown * 24 + 24)}
                testId="robust-sensitivity"
              />
            </Suspense>
          )}
        </div>
      </div>
    </Card>
  );
}

function IndicatorLabel({ name, code }: { name: string; code: string }) {
  return (
    <span>
      {name}{' '}
      <Typography.Text type="secondary" className="ia-code">
        {code}
      </Typography.Text>
    </span>
  );
}

function stepTime(run: Run, step: (typeof RUN_STEPS)[number]): string | undefined {
  const at =
    step === 'collected'
      ? run.createdAt
      : step === 'computed'
        ? run.computedAt
        : step === 'confirmed'
          ? run.confirmedAt
          : run.publishedAt;
  return at ? formatDateTime(at) : undefined;
}
