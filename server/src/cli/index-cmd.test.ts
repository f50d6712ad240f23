// End to end: `anwang index compute` on COINr's ASEM reference (../shared/reference/coinr-asem beside the
// checkout) must write the Aggregated table; bad files must be refused with file, line and column.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import command from './index-cmd.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const refDir = path.resolve(repoRoot, '../shared/reference/coinr-asem');
const dir = mkdtempSync(path.join(tmpdir(), 'anwang-index-'));
const file = (name: string) => path.join(dir, name);
const table = (p: string) =>
  parse(readFileSync(p, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];

let errors: MockInstance;
let logs: MockInstance;
beforeEach(() => {
  errors = vi.spyOn(console, 'error').mockImplementation(() => {});
  logs = vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const stderr = () => errors.mock.calls.map((c) => String(c[0])).join('\n');

describe('anwang index compute', () => {
  it('reproduces the COINr ASEM Aggregated table from the Imputed table', async () => {
    if (!existsSync(refDir))
      throw new Error(
        `COINr reference missing: ${refDir} must sit beside the repository checkout (required in CI)`,
      );
    copyFileSync(path.join(refDir, 'ASEM_iMeta.csv'), file('META.csv'));
    copyFileSync(path.join(refDir, 'ASEM_COIN_Imputed.csv'), file('DATA.csv'));
    // The Imputed table is already divided by its denominators.
    writeFileSync(file('METHOD.json'), JSON.stringify({ denominate: { apply: false } }));
    const code = await command.run([
      'compute',
      '--meta',
      file('META.csv'),
      '--data',
      file('DATA.csv'),
      '--out',
      file('OUT.csv'),
      '--method',
      file('METHOD.json'),
      '--report',
      file('REPORT.json'),
    ]);
    expect(stderr()).toContain('ignored column(s) UnitName, Year, Group_GDP');
    expect(code).toBe(0);
    const out = table(file('OUT.csv'));
    const ref = table(path.join(refDir, 'ASEM_COIN_Aggregated.csv'));
    expect(out.map((r) => r.UnitCode)).toEqual(ref.map((r) => r.UnitCode));
    const cols = Object.keys(ref[0]!).slice(7);
    expect(cols).toHaveLength(49 + 11);
    let worst = 0;
    ref.forEach((r, i) => {
      for (const c of cols) worst = Math.max(worst, Math.abs(Number(out[i]![c]) - Number(r[c])));
    });
    expect(worst).toBeLessThanOrEqual(1e-9);
    // Rank columns: 1 = best on each aggregate.
    const best = ref.reduce((a, b) => (Number(b.Index) > Number(a.Index) ? b : a));
    expect(out.find((r) => r.UnitCode === best.UnitCode)!['Index.Rank']).toBe('1');
    const report = JSON.parse(readFileSync(file('REPORT.json'), 'utf8'));
    expect(report.treatment.filter((s: { outcome: string }) => s.outcome === 'winsorised')).toHaveLength(15);
    expect(report.treatedPoints.length).toBeGreaterThan(0);
    expect(logs.mock.calls[0]![0]).toMatch(/51 units, 49 indicators, 11 aggregates/);
  });

  it('names the file, line and column of a bad cell and exits with 2', async () => {
    writeFileSync(
      file('m.csv'),
      'iCode,Level,Direction,Weight,Parent,Type\nIndex,2,1,1,,Aggregate\nNetMigr,1,1,1,Index,Indicator\nCrime,1,-1,1,Index,Indicator\n',
    );
    const rows = ['UnitCode,NetMigr,Crime', 'a,1,2', 'b,2,3', 'c,3,4', 'd,4,5', 'e,5,6', 'f,abc,7'];
    writeFileSync(file('DATA.csv'), `${rows.join('\n')}\n`);
    const code = await command.run([
      'compute',
      '--meta',
      file('m.csv'),
      '--data',
      file('DATA.csv'),
      '--out',
      file('o.csv'),
    ]);
    expect(code).toBe(2);
    expect(stderr()).toBe(`${file('DATA.csv')} line 7, column NetMigr: 'abc' is not a number`);
    expect(existsSync(file('o.csv'))).toBe(false);
  });

  it('names the meta line of a tree error, the method field of a bad method, and missing columns', async () => {
    writeFileSync(
      file('m2.csv'),
      'iCode,Level,Direction,Weight,Parent,Type\nIndex,2,1,1,,Aggregate\nA,1,1,1,Index,Indicator\nB,1,1,1,Idx,Indicator\n',
    );
    writeFileSync(file('d2.csv'), 'UnitCode,A,B\nu1,1,2\nu2,,3\n');
    expect(
      await command.run([
        'compute',
        '--meta',
        file('m2.csv'),
        '--data',
        file('d2.csv'),
        '--out',
        file('o2.csv'),
      ]),
    ).toBe(2);
    expect(stderr()).toBe(
      `${file('m2.csv')} line 4, column Parent: 'B': Parent 'Idx' is not an aggregate in the meta`,
    );

    errors.mockClear();
    writeFileSync(
      file('m3.csv'),
      'iCode,Level,Direction,Weight,Parent,Type\nIndex,2,1,1,,Aggregate\nA,1,1,1,Index,Indicator\n',
    );
    writeFileSync(
      file('bad.json'),
      JSON.stringify({ treat: { winmax: -1 }, normalise: { default: { method: 'minmax', min: 5, max: 1 } } }),
    );
    expect(
      await command.run([
        'compute',
        '--meta',
        file('m3.csv'),
        '--data',
        file('d2.csv'),
        '--out',
        file('o3.csv'),
        '--method',
        file('bad.json'),
      ]),
    ).toBe(2);
    expect(stderr()).toContain(`${file('bad.json')}: treat.winmax:`);
    expect(stderr()).toContain(`${file('bad.json')}: normalise.default: minmax: min must be below max`);

    errors.mockClear();
    writeFileSync(file('d3.csv'), 'UnitCode,B\nu1,1\n');
    expect(
      await command.run([
        'compute',
        '--meta',
        file('m3.csv'),
        '--data',
        file('d3.csv'),
        '--out',
        file('o3.csv'),
      ]),
    ).toBe(2);
    expect(stderr()).toBe(`${file('d3.csv')} line 1: missing column(s) A named in the meta or method`);
  });

  it("imputes from the parent unit's file and adds Monte Carlo rank intervals", async () => {
    writeFileSync(
      file('m4.csv'),
      'iCode,Level,Direction,Weight,Parent,Type\nIndex,2,1,1,,Aggregate\nA,1,1,1,Index,Indicator\nB,1,-1,1,Index,Indicator\n',
    );
    writeFileSync(file('d4.csv'), 'UnitCode,ParentCode,A,B\nv1,t1,1,5\nv2,t1,,3\nv3,t2,3,1\nv4,t2,4,\n');
    writeFileSync(file('p4.csv'), 'UnitCode,A,B\nt1,2.5,9\nt2,9,2\n');
    writeFileSync(
      file('u4.json'),
      JSON.stringify({
        impute: { method: 'parent' },
        treat: { method: 'none' },
        uncertainty: { runs: 50, seed: 3 },
      }),
    );
    const args = [
      'compute',
      '--meta',
      file('m4.csv'),
      '--data',
      file('d4.csv'),
      '--out',
      file('o4.csv'),
      '--method',
      file('u4.json'),
      '--parents',
      file('p4.csv'),
      '--report',
      file('r4.json'),
    ];
    expect(await command.run(args)).toBe(0);
    const out = table(file('o4.csv'));
    expect(Object.keys(out[0]!)).toEqual([
      'UnitCode',
      'A',
      'B',
      'Index',
      'Index.Rank',
      'Index.MedianRank',
      'Index.RankP05',
      'Index.RankP95',
    ]);
    // v2's A comes from t1 (2.5): min-max over 1, 2.5, 3, 4 → 50; v4's B from t2 (2), flipped over 5, 3, 1, 2 → 75.
    expect(Number(out[1]!.A)).toBe(50);
    expect(Number(out[3]!.B)).toBe(75);
    const report = JSON.parse(readFileSync(file('r4.json'), 'utf8'));
    expect(report.imputedPoints).toEqual([
      { unit: 'v2', indicator: 'A', value: 2.5, method: 'parent' },
      { unit: 'v4', indicator: 'B', value: 2, method: 'parent' },
    ]);
    expect(report.uncertainty.runs).toBe(50);
    expect(logs.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/uncertainty: 50 runs/);
  });

  it('refuses a missing option or subcommand as a usage error', async () => {
    await expect(command.run(['compute', '--meta', 'x.csv'])).rejects.toThrow(/missing --data, --out/);
    await expect(command.run(['frobnicate'])).rejects.toThrow(/expected 'compute'/);
  });
});
