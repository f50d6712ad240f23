// Accountability (/index/accountability): the items the published index triggered — 预警, 抄告,
// 督办, 挂牌 and 摘牌 — in the viewer's scope, filtered by state, overdue ones highlighted. The unit
// answers with its rectification report and photos of its documents; the safety office (or the superior
// unit) accepts the answer or returns it with what is missing and a new deadline (a delisting is signed
// off without an answer). Each item opens in a drawer with its documents and history; a notification's
// link (?item=N) opens the drawer directly.
import { CheckOutlined, EditOutlined, ReloadOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { isApiError } from '../../api/client';
import { type AccountabilityAction, type AccountabilityItem, indexApi } from '../../api/safetyIndex';
import { useUser } from '../../auth/AuthProvider';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { navigate, useLocation } from '../../router/router';
import { ACTION_COLORS, namesOf, useIndexErrorText } from './bits';
import { AnswerDialog, GiveBackDialog } from './ItemDialogs';
import { ItemDrawer, STATE_COLORS } from './ItemDrawer';
import { formatDate, formatDateTime, ITEM_STATES, isOverdue, itemActions } from './model';
import './index-admin.css';

const PAGE_SIZE = 15;
const BASE = '/index/accountability';

type Filter = 'all' | AccountabilityItem['state'];

export default function AccountabilityPage() {
  const { t } = useI18n();
  const user = useUser();
  const { message, modal } = App.useApp();
  const errorText = useIndexErrorText();
  const [filter, setFilter] = useState<Filter>('all');
  const [page, setPage] = useState(1);
  const [dialog, setDialog] = useState<{ kind: 'answer' | 'giveBack'; item: AccountabilityItem } | null>(
    null,
  );
  const [busyId, setBusyId] = useState<number | null>(null);
  const location = useLocation();
  const openId = Number(location.search.get('item')) || null;
  const detail = useAsync(openId ? (signal) => indexApi.item(openId, signal) : null, [openId], {
    expected: (e) => isApiError(e, 404),
  });
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
  const openItem = (id: number) => navigate(`${BASE}?item=${id}`);
  const closeItem = () => navigate(BASE);
  /** After an action: the list again, and the drawer if it is open. */
  const refresh = () => {
    list.reload();
    if (openId) detail.reload();
  };
  const dialogTitle = (item: AccountabilityItem, kind: 'answer' | 'giveBack', unit: string) =>
    t(kind === 'answer' ? 'indexadmin.acc.answerTitle' : 'indexadmin.acc.giveBackTitle', {
      action: actionText(item.action),
      unit,
      period: item.period,
    });

  const accept = (item: AccountabilityItem, unit = unitName(item.unitId)) =>
    modal.confirm({
      title: t(item.action === 'delisting' ? 'indexadmin.acc.signOffTitle' : 'indexadmin.acc.acceptTitle', {
        unit,
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
          refresh();
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
                  <Typography.Link strong onClick={() => openItem(i.id)} data-testid="acc-open">
                    {unitName(i.unitId)}
                  </Typography.Link>
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
                        onClick={() => setDialog({ kind: 'answer', item: i })}
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
      {openId !== null && (
        <ItemDrawer
          item={detail.data}
          loading={detail.loading}
          error={
            detail.error === undefined
              ? null
              : isApiError(detail.error, 404)
                ? t('indexadmin.acc.itemNotFound')
                : errorText(detail.error)
          }
          escalatedToName={escalatedTo(detail.data)}
          can={detail.data ? itemActions(detail.data, who) : null}
          onClose={closeItem}
          onRetry={detail.reload}
          onAnswer={() => detail.data && setDialog({ kind: 'answer', item: detail.data })}
          onAccept={() => detail.data && accept(detail.data, detail.data.unit.name)}
          onGiveBack={() => detail.data && setDialog({ kind: 'giveBack', item: detail.data })}
        />
      )}
      {dialog &&
        (() => {
          const props = {
            item: dialog.item,
            title: dialogTitle(
              dialog.item,
              dialog.kind,
              detail.data?.id === dialog.item.id ? detail.data.unit.name : unitName(dialog.item.unitId),
            ),
            onClose: () => setDialog(null),
            onDone: () => {
              setDialog(null);
              refresh();
            },
          };
          return dialog.kind === 'answer' ? <AnswerDialog {...props} /> : <GiveBackDialog {...props} />;
        })()}
    </Card>
  );
}

/** The unit an overdue item went up to, as its last escalation recorded it. */
function escalatedTo(item: { history: { kind: string; details: Record<string, unknown> }[] } | undefined) {
  const last = item?.history.filter((h) => h.kind === 'escalated').at(-1);
  const to = last?.details.to as { name?: unknown } | undefined;
  return typeof to?.name === 'string' ? to.name : null;
}
