import { Descriptions, Empty, Skeleton } from 'antd';
import type { UnitDetail } from '../../api/types';
import { useI18n } from '../../i18n';
import { formatNumber } from './levels';

export function UnitDetails({ unit, loading }: { unit: UnitDetail | undefined; loading: boolean }) {
  const { t, tc, lang } = useI18n();
  if (loading && !unit) return <Skeleton active paragraph={{ rows: 4 }} />;
  if (!unit) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('units.selectHint')} />;
  const km2 = unit.areaM2 === null ? null : unit.areaM2 / 1e6;
  return (
    <Descriptions
      size="small"
      column={1}
      bordered
      data-testid="unit-details"
      title={<span data-testid="unit-title">{unit.name}</span>}
      items={[
        { key: 'code', label: t('units.code'), children: <code>{unit.code}</code> },
        { key: 'level', label: t('units.level'), children: tc('level', unit.level) },
        ...(unit.gridKind
          ? [{ key: 'gridKind', label: t('units.gridKind'), children: tc('gridKind', unit.gridKind) }]
          : []),
        { key: 'population', label: t('units.population'), children: formatNumber(unit.population, lang) },
        { key: 'households', label: t('units.households'), children: formatNumber(unit.households, lang) },
        {
          key: 'area',
          label: t('units.area'),
          children:
            km2 === null
              ? '—'
              : t('units.areaKm2', {
                  value: km2.toLocaleString(lang, { maximumFractionDigits: km2 < 1 ? 3 : 1 }),
                }),
        },
        ...(unit.childCount > 0
          ? [{ key: 'children', label: t('units.children'), children: formatNumber(unit.childCount, lang) }]
          : []),
      ]}
    />
  );
}
