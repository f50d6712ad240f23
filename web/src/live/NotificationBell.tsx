// The bell in the console's header: the unread count (fetched once, then kept by the live stream), and
// on click the latest notifications — unread ones marked, a click marks one read and opens its page,
// "全部已读" marks them all.
import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, Popover, Spin, Typography } from 'antd';
import { type MouseEvent, useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { type Notification, notificationsApi } from '../api/notifications';
import { useI18n } from '../i18n';
import { useErrorToast } from '../lib/useAsync';
import { navigate } from '../router/router';
import { useLiveMessages } from './LiveProvider';
import { BELL_SIZE, bellReducer, inAppPath, initialBell, timeAgo } from './model';

export function NotificationBell() {
  const { t, lang } = useI18n();
  const toast = useErrorToast();
  const [state, dispatch] = useReducer(bellReducer, initialBell);
  const [open, setOpen] = useState(false);
  const [loading, setLoading] = useState(false);
  const listed = useRef(false);

  const loadCount = useCallback(() => {
    notificationsApi.unreadCount().then(
      (r) => dispatch({ type: 'count', count: r.count }),
      // the count comes again with the next load; a weak network need not hear about it
      () => undefined,
    );
  }, []);
  const loadList = useCallback(() => {
    setLoading(true);
    notificationsApi
      .list({ pageSize: BELL_SIZE })
      .then((page) => {
        listed.current = true;
        dispatch({ type: 'listed', items: page.items });
      }, toast)
      .finally(() => setLoading(false));
  }, [toast]);

  useEffect(loadCount, [loadCount]);
  useLiveMessages((m) => {
    if (m.type === 'notification') dispatch({ type: 'received', notification: m.notification });
    else if (m.type === 'reset') {
      loadCount();
      if (listed.current) loadList();
    }
  });

  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (next) loadList();
  };
  const pick = (n: Notification) => (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    setOpen(false);
    if (n.readAt === null) {
      notificationsApi.markRead(n.id).then((read) => dispatch({ type: 'read', notification: read }), toast);
    }
    const to = inAppPath(n.link);
    if (to) navigate(to);
  };
  const readAll = () => {
    notificationsApi.readAll().then(() => dispatch({ type: 'readAll', at: new Date().toISOString() }), toast);
  };

  const now = Date.now();
  const ago = { now: t('bell.justNow'), minutes: t('bell.minutesAgo'), hours: t('bell.hoursAgo') };
  const panel = (
    <div className="bell-panel" data-testid="bell-panel">
      <div className="bell-head">
        <Typography.Text strong>{t('bell.title')}</Typography.Text>
        <Button
          type="link"
          size="small"
          disabled={state.unread === 0}
          onClick={readAll}
          data-testid="bell-read-all"
        >
          {t('bell.readAll')}
        </Button>
      </div>
      {state.items.length === 0 ? (
        loading ? (
          <Spin className="bell-spin" />
        ) : (
          <Empty
            image={Empty.PRESENTED_IMAGE_SIMPLE}
            description={t('bell.empty')}
            data-testid="bell-empty"
          />
        )
      ) : (
        <ul className="bell-list">
          {state.items.map((n) => (
            <li key={n.id}>
              <a
                href={inAppPath(n.link) ?? '#'}
                className={n.readAt === null ? 'bell-item bell-item-unread' : 'bell-item'}
                data-testid="bell-item"
                data-id={n.id}
                data-unread={n.readAt === null}
                onClick={pick(n)}
              >
                <Badge status={n.readAt === null ? 'processing' : 'default'} className="bell-dot" />
                <span className="bell-item-text">
                  <span className="bell-item-title">{lang === 'en' ? n.title.en : n.title.zh}</span>
                  <span className="bell-item-time">{timeAgo(n.createdAt, now, ago)}</span>
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );

  return (
    <Popover
      content={panel}
      trigger="click"
      placement="bottomRight"
      open={open}
      onOpenChange={onOpenChange}
      arrow={false}
    >
      <Button
        type="text"
        aria-label={t('bell.title')}
        data-testid="bell"
        data-unread={state.unread}
        icon={
          <Badge count={state.unread} overflowCount={99} size="small">
            <BellOutlined className="bell-icon" />
          </Badge>
        }
      />
    </Popover>
  );
}
