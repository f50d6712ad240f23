// The hierarchy as a lazily loaded tree. It follows the explorer's selection: selecting a unit anywhere
// (map, search, breadcrumb) loads and expands its ancestors here.
import { Empty, Spin, Tree } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { unitsApi } from '../../api/endpoints';
import type { Unit, UnitDetail } from '../../api/types';
import { useI18n } from '../../i18n';
import { useErrorToast } from '../../lib/useAsync';

interface Props {
  roots: Unit[] | undefined;
  selected: UnitDetail | undefined;
  onSelect: (id: number) => void;
}

export function UnitTree({ roots, selected, onSelect }: Props) {
  const { t, tc } = useI18n();
  const toast = useErrorToast();
  const [children, setChildren] = useState<Map<number, Unit[]>>(new Map());
  const [expanded, setExpanded] = useState<number[]>([]);
  const pending = useRef(new Set<number>());

  const loadChildren = useCallback(
    async (id: number) => {
      if (pending.current.has(id)) return;
      pending.current.add(id);
      try {
        const page = await unitsApi.list({ parent: id, pageSize: 200 });
        setChildren((m) => new Map(m).set(id, page.items));
      } catch (e) {
        toast(e);
      } finally {
        pending.current.delete(id);
      }
    },
    [toast],
  );

  // follow the selection: load and open every ancestor below the roots
  useEffect(() => {
    if (!selected || !roots) return;
    const rootIds = new Set(roots.map((r) => r.id));
    const chain = [...selected.ancestors.map((a) => a.id), selected.id];
    const start = chain.findIndex((id) => rootIds.has(id));
    if (start < 0) return;
    const open = chain.slice(start);
    if (selected.childCount === 0) open.pop();
    setExpanded((prev) => Array.from(new Set([...prev, ...open])));
    for (const id of open) if (!children.has(id)) void loadChildren(id);
  }, [selected, roots, children, loadChildren]);

  // keep the selected node in view once its branch has rendered
  const box = useRef<HTMLDivElement>(null);
  const selectedId = selected?.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run when a branch arrives, too
  useEffect(() => {
    box.current?.querySelector('.ant-tree-node-selected')?.scrollIntoView({ block: 'nearest' });
  }, [selectedId, children]);

  const treeData = useMemo(() => {
    const build = (u: Unit): DataNode => {
      const kids = children.get(u.id);
      return {
        key: u.id,
        isLeaf: u.level === 'micro_grid',
        title: (
          <span className="tree-node" data-unit-id={u.id}>
            {u.name}
            <span className="tree-node-level">{tc('level', u.level)}</span>
          </span>
        ),
        children: kids?.map(build),
      };
    };
    return (roots ?? []).map(build);
  }, [roots, children, tc]);

  if (!roots) return <Spin className="panel-spin" />;
  if (roots.length === 0) return <Empty description={t('units.treeEmpty')} />;
  return (
    <div data-testid="unit-tree" ref={box}>
      <Tree
        className="unit-tree"
        blockNode
        treeData={treeData}
        selectedKeys={selected ? [selected.id] : []}
        expandedKeys={expanded}
        onExpand={(keys) => setExpanded(keys.map(Number))}
        loadedKeys={Array.from(children.keys())}
        loadData={async (node) => {
          const id = Number(node.key);
          if (!children.has(id)) await loadChildren(id);
        }}
        onSelect={(keys, info) => {
          // clicking the selected node again keeps it selected instead of clearing the explorer
          onSelect(Number(keys[0] ?? info.node.key));
        }}
      />
    </div>
  );
}
