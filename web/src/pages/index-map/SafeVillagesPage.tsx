// 六无平安村社 (/index/safe-villages?year=YYYY): every village in the viewer's scope checked for a year
// against the six "no"s — major crime, fatal accident, mass incident, petitions bypassing levels, drugs
// and gambling, cults — from imported external values and the platform's events. The summary counts,
// a filter (all / candidates / failing / waiting for data), a town filter and a search; one row per
// village with ✓ / ✗ (how many) / ? (no data imported) per check, the worst color published that year
// and the candidate tag.
import { ReloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Empty,
  Input,
  Result,
  Segmented,
  Select,
  Skeleton,
  Statistic,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { indexApi, type SafeVillages } from '../../api/safetyIndex';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { Link, navigate, useLocation } from '../../router/router';
import { ColorTag } from './bits';
import {
  currentYear,
  defaultSafeYear,
  filterVillages,
  isFailing,
  type SafeFilter,
  safeCounts,
  townsOf,
  unitPath,
} from './model';
import './indexmap.css';

const SAFE_BASE = '/index/safe-villages';
const PAGE_SIZE = 20;

type Item = SafeVillages['items'][number];
type Check = Item['checks'][number];

const countText = (n: number) => String(Math.round(n * 100) / 100);

export default function SafeVillagesPage() {
  const { t, lang } = useI18n();
  const { pathname, search } = useLocation();
  const now = useMemo(() => new Date(), []);
  const latest = currentYear(now);
  const asked = Number(search.get('year'));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= latest ? asked : defaultSafeYear(now);
  const [filter, setFilter] = useState<SafeFilter>('all');
  const [town, setTown] = useState<number | null>(null);
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const data = useAsync(() => indexApi.safeVillages(year), [year]);
  const d = data.data?.year === year ? data.data : undefined;

  const inTown = useMemo(
    () => (d?.items ?? []).filter((v) => town === null || v.town?.id === town),
    [d, town],
  );
  const counts = useMemo(() => safeCounts(inTown), [inTown]);
  const rows = useMemo(
    () => filterVillages(d?.items ?? [], { filter, town, query }),
    [d, filter, town, query],
  );
  const towns = useMemo(() => townsOf(d?.items ?? []), [d]);

  if (pathname !== SAFE_BASE) return <Result status="404" title="404" subTitle={t('common.notFound')} />;

  const pickYear = (y: number) => {
    setPage(1);
    navigate(`${SAFE_BASE}?year=${y}`, { replace: true });
  };
  const refilter =
    <V,>(set: (v: V) => void) =>
    (v: V) => {
      set(v);
      setPage(1);
    };

  const head = (
    <div className="sv-head">
      <Typography.Title level={4} className="sv-title" data-testid="safe-title">
        <SafetyCertificateOutlined /> {t('indexmap.safe.title')}
      </Typography.Title>
      <DatePicker
        picker="year"
        allowClear={false}
        value={dayjs(`${year}-01-01`)}
        disabledDate={(x: Dayjs) => x.year() > latest || x.year() < 2000}
        onChange={(x) => x && pickYear(x.year())}
        aria-label={t('indexmap.safe.year')}
        data-testid="safe-year"
        style={{ width: 110 }}
      />
      <Tooltip title={t('indexmap.reload')}>
        <Button
          icon={<ReloadOutlined />}
          aria-label={t('indexmap.reload')}
          loading={data.loading}
          onClick={data.reload}
        />
      </Tooltip>
      {d && (
        <Typography.Text type="secondary" className="sv-scope" data-testid="safe-scope">
          {t('indexmap.safe.to', { within: d.within.name, to: d.to })}
        </Typography.Text>
      )}
    </div>
  );

  if (data.error !== undefined && !data.loading) {
    return (
      <Card className="page-card sv-card">
        {head}
        <Alert
          type="error"
          showIcon
          className="sv-gap"
          message={t('indexmap.loadFailed')}
          action={<Button onClick={data.reload}>{t('indexmap.retry')}</Button>}
          data-testid="safe-error"
        />
      </Card>
    );
  }
  if (!d) {
    return (
      <Card className="page-card sv-card">
        {head}
        <Skeleton active paragraph={{ rows: 10 }} />
      </Card>
    );
  }

  const checkName = (c: { name: { zh: string; en: string } }) => (lang === 'en' ? c.name.en : c.name.zh);
  const sourceText = (s: string) => {
    const at = s.indexOf(':');
    const kind = s.slice(0, at);
    const code = s.slice(at + 1);
    return `${kind === 'external' ? t('indexmap.source.external') : t('indexmap.source.events')} · ${code}`;
  };
  const columns: ColumnsType<Item> = [
    {
      key: 'village',
      title: t('indexmap.safe.col.village'),
      fixed: 'left',
      width: 170,
      render: (_, v) => (
        <span className="sv-village">
          <Link to={unitPath(v.unit.id, undefined, 'village')}>{v.unit.name}</Link>
          <span className="sv-code">{v.unit.code}</span>
        </span>
      ),
    },
    {
      key: 'town',
      title: t('indexmap.safe.col.town'),
      width: 110,
      render: (_, v) => v.town?.name ?? '—',
    },
    ...d.checks.map((c, k): ColumnsType<Item>[number] => ({
      key: c.code,
      title: (
        <Tooltip
          title={
            <span>
              {t('indexmap.safe.sources')}:
              <br />
              {c.sources.map((s) => (
                <span key={s}>
                  {sourceText(s)}
                  <br />
                </span>
              ))}
            </span>
          }
        >
          <span className="sv-check-head">{checkName(c)}</span>
        </Tooltip>
      ),
      width: lang === 'en' ? 112 : 84,
      align: 'center',
      render: (_, v) => <CheckMark check={v.checks[k]} />,
    })),
    {
      key: 'worst',
      title: (
        <Tooltip title={t('indexmap.safe.col.worstHint')}>
          <span className="sv-check-head">{t('indexmap.safe.col.worst')}</span>
        </Tooltip>
      ),
      width: lang === 'en' ? 110 : 84,
      render: (_, v) =>
        v.publishedMonths === 0 ? (
          <span className="sv-muted">{t('indexmap.safe.notPublished')}</span>
        ) : (
          <Tooltip title={t('indexmap.safe.publishedMonths', { n: v.publishedMonths })}>
            <span>
              <ColorTag color={v.worstColor} />
            </span>
          </Tooltip>
        ),
    },
    {
      key: 'candidate',
      title: t('indexmap.safe.col.candidate'),
      width: lang === 'en' ? 100 : 72,
      render: (_, v) =>
        v.candidate ? (
          <Tag color="green" icon={<SafetyCertificateOutlined />} data-testid="safe-candidate">
            {t('indexmap.safe.candidate')}
          </Tag>
        ) : (
          <span className="sv-muted">—</span>
        ),
    },
  ];

  const stat = (key: Exclude<SafeFilter, 'all'> | 'villages', color?: string) => (
    <Statistic
      title={t(`indexmap.safe.${key}`)}
      value={counts[key]}
      valueStyle={color && counts[key] > 0 ? { color } : undefined}
      data-testid={`safe-count-${key}`}
    />
  );

  return (
    <Card className="page-card sv-card" data-testid="safe-villages" data-year={d.year}>
      {head}
      <Typography.Paragraph type="secondary" className="sv-intro">
        {t('indexmap.safe.intro')}
      </Typography.Paragraph>
      <div className="sv-stats">
        {stat('villages')}
        {stat('candidates', '#1a7f37')}
        {stat('failing', '#cf1322')}
        {stat('waiting', '#8c6d1f')}
      </div>
      <div className="sv-filters">
        <Segmented<SafeFilter>
          value={filter}
          onChange={refilter(setFilter)}
          data-testid="safe-filter"
          options={(['all', 'candidates', 'failing', 'waiting'] as const).map((f) => ({
            value: f,
            label: `${t(`indexmap.safe.filter.${f}`)} ${f === 'all' ? counts.villages : counts[f]}`,
          }))}
        />
        {towns.length > 1 && (
          <Select<number | null>
            value={town}
            onChange={refilter(setTown)}
            options={[
              { value: null, label: t('indexmap.safe.allTowns') },
              ...towns.map((x) => ({ value: x.id, label: x.name })),
            ]}
            showSearch
            optionFilterProp="label"
            style={{ width: 160 }}
            data-testid="safe-town"
          />
        )}
        <Input.Search
          allowClear
          placeholder={t('indexmap.safe.search')}
          onChange={(e) => refilter(setQuery)(e.target.value)}
          style={{ width: 220 }}
        />
        <span className="sv-legend">{t('indexmap.safe.legend')}</span>
      </div>
      <Table<Item>
        data-testid="safe-table"
        size="small"
        rowKey={(v) => v.unit.id}
        dataSource={rows}
        columns={columns}
        loading={data.loading}
        scroll={{ x: 'max-content' }}
        rowClassName={(v) => (isFailing(v) ? 'sv-row-failing' : '')}
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={d.items.length === 0 ? t('indexmap.safe.empty') : t('indexmap.safe.emptyFilter')}
              data-testid="safe-empty"
            />
          ),
        }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          onChange: setPage,
          showSizeChanger: false,
          hideOnSinglePage: true,
          showTotal: (total) => t('indexmap.safe.total', { total }),
        }}
      />
    </Card>
  );
}

/** ✓ passed, ✗ failed with how many, ? no data imported: with what it means on hover. */
function CheckMark({ check }: { check: Check | undefined }) {
  const { t } = useI18n();
  if (!check) return <span className="sv-muted">—</span>;
  const tip =
    check.status === 'fail'
      ? t('indexmap.safe.tip.fail', { count: countText(check.count) })
      : check.status === 'no_data'
        ? t('indexmap.safe.tip.noData')
        : check.months !== null
          ? t('indexmap.safe.tip.passMonths', { months: check.months })
          : t('indexmap.safe.tip.pass');
  return (
    <Tooltip title={tip}>
      <span className={`sv-mark sv-${check.status}`} data-status={check.status} data-check={check.code}>
        {check.status === 'pass' ? '✓' : check.status === 'fail' ? `✗ (${countText(check.count)})` : '?'}
      </span>
    </Tooltip>
  );
}
