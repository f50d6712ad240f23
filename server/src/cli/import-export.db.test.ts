// `anwang import` and `anwang export` as a user runs them: a child process against a database of its
// own (an embedded data folder, or a fresh PostgreSQL database with ANWANG_TEST_DB=postgres).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminUrl, templateDb, testDbKind } from '../../test/env.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/anwang.mjs');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anwang-cli-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  ANWANG_DATA_DIR: path.join(dir, 'data'),
  LOG_LEVEL: 'silent',
};
delete env.DATABASE_URL;
let pgName: string | undefined;

async function adminQuery(sql: string) {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  if (testDbKind() === 'postgres') {
    pgName = `anwang_cli_${randomBytes(5).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${pgName} TEMPLATE ${templateDb()}`);
    env.DATABASE_URL = adminUrl(pgName);
  }
});
afterAll(async () => {
  if (pgName) await adminQuery(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
  fs.rmSync(dir, { recursive: true, force: true });
});

function anwang(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd: dir, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const HEADER = 'code,name,level,parent_code,population,households,grid_kind';

describe('anwang import / export', () => {
  it('documents itself', async () => {
    const imp = await anwang('import', '--help');
    expect(imp.code).toBe(0);
    expect(imp.stdout).toMatch(/Usage: anwang import units FILE/);
    const exp = await anwang('export', '--help');
    expect(exp.stdout).toMatch(/--within CODE/);
  });

  it('refuses a defective file listing every defect by line, writes nothing, then imports and exports', async () => {
    const rows = [
      '3303,温州市,city,,,,',
      '330304,瓯海区,county,3303,500,200,',
      '330304001,景山街道,town,330304,300,100,',
      '330304001001,景山社区,village,330304001,,,',
      '330304001001-G1,网格一,grid,330304001001,,,dedicated',
    ];
    const defective = [
      ...rows.slice(0, 4),
      '330304001001,重复,village,330304001,,,',
      '330304002-G1,网格,grid,330304001,,,',
    ];
    const bad = await anwang('import', 'units', write('bad.csv', `${HEADER}\n${defective.join('\n')}\n`));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/2 problem\(s\); nothing was written/);
    expect(bad.stderr).toMatch(
      /line 6 \(code 330304001001, field code\): duplicate code 330304001001: also at line 5/,
    );
    expect(bad.stderr).toMatch(/line 7 .*wrong level order: a grid cannot be a child of a town/);

    // had anything of the refused file been written, these codes would now be duplicates
    const ok = await anwang('import', 'units', write('units.csv', `${HEADER}\n${rows.join('\n')}\n`));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Imported 5 unit\(s\)/);
    const all = await anwang('export', 'units', '--format', 'csv');
    expect(all.code).toBe(0);
    expect(all.stdout).toBe(`${HEADER}\n${rows.join('\n')}\n`);

    const out = path.join(dir, 'town.geojson');
    const sub = await anwang('export', 'units', '--within', '330304001', '--out', out);
    expect(sub.code).toBe(0);
    expect(sub.stderr).toMatch(/Exported 3 unit\(s\) as geojson/);
    const fc = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(fc.features.map((f: { properties: { code: string } }) => f.properties.code)).toEqual([
      '330304001',
      '330304001001',
      '330304001001-G1',
    ]);
  }, 180_000);

  it('exits 2 on a usage error', async () => {
    expect((await anwang('import', 'things')).code).toBe(2);
    expect((await anwang('export', 'units', '--bogus')).code).toBe(2);
  });
});
