// Runs a TypeScript file in a child Node process (through tsx, like bin/anwang.mjs) and reads back the
// JSON it writes. Work whose memory is measured runs this way, so that its peak RSS is its own and
// not the sum of everything the parent process has touched before.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_ROOT } from './report.js';

const REPO_ROOT = path.resolve(BENCH_ROOT, '..');

export async function runChild<T>(file: string, args: string[], env: Record<string, string>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anwang-bench-child-'));
  const out = path.join(dir, 'result.json');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, ...env, BENCH_CHILD_OUT: out },
      });
      child.on('error', reject);
      child.on('exit', (c, signal) => resolve(signal ? 128 : c));
    });
    if (code !== 0 || !fs.existsSync(out)) {
      throw new Error(`${path.basename(file)} ${args.join(' ')} exited with ${code}`);
    }
    return JSON.parse(fs.readFileSync(out, 'utf8')) as T;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** In a child: hands the result to the parent. */
export function reportToParent(result: unknown) {
  const out = process.env.BENCH_CHILD_OUT;
  if (!out) throw new Error('BENCH_CHILD_OUT is not set: run this file through runChild()');
  fs.writeFileSync(out, JSON.stringify(result));
}

/** Peak resident set size of this process so far, in MiB (the kernel's high-water mark, ru_maxrss). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
