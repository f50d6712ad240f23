// The area a page looks at: the unit picker (a lazily loaded tree from the user's scope down) and
// the boundaries drawn under the events on the map (the children of the area's unit).
import { TreeSelect } from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { unitsApi } from '../../api/endpoints';
import type { Unit, UnitDetail, UnitFeatureCollection, User } from '../../api/types';
import { isAbort, useErrorToast } from '../../lib/useAsync';
import { childLevel } from '../units/levels';

/** The units a user's area starts from: their scope unit, else the highest level that has units. */
export async function rootUnits(user: User, signal?: AbortSignal): Promise<Unit[]> {
  if (user.scope.unit) return [await unitsApi.get(user.scope.unit.id, signal)];
  for (const level of ['city', 'county', 'town'] as const) {
    const page = await unitsApi.list({ level, pageSize: 200 }, signal);
    if (page.items.length > 0) return page.items;
  }
  return [];
}

/**
 * The unit whose children the map draws: the chosen one, else the user's root — stepping down while
 * it has a single child (a city with one seeded county shows that county's towns).
 */
export async function areaUnit(
  user: User,
  chosen: number | undefined,
  signal?: AbortSignal,
): Promise<UnitDetail | null> {
  if (chosen !== undefined) return unitsApi.get(chosen, signal);
  const roots = await rootUnits(user, signal);
  const first = roots[0];
  if (!first) return null;
  let unit = await unitsApi.get(first.id, signal);
  for (let depth = 0; depth < 3 && roots.length === 1 && unit.childCount === 1; depth++) {
    const page = await unitsApi.list({ parent: unit.id, pageSize: 1 }, signal);
    const only = page.items[0];
    if (!only) break;
    unit = await unitsApi.get(only.id, signal);
  }
  return unit;
}

/** The boundaries under an area: its children, or the unit itself when it has none (a micro-grid). */
export async function areaBoundaries(unit: UnitDetail, signal?: AbortSignal): Promise<UnitFeatureCollection> {
  const below = childLevel(unit.level);
  if (below && unit.childCount > 0) return unitsApi.geojson({ within: unit.id, level: below }, signal);
  return unitsApi.geojson({ within: unit.id, level: unit.level }, signal);
}

interface TreeNode {
  id: number;
  pId: number | null;
  value: number;
  title: string;
  isLeaf: boolean;
}

const toNode = (u: Unit, pId: number | null): TreeNode => ({
  id: u.id,
  pId,
  value: u.id,
  title: u.name,
  isLeaf: u.level === 'micro_grid',
});

/** A unit picker over the user's area, loading each level when it is opened. */
export function UnitPicker({
  user,
  value,
  valueLabel,
  onChange,
  placeholder,
  className,
  testId,
}: {
  user: User;
  value: number | undefined;
  /** The chosen unit's name, for a unit picked elsewhere (a table row) whose branch is not loaded yet. */
  valueLabel?: string | undefined;
  onChange: (id: number | undefined) => void;
  placeholder: string;
  className?: string;
  testId?: string;
}) {
  const toast = useErrorToast();
  const [nodes, setNodes] = useState<TreeNode[]>([]);
  useEffect(() => {
    const ctl = new AbortController();
    rootUnits(user, ctl.signal).then(
      (roots) => setNodes(roots.map((u) => toNode(u, null))),
      (e: unknown) => {
        if (!isAbort(e)) toast(e);
      },
    );
    return () => ctl.abort();
  }, [user, toast]);

  const loadData = async ({ id }: { id?: number }) => {
    if (id === undefined || nodes.some((n) => n.pId === id)) return;
    try {
      const page = await unitsApi.list({ parent: id, pageSize: 200 });
      setNodes((prev) => [
        ...prev,
        ...page.items.filter((u) => !prev.some((n) => n.id === u.id)).map((u) => toNode(u, id)),
      ]);
    } catch (e) {
      toast(e);
    }
  };

  return (
    <TreeSelect<{ value: number; label: ReactNode }>
      treeDataSimpleMode
      treeData={nodes}
      loadData={(n) => loadData(n as { id?: number })}
      labelInValue
      value={
        value === undefined
          ? undefined
          : { value, label: nodes.find((n) => n.id === value)?.title ?? valueLabel ?? String(value) }
      }
      onChange={(v) => onChange(v?.value ?? undefined)}
      allowClear
      showSearch
      treeNodeFilterProp="title"
      placeholder={placeholder}
      className={className}
      popupMatchSelectWidth={280}
      data-testid={testId}
    />
  );
}
