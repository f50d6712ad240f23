// The category: guessed from the description and shown as chosen, with the next best two one tap away,
// and the whole tree in a bottom sheet for anything else.
import { AppstoreOutlined, CheckOutlined } from '@ant-design/icons';
import { Button, Collapse, Drawer } from 'antd';
import { useMemo, useState } from 'react';
import type { Category } from '../../api/events';
import { useI18n } from '../../i18n';
import { bilingual } from './context';
import { categoryGroups, quickChoices } from './taps';

export function CategoryField({
  categories,
  byCode,
  chosen,
  suggestions,
  suggesting,
  onChoose,
  error,
}: {
  categories: readonly Category[];
  byCode: Map<string, Category>;
  chosen: string | null;
  suggestions: readonly { code: string }[];
  suggesting: boolean;
  onChoose: (code: string) => void;
  error?: string;
}) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const groups = useMemo(() => categoryGroups(categories), [categories]);
  const chips = quickChoices(chosen, suggestions);
  const nameOf = (code: string) => bilingual(lang, byCode.get(code)?.name) || code;
  const parentOf = (code: string) => {
    const p = byCode.get(code)?.parentCode;
    return p ? bilingual(lang, byCode.get(p)?.name) : '';
  };

  return (
    <section className="report-field" data-testid="report-category">
      <div className="report-label">
        {t('report.category')}
        {suggestions.length > 0 && !suggesting && (
          <span className="report-label-hint">{t('report.category.suggested')}</span>
        )}
      </div>
      {chips.length === 0 ? (
        <div className="report-note">
          {suggesting ? t('report.category.suggesting') : t('report.category.hint')}
        </div>
      ) : (
        <div className="report-chips">
          {chips.map((code) => (
            <button
              key={code}
              type="button"
              aria-pressed={code === chosen}
              className={`report-chip${code === chosen ? ' selected' : ''}`}
              data-code={code}
              onClick={() => onChoose(code)}
            >
              {code === chosen && <CheckOutlined />}
              <span>{nameOf(code)}</span>
              {parentOf(code) && <small>{parentOf(code)}</small>}
            </button>
          ))}
        </div>
      )}
      <Button
        type="link"
        size="small"
        icon={<AppstoreOutlined />}
        className="report-more"
        data-testid="category-all"
        onClick={() => setOpen(true)}
        disabled={categories.length === 0}
      >
        {t('report.category.all')}
      </Button>
      {error && <div className="report-error-text">{error}</div>}
      <Drawer
        placement="bottom"
        height="80%"
        open={open}
        onClose={() => setOpen(false)}
        title={t('report.category.choose')}
        className="report-drawer"
        destroyOnHidden
      >
        <Collapse
          accordion
          size="small"
          defaultActiveKey={chosen ? (byCode.get(chosen)?.parentCode ?? chosen) : undefined}
          items={groups.map(({ group, choices }) => ({
            key: group.code,
            label: bilingual(lang, group.name),
            children: (
              <div className="report-chips">
                {choices.map((c) => (
                  <button
                    key={c.code}
                    type="button"
                    className={`report-chip${c.code === chosen ? ' selected' : ''}`}
                    data-code={c.code}
                    onClick={() => {
                      onChoose(c.code);
                      setOpen(false);
                    }}
                  >
                    {c.code === chosen && <CheckOutlined />}
                    <span>{bilingual(lang, c.name)}</span>
                  </button>
                ))}
              </div>
            ),
          }))}
        />
      </Drawer>
    </section>
  );
}
