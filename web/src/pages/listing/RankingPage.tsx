// 晾晒 (/ranking): the ranking board of the towns of the user's area, or of the departments the hazards
// were routed to, for a period: hazards found and closed out, the close-out and on-time rates, overdue
// open items, listings in force at the end of the period and admonition talks held in it. Ranked by the
// server (close-out rate, then on-time rate, then fewer overdue).
import { DatePicker, Segmented, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { listingApi, type RankingRow } from '../../api/listing';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { dayjs } from '../events/dayjs';
import { formatRate, localDate } from '../events/model';
import { rateTone } from './model';
import '../events/events.css';
import '../hazards/hazards.css';
import '../inspections/inspections.css';

const TONE_COLORS = { good: 'green', fair: 'gold', poor: 'red', none: 'default' } as const;

export default function RankingPage() {
  const { t, tc } = useI18n();
  const today = localDate(new Date());
  const [range, setRange] = useState<[string, string]>([`${today.slice(0, 4)}-01-01`, today]);
  const [by, setBy] = useState<'town' | 'department'>('town');
  const board = useAsync(
    (signal) => listingApi.ranking({ from: range[0], to: range[1], by }, signal),
    [range[0], range[1], by],
  );
  return (
    <div className="events-page ranking-page" data-testid="ranking-page">
      <div className="events-head">
        <Typography.Title level={4} className="events-title">
          {t('ranking.title')}
        </Typography.Title>
      </div>
      <div className="events-filters hazards-filters">
        <Segmented
          value={by}
          onChange={(v) => setBy(v as 'town' | 'department')}
          options={(['town', 'department'] as const).map((b) => ({ value: b, label: tc('ranking.by', b) }))}
          data-testid="ranking-by"
        />
        <DatePicker.RangePicker
          allowClear={false}
          value={[dayjs(range[0]), dayjs(range[1])]}
          onChange={(d) => {
            if (d?.[0] && d[1]) setRange([d[0].format('YYYY-MM-DD'), d[1].format('YYYY-MM-DD')]);
          }}
        />
        <Typography.Text type="secondary">{t('ranking.hint')}</Typography.Text>
      </div>
      <div className="hazards-body">
        <Table<RankingRow>
          data-testid="ranking-table"
          size="small"
          rowKey={(r) => `${r.party.kind}:${r.party.id}`}
          loading={board.loading}
          dataSource={board.data?.items ?? []}
          pagination={false}
          sticky
          scroll={{ y: 'calc(100vh - 52px - 24px - 160px)' }}
          locale={{ emptyText: t('ranking.empty') }}
          rowClassName={(r) => `ranking-row ranking-${rateTone(r.closeoutRate)}`}
          columns={[
            {
              key: 'rank',
              title: t('ranking.col.rank'),
              width: 64,
              render: (_, r) => (
                <span className={`ranking-rank ranking-rank-${r.rank <= 3 ? 'top' : 'rest'}`}>{r.rank}</span>
              ),
            },
            {
              key: 'name',
              title: by === 'town' ? t('ranking.col.town') : t('ranking.col.department'),
              ellipsis: true,
              render: (_, r) => r.party.name,
            },
            { key: 'found', title: t('ranking.col.found'), width: 80, dataIndex: 'found' },
            { key: 'closed', title: t('ranking.col.closedOut'), width: 80, dataIndex: 'closedOut' },
            {
              key: 'rate',
              title: t('ranking.col.closeoutRate'),
              width: 110,
              render: (_, r) =>
                r.closeoutRate === null ? (
                  '—'
                ) : (
                  <Tag color={TONE_COLORS[rateTone(r.closeoutRate)]} data-testid="ranking-rate">
                    {formatRate(r.closeoutRate)}
                  </Tag>
                ),
            },
            {
              key: 'ontime',
              title: t('ranking.col.onTimeRate'),
              width: 100,
              render: (_, r) => formatRate(r.onTimeRate),
            },
            {
              key: 'overdue',
              title: t('ranking.col.overdueOpen'),
              width: 90,
              render: (_, r) =>
                r.overdueOpen > 0 ? <Typography.Text type="danger">{r.overdueOpen}</Typography.Text> : 0,
            },
            { key: 'listed', title: t('ranking.col.listed'), width: 80, dataIndex: 'listed' },
            { key: 'adm', title: t('ranking.col.admonitions'), width: 80, dataIndex: 'admonitions' },
          ]}
        />
      </div>
    </div>
  );
}
