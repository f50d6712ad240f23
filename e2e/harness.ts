// Browser-test harness: builds the web client when its sources changed, runs the real server on a free
// port with a fresh data folder (it migrates and seeds the Ouhai demo on first start), and launches
// Debian's Chromium through playwright-core (never a downloaded browser).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import sharp from 'sharp';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SCREENSHOTS = path.join(ROOT, 'test-results/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function newest(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const e of fs.readdirSync(p)) t = Math.max(t, newest(path.join(p, e)));
  return t;
}

/** Builds web/dist unless it is newer than every source of the client. */
export function ensureWebBuilt(): void {
  const web = path.join(ROOT, 'web');
  const dist = path.join(web, 'dist/index.html');
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => path.join(web, p));
  const built = fs.existsSync(dist) ? fs.statSync(dist).mtimeMs : 0;
  if (built > Math.max(...sources.filter((p) => fs.existsSync(p)).map(newest))) return;
  // vitest sets NODE_ENV=test, which would make vite bundle React's development build
  const env = { ...process.env, NODE_ENV: 'production' };
  const r = spawnSync('npm', ['run', 'build', '-w', 'web'], { cwd: ROOT, stdio: 'inherit', env });
  if (r.status !== 0) throw new Error(`web build failed (exit ${r.status})`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningServer {
  url: string;
  stop: () => Promise<void>;
}

/** Starts `anwang serve` on a fresh data folder and waits until /healthz answers. */
export async function startServer(timeoutMs = 10 * 60_000): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anwang-e2e-data-'));
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'server/bin/anwang.mjs'), 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ANWANG_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // the server's warnings and errors, kept for a failed run's post-mortem (test-results/e2e-server.log)
  fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
  const log = fs.createWriteStream(path.join(ROOT, 'test-results/e2e-server.log'));
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-8000);
    log.write(b);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
  });

  const stop = async () => {
    if (exited === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (exited !== null) {
      await stop();
      throw new Error(`anwang serve exited with ${exited} before it was ready:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`anwang serve did not answer /healthz within ${timeoutMs / 1000} s:\n${output}`);
}

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** Debian's Chromium, launched exactly as STACK.md says, with a throw-away profile. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-wqy-microhei`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'anwang-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** A plain-colored 800×600 JPEG as a file chooser takes it (the server sniffs and decodes real images). */
export async function jpeg(color: string, name = 'IMG_0002.jpg') {
  const img = sharp({ create: { width: 800, height: 600, channels: 3, background: color } });
  return { name, mimeType: 'image/jpeg', buffer: await img.jpeg({ quality: 80 }).toBuffer() };
}
