// 场所/企业 (/places, /places/<id>): the registry of places and enterprises. Filters (area, kind, list
// status, name or credit code), the paginated list, an export link for the same filters; a row opens
// the place in a drawer (its data, its black/white list status with the history of changes, its
// hazards), where it is edited or listed with a reason. Registering and importing (CSV/Excel, with a
// dry run and a per-row error table) open in modals.
import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Input, Select, Tag, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { type Place, type PlaceFilter, placesApi } from '../../api/hazards';
import { useUser } from '../../auth/AuthProvider';
import { RecordTable } from '../../components/RecordTable';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { navigate, useLocation } from '../../router/router';
import { UnitPicker } from '../events/area';
import { bi } from '../hazards/bits';
import { ListTag, loadKinds } from './bits';
import { ImportModal } from './ImportModal';
import { PlaceDrawer } from './PlaceDrawer';
import { PlaceForm } from './PlaceForm';
import '../events/events.css';
import '../hazards/hazards.css';

const BASE = '/places';
const PAGE_SIZE = 20;
const EDITORS = [
  'grid_worker',
  'micro_grid_leader',
  'village_staff',
  'town_staff',
  'department_staff',
  'safety_office',
  'admin',
];
const IMPORTERS = ['town_staff', 'department_staff', 'safety_office', 'admin'];

export default function PlacesPage() {
  const { t, tc, lang } = useI18n();
  const user = useUser();
  const { pathname } = useLocation();
  const match = /^\/places\/(\d+)$/.exec(pathname);
  const openId = match ? Number(match[1]) : null;
  const [filter, setFilterState] = useState<PlaceFilter>({});
  const [text, setText] = useState('');
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const refresh = useCallback(() => setTick((n) => n + 1), []);
  const list = useAsync(
    (signal) => placesApi.list({ ...filter, page, pageSize: PAGE_SIZE }, signal),
    [JSON.stringify(filter), page, tick],
  );
  const kinds = useAsync(() => loadKinds(), []);
  const setFilter = (patch: Partial<PlaceFilter>) => {
    setFilterState((f) => ({ ...f, ...patch }));
    setPage(1);
  };
  const mayEdit = user.roles.some((r) => EDITORS.includes(r));
  const mayImport = user.roles.some((r) => IMPORTERS.includes(r));

  return (
    <div className="events-page places-page" data-testid="places-page">
      <div className="events-head">
        <Typography.Title level={4} className="events-title">
          {t('places.title')}
        </Typography.Title>
        <div className="places-actions">
          <Button icon={<DownloadOutlined />} href={placesApi.exportUrl(filter)} data-testid="places-export">
            {t('places.export')}
          </Button>
          {mayImport && (
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="places-import">
              {t('places.import')}
            </Button>
          )}
          {mayEdit && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="places-register"
            >
              {t('places.register')}
            </Button>
          )}
        </div>
      </div>
      <div className="events-filters hazards-filters">
        <UnitPicker
          user={user}
          value={filter.unit}
          onChange={(unit) => setFilter({ unit })}
          placeholder={t('places.filter.unit')}
          className="hazards-filter"
        />
        <Select
          className="hazards-filter"
          mode="multiple"
          maxTagCount="responsive"
          allowClear
          placeholder={t('places.filter.kind')}
          value={filter.kind ? filter.kind.split(',') : []}
          onChange={(v: string[]) => setFilter({ kind: v.length ? v.join(',') : undefined })}
          options={(kinds.data ?? []).map((k) => ({ value: k.code, label: bi(lang, k.name) }))}
        />
        <Select
          className="hazards-filter-narrow"
          mode="multiple"
          maxTagCount="responsive"
          allowClear
          placeholder={t('places.filter.listStatus')}
          value={filter.listStatus ? filter.listStatus.split(',') : []}
          onChange={(v: string[]) => setFilter({ listStatus: v.length ? v.join(',') : undefined })}
          options={(['black', 'white'] as const).map((s) => ({
            value: s,
            label: tc('places.listStatus', s),
          }))}
          data-testid="places-filter-list"
        />
        <Input.Search
          className="events-filter-search"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (!e.target.value) setFilter({ q: undefined });
          }}
          onSearch={(q) => setFilter({ q: q.trim() || undefined })}
          placeholder={t('places.filter.search')}
          allowClear
          data-testid="places-search"
        />
      </div>
      <div className="hazards-body">
        <RecordTable<Place>
          testId="places-table"
          loading={list.loading}
          items={list.data?.items ?? []}
          emptyText={t('places.list.empty')}
          openId={openId}
          onOpen={(id) => navigate(`${BASE}/${id}`)}
          page={page}
          total={list.data?.total ?? 0}
          onPage={setPage}
          pageSize={PAGE_SIZE}
          columns={[
            {
              key: 'name',
              title: t('places.col.name'),
              ellipsis: true,
              render: (_, p) => (
                <div className="events-cell-what">
                  <div className="events-cell-main">{p.name}</div>
                  <div className="events-cell-sub">{p.creditCode ?? p.address ?? ''}</div>
                </div>
              ),
            },
            {
              key: 'kind',
              title: t('places.col.kind'),
              width: 150,
              ellipsis: true,
              render: (_, p) => bi(lang, p.kindName),
            },
            {
              key: 'unit',
              title: t('places.col.unit'),
              width: 180,
              ellipsis: true,
              render: (_, p) => p.unit.name,
            },
            {
              key: 'contact',
              title: t('places.col.contact'),
              width: 170,
              render: (_, p) => [p.contact.name, p.contact.phone].filter(Boolean).join(' ') || '—',
            },
            {
              key: 'list',
              title: t('places.col.list'),
              width: 90,
              render: (_, p) =>
                p.listStatus === 'none' ? <Tag bordered={false}>—</Tag> : <ListTag status={p.listStatus} />,
            },
          ]}
        />
      </div>
      <PlaceDrawer placeId={openId} onClose={() => navigate(BASE)} onChanged={refresh} />
      {creating && (
        <PlaceForm
          onCancel={() => setCreating(false)}
          onSaved={(p) => {
            setCreating(false);
            refresh();
            navigate(`${BASE}/${p.id}`);
          }}
        />
      )}
      {importing && (
        <ImportModal
          onClose={(imported) => {
            setImporting(false);
            if (imported) refresh();
          }}
        />
      )}
    </div>
  );
}
