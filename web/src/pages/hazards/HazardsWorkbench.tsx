// The hazard workbench (隐患台账, /hazards, /hazards/<id>): each role's queue first (待分流 for the
// dispatchers, 待审核 / 待交办 / 待验收 for the town or department it was routed to, 整改中 for the
// rectifying party), then what they recorded, the overdue and all in scope. Filters on top, the
// paginated list below; a row opens the hazard in a drawer (its id in the URL, so a link opens it too).
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Badge, Button, Input, Select, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { HAZARD_SOURCES, HAZARD_STATES, type Hazard, hazardsApi, SEVERITIES } from '../../api/hazards';
import { useUser } from '../../auth/AuthProvider';
import { useI18n } from '../../i18n';
import { isAbort, useAsync } from '../../lib/useAsync';
import { navigate, useLocation } from '../../router/router';
import { formatDateTime, placeShort } from '../events/model';
import { bi, HazardDueTag, HazardStateTag, loadDomains, loadTowns, SeverityTag } from './bits';
import { HazardDrawer } from './HazardDrawer';
import {
  type HazardFilters,
  type HazardTabKey,
  hazardQueryFor,
  hazardTabsFor,
  RECORD_ROLES,
  tabTakesState,
} from './model';
import '../events/events.css';
import './hazards.css';

const BASE = '/hazards';
const PAGE_SIZE = 20;

export default function HazardsWorkbench() {
  const { t, tc, lang } = useI18n();
  const user = useUser();
  const { pathname, search } = useLocation();
  const match = /^\/hazards\/(\d+)$/.exec(pathname);
  const openId = match ? Number(match[1]) : null;

  const tabs = useMemo(() => hazardTabsFor(user.roles), [user.roles]);
  const [tabKey, setTabKey] = useState<HazardTabKey>(tabs[0]?.key ?? 'all');
  const tab = tabs.find((x) => x.key === tabKey) ?? tabs[0]!;
  // a notice's link (/hazards?batch=…&domain=…&town=…) opens on those filters
  const [filters, setFilters] = useState<HazardFilters>(() => ({
    domain: search.get('domain') ?? undefined,
    town: search.get('town') ? Number(search.get('town')) : undefined,
  }));
  const [text, setText] = useState('');
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((n) => n + 1), []);

  const filterKey = JSON.stringify(filters);
  const list = useAsync(
    // the page alone: its count is the tab's, asked once per filter below, not again for every page
    (signal) => hazardsApi.page(hazardQueryFor(tab, filters, page, PAGE_SIZE), signal),
    [tab.key, filterKey, page, tick],
  );
  const [counts, setCounts] = useState<Partial<Record<HazardTabKey, { total: number; capped: boolean }>>>({});
  // biome-ignore lint/correctness/useExhaustiveDependencies: filterKey stands for filters
  useEffect(() => {
    const ctl = new AbortController();
    Promise.all(
      tabs.map((x) =>
        hazardsApi
          .list(hazardQueryFor(x, filters, 1, 1), ctl.signal)
          .then((p) => [x.key, { total: p.total, capped: p.totalCapped }] as const),
      ),
    ).then(
      (pairs) => setCounts(Object.fromEntries(pairs)),
      (e: unknown) => {
        if (!isAbort(e)) setCounts({});
      },
    );
    return () => ctl.abort();
  }, [tabs, filterKey, tick]);

  // the tab's count; until it is in (or if it failed), at least what the pages seen so far show
  const shownTotal = counts[tab.key]?.total ?? (page - 1) * PAGE_SIZE + (list.data?.items.length ?? 0);

  const domains = useAsync(() => loadDomains(), []);
  const towns = useAsync(() => loadTowns(), []);

  const setFilter = (patch: Partial<HazardFilters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setPage(1);
  };
  const open = (id: number) => navigate(`${BASE}/${id}`);
  const close = () => navigate(BASE);
  const items = list.data?.items ?? [];
  const canRecord = user.roles.some((r) => RECORD_ROLES.includes(r));

  return (
    <div className="events-page" data-testid="hazards-workbench">
      <div className="events-head">
        <Typography.Title level={4} className="events-title">
          {t('hazards.title')}
        </Typography.Title>
        <Tabs
          className="events-tabs"
          activeKey={tab.key}
          onChange={(k) => {
            setTabKey(k as HazardTabKey);
            setPage(1);
          }}
          data-testid="hazards-tabs"
          items={tabs.map((x) => ({
            key: x.key,
            label: (
              <span className="events-tab" data-tab={x.key} data-count={counts[x.key]?.total ?? ''}>
                {tc('hazards.tab', x.key)}
                <Badge
                  count={counts[x.key]?.total ?? 0}
                  showZero
                  overflowCount={999}
                  color={x.key === 'overdue' && (counts[x.key]?.total ?? 0) > 0 ? 'red' : '#8c9bb0'}
                  className="events-tab-count"
                />
              </span>
            ),
          }))}
        />
        {canRecord && (
          <Button
            icon={<PlusOutlined />}
            onClick={() => navigate('/hazards/new')}
            data-testid="hazard-record"
          >
            {t('hazards.record')}
          </Button>
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
      <div className="events-filters hazards-filters">
        <Select
          className="hazards-filter"
          mode="multiple"
          maxTagCount="responsive"
          allowClear
          disabled={!tabTakesState(tab)}
          placeholder={t('hazards.filter.state')}
          value={filters.state ? filters.state.split(',') : []}
          onChange={(v: string[]) => setFilter({ state: v.length ? v.join(',') : undefined })}
          options={HAZARD_STATES.map((s) => ({ value: s, label: tc('hazards.state', s) }))}
          data-testid="filter-state"
        />
        <Select
          className="hazards-filter"
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t('hazards.filter.domain')}
          value={filters.domain}
          onChange={(v: string | undefined) => setFilter({ domain: v })}
          options={(domains.data ?? []).map((d) => ({ value: d.code, label: bi(lang, d.name) }))}
          data-testid="filter-domain"
        />
        <Select
          className="hazards-filter-narrow"
          mode="multiple"
          maxTagCount="responsive"
          allowClear
          placeholder={t('hazards.filter.severity')}
          value={filters.severity ? filters.severity.split(',') : []}
          onChange={(v: string[]) => setFilter({ severity: v.length ? v.join(',') : undefined })}
          options={SEVERITIES.map((s) => ({ value: s, label: tc('hazards.severity', s) }))}
          data-testid="filter-severity"
        />
        <Select
          className="hazards-filter-narrow"
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t('hazards.filter.town')}
          value={filters.town}
          onChange={(v: number | undefined) => setFilter({ town: v })}
          options={(towns.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
          data-testid="filter-town"
        />
        <Select
          className="hazards-filter-narrow"
          mode="multiple"
          maxTagCount="responsive"
          allowClear
          placeholder={t('hazards.filter.source')}
          value={filters.source ? filters.source.split(',') : []}
          onChange={(v: string[]) => setFilter({ source: v.length ? v.join(',') : undefined })}
          options={HAZARD_SOURCES.map((s) => ({ value: s, label: tc('hazards.source', s) }))}
          data-testid="filter-source"
        />
        <Select
          className="hazards-filter-narrow"
          allowClear
          placeholder={t('hazards.filter.listed')}
          value={filters.listed}
          onChange={(v: 'true' | 'false' | undefined) => setFilter({ listed: v })}
          options={[
            { value: 'true', label: t('hazards.filter.listedYes') },
            { value: 'false', label: t('hazards.filter.listedNo') },
          ]}
          data-testid="filter-listed"
        />
        <Input.Search
          className="events-filter-search"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (!e.target.value) setFilter({ q: undefined });
          }}
          onSearch={(q) => setFilter({ q: q.trim() || undefined })}
          placeholder={t('hazards.filter.search')}
          allowClear
          data-testid="hazards-search"
        />
        <Button
          onClick={() => {
            setFilters({});
            setText('');
            setPage(1);
          }}
          disabled={Object.values(filters).every((v) => v === undefined) && !text}
        >
          {t('hazards.filter.reset')}
        </Button>
      </div>
      <div className="hazards-body">
        <Table<Hazard>
          data-testid="hazards-table"
          size="small"
          rowKey="id"
          loading={list.loading}
          dataSource={items}
          sticky
          scroll={{ y: 'calc(100vh - 52px - 24px - 170px)' }}
          locale={{ emptyText: t('hazards.list.empty') }}
          onRow={(h) => ({
            onClick: () => open(h.id),
            className: h.id === openId ? 'events-row-open' : undefined,
          })}
          rowClassName="events-row"
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: shownTotal,
            onChange: setPage,
            showSizeChanger: false,
            size: 'small',
            showTotal: (total) =>
              counts[tab.key]?.capped ? t('common.totalMoreThan', { total }) : t('common.total', { total }),
          }}
          columns={[
            {
              key: 'no',
              title: t('hazards.col.trackingNo'),
              width: 170,
              render: (_, h) => (
                <div className="events-cell-no">
                  <code>{h.trackingNo}</code>
                  <div className="events-cell-sub">{formatDateTime(h.createdAt)}</div>
                </div>
              ),
            },
            {
              key: 'what',
              title: t('hazards.col.what'),
              ellipsis: true,
              render: (_, h) => (
                <div className="events-cell-what">
                  <div className="events-cell-main">
                    {bi(lang, h.domain.name)} · {bi(lang, h.aspect.name)}
                    {h.source === 'covert' && (
                      <Tag bordered={false} color="volcano" className="hazards-inline-tag">
                        {tc('hazards.source', 'covert')}
                      </Tag>
                    )}
                    {h.listed && (
                      <Tag bordered={false} color="red" className="hazards-inline-tag">
                        {t('hazards.detail.listed')}
                      </Tag>
                    )}
                  </div>
                  <div className="events-cell-sub">
                    {h.place?.name ?? h.address ?? placeShort(h.units)}
                    {h.place && ` · ${placeShort(h.units)}`}
                  </div>
                </div>
              ),
            },
            {
              key: 'severity',
              title: t('hazards.col.severity'),
              width: 76,
              render: (_, h) => <SeverityTag severity={h.severity} />,
            },
            {
              key: 'state',
              title: t('hazards.col.state'),
              width: 104,
              render: (_, h) => <HazardStateTag state={h.state} />,
            },
            {
              key: 'assignee',
              title: t('hazards.col.assignee'),
              width: 160,
              ellipsis: true,
              render: (_, h) =>
                h.assignee?.name ??
                (h.route ? (
                  <span className="events-cell-sub">
                    {[h.route.town?.name, h.route.department?.name].filter(Boolean).join(' · ')}
                  </span>
                ) : (
                  '—'
                )),
            },
            {
              key: 'due',
              title: t('hazards.col.due'),
              width: 132,
              render: (_, h) =>
                h.dueAt ? <HazardDueTag hazard={h} /> : <span className="events-cell-sub">—</span>,
            },
          ]}
        />
      </div>
      <HazardDrawer hazardId={openId} onClose={close} onChanged={refresh} />
    </div>
  );
}
