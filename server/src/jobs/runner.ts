// The job runner: one per server process. It polls the queue, claims due jobs of the kinds registered
// in this process and runs them one at a time (parallelism comes from running several processes).
// Tests call runDue() instead of start(): it runs whatever is due at the injected clock's time, without
// timers.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { JobLogger, JobQueue } from './queue.js';
import type { Schedules } from './schedule.js';

export interface RunnerOptions {
  /** Identifies this process in locked_by; default host:pid:random. */
  workerId?: string;
  /** Pause between polls when nothing was due (default 1 s). */
  pollMs?: number;
  /** Jobs claimed per round trip (default 10). */
  batch?: number;
  logger?: JobLogger;
}

export interface RunSummary {
  done: number;
  retry: number;
  failed: number;
  lost: number;
}

export class JobRunner {
  readonly workerId: string;
  private readonly pollMs: number;
  private readonly batch: number;
  private readonly logger: JobLogger;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly queue: JobQueue,
    private readonly schedules: Schedules | undefined,
    opts: RunnerOptions = {},
  ) {
    this.workerId = opts.workerId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.pollMs = opts.pollMs ?? 1000;
    this.batch = opts.batch ?? 10;
    this.logger = opts.logger ?? queue.logger;
  }

  /**
   * Runs due jobs until none is due or `max` jobs have run (a job that keeps enqueueing due work must
   * not hold the caller forever). Returns what happened.
   */
  async runDue(max = 1000): Promise<RunSummary> {
    const summary: RunSummary = { done: 0, retry: 0, failed: 0, lost: 0 };
    let ran = 0;
    while (ran < max && !this.stopping) {
      const jobs = await this.queue.claim(this.workerId, undefined, Math.min(this.batch, max - ran));
      if (jobs.length === 0) break;
      for (const job of jobs) {
        summary[await this.queue.run(this.workerId, job)]++;
        ran++;
      }
    }
    return summary;
  }

  /** Makes sure every defined schedule has its next occurrence queued, then polls until stop(). */
  async start(): Promise<void> {
    if (this.loop || this.timer) return;
    this.stopping = false;
    await this.queue.recoverOrphans();
    await this.schedules?.ensureAll();
    this.logger.info({ worker: this.workerId, kinds: this.queue.kinds().length }, 'job runner started');
    this.schedule(0);
  }

  /** Stops polling and waits for the job in flight to finish (its transaction commits or rolls back). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.loop;
  }

  private schedule(ms: number) {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.loop = this.tick().finally(() => {
        this.loop = undefined;
      });
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let next = this.pollMs;
    try {
      const s = await this.runDue(this.batch);
      // a full batch suggests more is due: come back at once
      if (s.done + s.retry + s.failed + s.lost >= this.batch) next = 0;
    } catch (e) {
      // the database may be briefly unreachable; claimed jobs come back when their lease expires
      // (claim and fail statements carry ids and kinds only, so the message holds no personal data)
      this.logger.error({ error: e instanceof Error ? e.message : String(e) }, 'job runner poll failed');
    }
    this.schedule(next);
  }
}
