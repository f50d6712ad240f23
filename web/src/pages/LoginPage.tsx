import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { isApiError } from '../api/client';
import { useAuth } from '../auth/AuthProvider';
import { useI18n } from '../i18n';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { Link, navigate, useLocation } from '../router/router';
import { entryFor, homePath } from '../shell/nav';

interface Fields {
  username: string;
  password: string;
}

export function LoginPage() {
  const { t, errorText } = useI18n();
  const { login } = useAuth();
  const { search } = useLocation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onFinish = async ({ username, password }: Fields) => {
    setBusy(true);
    setError(null);
    try {
      const user = await login(username.trim(), password);
      const next = search.get('next');
      // only follow `next` to a page of this client that the user may open
      const entry = next?.startsWith('/') ? entryFor(next) : undefined;
      const mayOpen = entry?.roles.some((r) => user.roles.includes(r));
      navigate(next && mayOpen ? next : homePath(user.roles), { replace: true });
    } catch (e) {
      if (isApiError(e, 401)) setError(t('login.badCredentials'));
      else if (isApiError(e, 429)) setError(t('login.tooMany'));
      else setError(errorText(e));
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <div className="login-lang">
        <Link to="/public/index">{t('indexmap.public.link')}</Link>
        <LanguageSwitch />
      </div>
      <div className="login-brand">
        <div className="login-logo">安</div>
        <Typography.Title level={2} style={{ margin: 0 }}>
          安网 <span className="login-brand-en">Anwang</span>
        </Typography.Title>
        <Typography.Paragraph type="secondary" className="login-tagline">
          {t('app.tagline')}
        </Typography.Paragraph>
      </div>
      <Card className="login-card" title={t('login.title')}>
        {error && (
          <Alert type="error" showIcon message={error} className="login-error" data-testid="login-error" />
        )}
        <Form<Fields> layout="vertical" requiredMark={false} onFinish={onFinish} disabled={busy}>
          <Form.Item
            name="username"
            label={t('login.username')}
            rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
      <Typography.Text type="secondary" className="login-footer">
        {t('login.footer')}
      </Typography.Text>
    </div>
  );
}
