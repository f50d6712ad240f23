// 检查表 (/inspections/templates, /inspections/templates/<code>): the checklist templates at their current
// versions; a row opens one in a drawer at any of its versions (campaigns keep the version they were
// planned with). The safety office edits the current version: each item's question, severity, whether a
// failure needs a photo, retiring an item (item codes are never removed), and new items mapped to a
// hazard domain and aspect; saving writes a new version.
import { PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Checkbox,
  Drawer,
  Input,
  Result,
  Segmented,
  Select,
  Skeleton,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { isApiError } from '../../api/client';
import { SEVERITIES, type Severity } from '../../api/hazards';
import { type CampaignKind, inspectionsApi, type Template, type TemplateItem } from '../../api/inspections';
import { useUser } from '../../auth/AuthProvider';
import { type MessageKey, useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { useSubmit } from '../../lib/useSubmit';
import { navigate, useLocation } from '../../router/router';
import { formatDateTime } from '../events/model';
import { bi, loadDomains, SeverityTag } from '../hazards/bits';
import { loadKinds } from '../places/bits';
import { isPlanner, KindTag, subjectName } from './bits';
import { itemProblems, nextItemCode } from './model';
import '../events/events.css';
import '../hazards/hazards.css';
import './inspections.css';

const BASE = '/inspections/templates';

export default function TemplatesPage() {
  const { t, tc, lang } = useI18n();
  const { pathname } = useLocation();
  const open = /^\/inspections\/templates\/([a-z][a-z0-9_]+)$/.exec(pathname)?.[1] ?? null;
  const [kind, setKind] = useState<CampaignKind | 'all'>('all');
  const [tick, setTick] = useState(0);
  const list = useAsync(
    (signal) =>
      inspectionsApi.templates(
        { ...(kind === 'all' ? {} : { kind }), includeInactive: true, pageSize: 100 },
        signal,
      ),
    [kind, tick],
  );
  const kinds = useAsync(() => loadKinds(), []);
  return (
    <div className="events-page inspections-page" data-testid="templates-page">
      <div className="events-head">
        <Typography.Title level={4} className="events-title">
          {t('insp.templates')}
        </Typography.Title>
      </div>
      <div className="events-filters hazards-filters">
        <Segmented
          value={kind}
          onChange={(v) => setKind(v as CampaignKind | 'all')}
          options={[
            { value: 'all', label: t('insp.filter.allKinds') },
            { value: 'covert', label: tc('insp.kind', 'covert') },
            { value: 'self', label: tc('insp.kind', 'self') },
          ]}
        />
      </div>
      <div className="hazards-body">
        <Table<Template>
          data-testid="templates-table"
          size="small"
          rowKey="code"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          pagination={false}
          sticky
          scroll={{ y: 'calc(100vh - 52px - 24px - 140px)' }}
          locale={{ emptyText: t('insp.tpl.empty') }}
          onRow={(x) => ({ onClick: () => navigate(`${BASE}/${x.code}`) })}
          rowClassName="events-row"
          columns={[
            {
              key: 'name',
              title: t('insp.tpl.name'),
              ellipsis: true,
              render: (_, x) => (
                <div className="events-cell-what">
                  <div className="events-cell-main">{bi(lang, x.name)}</div>
                  <div className="events-cell-sub">{x.code}</div>
                </div>
              ),
            },
            {
              key: 'kind',
              title: t('insp.col.kind'),
              width: 90,
              render: (_, x) => <KindTag kind={x.kind} />,
            },
            {
              key: 'subject',
              title: t('insp.tpl.subject'),
              width: 150,
              render: (_, x) => subjectName(x, kinds.data, lang, tc),
            },
            {
              key: 'items',
              title: t('insp.tpl.items'),
              width: 80,
              render: (_, x) => x.items.filter((i) => i.active).length,
            },
            { key: 'version', title: t('insp.tpl.version'), width: 80, render: (_, x) => `v${x.version}` },
            {
              key: 'active',
              title: t('insp.tpl.active'),
              width: 80,
              render: (_, x) =>
                x.active ? <Tag color="green">{t('insp.tpl.on')}</Tag> : <Tag>{t('insp.tpl.off')}</Tag>,
            },
          ]}
        />
      </div>
      <TemplateDrawer code={open} onClose={() => navigate(BASE)} onSaved={() => setTick((n) => n + 1)} />
    </div>
  );
}

function TemplateDrawer({
  code,
  onClose,
  onSaved,
}: {
  code: string | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, tc, lang } = useI18n();
  const user = useUser();
  const [version, setVersion] = useState<number | undefined>();
  const [tick, setTick] = useState(0);
  const loaded = useAsync(
    code ? (signal) => inspectionsApi.template(code, version, signal) : null,
    [code, version, tick],
    { expected: (e) => isApiError(e, 404) },
  );
  const [draft, setDraft] = useState<TemplateItem[] | null>(null);
  const { busy, error, reset, run } = useSubmit();
  const domains = useAsync(() => loadDomains(), []);
  // another template starts at its current version, not being edited
  useEffect(() => {
    if (code === null) return;
    setVersion(undefined);
    setDraft(null);
    reset();
  }, [code, reset]);
  const x = loaded.data;
  const editable = !!x && isPlanner(user) && x.version === x.currentVersion;
  const items = draft ?? x?.items ?? [];
  const problems = draft ? itemProblems(draft) : [];
  const patch = (i: number, p: Partial<TemplateItem>) =>
    setDraft((d) => (d ?? x?.items ?? []).map((it, j) => (j === i ? { ...it, ...p } : it)));

  const save = () =>
    run(!!x && !!draft && problems.length === 0, async () => {
      if (!x || !draft) return;
      await inspectionsApi.updateTemplate(x.code, {
        version: x.version,
        name: x.name,
        kind: x.kind,
        subjectType: x.subjectType,
        subject: x.subject,
        items: draft,
        active: x.active,
      });
      setDraft(null);
      setVersion(undefined);
      setTick((n) => n + 1);
      onSaved();
    });

  const domainName = (c: string) => {
    const d = domains.data?.find((y) => y.code === c);
    return d ? bi(lang, d.name) : c;
  };
  const aspectName = (dc: string, ac: string) => {
    const a = domains.data?.find((y) => y.code === dc)?.aspects.find((y) => y.code === ac);
    return a ? bi(lang, a.name) : ac;
  };

  return (
    <Drawer
      open={code !== null}
      onClose={onClose}
      width="min(860px, 100vw)"
      title={x ? bi(lang, x.name) : t('insp.templates')}
      extra={
        editable ? (
          draft ? (
            <Space>
              <Button onClick={() => setDraft(null)}>{t('common.cancel')}</Button>
              <Button
                type="primary"
                loading={busy}
                disabled={problems.length > 0}
                onClick={() => void save()}
                data-testid="template-save"
              >
                {t('insp.tpl.save')}
              </Button>
            </Space>
          ) : (
            <Button onClick={() => setDraft(x.items.map((i) => ({ ...i })))} data-testid="template-edit">
              {t('insp.tpl.edit')}
            </Button>
          )
        ) : null
      }
    >
      {loaded.error ? (
        <Result status="404" subTitle={t('insp.tpl.notFound')} />
      ) : !x ? (
        <Skeleton active />
      ) : (
        <div data-testid="template-detail" data-version={x.version}>
          <Space wrap className="insp-gap">
            <KindTag kind={x.kind} />
            <span>{t('insp.tpl.versionOf', { v: x.version, current: x.currentVersion })}</span>
            <Select
              size="small"
              value={x.version}
              disabled={!!draft}
              onChange={(v: number) => setVersion(v === x.currentVersion ? undefined : v)}
              options={Array.from({ length: x.currentVersion }, (_, i) => x.currentVersion - i).map((v) => ({
                value: v,
                label: `v${v}`,
              }))}
              data-testid="template-version"
            />
            <Typography.Text type="secondary">
              {x.createdBy} · {formatDateTime(x.createdAt)}
            </Typography.Text>
          </Space>
          {error && <Alert type="error" showIcon message={error} className="insp-gap" />}
          {problems.length > 0 && (
            <Alert
              type="warning"
              showIcon
              className="insp-gap"
              message={problems.map((p) => t(`insp.tpl.problem.${p}` as MessageKey)).join('；')}
            />
          )}
          <Table<TemplateItem>
            size="small"
            rowKey={(i) => i.code}
            pagination={false}
            dataSource={items}
            rowClassName={(i) => (i.active ? '' : 'insp-retired')}
            columns={[
              { key: 'code', title: t('insp.tpl.code'), width: 70, dataIndex: 'code' },
              {
                key: 'text',
                title: t('insp.tpl.question'),
                render: (_, i, n) =>
                  draft ? (
                    <Space direction="vertical" className="insp-full">
                      <Input
                        size="small"
                        value={i.text.zh}
                        onChange={(e) => patch(n, { text: { ...i.text, zh: e.target.value } })}
                      />
                      <Input
                        size="small"
                        value={i.text.en}
                        onChange={(e) => patch(n, { text: { ...i.text, en: e.target.value } })}
                      />
                    </Space>
                  ) : (
                    bi(lang, i.text)
                  ),
              },
              {
                key: 'domain',
                title: t('insp.tpl.domain'),
                width: 200,
                render: (_, i, n) =>
                  draft && !x.items.some((o) => o.code === i.code) ? (
                    <Space direction="vertical" className="insp-full">
                      <Select
                        size="small"
                        value={i.domainCode || undefined}
                        onChange={(v: string) => patch(n, { domainCode: v, aspectCode: '' })}
                        options={(domains.data ?? []).map((d) => ({
                          value: d.code,
                          label: bi(lang, d.name),
                        }))}
                      />
                      <Select
                        size="small"
                        value={i.aspectCode || undefined}
                        onChange={(v: string) => patch(n, { aspectCode: v })}
                        options={(domains.data?.find((d) => d.code === i.domainCode)?.aspects ?? [])
                          .filter((a) => a.active)
                          .map((a) => ({ value: a.code, label: bi(lang, a.name) }))}
                      />
                    </Space>
                  ) : (
                    `${domainName(i.domainCode)} / ${aspectName(i.domainCode, i.aspectCode)}`
                  ),
              },
              {
                key: 'severity',
                title: t('insp.tpl.severity'),
                width: 100,
                render: (_, i, n) =>
                  draft ? (
                    <Select
                      size="small"
                      value={i.severity}
                      onChange={(v: Severity) => patch(n, { severity: v })}
                      options={SEVERITIES.map((s) => ({ value: s, label: tc('hazards.severity', s) }))}
                    />
                  ) : (
                    <SeverityTag severity={i.severity} />
                  ),
              },
              {
                key: 'photo',
                title: t('insp.tpl.photo'),
                width: 70,
                render: (_, i, n) =>
                  draft ? (
                    <Checkbox
                      checked={i.photoRequired}
                      onChange={(e) => patch(n, { photoRequired: e.target.checked })}
                    />
                  ) : i.photoRequired ? (
                    '✓'
                  ) : (
                    ''
                  ),
              },
              {
                key: 'active',
                title: t('insp.tpl.active'),
                width: 70,
                render: (_, i, n) =>
                  draft ? (
                    <Switch size="small" checked={i.active} onChange={(v) => patch(n, { active: v })} />
                  ) : i.active ? (
                    t('insp.tpl.on')
                  ) : (
                    t('insp.tpl.off')
                  ),
              },
            ]}
          />
          {draft && (
            <Button
              className="insp-gap"
              icon={<PlusOutlined />}
              onClick={() =>
                setDraft((d) => [
                  ...(d ?? []),
                  {
                    code: nextItemCode(d ?? []),
                    text: { zh: '', en: '' },
                    domainCode: '',
                    aspectCode: '',
                    severity: 'general',
                    photoRequired: false,
                    active: true,
                  },
                ])
              }
              data-testid="template-add-item"
            >
              {t('insp.tpl.addItem')}
            </Button>
          )}
        </div>
      )}
    </Drawer>
  );
}
