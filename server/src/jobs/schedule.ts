// Recurring work. A schedule is defined in code:
//   schedules.define({ name: 'safety-index.monthly', cron: '0 2 1 * *', kind: 'safety-index.run-month' })
// `cron` has the five classic fields — minute hour day-of-month month day-of-week — with `*`, lists
// (1,15), ranges (1-5), steps (*/5) and names (jan, mon); it is read in `timeZone` (default
// Asia/Shanghai). Examples: '0 2 1 * *' = day 1 of every month at 02:00; '*/5 * * * *' = every 5 minutes.
//
// How it runs: a "tick" job (kind jobs.schedule) waits for each occurrence. When it runs, in one
// transaction, it enqueues the scheduled job (payload + `occurrence`, the occurrence's ISO time) with
// the dedupe key `schedule:<name>:<occurrence>`, and the tick of the next occurrence. The tick only
// writes rows, so a failing scheduled job never breaks the chain; it has its own retries. Every step
// that could start a second chain (processes starting together, a changed definition) takes an
// advisory lock on the schedule's name and keeps at most one unfinished tick per schedule. After a
// downtime, each missed schedule runs once (for its oldest missed occurrence), then resumes.
import { CronExpressionParser } from 'cron-parser';
import type { Clock } from '../clock.js';
import type { Db, Queryable } from '../db/index.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { type JobContext, JobError, type JobQueue } from './queue.js';
import * as repo from './repository.js';

export interface ScheduleDefinition {
  /** Unique and stable across releases, e.g. 'safety-index.monthly'. */
  name: string;
  cron: string;
  timeZone?: string;
  /** The job kind to enqueue at each occurrence. */
  kind: string;
  /** Given to the job, with `occurrence` added. Configuration only: no personal data. */
  payload?: Record<string, unknown>;
  maxAttempts?: number;
}

export const SCHEDULE_TICK_KIND = 'jobs.schedule';
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
const LOCK_NAMESPACE = 7_340_305; // advisory-lock namespace of schedule names
const NAME = /^[a-z][a-z0-9_.-]{0,99}$/;

interface TickPayload {
  name: string;
  cron: string;
  timeZone: string;
  kind: string;
  payload: Record<string, unknown>;
  maxAttempts: number | null;
  at: string;
}

/** The first occurrence strictly after `after`. */
export function nextOccurrence(cron: string, timeZone: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: after, tz: timeZone }).next().toDate();
}

/** Throws a JobError unless `cron` is five valid fields and `timeZone` a known IANA zone. */
export function checkCron(cron: string, timeZone: string): void {
  if (cron.trim().split(/\s+/).length !== 5)
    throw new JobError(`cron ${JSON.stringify(cron)} must have five fields: minute hour day month weekday`);
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new JobError(`unknown time zone ${JSON.stringify(timeZone)}`);
  }
  try {
    nextOccurrence(cron, timeZone, new Date(0));
  } catch (e) {
    throw new JobError(`invalid cron ${JSON.stringify(cron)}: ${(e as Error).message}`);
  }
}

// jsonb does not keep key order, so definitions are compared in a canonical form
const definitionOf = (t: Omit<TickPayload, 'at'>) =>
  canonicalJson([t.cron, t.timeZone, t.kind, t.payload, t.maxAttempts]);

export class Schedules {
  private readonly defs = new Map<string, Omit<TickPayload, 'at'>>();

  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly clock: Clock,
  ) {
    queue.register<TickPayload>(SCHEDULE_TICK_KIND, (p, ctx) => this.tick(p, ctx), { maxAttempts: 20 });
  }

  /** Declares a schedule; ensureAll() (called by JobRunner.start) puts its first tick in the queue. */
  define(def: ScheduleDefinition): void {
    if (!NAME.test(def.name)) throw new JobError(`invalid schedule name ${JSON.stringify(def.name)}`);
    if (!NAME.test(def.kind)) throw new JobError(`invalid job kind ${JSON.stringify(def.kind)}`);
    if (this.defs.has(def.name)) throw new JobError(`schedule ${def.name} is already defined`);
    const timeZone = def.timeZone ?? DEFAULT_TIME_ZONE;
    checkCron(def.cron, timeZone);
    this.defs.set(def.name, {
      name: def.name,
      cron: def.cron.trim(),
      timeZone,
      kind: def.kind,
      payload: def.payload ?? {},
      maxAttempts: def.maxAttempts ?? null,
    });
  }

  names(): string[] {
    return [...this.defs.keys()];
  }

  async ensureAll(): Promise<void> {
    for (const name of this.defs.keys()) await this.ensure(name);
  }

  /**
   * Makes sure exactly one unfinished tick of the schedule exists, with the current definition: keeps a
   * matching one, cancels a queued outdated one, and otherwise enqueues the next occurrence after now.
   */
  async ensure(name: string): Promise<void> {
    const def = this.defs.get(name);
    if (!def) throw new JobError(`schedule ${name} is not defined`);
    await this.db.tx(async (q) => {
      await repo.lockName(q, LOCK_NAMESPACE, name);
      const ticks = await repo.unfinishedByPayloadField(q, SCHEDULE_TICK_KIND, 'name', name);
      if (ticks.some((t) => definitionOf(t.payload as TickPayload) === definitionOf(def))) return;
      for (const t of ticks) if (t.state === 'queued') await this.queue.cancelById(q, t.id);
      await this.enqueueTick(q, def, nextOccurrence(def.cron, def.timeZone, this.clock.now()));
    });
  }

  private async tick(p: TickPayload, ctx: JobContext): Promise<void> {
    await repo.lockName(ctx.q, LOCK_NAMESPACE, p.name);
    await this.queue.enqueue(ctx.q, {
      kind: p.kind,
      payload: { ...p.payload, occurrence: p.at },
      runAt: new Date(p.at),
      dedupeKey: `schedule:${p.name}:${p.at}`,
      ...(p.maxAttempts === null ? {} : { maxAttempts: p.maxAttempts }),
    });
    // another unfinished tick means the schedule was redefined meanwhile: that chain carries on alone
    const others = (await repo.unfinishedByPayloadField(ctx.q, SCHEDULE_TICK_KIND, 'name', p.name)).filter(
      (t) => t.id !== ctx.jobId,
    );
    if (others.length > 0) return;
    const from = new Date(Math.max(new Date(p.at).getTime(), ctx.now.getTime()));
    await this.enqueueTick(ctx.q, p, nextOccurrence(p.cron, p.timeZone, from));
  }

  private enqueueTick(q: Queryable, def: Omit<TickPayload, 'at'>, at: Date) {
    const tick: TickPayload = {
      name: def.name,
      cron: def.cron,
      timeZone: def.timeZone,
      kind: def.kind,
      payload: def.payload,
      maxAttempts: def.maxAttempts,
      at: at.toISOString(),
    };
    return this.queue.enqueue(q, {
      kind: SCHEDULE_TICK_KIND,
      payload: tick,
      runAt: at,
      dedupeKey: `schedule-tick:${def.name}:${tick.at}`,
    });
  }
}
