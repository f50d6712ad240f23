// The staff console's frame: header (who, which role, which scope, notifications, language, logout) and
// the side menu built from the navigation table for the user's roles. A staff account's live stream is
// opened here, for the pages of the console only (not the phone-first open pages).
import { LogoutOutlined } from '@ant-design/icons';
import { Button, Layout, Menu, Space, Tag, Tooltip, Typography } from 'antd';
import { createElement, type ReactNode } from 'react';
import { STAFF_ROLES } from '../api/types';
import { useAuth, useUser } from '../auth/AuthProvider';
import { useI18n } from '../i18n';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { LiveProvider } from '../live/LiveProvider';
import { NotificationBell } from '../live/NotificationBell';
import { navigate } from '../router/router';
import { navFor } from './nav';

export function AppShell({ activeKey, children }: { activeKey: string | undefined; children: ReactNode }) {
  const { t, tc } = useI18n();
  const user = useUser();
  const { logout } = useAuth();
  const entries = navFor(user.roles);
  const scope = user.scope.unit?.name ?? user.scope.department?.name ?? t('header.noScope');
  const staff = user.roles.some((r) => STAFF_ROLES.includes(r));

  return (
    <LiveProvider enabled={staff}>
      <Layout className="shell">
        <Layout.Header className="shell-header">
          <div className="shell-brand">
            <span className="shell-logo">安</span>
            <span className="shell-title">{t('app.name')}</span>
            <span className="shell-subtitle">{t('app.nameEn')}</span>
          </div>
          <Space size="middle" className="shell-user">
            <Typography.Text strong data-testid="user-name">
              {user.displayName}
            </Typography.Text>
            <Space size={4} wrap={false}>
              {user.roles.map((r) => (
                <Tag key={r} color="blue" data-testid="user-role">
                  {tc('role', r)}
                </Tag>
              ))}
            </Space>
            <Tooltip title={t('accounts.scope')}>
              <Typography.Text type="secondary" data-testid="user-scope">
                {scope}
              </Typography.Text>
            </Tooltip>
            {staff && <NotificationBell />}
            <LanguageSwitch />
            <Button icon={<LogoutOutlined />} type="text" onClick={() => void logout()} data-testid="logout">
              {t('header.logout')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout>
          <Layout.Sider width={184} theme="light" className="shell-sider" breakpoint="lg" collapsedWidth={56}>
            <Menu
              mode="inline"
              data-testid="side-nav"
              selectedKeys={activeKey ? [activeKey] : []}
              items={entries.map((e) => ({
                key: e.key,
                icon: createElement(e.icon),
                label: (
                  <a
                    href={e.path}
                    data-nav={e.key}
                    onClick={(ev) => {
                      ev.preventDefault();
                      navigate(e.path);
                    }}
                  >
                    {t(e.labelKey)}
                  </a>
                ),
              }))}
            />
          </Layout.Sider>
          <Layout.Content className="shell-content">{children}</Layout.Content>
        </Layout>
      </Layout>
    </LiveProvider>
  );
}
