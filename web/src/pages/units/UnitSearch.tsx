// Search units by name or code; picking a result selects it in the explorer.
import { AutoComplete, Input, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { unitsApi } from '../../api/endpoints';
import type { Unit } from '../../api/types';
import { useI18n } from '../../i18n';
import { isAbort, useErrorToast } from '../../lib/useAsync';

export function UnitSearch({ onPick }: { onPick: (id: number) => void }) {
  const { t, tc } = useI18n();
  const toast = useErrorToast();
  const [text, setText] = useState('');
  const [results, setResults] = useState<Unit[] | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    const q = text.trim();
    if (!q) {
      setResults(null);
      return;
    }
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      setLoading(true);
      unitsApi
        .list({ q, pageSize: 20 }, ctl.signal)
        .then((r) => setResults(r.items))
        .catch((e: unknown) => {
          if (!isAbort(e)) toast(e);
        })
        .finally(() => {
          if (!ctl.signal.aborted) setLoading(false);
        });
    }, 250);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [text, toast]);

  const options = (results ?? []).map((u) => ({
    value: String(u.id),
    label: (
      <div className="search-option" data-unit-id={u.id}>
        <span>{u.name}</span>
        <span className="search-option-meta">
          <Tag bordered={false}>{tc('level', u.level)}</Tag>
          <code>{u.code}</code>
        </span>
      </div>
    ),
  }));

  return (
    <AutoComplete
      className="unit-search"
      options={options}
      value={text}
      onChange={setText}
      onSelect={(value: string) => {
        setText('');
        setResults(null);
        onPick(Number(value));
      }}
      notFoundContent={results && !loading ? t('units.searchEmpty') : null}
      popupMatchSelectWidth={300}
    >
      <Input.Search placeholder={t('units.search')} loading={loading} allowClear data-testid="unit-search" />
    </AutoComplete>
  );
}
