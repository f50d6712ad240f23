// One accountability item in a drawer: what it is and until when, the unit's answer with its documents,
// and the item's append-only history (created → answered → returned → … → accepted, overdue and escalated
// on the way). The actions the viewer may take sit at its foot. Opened from the list or from a
// notification's link (/index/accountability?item=N).
import {
  CheckOutlined,
  EditOutlined,
  FilePdfOutlined,
  RollbackOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Button,
  Descriptions,
  Drawer,
  Empty,
  Image,
  Space,
  Spin,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import type { AccountabilityItemDetail, ItemHistoryKind } from '../../api/safetyIndex';
import { type Translate, useI18n } from '../../i18n';
import { ACTION_COLORS } from './bits';
import { formatDate, formatDateTime, isOverdue, type itemActions } from './model';

const KIND_COLORS: Record<ItemHistoryKind, string> = {
  created: 'blue',
  answered: 'gray',
  returned: 'orange',
  accepted: 'green',
  overdue: 'red',
  escalated: 'red',
};
export const STATE_COLORS: Record<AccountabilityItemDetail['state'], string> = {
  open: 'processing',
  overdue: 'error',
  answered: 'warning',
  accepted: 'success',
};

export function ItemDrawer({
  item,
  loading,
  error,
  escalatedToName,
  can,
  onClose,
  onRetry,
  onAnswer,
  onAccept,
  onGiveBack,
}: {
  item: AccountabilityItemDetail | undefined;
  loading: boolean;
  error: string | null;
  escalatedToName: string | null;
  can: ReturnType<typeof itemActions> | null;
  onClose: () => void;
  onRetry: () => void;
  onAnswer: () => void;
  onAccept: () => void;
  onGiveBack: () => void;
}) {
  const { t } = useI18n();
  const now = new Date();
  const title = item
    ? t('indexadmin.acc.drawerTitle', {
        action: t(`indexadmin.acc.action.${item.action}`),
        unit: item.unit.name,
        period: item.period,
      })
    : t('indexadmin.acc.title');
  const delisting = item?.action === 'delisting';
  const footer =
    item && can && (can.answer || can.accept || can.giveBack) ? (
      <Space>
        {can.answer && (
          <Button type="primary" icon={<EditOutlined />} onClick={onAnswer} data-testid="acc-drawer-answer">
            {t('indexadmin.acc.answerAction')}
          </Button>
        )}
        {can.accept && (
          <Button type="primary" icon={<CheckOutlined />} onClick={onAccept} data-testid="acc-drawer-accept">
            {delisting ? t('indexadmin.acc.signOff') : t('indexadmin.acc.accept')}
          </Button>
        )}
        {can.giveBack && (
          <Button icon={<RollbackOutlined />} onClick={onGiveBack} data-testid="acc-drawer-return">
            {t('indexadmin.acc.giveBack')}
          </Button>
        )}
      </Space>
    ) : null;

  return (
    <Drawer
      open
      width={560}
      title={title}
      onClose={onClose}
      footer={footer}
      destroyOnHidden
      data-testid="acc-drawer"
      className="ia-item-drawer"
    >
      {error && !loading ? (
        <Alert
          type="error"
          showIcon
          message={error}
          action={<Button onClick={onRetry}>{t('indexadmin.retry')}</Button>}
        />
      ) : !item ? (
        <div className="ia-center">
          <Spin />
        </div>
      ) : (
        <Spin spinning={loading}>
          <Descriptions size="small" column={1} bordered className="ia-gap-bottom-lg">
            <Descriptions.Item label={t('indexadmin.acc.action')}>
              <Tag color={ACTION_COLORS[item.action] ?? 'default'}>
                {t(`indexadmin.acc.action.${item.action}`)}
              </Tag>
              <Typography.Text type="secondary">{item.unit.code}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('indexadmin.acc.state')}>
              <Tag color={STATE_COLORS[item.state] ?? 'default'} data-testid="acc-drawer-state">
                {t(`indexadmin.acc.state.${item.state}`)}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('indexadmin.acc.due')}>
              {isOverdue(item, now) && item.state !== 'accepted' ? (
                <span className="ia-overdue">
                  <WarningOutlined /> {formatDateTime(item.dueAt)} {t('indexadmin.acc.overdue')}
                </span>
              ) : (
                formatDateTime(item.dueAt)
              )}
            </Descriptions.Item>
            {escalatedToName && (
              <Descriptions.Item label={t('indexadmin.acc.escalatedTo')}>{escalatedToName}</Descriptions.Item>
            )}
            <Descriptions.Item label={t('indexadmin.acc.createdAt')}>
              {formatDate(item.createdAt)}
            </Descriptions.Item>
          </Descriptions>

          <Typography.Title level={5}>{t('indexadmin.acc.answer')}</Typography.Title>
          {item.answer ? (
            <div className="ia-answer-box ia-gap-bottom-lg" data-testid="acc-drawer-answer-text">
              <Typography.Text type="secondary">
                {t('indexadmin.acc.answeredAt', { at: formatDateTime(item.answeredAt) })}
              </Typography.Text>
              <Typography.Paragraph className="ia-answer">{item.answer}</Typography.Paragraph>
              {item.documents.some((m) => m.kind === 'document') && (
                <ul className="ia-files" data-testid="acc-files">
                  {item.documents
                    .filter((m) => m.kind === 'document')
                    .map((m, i) => (
                      <li key={m.id}>
                        <a href={m.url} download>
                          <FilePdfOutlined /> {t('indexadmin.acc.pdf', { n: i + 1 })}
                        </a>{' '}
                        <Typography.Text type="secondary">{formatBytes(m.bytes)}</Typography.Text>
                      </li>
                    ))}
                </ul>
              )}
              {item.documents.some((m) => m.kind === 'image') && (
                <Image.PreviewGroup>
                  <div className="ia-documents" data-testid="acc-documents">
                    {item.documents
                      .filter((m) => m.kind === 'image')
                      .map((m) => (
                        <Image
                          key={m.id}
                          src={m.thumbnailUrl ?? m.url}
                          preview={{ src: m.url }}
                          alt={t('indexadmin.acc.document')}
                          width={96}
                          height={96}
                        />
                      ))}
                  </div>
                </Image.PreviewGroup>
              )}
            </div>
          ) : (
            <Empty
              className="ia-gap-bottom-lg"
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={delisting ? t('indexadmin.acc.noAnswerDelisting') : t('indexadmin.acc.noAnswer')}
            />
          )}

          <Typography.Title level={5}>{t('indexadmin.acc.history')}</Typography.Title>
          <Timeline
            data-testid="acc-history"
            items={item.history.map((h) => ({
              color: KIND_COLORS[h.kind] ?? 'gray',
              children: (
                <div data-kind={h.kind} className="ia-history-entry">
                  <div>
                    <strong>{t(`indexadmin.acc.history.${h.kind}`)}</strong>{' '}
                    <Typography.Text type="secondary">
                      {formatDateTime(h.at)} · {h.by === 'system' ? t('indexadmin.acc.bySystem') : h.by}
                    </Typography.Text>
                  </div>
                  {historyLine(h, t) && (
                    <Typography.Text type="secondary">{historyLine(h, t)}</Typography.Text>
                  )}
                  {h.note && <Typography.Paragraph className="ia-answer">{h.note}</Typography.Paragraph>}
                </div>
              ),
            }))}
          />
        </Spin>
      )}
    </Drawer>
  );
}

/** What an entry's details add to its headline: the new deadline, where it was escalated, how many documents. */
function historyLine(h: AccountabilityItemDetail['history'][number], t: Translate): string | null {
  const d = h.details;
  if (h.kind === 'returned' && typeof d.dueAt === 'string')
    return t('indexadmin.acc.history.newDue', { at: formatDateTime(d.dueAt) });
  if (h.kind === 'overdue' && typeof d.dueAt === 'string')
    return t('indexadmin.acc.history.wasDue', { at: formatDateTime(d.dueAt) });
  if (h.kind === 'escalated' && d.to && typeof d.to === 'object' && 'name' in d.to)
    return t('indexadmin.acc.history.escalatedTo', { unit: String((d.to as { name: unknown }).name) });
  if (h.kind === 'answered' && Array.isArray(d.documents) && d.documents.length > 0)
    return t('indexadmin.acc.history.documents', { n: d.documents.length });
  return null;
}

/** "312 KB", "2.4 MB". */
function formatBytes(n: number): string {
  return n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}
