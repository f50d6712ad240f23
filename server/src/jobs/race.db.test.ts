// Several server processes on one PostgreSQL database: two independent pools ("processes"), each with
// several runners, race for the same jobs. Every job's effects must commit exactly once.
// On PGlite these tests are skipped: it has one connection in one process, so claiming there is
// trivially exclusive and a second "process" cannot exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../../test/context.js';
import { adminUrl, testDbKind } from '../../test/env.js';
import { type Clock, ManualClock, systemClock } from '../clock.js';
import type { Db } from '../db/index.js';
import { openPostgres } from '../db/postgres.js';
import { createJobs } from './index.js';
import { JobQueue } from './queue.js';
import { JobRunner, type RunSummary } from './runner.js';
import { SCHEDULE_TICK_KIND } from './schedule.js';
import { createEffectTable, effects, sleep } from './testing.js';

const onPostgres = testDbKind() === 'postgres';

describe.skipIf(!onPostgres)(
  'jobs shared by two processes (PostgreSQL only: PGlite has one connection)',
  () => {
    let dbA: Db;
    let dbB: Db;
    beforeAll(async () => {
      dbA = await createTestDb();
      const [{ name }] = (await dbA.query<{ name: string }>('SELECT current_database() AS name')) as [
        { name: string },
      ];
      dbB = await openPostgres(adminUrl(name), 5);
      await createEffectTable(dbA);
    });
    afterAll(async () => {
      await dbB?.close();
      await dbA?.close();
    });

    /** A "process": its own pool, queue and `runners` runners working concurrently. */
    function processOn(db: Db, clock: Clock, kind: string, tag: string, runners: number, leaseMs: number) {
      const queue = new JobQueue(db, clock, { leaseMs });
      queue.register(kind, async (_p, ctx) => {
        await ctx.q.query('INSERT INTO job_test_effect (job_id, kind, worker) VALUES ($1, $2, $3)', [
          ctx.jobId,
          kind,
          tag,
        ]);
        await sleep(Math.random() * 3); // hold the transaction a little, so that claims interleave
      });
      return Array.from(
        { length: runners },
        (_, i) => new JobRunner(queue, undefined, { workerId: `${tag}-${i}`, batch: 5 }),
      );
    }

    async function race(kind: string, clock: Clock, leaseMs: number) {
      const seed = new JobQueue(dbA, clock);
      await dbA.tx(async (q) => {
        for (let i = 0; i < 200; i++) await seed.enqueue(q, { kind, payload: { i }, maxAttempts: 100 });
      });
      const runners = [
        ...processOn(dbA, clock, kind, 'A', 3, leaseMs),
        ...processOn(dbB, clock, kind, 'B', 3, leaseMs),
      ];
      const started = performance.now();
      const summaries = await Promise.all(runners.map((r) => r.runDue(100_000)));
      const ms = performance.now() - started;
      const total = summaries.reduce(
        (t: RunSummary, s) => ({
          done: t.done + s.done,
          retry: t.retry + s.retry,
          failed: t.failed + s.failed,
          lost: t.lost + s.lost,
        }),
        { done: 0, retry: 0, failed: 0, lost: 0 },
      );
      const rows = await effects(dbA, kind);
      const states = await dbA.query<{ state: string; n: number; max_attempts: number }>(
        'SELECT state, count(*)::int AS n, max(attempts)::int AS max_attempts FROM job WHERE kind = $1 GROUP BY state',
        [kind],
      );
      return { total, rows, states, ms };
    }

    it('200 jobs, two pools × three runners: each job runs exactly once', async () => {
      const kind = 'test.race';
      const { total, rows, states, ms } = await race(kind, new ManualClock(), 60_000);
      expect(rows).toHaveLength(200);
      expect(new Set(rows.map((r) => r.job_id)).size).toBe(200);
      expect(total).toEqual({ done: 200, retry: 0, failed: 0, lost: 0 });
      expect(states).toEqual([{ state: 'done', n: 200, max_attempts: 1 }]);
      const byA = rows.filter((r) => r.worker === 'A').length;
      console.log(`race: 200 jobs in ${ms.toFixed(0)} ms; process A ran ${byA}, process B ${200 - byA}`);
      expect(byA).toBeGreaterThan(0);
      expect(byA).toBeLessThan(200);
    });

    it('with leases expiring constantly (1 ms), reclaimed jobs still commit exactly once', async () => {
      const kind = 'test.race-expiring';
      const { total, rows, states, ms } = await race(kind, systemClock, 1);
      expect(rows).toHaveLength(200);
      expect(new Set(rows.map((r) => r.job_id)).size).toBe(200);
      expect(total.done).toBe(200);
      expect(states.map((s) => [s.state, s.n])).toEqual([['done', 200]]);
      console.log(
        `lease storm: 200 jobs in ${ms.toFixed(0)} ms; ${total.lost} runs found their lease taken over, ` +
          `max attempts ${states[0]?.max_attempts}`,
      );
    });

    it('the same dedupe key enqueued concurrently from both processes gives one job', async () => {
      const clock = new ManualClock();
      const queues = [new JobQueue(dbA, clock), new JobQueue(dbB, clock)];
      const key = 'escalate:event:42:2026-11-01T08:00:00.000Z';
      const dbs = [dbA, dbB];
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          dbs[i % 2]!.tx(async (q) => {
            const r = await queues[i % 2]!.enqueue(q, { kind: 'test.dedupe-race', dedupeKey: key });
            await sleep(20); // keep the transaction open while the others try
            return r;
          }),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await dbA.query('SELECT id FROM job WHERE dedupe_key = $1', [key])).toHaveLength(1);
    });

    it('two processes ensuring and running a schedule: one tick, each occurrence enqueued once', async () => {
      const clock = new ManualClock('2026-11-23T15:01:00Z');
      const procs = [dbA, dbB].map((db, i) => {
        const jobs = createJobs(db, clock);
        jobs.queue.register('test.sched-race', async () => {});
        jobs.schedules.define({ name: 'race.every5', cron: '*/5 * * * *', kind: 'test.sched-race' });
        return { ...jobs, runner: new JobRunner(jobs.queue, jobs.schedules, { workerId: `p${i}` }) };
      });
      await Promise.all(Array.from({ length: 10 }, (_, i) => procs[i % 2]!.schedules.ensureAll()));
      const unfinished = () =>
        dbA.query<{ run_at: Date }>(
          `SELECT run_at FROM job WHERE kind = $1 AND payload->>'name' = 'race.every5' AND state IN ('queued', 'running')`,
          [SCHEDULE_TICK_KIND],
        );
      expect(await unfinished()).toHaveLength(1);
      for (const at of ['2026-11-23T15:05:00Z', '2026-11-23T15:10:00Z', '2026-11-23T15:15:00Z']) {
        clock.set(at);
        await Promise.all([...procs, ...procs].map((p) => p.runner.runDue()));
        expect(await unfinished()).toHaveLength(1);
      }
      const runs = await dbA.query<{ occurrence: string }>(
        `SELECT payload->>'occurrence' AS occurrence FROM job WHERE kind = 'test.sched-race' ORDER BY 1`,
      );
      expect(runs.map((r) => r.occurrence)).toEqual([
        '2026-11-23T15:05:00.000Z',
        '2026-11-23T15:10:00.000Z',
        '2026-11-23T15:15:00.000Z',
      ]);
    });
  },
);
