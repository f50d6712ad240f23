// The monthly runs of the safety index (/index/runs): the list, "start a run", the import of external
// values (/index/runs/import) and one run's review (/index/runs/<id>). The safety office and the
// administrator act; leaders read.
import { CloudUploadOutlined, PlayCircleOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Form, Modal, Radio, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { type IndexLevel, indexApi, type RunSummary } from '../../api/safetyIndex';
import { useUser } from '../../auth/AuthProvider';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { navigate, useLocation } from '../../router/router';
import { RunStateTag, useIndexErrorText } from './bits';
import { ExternalImport } from './ExternalImport';
import { formatDateTime, isMonthOver, lastMonth, localMonth } from './model';
import { RunDetail } from './RunDetail';
import './index-admin.css';

const BASE = '/index/runs';
const PAGE_SIZE = 15;

export function canManage(roles: readonly string[]): boolean {
  return roles.includes('safety_office') || roles.includes('admin');
}

export default function RunsPage() {
  const { pathname } = useLocation();
  const user = useUser();
  const manage = canManage(user.roles);
  const m = /^\/index\/runs\/(\d+)$/.exec(pathname);
  if (m) return <RunDetail id={Number(m[1])} manage={manage} />;
  if (pathname === `${BASE}/import` && manage) return <ExternalImport onBack={() => navigate(BASE)} />;
  return <RunList manage={manage} />;
}

function RunList({ manage }: { manage: boolean }) {
  const { t, tc } = useI18n();
  const [page, setPage] = useState(1);
  const [starting, setStarting] = useState(false);
  const runs = useAsync(() => indexApi.runs(page, PAGE_SIZE), [page]);
  const items = runs.data?.items ?? [];

  return (
    <Card
      className="page-card ia-card"
      data-testid="index-runs"
      title={
        <Space direction="vertical" size={0}>
          <span>{t('indexadmin.runs.title')}</span>
          <Typography.Text type="secondary" className="ia-subtitle">
            {t('indexadmin.runs.subtitle')}
          </Typography.Text>
        </Space>
      }
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={runs.reload}>
            {t('indexadmin.reload')}
          </Button>
          {manage && (
            <Button icon={<CloudUploadOutlined />} onClick={() => navigate(`${BASE}/import`)}>
              {t('indexadmin.runs.import')}
            </Button>
          )}
          {manage && (
            <Button
              type="primary"
              icon={<PlayCircleOutlined />}
              onClick={() => setStarting(true)}
              data-testid="start-run"
            >
              {t('indexadmin.runs.start')}
            </Button>
          )}
        </Space>
      }
    >
      {!manage && (
        <Alert type="info" showIcon message={t('indexadmin.runs.readOnly')} className="page-note" />
      )}
      {runs.error !== undefined && !runs.loading ? (
        <Alert
          type="error"
          showIcon
          message={t('indexadmin.loadFailed')}
          action={<Button onClick={runs.reload}>{t('indexadmin.retry')}</Button>}
        />
      ) : (
        <Table<RunSummary>
          data-testid="runs-table"
          size="middle"
          rowKey="id"
          loading={runs.loading}
          dataSource={items}
          locale={{ emptyText: t('indexadmin.empty.runs') }}
          onRow={(r) => ({ onClick: () => navigate(`${BASE}/${r.id}`), className: 'ia-clickable' })}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: runs.data?.total ?? 0,
            onChange: setPage,
            showSizeChanger: false,
            showTotal: (total) => t('common.total', { total }),
          }}
          columns={[
            { key: 'id', title: '#', dataIndex: 'id', width: 64 },
            {
              key: 'period',
              title: t('indexadmin.runs.period'),
              dataIndex: 'period',
              render: (p: string, r) => (
                <a
                  href={`${BASE}/${r.id}`}
                  onClick={(e) => {
                    e.preventDefault();
                  }}
                  className="ia-period"
                >
                  {p}
                </a>
              ),
            },
            { key: 'level', title: t('indexadmin.runs.level'), render: (_, r) => tc('level', r.level) },
            {
              key: 'scheme',
              title: t('indexadmin.runs.scheme'),
              render: (_, r) => (
                <code>
                  {r.scheme.code}@{r.scheme.version}
                </code>
              ),
            },
            {
              key: 'state',
              title: t('indexadmin.runs.state'),
              render: (_, r) => <RunStateTag state={r.state} />,
            },
            {
              key: 'flags',
              title: t('indexadmin.runs.flags'),
              render: (_, r) => (
                <Space size={12} className="ia-flags">
                  <span className={r.anomalies.length ? 'ia-warn' : 'ia-muted'}>
                    {t('indexadmin.runs.anomalies', { n: r.anomalies.length })}
                  </span>
                  <span className={r.missing.length ? 'ia-warn-soft' : 'ia-muted'}>
                    {t('indexadmin.runs.missing', { n: r.missing.length })}
                  </span>
                </Space>
              ),
            },
            { key: 'createdBy', title: t('indexadmin.runs.createdBy'), dataIndex: 'createdBy' },
            {
              key: 'createdAt',
              title: t('indexadmin.runs.createdAt'),
              render: (_, r) => formatDateTime(r.createdAt),
            },
            {
              key: 'publishedAt',
              title: t('indexadmin.runs.publishedAt'),
              render: (_, r) => formatDateTime(r.publishedAt),
            },
          ]}
        />
      )}
      {manage && (
        <StartRunDialog
          open={starting}
          known={items}
          onClose={() => setStarting(false)}
          onStarted={(id) => {
            setStarting(false);
            navigate(`${BASE}/${id}`);
          }}
        />
      )}
    </Card>
  );
}

function StartRunDialog({
  open,
  known,
  onClose,
  onStarted,
}: {
  open: boolean;
  known: readonly RunSummary[];
  onClose: () => void;
  onStarted: (id: number) => void;
}) {
  const { t, tc } = useI18n();
  const errorText = useIndexErrorText();
  const now = useMemo(() => new Date(), []);
  const [period, setPeriod] = useState(() => lastMonth(now));
  const [level, setLevel] = useState<IndexLevel>('town');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const published = known.find((r) => r.period === period && r.level === level && r.state === 'published');
  const pending = known.find(
    (r) => r.period === period && r.level === level && (r.state === 'computed' || r.state === 'confirmed'),
  );
  const current = localMonth(now);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const run = await indexApi.startRun(period, level);
      onStarted(run.id);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('indexadmin.start.title')}
      onCancel={onClose}
      onOk={() => void start()}
      okText={t('indexadmin.start.ok')}
      okButtonProps={{ loading: busy, disabled: !isMonthOver(period, now) }}
      destroyOnHidden
      width={480}
    >
      <Form layout="vertical" className="ia-start-form">
        <Form.Item label={t('indexadmin.start.period')} extra={t('indexadmin.start.periodHint')}>
          <DatePicker
            picker="month"
            allowClear={false}
            value={dayjs(`${period}-01`)}
            disabledDate={(d: Dayjs) => d.format('YYYY-MM') >= current}
            onChange={(d) => d && setPeriod(d.format('YYYY-MM'))}
            data-testid="start-run-period"
            style={{ width: 200 }}
          />
        </Form.Item>
        <Form.Item label={t('indexadmin.start.level')}>
          <Radio.Group value={level} onChange={(e) => setLevel(e.target.value as IndexLevel)}>
            <Radio.Button value="town">{tc('level', 'town')}</Radio.Button>
            <Radio.Button value="village">{tc('level', 'village')}</Radio.Button>
          </Radio.Group>
        </Form.Item>
      </Form>
      {published && (
        <Alert
          type="warning"
          showIcon
          message={t('indexadmin.start.published', { period, level: tc('level', level) })}
        />
      )}
      {!published && pending && (
        <Alert type="info" showIcon message={t('indexadmin.start.pending', { period, id: pending.id })} />
      )}
      {error && <Alert type="error" showIcon message={error} className="ia-gap-top" />}
    </Modal>
  );
}
