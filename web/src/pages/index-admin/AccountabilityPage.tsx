// Accountability (/index/accountability): the items the published index triggered — 预警, 抄告,
// 督办, 挂牌 and 摘牌 — in the viewer's scope, filtered by state, overdue ones highlighted. The unit
// answers with its rectification report; the safety office accepts the answer (a delisting is signed
// off by the safety office or the superior unit).
import { CheckOutlined, EditOutlined, ReloadOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Input, Modal, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { type AccountabilityAction, type AccountabilityItem, indexApi } from '../../api/safetyIndex';
import { useUser } from '../../auth/AuthProvider';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { ACTION_COLORS, isConflict, namesOf, useIndexErrorText } from './bits';
import { formatDate, formatDateTime, ITEM_STATES, isOverdue, itemActions } from './model';
import './index-admin.css';

const PAGE_SIZE = 15;
const STATE_COLORS: Record<AccountabilityItem['state'], string> = {
  open: 'processing',
  overdue: 'error',
  answered: 'warning',
  accepted: 'success',
};

type Filter = 'all' | AccountabilityItem['state'];

export default function AccountabilityPage() {
  const { t } = useI18n();
  const user = useUser();
  const { message, modal } = App.useApp();
  const errorText = useIndexErrorText();
  const [filter, setFilter] = useState<Filter>('all');
  const [page, setPage] = useState(1);
  const [answering, setAnswering] = useState<AccountabilityItem | null>(null);
  const [busyId, setBusyId] = useState<number | null>(null);
  const list = useAsync(async () => {
    const p = await indexApi.accountability({
      page,
      pageSize: PAGE_SIZE,
      ...(filter === 'all' ? {} : { state: filter }),
    });
    return { ...p, names: await namesOf(p.items.map((i) => i.unitId)) };
  }, [page, filter]);
  const now = new Date();
  const who = { roles: user.roles, scopeUnitId: user.scope.unit?.id ?? null };
  const items = list.data?.items ?? [];
  const unitName = (id: number) => list.data?.names.get(id)?.name ?? `#${id}`;
  const actionText = (a: string) => t(`indexadmin.acc.action.${a as AccountabilityAction}`);

  const accept = (item: AccountabilityItem) =>
    modal.confirm({
      title: t(item.action === 'delisting' ? 'indexadmin.acc.signOffTitle' : 'indexadmin.acc.acceptTitle', {
        unit: unitName(item.unitId),
        action: actionText(item.action),
      }),
      content: item.answer ? (
        <Typography.Paragraph className="ia-answer">{item.answer}</Typography.Paragraph>
      ) : null,
      okText: item.action === 'delisting' ? t('indexadmin.acc.signOff') : t('indexadmin.acc.accept'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        setBusyId(item.id);
        try {
          await indexApi.actOnItem(item.id, { action: 'accept', version: item.version });
          void message.success(t('indexadmin.acc.accepted'));
        } catch (e) {
          void message.error(errorText(e));
        } finally {
          setBusyId(null);
          list.reload();
        }
      },
    });

  return (
    <Card
      className="page-card ia-card"
      data-testid="accountability"
      title={t('indexadmin.acc.title')}
      extra={
        <Space>
          <Segmented<Filter>
            value={filter}
            onChange={(v) => {
              setFilter(v);
              setPage(1);
            }}
            options={[
              { value: 'all', label: t('indexadmin.acc.filter.all') },
              ...ITEM_STATES.map((s) => ({ value: s, label: t(`indexadmin.acc.state.${s}`) })),
            ]}
            data-testid="acc-filter"
          />
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            {t('indexadmin.reload')}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary" className="ia-intro">
        {t('indexadmin.acc.intro')}
      </Typography.Paragraph>
      {list.error !== undefined && !list.loading ? (
        <Alert
          type="error"
          showIcon
          message={t('indexadmin.loadFailed')}
          action={<Button onClick={list.reload}>{t('indexadmin.retry')}</Button>}
        />
      ) : (
        <Table<AccountabilityItem>
          data-testid="acc-table"
          size="middle"
          rowKey="id"
          loading={list.loading}
          dataSource={items}
          locale={{ emptyText: t('indexadmin.acc.empty') }}
          rowClassName={(i) => (isOverdue(i, now) ? 'ia-row-overdue' : '')}
          expandable={
            items.some((i) => i.answer !== null)
              ? {
                  rowExpandable: (i) => i.answer !== null,
                  expandedRowRender: (i) => (
                    <div className="ia-answer-box">
                      <Typography.Text type="secondary">
                        {t('indexadmin.acc.answeredAt', { at: formatDateTime(i.answeredAt) })}
                        {i.acceptedAt
                          ? ` · ${t('indexadmin.acc.acceptedAt', { at: formatDateTime(i.acceptedAt) })}`
                          : ''}
                      </Typography.Text>
                      <Typography.Paragraph className="ia-answer">{i.answer}</Typography.Paragraph>
                    </div>
                  ),
                }
              : undefined
          }
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: list.data?.total ?? 0,
            onChange: setPage,
            showSizeChanger: false,
            showTotal: (total) => t('common.total', { total }),
          }}
          columns={[
            {
              key: 'unit',
              title: t('indexadmin.acc.unit'),
              width: 220,
              render: (_, i) => (
                <span className="ia-nowrap">
                  <strong>{unitName(i.unitId)}</strong>
                  {list.data?.names.get(i.unitId)?.parent && (
                    <Typography.Text type="secondary" className="ia-parent">
                      {list.data.names.get(i.unitId)?.parent}
                    </Typography.Text>
                  )}
                </span>
              ),
            },
            {
              key: 'action',
              title: t('indexadmin.acc.action'),
              render: (_, i) => (
                <Tag
                  color={ACTION_COLORS[i.action] ?? 'default'}
                  data-testid="acc-action"
                  data-action={i.action}
                >
                  {actionText(i.action)}
                </Tag>
              ),
            },
            { key: 'period', title: t('indexadmin.acc.period'), dataIndex: 'period' },
            {
              key: 'state',
              title: t('indexadmin.acc.state'),
              render: (_, i) => (
                <Tag color={STATE_COLORS[i.state] ?? 'default'}>{t(`indexadmin.acc.state.${i.state}`)}</Tag>
              ),
            },
            {
              key: 'due',
              title: t('indexadmin.acc.due'),
              render: (_, i) =>
                isOverdue(i, now) && i.state !== 'accepted' ? (
                  <span className="ia-overdue" data-testid="acc-overdue">
                    <WarningOutlined /> {formatDate(i.dueAt)} {t('indexadmin.acc.overdue')}
                  </span>
                ) : (
                  formatDate(i.dueAt)
                ),
            },
            {
              key: 'answer',
              title: t('indexadmin.acc.answer'),
              ellipsis: true,
              render: (_, i) =>
                i.answer ? (
                  <span className="ia-answer-short">{i.answer}</span>
                ) : (
                  <span className="ia-muted">{t('indexadmin.acc.noAnswer')}</span>
                ),
            },
            {
              key: 'createdAt',
              title: t('indexadmin.acc.createdAt'),
              render: (_, i) => formatDate(i.createdAt),
            },
            {
              key: 'act',
              title: '',
              width: 150,
              render: (_, i) => {
                const can = itemActions(i, who);
                return (
                  <Space size={4}>
                    {can.answer && (
                      <Button
                        size="small"
                        icon={<EditOutlined />}
                        onClick={() => setAnswering(i)}
                        data-testid="acc-answer"
                      >
                        {t('indexadmin.acc.answerAction')}
                      </Button>
                    )}
                    {can.accept && (
                      <Button
                        size="small"
                        type="primary"
                        ghost
                        icon={<CheckOutlined />}
                        loading={busyId === i.id}
                        onClick={() => accept(i)}
                        data-testid="acc-accept"
                      >
                        {i.action === 'delisting' ? t('indexadmin.acc.signOff') : t('indexadmin.acc.accept')}
                      </Button>
                    )}
                  </Space>
                );
              },
            },
          ]}
        />
      )}
      {answering && (
        <AnswerDialog
          item={answering}
          title={t('indexadmin.acc.answerTitle', {
            action: actionText(answering.action),
            unit: unitName(answering.unitId),
            period: answering.period,
          })}
          onClose={() => setAnswering(null)}
          onDone={() => {
            setAnswering(null);
            list.reload();
          }}
        />
      )}
    </Card>
  );
}

function AnswerDialog({
  item,
  title,
  onClose,
  onDone,
}: {
  item: AccountabilityItem;
  title: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const errorText = useIndexErrorText();
  const [text, setText] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setTouched(true);
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await indexApi.actOnItem(item.id, { action: 'answer', version: item.version, text: text.trim() });
      void message.success(t('indexadmin.acc.answered'));
      onDone();
    } catch (e) {
      setError(errorText(e));
      if (isConflict(e)) onDone();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('indexadmin.acc.answerAction')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      width={560}
    >
      <Typography.Paragraph type="secondary">
        {t('indexadmin.acc.dueNote', { at: formatDateTime(item.dueAt) })}
      </Typography.Paragraph>
      <Input.TextArea
        className="ia-gap-bottom-lg"
        rows={6}
        maxLength={5000}
        showCount
        value={text}
        status={touched && !text.trim() ? 'error' : undefined}
        onChange={(e) => setText(e.target.value)}
        placeholder={t('indexadmin.acc.answerPlaceholder')}
        data-testid="acc-answer-text"
      />
      {touched && !text.trim() && (
        <Typography.Text type="danger">{t('indexadmin.acc.answerRequired')}</Typography.Text>
      )}
      {error && <Alert type="error" showIcon message={error} className="ia-gap-top" />}
    </Modal>
  );
}
