// The events workbench (/events, /events/<id>): dispatchers get the intake tabs (待受理, 待派遣,
// 处理中), handlers their queue (待办, 已办结), everyone the overdue and all-in-scope tabs. Filters on
// top; the paginated list and a map of the listed events side by side; a row or a dot opens the
// event in a drawer (its id in the URL, so a link opens it too). Changes by others come through the
// live feed as a "N new updates" bar beside the refresh button, which refreshes the list when clicked
// (never by itself); only while the live stream is down does the list refresh on a timer.
import { ReloadOutlined, SyncOutlined } from '@ant-design/icons';
import { Badge, Button, DatePicker, Input, Spin, Table, Tabs, Tooltip, TreeSelect, Typography } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { systemApi } from '../../api/endpoints';
import { type EventDetail, type EventItem, eventsApi } from '../../api/events';
import { useUser } from '../../auth/AuthProvider';
import { useI18n } from '../../i18n';
import { isAbort, useAsync } from '../../lib/useAsync';
import { useLiveFeed } from '../../live/LiveProvider';
import { isOwnChange, type OwnChange } from '../../live/model';
import { navigate, useLocation } from '../../router/router';
import { areaBoundaries, areaUnit, UnitPicker } from './area';
import { DueTag, StateTag } from './bits';
import { dayjs } from './dayjs';
import { EventDrawer } from './EventDrawer';
import type { MapPoint } from './EventMap';
import { categoryTree, loadCategories } from './lookups';
import {
  type Filters,
  formatDateTime,
  isDispatcher,
  isHandler,
  listQueryFor,
  placeShort,
  type TabKey,
  tabsFor,
} from './model';
import './events.css';

const EventMap = lazy(() => import('./EventMap'));

const BASE = '/events';
const PAGE_SIZE = 20;
/** Without the live stream, the list refreshes itself this often. */
const REFRESH_MS = 60_000;
const EVENT_FEED = ['events.*'];
/** The changes made from this page remembered, so that their own feed entries are not news. */
const OWN_KEPT = 10;

export default function EventsWorkbench() {
  const { t, tc, lang } = useI18n();
  const user = useUser();
  const { pathname } = useLocation();
  const match = /^\/events\/(\d+)$/.exec(pathname);
  const openId = match ? Number(match[1]) : null;

  const tabs = useMemo(() => tabsFor(user.roles), [user.roles]);
  const [tabKey, setTabKey] = useState<TabKey>(tabs[0]?.key ?? 'all');
  const tab = tabs.find((x) => x.key === tabKey) ?? tabs[0]!;
  const [filters, setFilters] = useState<Filters>({});
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((n) => n + 1), []);

  // the list, and how many each tab holds under the same filters
  const filterKey = JSON.stringify(filters);
  const list = useAsync(
    (signal) => eventsApi.list(listQueryFor(tab, filters, page, PAGE_SIZE), signal),
    [tab.key, filterKey, page, tick],
  );
  const [counts, setCounts] = useState<Partial<Record<TabKey, number>>>({});
  // biome-ignore lint/correctness/useExhaustiveDependencies: filterKey stands for filters
  useEffect(() => {
    const ctl = new AbortController();
    Promise.all(
      tabs.map((x) =>
        eventsApi.list(listQueryFor(x, filters, 1, 1), ctl.signal).then((p) => [x.key, p.total] as const),
      ),
    ).then(
      (pairs) => setCounts(Object.fromEntries(pairs)),
      (e: unknown) => {
        if (!isAbort(e)) setCounts({});
      },
    );
    return () => ctl.abort();
  }, [tabs, filterKey, tick]);

  // news from the live feed since the list was loaded; `missed`: the stream lost some
  const [news, setNews] = useState({ count: 0, missed: false });
  const own = useRef<OwnChange[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new list load shows what the news announced
  useEffect(() => setNews({ count: 0, missed: false }), [tab.key, filterKey, page, tick]);
  const live = useLiveFeed(EVENT_FEED, (entry) => {
    if (entry && isOwnChange(entry, own.current)) return;
    setNews((n) => (entry ? { ...n, count: n.count + 1 } : { ...n, missed: true }));
  });
  const changed = (e: EventDetail) => {
    own.current = [...own.current, { entityType: 'event', entityId: e.id, at: e.updatedAt }].slice(-OWN_KEPT);
    refresh();
  };
  useEffect(() => {
    if (live) return;
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [live, refresh]);

  const categories = useAsync(() => loadCategories(), []);
  const categoryNodes = useMemo(() => categoryTree(categories.data ?? [], lang), [categories.data, lang]);
  const clientConfig = useAsync((signal) => systemApi.clientConfig(signal), []);
  const area = useAsync(
    async (signal) => {
      const unit = await areaUnit(user, filters.unit, signal);
      return unit ? areaBoundaries(unit, signal) : undefined;
    },
    [user.id, filters.unit],
  );

  const setFilter = (patch: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setPage(1);
  };
  const open = (id: number) => navigate(`${BASE}/${id}`);
  const close = () => navigate(BASE);

  const items = list.data?.items ?? [];
  const points: MapPoint[] = items.map((e) => ({
    id: e.id,
    lng: e.location.lng,
    lat: e.location.lat,
    state: e.state,
    overdue: e.overdue,
    label: `${e.trackingNo} · ${lang === 'en' ? e.category.name.en : e.category.name.zh}`,
  }));
  const title = isDispatcher(user.roles)
    ? t('events.title.dispatch')
    : isHandler(user.roles)
      ? t('events.title.handle')
      : t('events.title.browse');

  return (
    <div className="events-page" data-testid="events-workbench" data-live={live}>
      <div className="events-head">
        <Typography.Title level={4} className="events-title">
          {title}
        </Typography.Title>
        <Tabs
          className="events-tabs"
          activeKey={tab.key}
          onChange={(k) => {
            setTabKey(k as TabKey);
            setPage(1);
          }}
          data-testid="events-tabs"
          items={tabs.map((x) => ({
            key: x.key,
            label: (
              <span className="events-tab" data-tab={x.key} data-count={counts[x.key] ?? ''}>
                {tc('events.tab', x.key)}
                <Badge
                  count={counts[x.key] ?? 0}
                  showZero
                  overflowCount={999}
                  color={x.key === 'overdue' && (counts[x.key] ?? 0) > 0 ? 'red' : '#8c9bb0'}
                  className="events-tab-count"
                />
              </span>
            ),
          }))}
        />
        {(news.count > 0 || news.missed) && (
          <button type="button" className="events-news" onClick={refresh} data-testid="events-news">
            <SyncOutlined />
            {news.count > 0 ? t('live.updates', { count: news.count }) : t('live.missed')}
          </button>
        )}
        <Tooltip title={t('events.refresh')}>
          <Button
            icon={<ReloadOutlined />}
            onClick={refresh}
            loading={list.loading}
            aria-label={t('events.refresh')}
          />
        </Tooltip>
      </div>
      <div className="events-filters">
        <TreeSelect
          className="events-filter-category"
          treeData={categoryNodes}
          value={filters.category}
          onChange={(v: string | undefined) => setFilter({ category: v ?? undefined })}
          allowClear
          showSearch
          treeNodeFilterProp="title"
          placeholder={t('events.filter.category')}
          popupMatchSelectWidth={260}
          data-testid="filter-category"
        />
        <UnitPicker
          user={user}
          value={filters.unit}
          onChange={(unit) => setFilter({ unit })}
          placeholder={t('events.filter.unit')}
          className="events-filter-unit"
          testId="filter-unit"
        />
        <DatePicker.RangePicker
          className="events-filter-dates"
          value={filters.from && filters.to ? [dayjs(filters.from), dayjs(filters.to)] : null}
          onChange={(range) =>
            setFilter({
              from: range?.[0]?.format('YYYY-MM-DD') ?? undefined,
              to: range?.[1]?.format('YYYY-MM-DD') ?? undefined,
            })
          }
          placeholder={[t('events.filter.from'), t('events.filter.to')]}
          allowEmpty={[false, false]}
        />
        <Input.Search
          className="events-filter-search"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            if (!e.target.value) setFilter({ q: undefined });
          }}
          onSearch={(q) => setFilter({ q: q.trim() || undefined })}
          placeholder={t('events.filter.search')}
          allowClear
          data-testid="events-search"
        />
        <Button
          onClick={() => {
            setFilters({});
            setSearch('');
            setPage(1);
          }}
          disabled={Object.values(filters).every((v) => v === undefined) && !search}
        >
          {t('events.filter.reset')}
        </Button>
      </div>
      <div className="events-body">
        <div className="events-list">
          <Table<EventItem>
            data-testid="events-table"
            size="small"
            rowKey="id"
            loading={list.loading}
            dataSource={items}
            sticky
            scroll={{ y: 'calc(100vh - 52px - 24px - 170px)' }}
            locale={{ emptyText: t('events.list.empty') }}
            onRow={(e) => ({
              onClick: () => open(e.id),
              className: e.id === openId ? 'events-row-open' : undefined,
            })}
            rowClassName="events-row"
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: list.data?.total ?? 0,
              onChange: setPage,
              showSizeChanger: false,
              size: 'small',
              showTotal: (total) => t('common.total', { total }),
            }}
            columns={[
              {
                key: 'no',
                title: t('events.col.trackingNo'),
                width: 150,
                render: (_, e) => (
                  <div className="events-cell-no">
                    <code className={e.priority === 'urgent' ? 'events-urgent' : undefined}>
                      {e.trackingNo}
                    </code>
                    <div className="events-cell-sub">{formatDateTime(e.createdAt)}</div>
                  </div>
                ),
              },
              {
                key: 'what',
                title: `${t('events.col.category')} / ${t('events.col.place')}`,
                ellipsis: true,
                render: (_, e) => (
                  <div className="events-cell-what">
                    <div className="events-cell-main">
                      {lang === 'en' ? e.category.name.en : e.category.name.zh}
                    </div>
                    <div className="events-cell-sub">{placeShort(e.place) || e.address || '—'}</div>
                  </div>
                ),
              },
              {
                key: 'state',
                title: t('events.col.state'),
                width: 96,
                render: (_, e) => <StateTag state={e.state} />,
              },
              {
                key: 'assignee',
                title: t('events.col.assignee'),
                width: 130,
                ellipsis: true,
                render: (_, e) =>
                  e.assignee?.name ??
                  (e.route ? <span className="events-cell-sub">{e.route.name}</span> : '—'),
              },
              {
                key: 'due',
                title: t('events.col.due'),
                width: 132,
                render: (_, e) =>
                  e.dueAt ? <DueTag event={e} /> : <span className="events-cell-sub">—</span>,
              },
            ]}
          />
        </div>
        <div className="events-map">
          <Suspense fallback={<Spin className="panel-spin" />}>
            {clientConfig.loading ? (
              <Spin className="panel-spin" />
            ) : (
              <EventMap
                points={points}
                boundaries={area.data}
                loading={list.loading && !list.data}
                selectedId={openId}
                onPick={open}
                tileUrl={clientConfig.data?.tileUrl ?? undefined}
                caption={list.data ? t('events.map.caption', { count: items.length }) : undefined}
              />
            )}
          </Suspense>
        </div>
      </div>
      <EventDrawer eventId={openId} onClose={close} onChanged={changed} />
    </div>
  );
}
