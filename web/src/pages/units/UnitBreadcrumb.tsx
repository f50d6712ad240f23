import { Breadcrumb } from 'antd';
import type { UnitDetail } from '../../api/types';
import { useI18n } from '../../i18n';

/** Ancestors, root first, each clickable to go back up; the current unit last. */
export function UnitBreadcrumb({
  unit,
  onPick,
}: {
  unit: UnitDetail | undefined;
  onPick: (id: number) => void;
}) {
  const { tc } = useI18n();
  if (!unit) return <div className="unit-breadcrumb" />;
  const items = [
    ...unit.ancestors.map((a) => ({
      key: a.id,
      title: (
        <a
          href={`/units/${a.id}`}
          data-unit-id={a.id}
          onClick={(e) => {
            e.preventDefault();
            onPick(a.id);
          }}
        >
          {a.name}
        </a>
      ),
    })),
    {
      key: unit.id,
      title: (
        <span className="unit-breadcrumb-current">
          {unit.name} <span className="tree-node-level">{tc('level', unit.level)}</span>
        </span>
      ),
    },
  ];
  return (
    <div className="unit-breadcrumb" data-testid="unit-breadcrumb">
      <Breadcrumb items={items} />
    </div>
  );
}
