// The real server for the benchmark: `anwang serve` (server/bin/anwang.mjs) in a child process on a free
// loopback port, against the benchmark's database, with its output in a log file. Started, stopped
// (SIGTERM: the server closes its database) or killed (SIGKILL: no chance to close anything).
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { BENCH_ROOT } from '../lib/report.js';

const ANWANG = path.resolve(BENCH_ROOT, '../server/bin/anwang.mjs');

export interface ServerOptions {
  /** DATABASE_URL or ANWANG_DATA_DIR (from bench/lib/db.ts). */
  env: Record<string, string | undefined>;
  /** The server's log (appended: a restart writes to the same file). */
  logFile: string;
  logLevel: string;
  poolSize: number;
}

/** A free TCP port on the loopback interface (the OS picks one; it is released at once). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export class ServerProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | null = null;

  private constructor(
    readonly port: number,
    private readonly opts: ServerOptions,
  ) {}

  static async start(opts: ServerOptions): Promise<{ server: ServerProcess; seconds: number }> {
    const server = new ServerProcess(await freePort(), opts);
    const seconds = await server.launch();
    return { server, seconds };
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process (again, on the same port and data) and waits until /healthz answers; seconds taken. */
  async launch(timeoutMs = 180_000): Promise<number> {
    if (this.child) throw new Error('the server is running');
    const t0 = performance.now();
    const log = fs.openSync(this.opts.logFile, 'a');
    // ANWANG_BENCH_SERVER_NODE_ARGS: extra Node options for the server only (e.g. `--cpu-prof
    // --cpu-prof-dir=/tmp/prof`, which NODE_OPTIONS refuses; the profile is written at the SIGTERM stop)
    const nodeArgs = (process.env.ANWANG_BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, ANWANG, 'serve'], {
      cwd: path.resolve(BENCH_ROOT, '..'),
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        ...this.opts.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        LOG_LEVEL: this.opts.logLevel,
        DATABASE_POOL_SIZE: String(this.opts.poolSize),
        // the benchmark seeds the district itself (seed-child.ts) before the first start
        ANWANG_SEED_DEMO: 'false',
      },
    });
    fs.closeSync(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let gone = false;
    void this.exited.then(() => {
      gone = true;
    });
    while (performance.now() - t0 < timeoutMs) {
      if (gone)
        throw new Error(`the server exited while starting; see ${this.opts.logFile}:\n${this.tail()}`);
      try {
        const r = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (r.ok) return (performance.now() - t0) / 1000;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.kill();
    throw new Error(`the server did not answer /healthz within ${timeoutMs / 1000} s:\n${this.tail()}`);
  }

  /** SIGKILL: the process dies at once, mid-request, mid-transaction. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: the server stops its job runner, closes HTTP and its database, and exits. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.exited) return;
    child.kill(sig);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
    this.child = null;
    this.exited = null;
  }

  /** The last lines of the server's log. */
  tail(lines = 20): string {
    try {
      return fs.readFileSync(this.opts.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}
