#!/usr/bin/env node
// Runs the benchmarks in bench/<name>/ (each *.bench.ts file, through tsx) and prints one table of their
// figures: value, target and verdict, the floor measured in the same run and the ratio to it.
//   npm run bench                      every benchmark
//   npm run bench -- units             one (or several names)
//   npm run bench -- units --backends pglite --points 200000    arguments after the names go to each benchmark
// Each benchmark writes its figures to bench/results/<name>-<time>.json (gitignored).
// Exit code 1 when a benchmark fails to run; a missed target is reported, not an error.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const NOT_BENCHES = new Set(['lib', 'results', 'node_modules']);

const available = fs
  .readdirSync(benchDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !NOT_BENCHES.has(d.name))
  .map((d) => ({
    name: d.name,
    files: fs
      .readdirSync(path.join(benchDir, d.name))
      .filter((f) => f.endsWith('.bench.ts'))
      .sort(),
  }))
  .filter((b) => b.files.length > 0)
  .sort((a, b) => a.name.localeCompare(b.name));

const argv = process.argv.slice(2);
const firstFlag = argv.findIndex((a) => a.startsWith('-'));
const names = firstFlag === -1 ? argv : argv.slice(0, firstFlag);
const passThrough = firstFlag === -1 ? [] : argv.slice(firstFlag);
if (names.includes('help') || passThrough.includes('--help')) {
  console.log(
    `Usage: npm run bench [-- <name>… [benchmark options]]\nBenchmarks: ${available.map((b) => b.name).join(', ')}`,
  );
  process.exit(0);
}
const unknown = names.filter((n) => !available.some((b) => b.name === n));
if (unknown.length) {
  console.error(
    `unknown benchmark ${unknown.join(', ')}; available: ${available.map((b) => b.name).join(', ')}`,
  );
  process.exit(2);
}
const chosen = names.length ? available.filter((b) => names.includes(b.name)) : available;

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
console.log(
  `bench: ${chosen.map((b) => b.name).join(', ')} on ${os.cpus().length} cores, Node ${process.version}, load average ${load()}`,
);

const results = [];
let failures = 0;
const started = Date.now();
for (const bench of chosen) {
  for (const file of bench.files) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const base =
      file === `${bench.name}.bench.ts` ? bench.name : `${bench.name}-${file.replace(/\.bench\.ts$/, '')}`;
    const out = path.join(benchDir, 'results', `${base}-${stamp}.json`);
    console.log(`\n### ${bench.name}/${file}`);
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(benchDir, bench.name, file), ...passThrough],
      {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, BENCH_RESULT_FILE: out },
      },
    );
    if (r.status !== 0) failures++;
    if (fs.existsSync(out))
      results.push({ file: path.relative(root, out), ...JSON.parse(fs.readFileSync(out, 'utf8')) });
    else console.error(`${bench.name}/${file}: no results written`);
  }
}

function fmt(v) {
  if (v === undefined || v === null) return '';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return v.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const header = ['bench', 'backend', 'figure', 'value', 'unit', 'target', 'result', 'floor', '×floor', 'load'];
const rows = [];
for (const r of results) {
  for (const f of r.figures) {
    rows.push([
      r.bench,
      f.backend,
      f.name,
      fmt(f.value),
      f.unit,
      f.target ? `${f.target.op} ${fmt(f.target.value)}` : '',
      f.verdict ?? '',
      f.floor ? fmt(f.floor.value) : '',
      f.ratio !== undefined ? `×${fmt(f.ratio)}` : '',
      f.load1 !== undefined ? f.load1.toFixed(2) : '',
    ]);
  }
}
const numeric = new Set([3, 5, 7, 8, 9]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells) =>
  cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const row of rows) console.log(line(row));
const pass = rows.filter((r) => r[6] === 'PASS').length;
const miss = rows.filter((r) => r[6] === 'MISS').length;
console.log(
  `\n${pass} PASS, ${miss} MISS${failures ? `, ${failures} benchmark(s) FAILED to run` : ''} in ${Math.round((Date.now() - started) / 1000)} s; ` +
    `load average ${results.map((r) => `${r.machine.loadavgStart.join(' ')} → ${r.machine.loadavgEnd.join(' ')}`).join('; ') || load()}`,
);
for (const r of results) console.log(`results: ${r.file}`);
process.exit(failures ? 1 : 0);
