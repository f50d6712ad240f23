// Language state (zh-CN first, English second), remembered in localStorage, with antd's locale to match.
import { ConfigProvider, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError } from '../api/client';
import { en } from './en';
import { type MessageKey, zh } from './zh';

export type Lang = 'zh-CN' | 'en';
export type { MessageKey };
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const STORAGE_KEY = 'anwang.lang';
const dictionaries: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zh, en };

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  const text = dictionaries[lang][key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => String(vars[name] ?? m)) : text;
}

/** A key built at run time from a code (level, role, duty …); falls back to the code itself. */
export function hasKey(key: string): key is MessageKey {
  return key in zh;
}

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
  /** Translates a code name under a prefix, e.g. tc('level', 'town') → 镇街. */
  tc: (prefix: string, code: string) => string;
  /** The user-facing text for any error, in the current language. */
  errorText: (e: unknown) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // private mode: the choice lasts for this page only
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const value = useMemo<I18n>(() => {
    const t: Translate = (key, vars) => translate(lang, key, vars);
    const tc = (prefix: string, code: string) => {
      const key = `${prefix}.${code}`;
      return hasKey(key) ? t(key) : code;
    };
    const errorText = (e: unknown) => {
      if (!(e instanceof ApiError)) return t('error.generic');
      if (e.status === 0) return t('error.network');
      const byCode = `error.${e.code}`;
      if (hasKey(byCode)) return t(byCode);
      // the server's detail is English; in Chinese prefer the generic text for the status
      const byStatus = `error.${Math.min(e.status, 500)}`;
      const general = hasKey(byStatus) ? t(byStatus) : t('error.generic');
      return lang === 'en' && e.detail ? `${general}: ${e.detail}` : general;
    };
    return { lang, setLang, t, tc, errorText };
  }, [lang, setLang]);

  return (
    <I18nContext.Provider value={value}>
      <ConfigProvider
        locale={lang === 'en' ? enUS : zhCN}
        theme={{
          algorithm: theme.defaultAlgorithm,
          token: { colorPrimary: '#1f5fae', borderRadius: 4, fontSize: 14 },
        }}
      >
        {children}
      </ConfigProvider>
    </I18nContext.Provider>
  );
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
