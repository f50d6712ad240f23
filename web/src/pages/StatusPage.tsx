import { Button, Result } from 'antd';
import { useUser } from '../auth/AuthProvider';
import { useI18n } from '../i18n';
import { navigate } from '../router/router';
import { homePath } from '../shell/nav';

export function StatusPage({ status }: { status: '403' | '404' }) {
  const { t } = useI18n();
  const user = useUser();
  return (
    <Result
      status={status}
      title={status}
      subTitle={t(status === '403' ? 'common.forbidden' : 'common.notFound')}
      extra={
        <Button type="primary" onClick={() => navigate(homePath(user.roles))}>
          {t('common.backHome')}
        </Button>
      }
    />
  );
}
