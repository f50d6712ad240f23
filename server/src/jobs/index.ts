// Background work shared by every server process: the queue (enqueue/claim/run), recurring schedules
// and the polling runner. Modules get `services.jobs`: they register handlers and define schedules when
// they are built, and enqueue inside their own transactions; `anwang serve` starts one runner.
import type { Clock } from '../clock.js';
import type { Db } from '../db/index.js';
import { JobQueue, type QueueOptions } from './queue.js';
import { Schedules } from './schedule.js';

export type { EnqueueInput, EnqueueResult, JobContext, JobHandler, JobLogger } from './queue.js';
export { JobError, JobQueue } from './queue.js';
export { JobRunner, type RunnerOptions, type RunSummary } from './runner.js';
export { type ScheduleDefinition, Schedules } from './schedule.js';

export interface Jobs {
  queue: JobQueue;
  schedules: Schedules;
}

export function createJobs(db: Db, clock: Clock, opts: QueueOptions = {}): Jobs {
  const queue = new JobQueue(db, clock, opts);
  return { queue, schedules: new Schedules(db, queue, clock) };
}
