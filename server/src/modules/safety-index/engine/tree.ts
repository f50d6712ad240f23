// The indicator tree (indicator → dimension → … → index) built from COINr-style iMeta rows, validated
// with messages that name the row and the code at fault.
import { EngineInputError, type EngineIssue } from './errors.js';

export type MetaType = 'Indicator' | 'Aggregate' | 'Group' | 'Denominator' | 'Other';

export interface MetaRow {
  iCode: string;
  Level?: number | null;
  Direction?: number | null;
  Weight?: number | null;
  Parent?: string | null;
  Type: MetaType;
  Target?: number | null;
  Denominator?: string | null;
}

export interface TreeNode {
  code: string;
  type: 'Indicator' | 'Aggregate';
  level: number;
  direction: 1 | -1;
  weight: number;
  /** Node id of the parent, -1 for the root. */
  parent: number;
  children: number[];
  target: number | null;
  denominator: string | null;
  metaRow: number;
  /** Column in the indicator matrix (indicators) or the aggregate matrix (aggregates). */
  col: number;
}

export interface Tree {
  nodes: TreeNode[];
  root: number;
  /** Indicator node ids in meta order; indicator column j is nodes[indicators[j]]. */
  indicators: number[];
  /** Aggregate node ids, children before parents (level ascending, then meta order). */
  aggregates: number[];
  byCode: Map<string, number>;
  indicatorCodes: string[];
  aggregateCodes: string[];
  /** Levels present among aggregates, ascending. */
  levels: number[];
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function buildTree(meta: readonly MetaRow[]): Tree {
  const issues: EngineIssue[] = [];
  const bad = (metaRow: number, column: string, message: string) =>
    issues.push({ source: 'meta', metaRow, column, message });
  const nodes: TreeNode[] = [];
  const byCode = new Map<string, number>();
  const seen = new Map<string, number>();

  for (let i = 0; i < meta.length; i++) {
    const r = meta[i]!;
    const code = (r.iCode ?? '').trim();
    if (!code) {
      bad(i, 'iCode', 'iCode is empty');
      continue;
    }
    const first = seen.get(code);
    if (first !== undefined) {
      bad(i, 'iCode', `iCode '${code}' appears twice (rows ${first + 1} and ${i + 1})`);
      continue;
    }
    seen.set(code, i);
    if (r.Type !== 'Indicator' && r.Type !== 'Aggregate') continue;
    const level = r.Level;
    if (!isNum(level) || !Number.isInteger(level) || level < 1)
      bad(i, 'Level', `'${code}': Level must be a whole number ≥ 1, got ${String(level ?? 'nothing')}`);
    else if (r.Type === 'Indicator' && level !== 1)
      bad(i, 'Level', `indicator '${code}' must be at Level 1, not ${level}`);
    else if (r.Type === 'Aggregate' && level < 2)
      bad(i, 'Level', `aggregate '${code}' must be at Level 2 or above`);
    let direction: 1 | -1 = 1;
    if (r.Direction === -1) direction = -1;
    else if (r.Direction !== 1 && !(r.Type === 'Aggregate' && r.Direction == null))
      bad(i, 'Direction', `'${code}': Direction must be 1 or -1, got ${String(r.Direction ?? 'nothing')}`);
    const parent = (r.Parent ?? '').trim();
    const weight = r.Weight ?? (parent ? Number.NaN : 1);
    if (!isNum(weight) || weight <= 0)
      bad(i, 'Weight', `'${code}': Weight must be a positive number, got ${String(r.Weight ?? 'nothing')}`);
    byCode.set(code, nodes.length);
    nodes.push({
      code,
      type: r.Type,
      level: isNum(level) ? level : 0,
      direction,
      weight,
      parent: -1,
      children: [],
      target: isNum(r.Target) ? r.Target : null,
      denominator: r.Denominator?.trim() || null,
      metaRow: i,
      col: -1,
    });
  }

  const parentCode = (n: TreeNode) => (meta[n.metaRow]!.Parent ?? '').trim();
  const roots: TreeNode[] = [];
  for (const n of nodes) {
    const p = parentCode(n);
    if (!p) {
      if (n.type === 'Indicator') bad(n.metaRow, 'Parent', `indicator '${n.code}' has no Parent`);
      else roots.push(n);
      continue;
    }
    const pid = byCode.get(p);
    if (pid === undefined) {
      const other = seen.has(p) ? ` ('${p}' is a ${meta[seen.get(p)!]!.Type} row)` : '';
      bad(n.metaRow, 'Parent', `'${n.code}': Parent '${p}' is not an aggregate in the meta${other}`);
      continue;
    }
    const pn = nodes[pid]!;
    if (pn.type !== 'Aggregate') {
      bad(
        n.metaRow,
        'Parent',
        `'${n.code}': Parent '${p}' is an indicator; only aggregates can have children`,
      );
      continue;
    }
    if (pn.level && n.level && pn.level <= n.level)
      bad(
        n.metaRow,
        'Level',
        `'${n.code}' (Level ${n.level}) has Parent '${p}' at Level ${pn.level}; a parent's Level must be higher`,
      );
    n.parent = pid;
    pn.children.push(byCode.get(n.code)!);
  }

  if (nodes.length === 0)
    issues.push({ source: 'meta', message: 'the meta has no Indicator or Aggregate rows' });
  else if (roots.length === 0)
    issues.push({
      source: 'meta',
      message: 'the tree has no root: exactly one aggregate must have an empty Parent',
    });
  else if (roots.length > 1)
    issues.push({
      source: 'meta',
      metaRow: roots[1]!.metaRow,
      column: 'Parent',
      message: `the tree has ${roots.length} roots (${roots.map((r) => r.code).join(', ')}); exactly one aggregate may have an empty Parent`,
    });

  const root = roots.length === 1 ? byCode.get(roots[0]!.code)! : -1;
  // Walk up from every node: finds cycles and nodes whose chain ends somewhere other than the root.
  for (let id = 0; id < nodes.length; id++) {
    const path: number[] = [];
    const onPath = new Set<number>();
    let cur = id;
    while (cur !== -1 && !onPath.has(cur)) {
      onPath.add(cur);
      path.push(cur);
      cur = nodes[cur]!.parent;
    }
    const n = nodes[id]!;
    if (cur !== -1) {
      if (cur === id) {
        const cycle = [...path, id].map((k) => nodes[k]!.code).join(' → ');
        bad(n.metaRow, 'Parent', `cycle in the tree: ${cycle}`);
      } else if (n.type === 'Indicator') {
        bad(
          n.metaRow,
          'Parent',
          `indicator '${n.code}' does not reach the root (its chain enters a cycle at '${nodes[cur]!.code}')`,
        );
      }
    } else if (root !== -1 && path[path.length - 1] !== root && n.type === 'Indicator' && path.length > 1) {
      // The indicator's own bad Parent is reported above; this names the broken link further up.
      const end = nodes[path[path.length - 1]!]!;
      bad(
        n.metaRow,
        'Parent',
        `indicator '${n.code}' does not reach the root '${nodes[root]!.code}' (its chain ends at '${end.code}', whose Parent is missing or invalid)`,
      );
    }
  }
  for (const n of nodes)
    if (n.type === 'Aggregate' && n.children.length === 0)
      bad(n.metaRow, 'iCode', `aggregate '${n.code}' has no children`);

  if (issues.length) throw new EngineInputError(issues);

  const indicators = nodes.flatMap((n, id) => (n.type === 'Indicator' ? [id] : []));
  const aggregates = nodes
    .flatMap((n, id) => (n.type === 'Aggregate' ? [id] : []))
    .sort((a, b) => nodes[a]!.level - nodes[b]!.level || a - b);
  indicators.forEach((id, j) => {
    nodes[id]!.col = j;
  });
  aggregates.forEach((id, j) => {
    nodes[id]!.col = j;
  });
  return {
    nodes,
    root,
    indicators,
    aggregates,
    byCode,
    indicatorCodes: indicators.map((id) => nodes[id]!.code),
    aggregateCodes: aggregates.map((id) => nodes[id]!.code),
    levels: [...new Set(aggregates.map((id) => nodes[id]!.level))],
  };
}

/** Codes of the indicators under a node (the node itself when it is an indicator). */
export function leavesUnder(tree: Tree, id: number): number[] {
  const n = tree.nodes[id]!;
  return n.type === 'Indicator' ? [id] : n.children.flatMap((c) => leavesUnder(tree, c));
}
