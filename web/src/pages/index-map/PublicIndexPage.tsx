// 平安指数公示 (/public/index?period=YYYY-MM&level=town|village): the published safety index for
// residents — no login, phone first. The latest published month by default; the towns (the villages on
// demand) with score, band and change; a search for one's village or town by name; a unit opens its
// score history and dimension scores, and whether it is publicly listed for rectification (挂牌). No
// personal data: only unit names, scores and dates are shown.
import { SearchOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Drawer,
  Empty,
  Input,
  Segmented,
  Select,
  Skeleton,
  Spin,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { isApiError } from '../../api/client';
import { type IndexLevel, indexApi, type PublicIndex } from '../../api/safetyIndex';
import { useAuth } from '../../auth/AuthProvider';
import { useI18n } from '../../i18n';
import { LanguageSwitch } from '../../i18n/LanguageSwitch';
import { useAsync } from '../../lib/useAsync';
import { Link, navigate, useLocation } from '../../router/router';
import { homePath } from '../../shell/nav';
import { ChangeText, ColorTag, Legend } from './bits';
import {
  byRank,
  colorHex,
  formatScore,
  legendCounts,
  levelParam,
  PUBLIC_BASE,
  periodParam,
  searchByName,
} from './model';
import { Dimensions, Headline, TrendChart } from './parts';
import './indexmap.css';

type Item = PublicIndex['items'][number];
interface Picked {
  runId: number;
  unitId: number;
  name: string;
  level: IndexLevel;
}

const publicPath = (period: string | undefined, level: IndexLevel) => {
  const q = new URLSearchParams();
  if (period) q.set('period', period);
  if (level !== 'town') q.set('level', level);
  const s = q.toString();
  return `${PUBLIC_BASE}${s ? `?${s}` : ''}`;
};

export default function PublicIndexPage() {
  const { t, tc } = useI18n();
  const { user } = useAuth();
  const { search } = useLocation();
  const level = levelParam(search.get('level'));
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<Picked | null>(null);

  useEffect(() => {
    const before = document.title;
    document.title = `${t('indexmap.public.title')} · ${t('app.name')}`;
    return () => {
      document.title = before;
    };
  }, [t]);

  const periods = useAsync(() => indexApi.publicPeriods(), []);
  const list = periods.data?.periods ?? [];
  const period = periodParam(search.get('period'), list);
  const searching = query.trim().length > 0;
  const towns = useAsync(period ? () => indexApi.publicIndex(period, 'town') : null, [period], {
    expected: (e) => isApiError(e, 404),
  });
  // the villages load when asked for: their level, or a search
  const villages = useAsync(
    period && (level === 'village' || searching) ? () => indexApi.publicIndex(period, 'village') : null,
    [period, level === 'village' || searching],
    { expected: (e) => isApiError(e, 404) },
  );
  const shown = level === 'town' ? towns : villages;
  const data = shown.data?.period === period ? shown.data : undefined;
  const ranked = useMemo(() => byRank(data?.items ?? []), [data]);
  const counts = useMemo(() => legendCounts(data?.items ?? []), [data]);
  const matches = useMemo(() => {
    if (!searching) return [];
    const all = [
      ...(towns.data?.items ?? []).map((i) => ({ ...i, level: 'town' as const, runId: towns.data!.runId })),
      ...(villages.data?.items ?? []).map((i) => ({
        ...i,
        level: 'village' as const,
        runId: villages.data!.runId,
      })),
    ];
    return searchByName(all, query, 12);
  }, [searching, query, towns.data, villages.data]);

  const go = (p: string | undefined, l: IndexLevel) => navigate(publicPath(p, l), { replace: true });
  const pick = (i: Item, l: IndexLevel, runId: number) =>
    setPicked({ runId, unitId: i.unitId, name: i.name, level: l });

  return (
    <div className="pub-app" data-testid="public-index">
      <header className="pub-header">
        <span className="pub-logo">安</span>
        <span className="pub-title">{t('indexmap.public.title')}</span>
        <span className="pub-header-end">
          <LanguageSwitch />
          {user ? (
            <Link to={homePath(user.roles)} className="pub-login">
              {t('indexmap.public.console')}
            </Link>
          ) : (
            <Link to="/login" className="pub-login">
              {t('indexmap.public.login')}
            </Link>
          )}
        </span>
      </header>
      <main className="pub-main">
        <p className="pub-intro">{t('indexmap.public.intro')}</p>
        {periods.error ? (
          <Alert
            type="error"
            showIcon
            message={t('indexmap.loadFailed')}
            action={<Button onClick={periods.reload}>{t('indexmap.retry')}</Button>}
          />
        ) : periods.data && list.length === 0 ? (
          <Empty description={t('indexmap.noPeriods')} data-testid="public-empty" />
        ) : (
          <>
            <div className="pub-controls">
              <Select
                className="pub-period"
                data-testid="public-period"
                value={period}
                loading={periods.loading}
                options={list.map((p) => ({ value: p, label: t('indexmap.periodLabel', { period: p }) }))}
                onChange={(p: string) => go(p, level)}
                aria-label={t('indexmap.period')}
              />
              <Segmented<IndexLevel>
                data-testid="public-level"
                value={level}
                onChange={(l) => go(period, l)}
                options={[
                  { value: 'town', label: tc('level', 'town') },
                  { value: 'village', label: tc('level', 'village') },
                ]}
              />
            </div>
            <Input
              allowClear
              size="large"
              prefix={<SearchOutlined />}
              placeholder={t('indexmap.public.search')}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              data-testid="public-search"
              className="pub-search"
            />
            {searching ? (
              <section className="pub-section" data-testid="public-matches">
                {villages.loading || towns.loading ? (
                  <Spin className="panel-spin" />
                ) : matches.length === 0 ? (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('indexmap.public.noMatch')} />
                ) : (
                  <ol className="pub-list">
                    {matches.map((m) => (
                      <Row
                        key={`${m.level}-${m.unitId}`}
                        item={m}
                        levelTag={tc('level', m.level)}
                        onOpen={() => pick(m, m.level, m.runId)}
                      />
                    ))}
                  </ol>
                )}
              </section>
            ) : (
              <section className="pub-section">
                {shown.error && !data ? (
                  <Alert
                    type={isApiError(shown.error, 404) ? 'info' : 'error'}
                    showIcon
                    message={
                      isApiError(shown.error, 404) ? t('indexmap.notPublished') : t('indexmap.loadFailed')
                    }
                    action={<Button onClick={shown.reload}>{t('indexmap.retry')}</Button>}
                  />
                ) : !data ? (
                  <Skeleton active paragraph={{ rows: 8 }} />
                ) : (
                  <>
                    <div className="pub-legend">
                      <Legend counts={counts} compact />
                    </div>
                    <div className="pub-list-head">
                      <span>{t('indexmap.col.rank')}</span>
                      <span>{t('indexmap.col.name')}</span>
                      <span>{t('indexmap.col.score')}</span>
                      <span>{t('indexmap.col.change')}</span>
                    </div>
                    <ol className="pub-list" data-testid="public-list" data-count={ranked.length}>
                      {ranked.map((i) => (
                        <Row key={i.unitId} item={i} onOpen={() => pick(i, level, data.runId)} />
                      ))}
                    </ol>
                  </>
                )}
              </section>
            )}
          </>
        )}
        <p className="pub-footnote">{t('indexmap.public.footnote')}</p>
      </main>
      <UnitDrawer picked={picked} onClose={() => setPicked(null)} />
    </div>
  );
}

function Row({ item, levelTag, onOpen }: { item: Item; levelTag?: string; onOpen: () => void }) {
  return (
    <li>
      <button type="button" className="pub-row" onClick={onOpen} data-unit-id={item.unitId}>
        <span className="pub-rank">{item.rank ?? '—'}</span>
        <span className="pub-name">
          <span className="pub-dot" style={{ background: colorHex(item.color) }} />
          <span className="pub-name-text">{item.name}</span>
          {levelTag && (
            <Tag bordered={false} className="pub-level-tag">
              {levelTag}
            </Tag>
          )}
        </span>
        <span className="pub-score">
          {formatScore(item.score)}
          <ColorTag color={item.color} />
        </span>
        <span className="pub-change">
          <ChangeText change={item.change} />
        </span>
      </button>
    </li>
  );
}

function UnitDrawer({ picked, onClose }: { picked: Picked | null; onClose: () => void }) {
  const { t, tc } = useI18n();
  const x = useAsync(picked ? () => indexApi.publicExplain(picked.runId, picked.unitId) : null, [
    picked?.runId,
    picked?.unitId,
  ]);
  const d = x.data && picked && x.data.unit.id === picked.unitId ? x.data : undefined;
  const listings = (d?.accountability ?? []).filter((a) => a.action === 'listing');
  const width = typeof window !== 'undefined' ? Math.min(480, window.innerWidth) : 480;
  return (
    <Drawer
      open={picked !== null}
      onClose={onClose}
      width={width}
      title={
        picked ? (
          <span>
            {picked.name} <Tag bordered={false}>{tc('level', picked.level)}</Tag>
          </span>
        ) : null
      }
      destroyOnHidden
      className="pub-drawer"
    >
      {x.error ? (
        <Alert type="error" showIcon message={t('indexmap.loadFailed')} />
      ) : !d ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : (
        <div className="pub-detail" data-testid="public-detail">
          <Typography.Text type="secondary">
            {t('indexmap.periodLabel', { period: d.period })}
          </Typography.Text>
          <Headline x={d} />
          <h3 className="pub-h3">{t('indexmap.dimensions')}</h3>
          <Dimensions dimensions={d.dimensions} />
          <h3 className="pub-h3">{t('indexmap.trend')}</h3>
          <TrendChart x={d} height={200} />
          <h3 className="pub-h3">{t('indexmap.public.listing')}</h3>
          {listings.length === 0 ? (
            <Typography.Text type="secondary" data-testid="public-no-listing">
              {t('indexmap.public.noListing')}
            </Typography.Text>
          ) : (
            <ul className="pub-listings" data-testid="public-listings">
              {listings.map((l) => (
                <li key={l.id} className="pub-listing">
                  <Tag color="red">{tc('indexmap.action', l.action)}</Tag>
                  {t('indexmap.public.listedIn', { period: l.period })} · {tc('indexmap.state', l.state)} ·{' '}
                  {t('indexmap.col.due')} {dayjs(l.dueAt).format('YYYY-MM-DD')}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Drawer>
  );
}
