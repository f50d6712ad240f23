// The correctness reference: COINr's ASEM example (../shared/reference/coinr-asem beside the checkout).
// From the Imputed table the engine must reproduce the Treated, Normalised and Aggregated tables to 1e-9.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { computeIndex } from './pipeline.js';
import type { MetaRow, MetaType } from './tree.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const refDir = path.resolve(repoRoot, '../shared/reference/coinr-asem');

type Row = Record<string, string>;
function table(name: string): Row[] {
  const file = path.join(refDir, name);
  if (!existsSync(file))
    throw new Error(
      `COINr reference file missing: ${file}. The folder shared/reference/coinr-asem must sit beside the repository checkout (see issue 5).`,
    );
  return parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Row[];
}
const num = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));

function asemMeta(): MetaRow[] {
  return table('ASEM_iMeta.csv').map((r) => ({
    iCode: r.iCode!,
    Level: num(r.Level),
    Direction: num(r.Direction),
    Weight: num(r.Weight),
    Parent: r.Parent || null,
    Type: r.Type as MetaType,
    Target: num(r.Target),
    Denominator: r.Denominator || null,
  }));
}

describe('COINr ASEM reference', () => {
  it('has the reference folder beside the repository (required in CI)', () => {
    expect(
      existsSync(refDir),
      `missing ${refDir}: the COINr reference must be checked out beside the repository`,
    ).toBe(true);
  });

  const meta = asemMeta();
  const imputed = table('ASEM_COIN_Imputed.csv');
  const units = imputed.map((r) => r.UnitCode!);
  const codes = meta.filter((m) => m.Type === 'Indicator').map((m) => m.iCode);
  const data = Object.fromEntries(codes.map((c) => [c, imputed.map((r) => num(r[c]))]));
  const result = computeIndex(
    { meta, units, data },
    // Imputed data are already denominated and complete; the rest is COINr's default method.
    { denominate: { apply: false }, treat: { winmax: 5 } },
  );

  function expectTable(name: string, get: (unit: number, code: string) => number, cols: string[]) {
    const ref = table(name);
    expect(ref.map((r) => r.UnitCode)).toEqual(units);
    let worst = 0;
    let where = '';
    let cells = 0;
    ref.forEach((r, i) => {
      for (const c of cols) {
        const want = Number(r[c]);
        const got = get(i, c);
        const err = Math.abs(got - want);
        cells++;
        if (!(err <= worst)) {
          worst = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
          where = `${r.UnitCode}/${c}: got ${got}, want ${want}`;
        }
      }
    });
    expect(cells).toBe(ref.length * cols.length);
    expect(worst, where).toBeLessThanOrEqual(1e-9);
  }

  it('reproduces the Treated table', () => {
    expectTable('ASEM_COIN_Treated.csv', (i, c) => result.treated.get(i, result.treated.indexOf(c)), codes);
    expect(result.treatment.filter((s) => s.outcome === 'winsorised')).toHaveLength(15);
    expect(result.treatment.filter((s) => s.outcome === 'log')).toHaveLength(0);
  });

  it('reproduces the Normalised table', () => {
    expectTable(
      'ASEM_COIN_Normalised.csv',
      (i, c) => result.normalised.get(i, result.normalised.indexOf(c)),
      codes,
    );
  });

  it('reproduces the Aggregated table (indicators and every aggregate)', () => {
    const aggCodes = meta.filter((m) => m.Type === 'Aggregate').map((m) => m.iCode);
    expect(aggCodes).toHaveLength(11);
    expectTable(
      'ASEM_COIN_Aggregated.csv',
      (i, c) =>
        result.aggregated.has(c)
          ? result.aggregated.get(i, result.aggregated.indexOf(c))
          : result.normalised.get(i, result.normalised.indexOf(c)),
      [...codes, ...aggCodes],
    );
  });

  it('reports each treated point with its original and new value', () => {
    const treatedRef = table('ASEM_COIN_Treated.csv');
    const changed = imputed.flatMap((r, i) =>
      codes.filter((c) => r[c] !== treatedRef[i]![c]).map((c) => `${r.UnitCode}/${c}`),
    );
    expect(result.treatedPoints.map((p) => `${p.unit}/${p.indicator}`).sort()).toEqual(changed.sort());
    for (const p of result.treatedPoints) expect(p.reason).toMatch(/^winsorised_/);
  });
});
