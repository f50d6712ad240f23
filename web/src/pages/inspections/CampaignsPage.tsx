// 暗访与自查 (/inspections, /inspections/<id>): the campaigns the user plans, visits or fills in. Filters by
// kind and state; the safety office plans a new one in a modal; a row opens the campaign in a drawer
// (the draw with its seed and a verification, the targets with their visits, the findings and the
// hazards they became).
import { PlusOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Button, Segmented, Typography } from 'antd';
import { useCallback, useState } from 'react';
import {
  CAMPAIGN_KINDS,
  CAMPAIGN_STATES,
  type Campaign,
  type CampaignKind,
  type CampaignState,
  inspectionsApi,
} from '../../api/inspections';
import { useUser } from '../../auth/AuthProvider';
import { RecordTable } from '../../components/RecordTable';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { navigate, useLocation } from '../../router/router';
import { CampaignStateTag, isPlanner, KindTag } from './bits';
import { CampaignDrawer } from './CampaignDrawer';
import { CampaignForm } from './CampaignForm';
import '../events/events.css';
import '../hazards/hazards.css';
import './inspections.css';

const BASE = '/inspections';
const PAGE_SIZE = 20;

export default function CampaignsPage() {
  const { t, tc } = useI18n();
  const user = useUser();
  const { pathname } = useLocation();
  const match = /^\/inspections\/(\d+)$/.exec(pathname);
  const openId = match ? Number(match[1]) : null;
  const [kind, setKind] = useState<CampaignKind | 'all'>('all');
  const [state, setState] = useState<CampaignState | 'all'>('all');
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const [creating, setCreating] = useState(false);
  const refresh = useCallback(() => setTick((n) => n + 1), []);
  const list = useAsync(
    (signal) =>
      inspectionsApi.campaigns(
        {
          ...(kind === 'all' ? {} : { kind }),
          ...(state === 'all' ? {} : { state }),
          page,
          pageSize: PAGE_SIZE,
        },
        signal,
      ),
    [kind, state, page, tick],
  );

  return (
    <div className="events-page inspections-page" data-testid="campaigns-page">
      <div className="events-head">
        <Typography.Title level={4} className="events-title">
          {t('insp.title')}
        </Typography.Title>
        <div className="insp-actions">
          <Button icon={<UnorderedListOutlined />} onClick={() => navigate('/inspections/templates')}>
            {t('insp.templates')}
          </Button>
          {isPlanner(user) && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="campaign-new"
            >
              {t('insp.new')}
            </Button>
          )}
        </div>
      </div>
      <div className="events-filters hazards-filters">
        <Segmented
          value={kind}
          onChange={(v) => {
            setKind(v as CampaignKind | 'all');
            setPage(1);
          }}
          options={[
            { value: 'all', label: t('insp.filter.allKinds') },
            ...CAMPAIGN_KINDS.map((k) => ({ value: k, label: tc('insp.kind', k) })),
          ]}
          data-testid="campaigns-kind"
        />
        <Segmented
          value={state}
          onChange={(v) => {
            setState(v as CampaignState | 'all');
            setPage(1);
          }}
          options={[
            { value: 'all', label: t('insp.filter.allStates') },
            ...CAMPAIGN_STATES.map((s) => ({ value: s, label: tc('insp.state', s) })),
          ]}
        />
      </div>
      <div className="hazards-body">
        <RecordTable<Campaign>
          testId="campaigns-table"
          loading={list.loading}
          items={list.data?.items ?? []}
          emptyText={t('insp.list.empty')}
          openId={openId}
          onOpen={(id) => navigate(`${BASE}/${id}`)}
          page={page}
          total={list.data?.total ?? 0}
          onPage={setPage}
          pageSize={PAGE_SIZE}
          columns={[
            {
              key: 'name',
              title: t('insp.col.name'),
              ellipsis: true,
              render: (_, c) => (
                <div className="events-cell-what">
                  <div className="events-cell-main">{c.name}</div>
                  <div className="events-cell-sub">{c.unit.name}</div>
                </div>
              ),
            },
            {
              key: 'kind',
              title: t('insp.col.kind'),
              width: 90,
              render: (_, c) => <KindTag kind={c.kind} />,
            },
            {
              key: 'period',
              title: t('insp.col.period'),
              width: 200,
              render: (_, c) => `${c.startsOn} ~ ${c.endsOn}`,
            },
            {
              key: 'draw',
              title: t('insp.col.draw'),
              width: 200,
              ellipsis: true,
              render: (_, c) =>
                c.draw
                  ? t('insp.drawShort', { seed: c.draw.seed })
                  : c.sampleSize
                    ? t('insp.sampleShort', { n: c.sampleSize })
                    : t('insp.sampleAll'),
            },
            {
              key: 'state',
              title: t('insp.col.state'),
              width: 100,
              render: (_, c) => <CampaignStateTag state={c.state} />,
            },
          ]}
        />
      </div>
      <CampaignDrawer campaignId={openId} onClose={() => navigate(BASE)} onChanged={refresh} />
      {creating && (
        <CampaignForm
          onCancel={() => setCreating(false)}
          onDone={(c) => {
            setCreating(false);
            refresh();
            navigate(`${BASE}/${c.id}`);
          }}
        />
      )}
    </div>
  );
}
