#!/usr/bin/env node
// Runs every test of the project in tiers and prints one summary line at the end:
//   1. lint and format check (Biome), type check (tsc) of server and web
//   2. server tests on the embedded database (PGlite): small tests and database tests
//   3. the database tests again on PostgreSQL (ANWANG_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres)
//   4. browser tests: the built web client in Debian's Chromium (/usr/bin/chromium) against a real server
// On CI (CI=true) a missing PostgreSQL or Chromium is a failure; elsewhere that tier is skipped with a warning.
//   (and the web client's own small tests)
// Flags: --only=static,web,pglite,postgres,browser to run some tiers.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const onCi = process.env.CI === 'true' || process.env.CI === '1';
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const want = (tier) => !only || only.includes(tier);
const totals = { passed: 0, failed: 0, skipped: 0 };
const tiers = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'anwang-test-run-'));

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    ...opts,
    env: { ...process.env, ...opts.env },
  });
  return r.status ?? 1;
}

function vitest(name, cwd, args, env) {
  const out = path.join(tmp, `${name}.json`);
  const started = Date.now();
  const code = run(
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...args],
    {
      cwd: path.join(root, cwd),
      env,
    },
  );
  let r = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0 };
  if (fs.existsSync(out)) r = JSON.parse(fs.readFileSync(out, 'utf8'));
  const failed = r.numFailedTests + (code !== 0 && r.numFailedTests === 0 ? 1 : 0); // a crash counts as a failure
  const t = {
    name,
    passed: r.numPassedTests,
    failed,
    skipped: r.numPendingTests + r.numTodoTests,
    secs: (Date.now() - started) / 1000,
  };
  record(t);
}

function record(t) {
  tiers.push(t);
  totals.passed += t.passed;
  totals.failed += t.failed;
  totals.skipped += t.skipped;
}

function skipOrFail(name, why) {
  if (onCi) {
    console.error(`\n✗ ${name}: ${why} (required on CI)`);
    record({ name, passed: 0, failed: 1, skipped: 0, secs: 0 });
  } else {
    console.warn(`\n! ${name} skipped: ${why}`);
    record({ name, passed: 0, failed: 0, skipped: 1, secs: 0 });
  }
}

function canConnect(url) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || 5432) });
    s.setTimeout(2000);
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.once('timeout', () => done(false));
  });
}

if (want('static')) {
  for (const [name, cmd, args] of [
    ['lint', 'npx', ['biome', 'check', '.']],
    ['typecheck server', 'npx', ['tsc', '-p', 'server']],
    ['typecheck web', 'npx', ['tsc', '-p', 'web']],
    ['typecheck e2e', 'npx', ['tsc', '-p', 'e2e']],
  ]) {
    console.log(`\n── ${name}`);
    const started = Date.now();
    const ok = run(cmd, args) === 0;
    record({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, secs: (Date.now() - started) / 1000 });
  }
}

if (want('web')) {
  console.log('\n── web client tests');
  vitest('web', 'web', [], {});
}

if (want('pglite')) {
  console.log('\n── server tests on PGlite');
  vitest('server (PGlite)', 'server', [], { ANWANG_TEST_DB: 'pglite' });
}

if (want('postgres')) {
  const url = process.env.ANWANG_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await canConnect(url)) {
    console.log('\n── database tests on PostgreSQL');
    vitest('server (PostgreSQL)', 'server', [], { ANWANG_TEST_DB: 'postgres', ANWANG_TEST_PG_URL: url });
  } else skipOrFail('server (PostgreSQL)', `no PostgreSQL answers at ${new URL(url).host}`);
}

if (want('browser')) {
  if (fs.existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
    console.log('\n── browser tests (Chromium)');
    const built = run('npm', ['run', 'build', '-w', 'web']) === 0;
    if (built) vitest('browser', '.', ['--config', 'e2e/vitest.config.ts'], {});
    else record({ name: 'web build', passed: 0, failed: 1, skipped: 0, secs: 0 });
  } else skipOrFail('browser', 'Chromium is not installed (apt-get install chromium fonts-wqy-microhei)');
}

fs.rmSync(tmp, { recursive: true, force: true });
console.log('\n── summary');
for (const t of tiers) {
  console.log(
    `  ${t.failed ? '✗' : '✓'} ${t.name.padEnd(22)} ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped  (${t.secs.toFixed(1)} s)`,
  );
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exitCode = totals.failed > 0 ? 1 : 0;
