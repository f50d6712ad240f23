// 挂牌与约谈 (/listings, /listings/<id>, /listings/admonitions, /listings/admonitions/<id>): the places and
// hazards listed for rectification (挂牌整治) in the user's area, with their reason, responsible party,
// deadline, delisting criteria and state; and the admonition talks (约谈) with their follow-up. Those the
// server lets list or admonish do it from here; a row opens the record in a drawer.
import { PlusOutlined } from '@ant-design/icons';
import { Button, Segmented, Tabs, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { type Admonition, type Listing, listingApi } from '../../api/listing';
import { useUser } from '../../auth/AuthProvider';
import { RecordTable } from '../../components/RecordTable';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { navigate, useLocation } from '../../router/router';
import { formatDateTime } from '../events/model';
import { formatDeadline } from '../hazards/model';
import { AdmonitionDrawer } from './AdmonitionDrawer';
import { AdmonitionForm } from './AdmonitionForm';
import { FollowUpTag, LIST_ROLES, ListingStateTag } from './bits';
import { ADMONISH_ROLES, ListingDrawer } from './ListingDrawer';
import { ListingForm } from './ListingForm';
import '../events/events.css';
import '../hazards/hazards.css';
import '../inspections/inspections.css';

const BASE = '/listings';
const TALKS = '/listings/admonitions';
const PAGE_SIZE = 20;
type ListingFilter = 'listed' | 'overdue' | 'delisted' | 'all';
type TalkFilter = 'all' | 'pending' | 'overdue' | 'done' | 'not_done';

export default function ListingsPage() {
  const { t, tc } = useI18n();
  const user = useUser();
  const { pathname } = useLocation();
  const talksTab = pathname === TALKS || pathname.startsWith(`${TALKS}/`);
  const openListing = /^\/listings\/(\d+)$/.exec(pathname)?.[1];
  const openTalk = /^\/listings\/admonitions\/(\d+)$/.exec(pathname)?.[1];
  const [filter, setFilter] = useState<ListingFilter>('listed');
  const [talkFilter, setTalkFilter] = useState<TalkFilter>('all');
  const [page, setPage] = useState(1);
  const [talkPage, setTalkPage] = useState(1);
  const [tick, setTick] = useState(0);
  const [creating, setCreating] = useState<'listing' | 'talk' | null>(null);
  const refresh = useCallback(() => setTick((n) => n + 1), []);
  const listings = useAsync(
    (signal) =>
      listingApi.list(
        {
          ...(filter === 'listed' || filter === 'delisted' ? { state: filter } : {}),
          ...(filter === 'overdue' ? { overdue: 'true' as const } : {}),
          page,
          pageSize: PAGE_SIZE,
        },
        signal,
      ),
    [filter, page, tick],
  );
  const talks = useAsync(
    talksTab
      ? (signal) =>
          listingApi.admonitions(
            {
              ...(talkFilter === 'all' ? {} : { followUp: talkFilter }),
              page: talkPage,
              pageSize: PAGE_SIZE,
            },
            signal,
          )
      : null,
    [talksTab, talkFilter, talkPage, tick],
  );
  const mayList = user.roles.some((r) => LIST_ROLES.includes(r));
  const mayAdmonish = user.roles.some((r) => ADMONISH_ROLES.includes(r));

  const listingTable = (
    <>
      <div className="events-filters hazards-filters">
        <Segmented
          value={filter}
          onChange={(v) => {
            setFilter(v as ListingFilter);
            setPage(1);
          }}
          options={(['listed', 'overdue', 'delisted', 'all'] as const).map((f) => ({
            value: f,
            label: tc('listing.filter', f),
          }))}
          data-testid="listings-filter"
        />
      </div>
      <div className="hazards-body">
        <RecordTable<Listing>
          testId="listings-table"
          loading={listings.loading}
          items={listings.data?.items ?? []}
          emptyText={t('listing.empty')}
          onOpen={(id) => navigate(`${BASE}/${id}`)}
          page={page}
          total={listings.data?.total ?? 0}
          onPage={setPage}
          pageSize={PAGE_SIZE}
          headerHeight={230}
          columns={[
            {
              key: 'subject',
              title: t('listing.col.subject'),
              ellipsis: true,
              render: (_, l) => (
                <div className="events-cell-what">
                  <div className="events-cell-main">{l.subject.title}</div>
                  <div className="events-cell-sub">{l.reason}</div>
                </div>
              ),
            },
            {
              key: 'responsible',
              title: t('listing.form.responsible'),
              width: 180,
              ellipsis: true,
              render: (_, l) => l.responsible.name,
            },
            {
              key: 'deadline',
              title: t('listing.form.deadline'),
              width: 150,
              render: (_, l) => formatDeadline(l.deadline),
            },
            {
              key: 'criteria',
              title: t('listing.form.criteria'),
              ellipsis: true,
              render: (_, l) => l.criteria,
            },
            {
              key: 'state',
              title: t('listing.col.state'),
              width: 130,
              render: (_, l) => <ListingStateTag listing={l} />,
            },
          ]}
        />
      </div>
    </>
  );

  const talkTable = (
    <>
      <div className="events-filters hazards-filters">
        <Segmented
          value={talkFilter}
          onChange={(v) => {
            setTalkFilter(v as TalkFilter);
            setTalkPage(1);
          }}
          options={(['all', 'pending', 'overdue', 'done', 'not_done'] as const).map((f) => ({
            value: f,
            label: tc('listing.talkFilter', f),
          }))}
        />
      </div>
      <div className="hazards-body">
        <RecordTable<Admonition>
          testId="admonitions-table"
          loading={talks.loading}
          items={talks.data?.items ?? []}
          emptyText={t('listing.adm.empty')}
          onOpen={(id) => navigate(`${TALKS}/${id}`)}
          page={talkPage}
          total={talks.data?.total ?? 0}
          onPage={setTalkPage}
          pageSize={PAGE_SIZE}
          headerHeight={230}
          columns={[
            {
              key: 'party',
              title: t('listing.adm.party'),
              ellipsis: true,
              render: (_, a) => (
                <div className="events-cell-what">
                  <div className="events-cell-main">{a.party.name}</div>
                  <div className="events-cell-sub">{a.subject}</div>
                </div>
              ),
            },
            {
              key: 'held',
              title: t('listing.adm.heldAt'),
              width: 150,
              render: (_, a) => formatDateTime(a.heldAt),
            },
            {
              key: 'by',
              title: t('listing.adm.heldBy'),
              width: 160,
              ellipsis: true,
              render: (_, a) => a.heldBy,
            },
            {
              key: 'commit',
              title: t('listing.adm.commitments'),
              ellipsis: true,
              render: (_, a) => a.commitments,
            },
            {
              key: 'due',
              title: t('listing.adm.followUpDue'),
              width: 150,
              render: (_, a) => formatDeadline(a.followUp.due),
            },
            {
              key: 'state',
              title: t('listing.adm.followUp'),
              width: 120,
              render: (_, a) => <FollowUpTag admonition={a} />,
            },
          ]}
        />
      </div>
    </>
  );

  return (
    <div className="events-page listings-page" data-testid="listings-page">
      <div className="events-head">
        <Typography.Title level={4} className="events-title">
          {t('listing.title')}
        </Typography.Title>
        <div className="insp-actions">
          {mayAdmonish && (
            <Button icon={<PlusOutlined />} onClick={() => setCreating('talk')} data-testid="admonition-new">
              {t('listing.adm.new')}
            </Button>
          )}
          {mayList && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating('listing')}
              data-testid="listing-new"
            >
              {t('listing.new')}
            </Button>
          )}
        </div>
      </div>
      <Tabs
        className="listings-tabs"
        activeKey={talksTab ? 'talks' : 'listings'}
        onChange={(k) => navigate(k === 'talks' ? TALKS : BASE)}
        items={[
          { key: 'listings', label: t('listing.tab.listings'), children: listingTable },
          { key: 'talks', label: t('listing.tab.talks'), children: talkTable },
        ]}
        data-testid="listings-tabs"
      />
      <ListingDrawer
        listingId={openListing ? Number(openListing) : null}
        onClose={() => navigate(BASE)}
        onChanged={refresh}
      />
      <AdmonitionDrawer
        admonitionId={openTalk ? Number(openTalk) : null}
        onClose={() => navigate(TALKS)}
        onChanged={refresh}
      />
      {creating === 'listing' && (
        <ListingForm
          onCancel={() => setCreating(null)}
          onDone={(l) => {
            setCreating(null);
            refresh();
            navigate(`${BASE}/${l.id}`);
          }}
        />
      )}
      {creating === 'talk' && (
        <AdmonitionForm
          onCancel={() => setCreating(null)}
          onDone={(a) => {
            setCreating(null);
            refresh();
            navigate(`${TALKS}/${a.id}`);
          }}
        />
      )}
    </div>
  );
}
