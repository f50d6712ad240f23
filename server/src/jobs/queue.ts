// The job queue: enqueue inside the caller's transaction, claim with a lease, run a handler whose writes
// commit together with marking the job done, retry with exponential backoff, fail for good at the end.
//
// Guarantees (PostgreSQL with any number of processes, and PGlite):
//  - a job's effects commit at most once: the transaction that runs the handler holds the job's row lock
//    and first checks that this worker still holds the lease; it commits the handler's writes and `done`
//    together. A handler may be *invoked* again after a crash (its transaction rolled back), so handlers
//    must only write through ctx.q (or be idempotent when they talk to the outside world).
//  - an expired lease (a process that died between claim and commit) makes the job claimable again.
//  - "a job per dedupe key" holds among unfinished jobs (a partial unique index).
// Logs carry kind, id and attempt only: payloads and error messages may hold personal data.
import type { Clock } from '../clock.js';
import type { Db, Queryable } from '../db/index.js';
import * as repo from './repository.js';

export interface JobContext {
  /** The transaction that will also mark the job done: write through it. */
  q: Queryable;
  /** The clock's time when the attempt started. */
  now: Date;
  jobId: number;
  /** 1 on the first attempt. */
  attempt: number;
}

export type JobHandler<P = unknown> = (payload: P, ctx: JobContext) => Promise<void>;

export interface EnqueueInput {
  kind: string;
  payload?: unknown;
  /** When the job becomes due; default now. */
  runAt?: Date;
  /** At most one unfinished job per key: a second enqueue with the key is a no-op. */
  dedupeKey?: string;
  maxAttempts?: number;
}

export interface EnqueueResult {
  /** The new job's id, or the id of the unfinished job already holding the dedupe key. */
  id: number | null;
  created: boolean;
}

export interface JobLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: JobLogger = { info() {}, warn() {}, error() {} };

export interface QueueOptions {
  /** How long a claim holds a job before another process may take it (default 5 minutes). */
  leaseMs?: number;
  /** Backoff after the n-th failed attempt: min(maxMs, baseMs · 2^(n−1)). Defaults 10 s and 1 h. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  defaultMaxAttempts?: number;
  logger?: JobLogger;
}

export type RunOutcome = 'done' | 'retry' | 'failed' | 'lost';

const KIND = /^[a-z][a-z0-9_.-]{0,99}$/;
const MAX_PAYLOAD_BYTES = 64 * 1024; // jobs carry references, not documents
const MAX_ERROR_CHARS = 2000;

export class JobError extends Error {}

interface Registration {
  handler: JobHandler<unknown>;
  maxAttempts?: number;
}

export class JobQueue {
  private readonly handlers = new Map<string, Registration>();
  readonly leaseMs: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly defaultMaxAttempts: number;
  logger: JobLogger;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    opts: QueueOptions = {},
  ) {
    this.leaseMs = opts.leaseMs ?? 5 * 60_000;
    this.backoffBaseMs = opts.backoffBaseMs ?? 10_000;
    this.backoffMaxMs = opts.backoffMaxMs ?? 60 * 60_000;
    this.defaultMaxAttempts = opts.defaultMaxAttempts ?? 5;
    this.logger = opts.logger ?? silentLogger;
  }

  /** Registers the handler of a kind (once per kind). The handler should validate its payload (zod). */
  register<P>(kind: string, handler: JobHandler<P>, opts: { maxAttempts?: number } = {}): void {
    checkKind(kind);
    if (this.handlers.has(kind)) throw new JobError(`a handler for job kind ${kind} is already registered`);
    if (opts.maxAttempts !== undefined) checkAttempts(opts.maxAttempts);
    this.handlers.set(kind, { handler: handler as JobHandler<unknown>, maxAttempts: opts.maxAttempts });
  }

  /** The kinds this process can run. */
  kinds(): string[] {
    return [...this.handlers.keys()];
  }

  /** Adds a job in the caller's transaction: it exists only if that transaction commits. */
  async enqueue(q: Queryable, input: EnqueueInput): Promise<EnqueueResult> {
    checkKind(input.kind);
    const maxAttempts =
      input.maxAttempts ?? this.handlers.get(input.kind)?.maxAttempts ?? this.defaultMaxAttempts;
    checkAttempts(maxAttempts);
    const payload = JSON.stringify(input.payload ?? {});
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES)
      throw new JobError(`job payload over ${MAX_PAYLOAD_BYTES} bytes (kind ${input.kind})`);
    if (input.dedupeKey !== undefined && (input.dedupeKey.length < 1 || input.dedupeKey.length > 300))
      throw new JobError('a dedupe key has 1 to 300 characters');
    const now = this.clock.now();
    const id = await repo.insertJob(q, {
      kind: input.kind,
      payload,
      runAt: input.runAt ?? now,
      dedupeKey: input.dedupeKey ?? null,
      maxAttempts,
      now,
    });
    if (id !== undefined) return { id, created: true };
    const existing = await repo.unfinishedIdByDedupeKey(q, input.dedupeKey as string);
    return { id: existing ?? null, created: false };
  }

  /** Cancels the queued job holding the dedupe key, in the caller's transaction. A running one finishes. */
  cancel(q: Queryable, dedupeKey: string): Promise<number> {
    return repo.cancelQueued(q, dedupeKey, this.clock.now());
  }

  cancelById(q: Queryable, id: number): Promise<number> {
    return repo.cancelQueuedById(q, id, this.clock.now());
  }

  get(id: number, q: Queryable = this.db) {
    return repo.jobById(q, id);
  }

  /**
   * Claims up to `limit` due jobs of `kinds` (default: every kind registered here) for `worker`, in a
   * short transaction of its own. Jobs whose final attempt's lease expired are failed, not returned.
   */
  async claim(worker: string, kinds: readonly string[] = this.kinds(), limit = 10): Promise<repo.JobRow[]> {
    if (kinds.length === 0 || limit < 1) return [];
    const now = this.clock.now();
    const rows = await this.db.tx((q) =>
      repo.claim(q, worker, kinds, limit, now, new Date(now.getTime() + this.leaseMs)),
    );
    const claimed: repo.JobRow[] = [];
    rows.sort((a, b) => a.run_at.getTime() - b.run_at.getTime() || a.id - b.id);
    for (const r of rows) {
      if (r.state === 'failed') this.logger.error({ job: r.id, kind: r.kind }, 'job failed: lease expired');
      else claimed.push(r);
    }
    return claimed;
  }

  /** Runs one claimed job: handler and `done` in one transaction; on error, `fail`. */
  async run(worker: string, job: repo.JobRow): Promise<RunOutcome> {
    const reg = this.handlers.get(job.kind);
    if (!reg) {
      await this.fail(worker, job, new JobError(`no handler for job kind ${job.kind} in this process`));
      return job.attempts >= job.max_attempts ? 'failed' : 'retry';
    }
    const started = Date.now();
    try {
      const ran = await this.db.tx(async (q) => {
        const owned = await repo.lockOwned(q, job.id, worker);
        if (!owned) return false;
        const now = this.clock.now();
        await reg.handler(owned.payload, { q, now, jobId: owned.id, attempt: owned.attempts });
        await this.complete(q, owned.id);
        return true;
      });
      if (!ran) {
        this.logger.warn({ job: job.id, kind: job.kind }, 'job lease lost to another worker; skipped');
        return 'lost';
      }
      this.logger.info(
        { job: job.id, kind: job.kind, attempt: job.attempts, ms: Date.now() - started },
        'job done',
      );
      return 'done';
    } catch (e) {
      return this.fail(worker, job, e);
    }
  }

  /** Marks a job done inside the transaction that did its work. */
  async complete(q: Queryable, id: number): Promise<void> {
    await repo.markDone(q, id, this.clock.now());
  }

  /**
   * Records a failed attempt: queued again after the backoff, or `failed` after the last attempt. The
   * error message goes to the job row (last_error), not to the log.
   */
  async fail(worker: string, job: repo.JobRow, error: unknown): Promise<RunOutcome> {
    const now = this.clock.now();
    const final = job.attempts >= job.max_attempts;
    const retryAt = final ? null : new Date(now.getTime() + this.backoffMs(job.attempts));
    const message = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(
      0,
      MAX_ERROR_CHARS,
    );
    const held = await this.db.tx((q) => repo.markFailed(q, job.id, worker, message, now, retryAt));
    const fields = {
      job: job.id,
      kind: job.kind,
      attempt: job.attempts,
      error: error instanceof Error ? error.name : typeof error,
    };
    if (!held) {
      this.logger.warn(fields, 'job failed after its lease was lost; left to its new holder');
      return 'lost';
    }
    if (final) this.logger.error(fields, 'job failed for good');
    else this.logger.warn({ ...fields, retryAt }, 'job failed; will retry');
    return final ? 'failed' : 'retry';
  }

  /** The wait after the n-th failed attempt. */
  backoffMs(attempt: number): number {
    return Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  }

  /**
   * On PGlite, at start: jobs left running belong to a process that died (the data-folder lock allows one
   * process), so they go back to the queue now rather than after their lease. On PostgreSQL other
   * processes may be running them: there the lease decides.
   */
  async recoverOrphans(): Promise<number> {
    if (this.db.kind !== 'pglite') return 0;
    const n = await repo.releaseAllRunning(this.db);
    if (n > 0) this.logger.warn({ jobs: n }, 'jobs left running by a stopped process were queued again');
    return n;
  }

  /** Deletes jobs that finished more than `olderThanMs` ago (in batches); returns how many. */
  async prune(olderThanMs: number, batch = 10_000): Promise<number> {
    const before = new Date(this.clock.now().getTime() - olderThanMs);
    let total = 0;
    for (;;) {
      const n = await repo.deleteFinishedBefore(this.db, before, batch);
      total += n;
      if (n < batch) return total;
    }
  }
}

function checkKind(kind: string) {
  if (!KIND.test(kind)) throw new JobError(`invalid job kind ${JSON.stringify(kind)}`);
}

function checkAttempts(n: number) {
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new JobError('max attempts must be 1 to 100');
}
