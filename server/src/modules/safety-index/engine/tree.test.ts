import { describe, expect, it } from 'vitest';
import { EngineInputError } from './errors.js';
import { buildTree, leavesUnder, type MetaRow } from './tree.js';

const ind = (iCode: string, Parent: string, extra: Partial<MetaRow> = {}): MetaRow => ({
  iCode,
  Level: 1,
  Direction: 1,
  Weight: 1,
  Parent,
  Type: 'Indicator',
  ...extra,
});
const agg = (iCode: string, Level: number, Parent: string | null, extra: Partial<MetaRow> = {}): MetaRow => ({
  iCode,
  Level,
  Weight: 1,
  Parent,
  Type: 'Aggregate',
  ...extra,
});

function issuesOf(meta: MetaRow[]) {
  try {
    buildTree(meta);
  } catch (e) {
    expect(e).toBeInstanceOf(EngineInputError);
    return (e as EngineInputError).issues;
  }
  throw new Error('expected the tree to be refused');
}

describe('buildTree', () => {
  it('builds a tree of any depth, aggregates ordered children first', () => {
    const t = buildTree([
      agg('Index', 4, null),
      agg('Sub', 3, 'Index'),
      agg('DimA', 2, 'Sub'),
      agg('DimB', 2, 'Index'),
      ind('a1', 'DimA', { Direction: -1, Target: 5, Denominator: 'Pop' }),
      ind('a2', 'DimA'),
      ind('b1', 'DimB', { Weight: 2 }),
      { iCode: 'Pop', Type: 'Denominator' },
      { iCode: 'Region', Type: 'Group' },
    ]);
    expect(t.indicatorCodes).toEqual(['a1', 'a2', 'b1']);
    expect(t.aggregateCodes).toEqual(['DimA', 'DimB', 'Sub', 'Index']);
    expect(t.levels).toEqual([2, 3, 4]);
    expect(t.nodes[t.root]!.code).toBe('Index');
    const a1 = t.nodes[t.byCode.get('a1')!]!;
    expect(a1).toMatchObject({ direction: -1, target: 5, denominator: 'Pop', col: 0 });
    expect(t.nodes[t.byCode.get('b1')!]!.weight).toBe(2);
    expect(leavesUnder(t, t.byCode.get('Sub')!).map((id) => t.nodes[id]!.code)).toEqual(['a1', 'a2']);
  });

  it('names duplicate codes, unknown parents and parents that are indicators', () => {
    const issues = issuesOf([
      agg('Index', 2, null),
      ind('a', 'Index'),
      ind('a', 'Index'),
      ind('b', 'Nope'),
      ind('c', 'a'),
    ]);
    expect(issues.map((i) => i.message)).toEqual([
      "iCode 'a' appears twice (rows 2 and 3)",
      "'b': Parent 'Nope' is not an aggregate in the meta",
      "'c': Parent 'a' is an indicator; only aggregates can have children",
    ]);
    expect(issues.map((i) => i.metaRow)).toEqual([2, 3, 4]);
    expect(issues[1]!.column).toBe('Parent');
  });

  it('requires exactly one root', () => {
    expect(issuesOf([agg('A', 2, null), agg('B', 2, null), ind('x', 'A'), ind('y', 'B')])[0]!.message).toBe(
      'the tree has 2 roots (A, B); exactly one aggregate may have an empty Parent',
    );
    const noRoot = issuesOf([agg('A', 2, 'B'), agg('B', 2, 'A'), ind('x', 'A')]).map((i) => i.message);
    expect(noRoot).toContain('the tree has no root: exactly one aggregate must have an empty Parent');
  });

  it('finds cycles and indicators that do not reach the root', () => {
    const msgs = issuesOf([
      agg('Index', 4, null),
      agg('A', 3, 'B'),
      agg('B', 3, 'A'),
      ind('x', 'A'),
      ind('y', 'Index'),
    ]).map((i) => i.message);
    expect(msgs).toContain('cycle in the tree: A → B → A');
    expect(msgs).toContain("indicator 'x' does not reach the root (its chain enters a cycle at 'A')");
  });

  it('checks weights, directions, levels and childless aggregates', () => {
    const msgs = issuesOf([
      agg('Index', 3, null),
      agg('Dim', 2, 'Index'),
      agg('Empty', 2, 'Index'),
      ind('w0', 'Dim', { Weight: 0 }),
      ind('d2', 'Dim', { Direction: 2 }),
      ind('lv', 'Dim', { Level: 2 }),
      agg('Flat', 3, 'Index'),
      ind('f', 'Flat'),
      ind('orphan', ''),
    ]).map((i) => i.message);
    expect(msgs).toEqual(
      expect.arrayContaining([
        "'w0': Weight must be a positive number, got 0",
        "'d2': Direction must be 1 or -1, got 2",
        "indicator 'lv' must be at Level 1, not 2",
        "'Flat' (Level 3) has Parent 'Index' at Level 3; a parent's Level must be higher",
        "indicator 'orphan' has no Parent",
        "aggregate 'Empty' has no children",
      ]),
    );
  });
});
