import { Card, Typography } from 'antd';
import { useUser } from '../auth/AuthProvider';
import { useI18n } from '../i18n';

/** Residents have no console yet: say so plainly rather than show features that do not exist. */
export default function ResidentPage() {
  const { t } = useI18n();
  const user = useUser();
  return (
    <Card className="narrow-card" title={t('resident.title')}>
      <Typography.Paragraph strong>{user.displayName}</Typography.Paragraph>
      <Typography.Paragraph data-testid="resident-note">{t('resident.body')}</Typography.Paragraph>
    </Card>
  );
}
