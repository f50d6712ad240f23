// 五色云图 (/index/map?period=YYYY-MM&level=town|village): a published month of the safety index on the
// map of towns or villages, filled by the five bands, with the legend's counts; beside it the ranking
// and the biggest movers. Hover a unit for its score, click it (or a row) for the unit page.
import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Empty,
  Result,
  Segmented,
  Select,
  Skeleton,
  Spin,
  Table,
  Tooltip,
  Typography,
} from 'antd';
import { lazy, type RefObject, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { isApiError } from '../../api/client';
import { systemApi, unitsApi } from '../../api/endpoints';
import { type IndexLevel, indexApi, type PublicIndex } from '../../api/safetyIndex';
import type { UnitFeatureCollection } from '../../api/types';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { Link, navigate, useLocation } from '../../router/router';
import { ChangeText, ColorTag, Legend } from './bits';
import {
  byRank,
  formatScore,
  legendCounts,
  levelParam,
  MAP_BASE,
  mapPath,
  movers,
  PUBLIC_BASE,
  periodParam,
  type Scored,
  unitPath,
} from './model';
import './indexmap.css';

const IndexMap = lazy(() => import('./IndexMap'));

type Item = PublicIndex['items'][number];
/** The height of a small table's header row. */
const TABLE_HEAD = 40;

/** An element's height, followed as it resizes. */
function useHeight<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [h, setH] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setH(el.clientHeight));
    ro.observe(el);
    setH(el.clientHeight);
    return () => ro.disconnect();
  }, []);
  return [ref, h];
}

export default function IndexMapPage() {
  const { t, tc, lang } = useI18n();
  const { pathname, search } = useLocation();
  const level = levelParam(search.get('level'));
  const periods = useAsync(() => indexApi.publicPeriods(), []);
  const list = periods.data?.periods ?? [];
  const period = periodParam(search.get('period'), list);
  const index = useAsync(period ? () => indexApi.publicIndex(period, level) : null, [period, level], {
    expected: (e) => isApiError(e, 404),
  });
  const geo = useAsync((signal) => unitsApi.geojson({ level }, signal), [level]);
  const [rankBox, rankHeight] = useHeight<HTMLDivElement>();
  const clientConfig = useAsync((signal) => systemApi.clientConfig(signal), []);

  const data =
    index.data && index.data.period === period && index.data.level === level ? index.data : undefined;
  const items = data?.items;
  const byId = useMemo(() => new Map<number, Scored>((items ?? []).map((i) => [i.unitId, i])), [items]);
  const ranked = useMemo(() => byRank(items ?? []), [items]);
  const moved = useMemo(() => movers(items ?? []), [items]);
  const counts = useMemo(() => legendCounts(items ?? []), [items]);
  const of = useMemo(() => (items ?? []).filter((i) => i.score !== null).length, [items]);
  // only the units of the index: the boundaries of other counties stay off this map
  const shapes = useMemo<UnitFeatureCollection | undefined>(
    () =>
      geo.data && items
        ? { type: 'FeatureCollection', features: geo.data.features.filter((f) => byId.has(f.properties.id)) }
        : undefined,
    [geo.data, items, byId],
  );

  if (pathname !== MAP_BASE) return <Result status="404" title="404" subTitle={t('common.notFound')} />;

  const go = (p: string | undefined, l: IndexLevel) => navigate(mapPath(p, l), { replace: true });
  const open = (unitId: number) => navigate(unitPath(unitId, data?.runId, level));

  const head = (
    <div className="index-head">
      <Typography.Title level={4} className="index-title" data-testid="index-title">
        {t('indexmap.title')}
      </Typography.Title>
      <div className="index-controls">
        <Select
          className="index-period"
          data-testid="index-period"
          value={period}
          placeholder={t('indexmap.period')}
          disabled={list.length === 0}
          options={list.map((p) => ({ value: p, label: t('indexmap.periodLabel', { period: p }) }))}
          onChange={(p: string) => go(p, level)}
          aria-label={t('indexmap.period')}
        />
        <Segmented<IndexLevel>
          data-testid="index-level"
          value={level}
          onChange={(l) => go(period, l)}
          options={[
            { value: 'town', label: tc('level', 'town') },
            { value: 'village', label: tc('level', 'village') },
          ]}
        />
        <Tooltip title={t('indexmap.reload')}>
          <Button
            icon={<ReloadOutlined />}
            aria-label={t('indexmap.reload')}
            loading={index.loading || periods.loading}
            onClick={() => {
              periods.reload();
              index.reload();
            }}
          />
        </Tooltip>
      </div>
      <span className="index-head-end">
        <Link to={PUBLIC_BASE}>{t('indexmap.public.open')}</Link>
      </span>
    </div>
  );

  if (periods.error) {
    return (
      <div className="index-page">
        {head}
        <Alert
          type="error"
          showIcon
          message={t('indexmap.loadFailed')}
          action={<Button onClick={periods.reload}>{t('indexmap.retry')}</Button>}
        />
      </div>
    );
  }
  if (periods.data && list.length === 0) {
    return (
      <div className="index-page">
        {head}
        <Card className="index-empty-card">
          <Empty description={t('indexmap.noPeriods')} data-testid="index-empty">
            <Typography.Text type="secondary">{t('indexmap.noPeriodsHint')}</Typography.Text>
          </Empty>
        </Card>
      </div>
    );
  }

  return (
    <div className="index-page" data-testid="index-map-page">
      {head}
      {index.error && !data ? (
        <Alert
          type="error"
          showIcon
          message={isApiError(index.error, 404) ? t('indexmap.notPublished') : t('indexmap.loadFailed')}
          action={<Button onClick={index.reload}>{t('indexmap.retry')}</Button>}
        />
      ) : null}
      <div className="index-body">
        <Card size="small" className="index-map-card" styles={{ body: { padding: 0 } }}>
          <div className="index-map-box">
            <Suspense fallback={<Spin className="panel-spin" />}>
              {clientConfig.loading ? (
                <Spin className="panel-spin" />
              ) : (
                <IndexMap
                  data={shapes}
                  items={byId}
                  of={of}
                  loading={geo.loading || index.loading || periods.loading}
                  onPick={open}
                  tileUrl={clientConfig.data?.tileUrl ?? undefined}
                />
              )}
            </Suspense>
            {data && (
              <div className="index-map-legend">
                <div className="index-map-legend-title">
                  {t('indexmap.legendTitle', { period: data.period, level: tc('level', level) })}
                </div>
                <Legend counts={counts} />
              </div>
            )}
            <div className="index-map-note">{t('indexmap.mapNote')}</div>
          </div>
        </Card>
        <div className="index-side">
          <Card
            size="small"
            className="index-rank-card"
            title={t('indexmap.ranking', { n: ranked.length })}
            styles={{ body: { padding: 0 } }}
          >
            <div ref={rankBox} className="index-rank-body">
              {!data && index.loading ? (
                <Skeleton active className="index-skeleton" paragraph={{ rows: 8 }} />
              ) : (
                <Table<Item>
                  size="small"
                  rowKey="unitId"
                  data-testid="index-ranking"
                  dataSource={ranked}
                  pagination={false}
                  // the table's body scrolls within the card: its height less the table's header
                  scroll={{ y: Math.max(120, rankHeight - TABLE_HEAD) }}
                  onRow={(r) => ({ onClick: () => open(r.unitId), className: 'index-row-link' })}
                  locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
                  columns={[
                    {
                      key: 'rank',
                      title: t('indexmap.col.rank'),
                      width: 52,
                      align: 'right',
                      render: (_, r) => r.rank ?? '—',
                    },
                    {
                      key: 'name',
                      title: t('indexmap.col.name'),
                      ellipsis: true,
                      render: (_, r) => <span data-unit-id={r.unitId}>{r.name}</span>,
                    },
                    {
                      key: 'score',
                      title: t('indexmap.col.score'),
                      width: 64,
                      align: 'right',
                      render: (_, r) => formatScore(r.score),
                    },
                    {
                      key: 'change',
                      title: t('indexmap.col.change'),
                      width: 72,
                      align: 'right',
                      render: (_, r) => <ChangeText change={r.change} />,
                    },
                    {
                      key: 'color',
                      title: t('indexmap.col.color'),
                      width: lang === 'en' ? 96 : 64,
                      render: (_, r) => <ColorTag color={r.color} />,
                    },
                  ]}
                />
              )}
            </div>
          </Card>
          <Card size="small" className="index-movers-card" title={t('indexmap.movers')}>
            <Movers up={moved.up} down={moved.down} onOpen={open} />
          </Card>
        </div>
      </div>
    </div>
  );
}

function Movers({ up, down, onOpen }: { up: Item[]; down: Item[]; onOpen: (id: number) => void }) {
  const { t } = useI18n();
  const col = (title: string, rows: Item[], testId: string) => (
    <div className="index-movers-col" data-testid={testId}>
      <div className="index-movers-title">{title}</div>
      {rows.length === 0 ? (
        <Typography.Text type="secondary">{t('indexmap.moversNone')}</Typography.Text>
      ) : (
        <ol>
          {rows.map((r) => (
            <li key={r.unitId}>
              <button type="button" className="index-linklike" onClick={() => onOpen(r.unitId)}>
                {r.name}
              </button>
              <ChangeText change={r.change} />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
  return (
    <div className="index-movers">
      {col(t('indexmap.moversUp'), up, 'movers-up')}
      {col(t('indexmap.moversDown'), down, 'movers-down')}
    </div>
  );
}
