// One campaign in a drawer: the plan; the draw (the seed, the algorithm, the strata by town and kind,
// and a verification that reruns it from the recorded snapshot); the targets in visiting order with a
// button to visit (or fill in) each; the findings and the hazards they became, with their states.
import { CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Input,
  List,
  Popconfirm,
  Progress,
  Result,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { inspectionsApi, type Target, type VerifyResult } from '../../api/inspections';
import { useUser } from '../../auth/AuthProvider';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useDrawerRecord } from '../../lib/useDrawerRecord';
import { useSubmit } from '../../lib/useSubmit';
import { navigate } from '../../router/router';
import { formatDateTime } from '../events/model';
import { bi, HazardStateTag, loadTowns } from '../hazards/bits';
import { loadKinds } from '../places/bits';
import { CampaignStateTag, isPlanner, KindTag, mayFill } from './bits';
import { firstDifference, targetCounts, visitingOrder } from './model';

export const visitPath = (campaignId: number, targetId: number) =>
  `/inspections/visit/${targetId}?campaign=${campaignId}`;

export function CampaignDrawer({
  campaignId,
  onClose,
  onChanged,
}: {
  campaignId: number | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t, tc, lang } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const {
    record: c,
    setRecord: setC,
    gone: isGone,
    reload,
    tick,
  } = useDrawerRecord(campaignId, inspectionsApi.campaign);
  const [seed, setSeed] = useState('');
  const [verified, setVerified] = useState<VerifyResult | null>(null);
  const { busy, error, reset, run } = useSubmit();
  useEffect(() => {
    if (campaignId !== null) {
      setVerified(null);
      setSeed('');
      reset();
    }
  }, [campaignId, reset]);
  const progress = useAsync(
    c && c.state !== 'planned' ? (signal) => inspectionsApi.progress(c.id, signal) : null,
    [c?.id, c?.state, c?.version, tick],
  );
  const towns = useAsync(() => loadTowns(), []);
  const kinds = useAsync(() => loadKinds(), []);
  const townName = (code: string) => towns.data?.find((u) => u.code === code)?.name ?? code;
  const kindName = (code: string) => {
    const k = kinds.data?.find((x) => x.code === code);
    return k ? bi(lang, k.name) : tc('level', code);
  };
  const planner = isPlanner(user);

  const act = (work: () => Promise<void>) => run(true, work, reload);

  const draw = () =>
    act(async () => {
      if (!c) return;
      const next = await inspectionsApi.draw(c.id, {
        version: c.version,
        ...(seed.trim() ? { seed: seed.trim() } : {}),
      });
      setC(next);
      onChanged();
      void message.success(t('insp.draw.done', { n: next.targets.length }));
    });
  const verify = () =>
    act(async () => {
      if (c) setVerified(await inspectionsApi.verify(c.id));
    });
  const close = () =>
    act(async () => {
      if (!c) return;
      setC(await inspectionsApi.close(c.id, c.version));
      onChanged();
    });

  const counts = c ? targetCounts(c.targets) : { total: 0, done: 0, overdue: 0 };
  const fills = c ? mayFill(user, c) : false;
  const diff = verified ? firstDifference(verified.recorded, verified.recomputed) : -1;

  return (
    <Drawer
      open={campaignId !== null}
      onClose={onClose}
      width="min(720px, 100vw)"
      className="campaign-drawer"
      title={c ? c.name : t('insp.title')}
      extra={
        c && planner && c.state === 'drawn' ? (
          <Popconfirm title={t('insp.close.confirm')} onConfirm={() => void close()}>
            <Button loading={busy} data-testid="campaign-close">
              {t('insp.close')}
            </Button>
          </Popconfirm>
        ) : null
      }
    >
      {isGone ? (
        <Result status="404" subTitle={t('insp.notFound')} />
      ) : !c ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : (
        <div className="event-detail" data-testid="campaign-detail" data-state={c.state} data-id={c.id}>
          {error && <Alert type="error" showIcon message={error} className="insp-gap" />}
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('insp.col.kind')}>
              <KindTag kind={c.kind} />
            </Descriptions.Item>
            <Descriptions.Item label={t('insp.col.state')}>
              <CampaignStateTag state={c.state} />
            </Descriptions.Item>
            <Descriptions.Item label={t('insp.form.unit')}>{c.unit.name}</Descriptions.Item>
            <Descriptions.Item label={t('insp.col.period')}>
              {c.startsOn} ~ {c.endsOn}
            </Descriptions.Item>
            <Descriptions.Item label={t('insp.form.templates')} span={2}>
              <Space size={[4, 4]} wrap>
                {c.templates.map((x) => (
                  <Tag key={x.code}>
                    {kindName(x.subject)} · {x.code} v{x.version}
                  </Tag>
                ))}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('insp.form.sample')}>
              {c.sampleSize ?? t('insp.sampleAll')}
            </Descriptions.Item>
            <Descriptions.Item label={t('insp.detail.planned')}>
              {c.createdBy} · {formatDateTime(c.createdAt)}
            </Descriptions.Item>
          </Descriptions>

          <section className="event-section" data-testid="campaign-draw-section">
            <Typography.Title level={5}>{t('insp.draw.title')}</Typography.Title>
            {!c.draw ? (
              planner && c.state === 'planned' ? (
                <Space.Compact className="insp-draw">
                  <Input
                    value={seed}
                    onChange={(e) => setSeed(e.target.value)}
                    maxLength={100}
                    placeholder={t('insp.draw.seedPlaceholder')}
                    data-testid="draw-seed-input"
                  />
                  <Button
                    type="primary"
                    loading={busy}
                    onClick={() => void draw()}
                    data-testid="campaign-draw"
                  >
                    {t('insp.draw.run')}
                  </Button>
                </Space.Compact>
              ) : (
                <Typography.Text type="secondary">{t('insp.draw.notYet')}</Typography.Text>
              )
            ) : (
              <>
                <Descriptions size="small" column={2}>
                  <Descriptions.Item label={t('insp.draw.seed')}>
                    <Typography.Text code copyable data-testid="draw-seed">
                      {c.draw.seed}
                    </Typography.Text>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('insp.draw.algorithm')}>{c.draw.algorithm}</Descriptions.Item>
                  <Descriptions.Item label={t('insp.draw.candidates')}>
                    {t('insp.draw.chosen', { n: c.targets.length, of: c.draw.candidates })}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('insp.draw.by')}>
                    {c.draw.drawnBy} · {formatDateTime(c.draw.drawnAt)}
                  </Descriptions.Item>
                </Descriptions>
                <Table
                  size="small"
                  rowKey={(s) => `${s.town}:${s.kind}`}
                  pagination={false}
                  dataSource={c.draw.strata}
                  columns={[
                    { key: 'town', title: t('insp.draw.town'), render: (_, s) => townName(s.town) },
                    { key: 'kind', title: t('insp.draw.kind'), render: (_, s) => kindName(s.kind) },
                    { key: 'pop', title: t('insp.draw.population'), dataIndex: 'population', width: 90 },
                    { key: 'sel', title: t('insp.draw.selected'), dataIndex: 'selected', width: 90 },
                  ]}
                />
                <div className="insp-verify">
                  <Button loading={busy} onClick={() => void verify()} data-testid="campaign-verify">
                    {t('insp.draw.verify')}
                  </Button>
                  <Typography.Text type="secondary">{t('insp.draw.verifyHint')}</Typography.Text>
                </div>
                {verified && (
                  <Alert
                    className="insp-gap"
                    type={verified.matches ? 'success' : 'error'}
                    showIcon
                    icon={verified.matches ? <CheckCircleFilled /> : <CloseCircleFilled />}
                    message={
                      verified.matches
                        ? t('insp.draw.matches', { n: verified.recorded.length, seed: verified.seed })
                        : t('insp.draw.differs', { at: diff + 1 })
                    }
                    data-testid="draw-verified"
                    data-matches={String(verified.matches)}
                  />
                )}
              </>
            )}
          </section>

          {c.state !== 'planned' && (
            <section className="event-section" data-testid="campaign-targets">
              <div className="event-section-head insp-targets-head">
                <Typography.Title level={5}>{t('insp.targets.title')}</Typography.Title>
                <Progress
                  percent={counts.total ? Math.round((counts.done / counts.total) * 100) : 0}
                  size="small"
                  format={() => t('insp.targets.done', { done: counts.done, total: counts.total })}
                />
              </div>
              <List<Target>
                size="small"
                dataSource={visitingOrder(c.targets)}
                locale={{ emptyText: t('insp.targets.empty') }}
                renderItem={(x) => (
                  <List.Item
                    data-testid="campaign-target"
                    data-target-id={x.id}
                    data-state={x.state}
                    actions={
                      x.inspectionId !== null || fills
                        ? [
                            <Button
                              key="go"
                              size="small"
                              type={x.state === 'pending' ? 'primary' : 'default'}
                              onClick={() => navigate(visitPath(c.id, x.id))}
                              data-testid="target-visit"
                            >
                              {x.state === 'done'
                                ? t('insp.targets.view')
                                : x.inspectionId !== null
                                  ? t('insp.targets.continue')
                                  : c.kind === 'covert'
                                    ? t('insp.targets.visit')
                                    : t('insp.targets.fill')}
                            </Button>,
                          ]
                        : []
                    }
                  >
                    <List.Item.Meta
                      title={
                        <span>
                          {x.position}. {x.name}
                        </span>
                      }
                      description={`${kindName(x.kind)} · ${t('insp.targets.template', { code: x.template.code, v: x.template.version })}`}
                    />
                    {x.state === 'done' ? (
                      <Tag color="success">{t('insp.targets.stateDone')}</Tag>
                    ) : x.overdue ? (
                      <Tag color="error">{t('insp.targets.overdue')}</Tag>
                    ) : (
                      <Tag>{t('insp.targets.pending')}</Tag>
                    )}
                  </List.Item>
                )}
              />
            </section>
          )}

          {progress.data && (
            <section className="event-section" data-testid="campaign-findings">
              <Typography.Title level={5}>{t('insp.findings.title')}</Typography.Title>
              <Typography.Paragraph type="secondary">
                {t('insp.findings.summary', {
                  findings: progress.data.findings,
                  hazards: progress.data.hazards.total,
                  closed: progress.data.hazards.closedOut,
                  flags: progress.data.locationFlags,
                })}
              </Typography.Paragraph>
              {progress.data.hazards.items.length > 0 && (
                <List
                  size="small"
                  dataSource={progress.data.hazards.items}
                  renderItem={(h) => (
                    <List.Item data-testid="campaign-hazard" data-tracking-no={h.trackingNo}>
                      <a
                        href={`/hazards/${h.id}`}
                        onClick={(e) => {
                          e.preventDefault();
                          navigate(`/hazards/${h.id}`);
                        }}
                      >
                        {h.trackingNo}
                      </a>
                      <span>{c.targets.find((x) => x.id === h.targetId)?.name ?? ''}</span>
                      <HazardStateTag state={h.state} />
                    </List.Item>
                  )}
                />
              )}
            </section>
          )}
        </div>
      )}
    </Drawer>
  );
}
