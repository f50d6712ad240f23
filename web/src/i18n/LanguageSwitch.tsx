import { GlobalOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useI18n } from './index';

/** Toggles between 中文 and English; the label names the language you switch to. */
export function LanguageSwitch({ type = 'text' }: { type?: 'text' | 'default' }) {
  const { lang, setLang, t } = useI18n();
  return (
    <Button
      type={type}
      icon={<GlobalOutlined />}
      data-testid="lang-switch"
      onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}
    >
      {t('lang.switch')}
    </Button>
  );
}
