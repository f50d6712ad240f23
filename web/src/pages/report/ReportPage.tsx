// 安网随手拍: the phone-first reporting page for residents (with or without an account) and grid workers.
// It lives outside the staff console's frame: a slim header, the form, "my reports", and a tab bar.
//   /report            the form
//   /report/mine       my reports (and, for grid workers, the events of their grid)
//   /report/mine/:id   one report with its timeline; rate it or say it was not fixed
import {
  AppstoreOutlined,
  CameraOutlined,
  CloudUploadOutlined,
  LogoutOutlined,
  ProfileOutlined,
} from '@ant-design/icons';
import { App as AntApp, Badge, Button } from 'antd';
import { type MouseEvent, useEffect, useMemo } from 'react';
import type { CreatedEvent } from '../../api/events';
import { useAuth } from '../../auth/AuthProvider';
import { useI18n } from '../../i18n';
import { LanguageSwitch } from '../../i18n/LanguageSwitch';
import { isUnder, navigate, useLocation } from '../../router/router';
import { homePath } from '../../shell/nav';
import { ReportContext, type ReportContextValue } from './context';
import { MyReports } from './MyReports';
import { ReportDetail } from './ReportDetail';
import { ReportForm } from './ReportForm';
import { registerServiceWorker } from './serviceWorker';
import { useCategories } from './useCategories';
import { useOutbox } from './useOutbox';
import './report.css';

export const REPORT_PATH = '/report';
export const MINE_PATH = '/report/mine';

export default function ReportPage() {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const { user, logout } = useAuth();
  const { pathname } = useLocation();
  const background = useMemo(
    () => ({
      sent: (e: CreatedEvent) => {
        void message.success({ content: t('report.sentLater', { no: e.trackingNo }), duration: 6 });
      },
      refused: () => {
        void message.error({ content: t('report.refusedLater'), duration: 6 });
      },
    }),
    [message, t],
  );
  const outbox = useOutbox(background);
  const { categories, byCode, loaded } = useCategories();

  useEffect(() => registerServiceWorker(), []);
  useEffect(() => {
    const before = document.title;
    document.title = t('report.appName');
    return () => {
      document.title = before;
    };
  }, [t]);

  const detailId = /^\/report\/mine\/(\d+)$/.exec(pathname)?.[1];
  const onMine = isUnder(pathname, MINE_PATH);
  const consolePath = user ? homePath(user.roles) : null;
  const value: ReportContextValue = { user, outbox, categories, byCode, categoriesLoaded: loaded };

  return (
    <ReportContext.Provider value={value}>
      <div className="report-app">
        <header className="report-header">
          <span className="report-logo">安</span>
          <span className="report-title">{t('report.appName')}</span>
          {outbox.waiting > 0 && (
            <button
              type="button"
              className="report-waiting"
              data-testid="outbox-waiting"
              onClick={outbox.retryNow}
              title={t('report.retryNow')}
            >
              <CloudUploadOutlined /> {t('report.waiting', { n: outbox.waiting })}
            </button>
          )}
          <span className="report-header-end">
            <LanguageSwitch />
            {consolePath && !isUnder(consolePath, REPORT_PATH) && consolePath !== '/resident' && (
              <Button
                type="text"
                size="small"
                icon={<AppstoreOutlined />}
                href={consolePath}
                onClick={(e) => go(e, consolePath)}
                data-testid="report-console"
              >
                <span className="report-header-label">{t('report.console')}</span>
              </Button>
            )}
            {user ? (
              <Button
                type="text"
                size="small"
                icon={<LogoutOutlined />}
                data-testid="logout"
                onClick={() => void logout()}
              >
                <span className="report-header-label">{t('header.logout')}</span>
              </Button>
            ) : (
              <Button
                type="link"
                size="small"
                data-testid="report-login"
                href={`/login?next=${encodeURIComponent(REPORT_PATH)}`}
                onClick={(e) => go(e, `/login?next=${encodeURIComponent(pathname)}`)}
              >
                {t('report.login')}
              </Button>
            )}
          </span>
        </header>
        <main className="report-main">
          {/* the form stays mounted so a draft survives a look at "my reports" */}
          <div hidden={onMine}>
            <ReportForm />
          </div>
          {onMine && (detailId ? <ReportDetail id={Number(detailId)} /> : <MyReports />)}
        </main>
        <nav className="report-tabs">
          <a
            href={REPORT_PATH}
            className={onMine ? '' : 'active'}
            data-testid="tab-report"
            onClick={(e) => go(e, REPORT_PATH)}
          >
            <CameraOutlined />
            <span>{t('report.tab.report')}</span>
          </a>
          <a
            href={MINE_PATH}
            className={onMine ? 'active' : ''}
            data-testid="tab-mine"
            onClick={(e) => go(e, MINE_PATH)}
          >
            <Badge count={outbox.waiting + outbox.failed.length} size="small" offset={[6, 0]}>
              <ProfileOutlined />
            </Badge>
            <span>{t('report.tab.mine')}</span>
          </a>
        </nav>
      </div>
    </ReportContext.Provider>
  );
}

function go(e: MouseEvent, to: string) {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(to);
}
