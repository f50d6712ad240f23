// The supervision sweep (督办巡查) that events and hazards share: a job that runs every minute in whichever
// server process is free and, inside the job's transaction, walks a module's steps in order (remind,
// escalate, auto-close …). Each step claims the rows that are due at the job's time — its repository
// selects them `FOR UPDATE SKIP LOCKED` with a LIMIT, so several processes sweeping at once never take
// the same row and none waits for another — and handles each one: update (with the version bumped),
// timeline, audit, notification. The writes commit with the job's `done`, so each step happens once
// however many processes run; a batch that was full leaves the rest for the next minute. The clock is
// the job's (ctx.now), so tests drive the sweep with a ManualClock.
import type { Queryable } from '../../db/index.js';
import type { JobQueue, Schedules } from '../../jobs/index.js';

/** Rows a step takes per pass; what remains waits for the next pass (a minute later). */
export const SWEEP_BATCH = 500;

export interface SweepStep<Row> {
  /** Names the count in the pass's result, e.g. 'reminded'. */
  name: string;
  /** The rows due at `now`, at most `limit`, locked FOR UPDATE SKIP LOCKED in `q`. */
  claim(q: Queryable, now: Date, limit: number): Promise<Row[]>;
  /** Acts on one claimed row; false when it turned out to have nothing to do (not counted). */
  handle(q: Queryable, row: Row, now: Date): Promise<boolean>;
}

/** Keeps a step's row type while the list of steps mixes them. */
export function sweepStep<Row>(step: SweepStep<Row>): SweepStep<unknown> {
  return step as SweepStep<unknown>;
}

/**
 * One pass at `now` in the transaction `q`: each step in order claims its due rows and handles them.
 * Returns how many rows each step handled, by the step's name.
 */
export async function runSweep(
  q: Queryable,
  now: Date,
  steps: readonly SweepStep<unknown>[],
  batch = SWEEP_BATCH,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const step of steps) {
    let n = 0;
    for (const row of await step.claim(q, now, batch)) if (await step.handle(q, row, now)) n++;
    counts[step.name] = (counts[step.name] ?? 0) + n;
  }
  return counts;
}

/**
 * Registers a module's sweep as the job `kind` and schedules it (default every minute, three attempts:
 * a failed pass rolls back whole and the next one picks the same rows up).
 */
export function scheduleSweep(
  jobs: { queue: JobQueue; schedules: Schedules },
  kind: string,
  sweep: (q: Queryable, now: Date) => Promise<unknown>,
  opts: { cron?: string; maxAttempts?: number } = {},
): void {
  jobs.queue.register(kind, async (_payload, ctx) => {
    await sweep(ctx.q, ctx.now);
  });
  jobs.schedules.define({
    name: kind,
    cron: opts.cron ?? '* * * * *',
    kind,
    maxAttempts: opts.maxAttempts ?? 3,
  });
}
