// Recurring schedules: one tick per schedule however many processes ensure it, each occurrence enqueued
// once, exactly one next occurrence, catch-up after downtime, and redefinition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../../test/context.js';
import { ManualClock } from '../clock.js';
import type { Db } from '../db/index.js';
import { createJobs } from './index.js';
import { JobRunner } from './runner.js';
import { SCHEDULE_TICK_KIND } from './schedule.js';

describe('recurring schedules', () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.close());

  const ticks = (name: string) =>
    db.query<{ id: number; state: string; run_at: Date; payload: { at: string; cron: string } }>(
      `SELECT id, state, run_at, payload FROM job WHERE kind = $1 AND payload->>'name' = $2 ORDER BY id`,
      [SCHEDULE_TICK_KIND, name],
    );
  const unfinishedTicks = async (name: string) =>
    (await ticks(name)).filter((t) => t.state === 'queued' || t.state === 'running');
  const targets = (kind: string) =>
    db.query<{
      id: number;
      state: string;
      run_at: Date;
      payload: Record<string, unknown>;
      dedupe_key: string;
    }>('SELECT id, state, run_at, payload, dedupe_key FROM job WHERE kind = $1 ORDER BY id', [kind]);

  function proc(clock: ManualClock, name: string, kind: string, cron: string, seen?: unknown[]) {
    const jobs = createJobs(db, clock);
    jobs.queue.register(kind, async (p) => {
      seen?.push(p);
    });
    // several keys, in an order jsonb will not keep: ensuring again must still see the same definition
    jobs.schedules.define({ name, cron, kind, payload: { level: 'town', a: 1, scheme: { z: 1, b: 2 } } });
    return { ...jobs, runner: new JobRunner(jobs.queue, jobs.schedules, { workerId: `w${Math.random()}` }) };
  }

  it('monthly at 02:00 Shanghai: one tick however often it is ensured; each month enqueued once', async () => {
    const clock = new ManualClock('2026-11-23T15:00:00Z');
    const seen: unknown[] = [];
    const a = proc(clock, 'index.monthly', 'test.index-run', '0 2 1 * *', seen);
    const b = proc(clock, 'index.monthly', 'test.index-run', '0 2 1 * *');
    await a.schedules.ensureAll();
    await b.schedules.ensureAll();
    await a.schedules.ensureAll();
    const [tick] = await unfinishedTicks('index.monthly');
    expect(await unfinishedTicks('index.monthly')).toHaveLength(1);
    expect(tick!.run_at.toISOString()).toBe('2026-11-30T18:00:00.000Z');

    expect(await a.runner.runDue()).toMatchObject({ done: 0 });
    clock.set('2026-11-30T18:00:00Z');
    expect(await a.runner.runDue()).toMatchObject({ done: 2 }); // the tick, then the run it enqueued
    expect(seen).toEqual([
      { level: 'town', a: 1, scheme: { z: 1, b: 2 }, occurrence: '2026-11-30T18:00:00.000Z' },
    ]);
    const next = await unfinishedTicks('index.monthly');
    expect(next.map((t) => t.run_at.toISOString())).toEqual(['2026-12-31T18:00:00.000Z']);
    expect(await targets('test.index-run')).toMatchObject([
      { state: 'done', dedupe_key: 'schedule:index.monthly:2026-11-30T18:00:00.000Z' },
    ]);
    // the other process ensuring again neither adds nor replaces anything
    await b.schedules.ensureAll();
    expect((await unfinishedTicks('index.monthly')).map((t) => t.id)).toEqual(next.map((t) => t.id));
    expect((await ticks('index.monthly')).filter((t) => t.state === 'cancelled')).toEqual([]);
  });

  it('every 5 minutes: after a downtime the missed schedule runs once, then resumes on the grid', async () => {
    const clock = new ManualClock('2026-11-23T15:01:00Z');
    const p = proc(clock, 'every5', 'test.every5', '*/5 * * * *');
    await p.schedules.ensureAll();
    clock.set('2026-11-23T15:05:00Z');
    await p.runner.runDue();
    clock.set('2026-11-23T15:10:00Z');
    await p.runner.runDue();
    clock.set('2026-11-23T16:02:30Z'); // down for almost an hour
    await p.runner.runDue();
    const runs = await targets('test.every5');
    expect(runs.map((r) => r.payload.occurrence)).toEqual([
      '2026-11-23T15:05:00.000Z',
      '2026-11-23T15:10:00.000Z',
      '2026-11-23T15:15:00.000Z',
    ]);
    expect(runs.every((r) => r.state === 'done')).toBe(true);
    expect((await unfinishedTicks('every5')).map((t) => t.run_at.toISOString())).toEqual([
      '2026-11-23T16:05:00.000Z',
    ]);
  });

  it('a failing scheduled job does not break the chain', async () => {
    const clock = new ManualClock('2026-11-23T15:01:00Z');
    const jobs = createJobs(db, clock);
    jobs.queue.register('test.always-fails', async () => {
      throw new Error('nope');
    });
    jobs.schedules.define({
      name: 'failing',
      cron: '*/5 * * * *',
      kind: 'test.always-fails',
      maxAttempts: 1,
    });
    const runner = new JobRunner(jobs.queue, jobs.schedules, { workerId: 'w' });
    await jobs.schedules.ensureAll();
    clock.set('2026-11-23T15:05:00Z');
    expect(await runner.runDue()).toMatchObject({ done: 1, failed: 1 });
    expect((await unfinishedTicks('failing')).map((t) => t.run_at.toISOString())).toEqual([
      '2026-11-23T15:10:00.000Z',
    ]);
  });

  it('a changed definition replaces the queued tick instead of starting a second chain', async () => {
    const clock = new ManualClock('2026-11-23T15:01:00Z');
    const old = proc(clock, 'redefined', 'test.redefined', '*/5 * * * *');
    await old.schedules.ensureAll();
    const changed = proc(clock, 'redefined', 'test.redefined', '0 * * * *');
    await changed.schedules.ensureAll();
    const all = await ticks('redefined');
    expect(all.map((t) => [t.state, t.payload.cron])).toEqual([
      ['cancelled', '*/5 * * * *'],
      ['queued', '0 * * * *'],
    ]);
    clock.set('2026-11-23T16:00:00Z');
    await changed.runner.runDue();
    expect((await targets('test.redefined')).map((r) => r.payload.occurrence)).toEqual([
      '2026-11-23T16:00:00.000Z',
    ]);
    expect((await unfinishedTicks('redefined')).map((t) => t.run_at.toISOString())).toEqual([
      '2026-11-23T17:00:00.000Z',
    ]);
  });

  it('refuses a bad definition when it is declared', () => {
    const jobs = createJobs(db, new ManualClock());
    expect(() => jobs.schedules.define({ name: 'x', cron: '0 2 1 *', kind: 'test.x' })).toThrow(
      /five fields/,
    );
    expect(() => jobs.schedules.define({ name: 'Bad Name', cron: '0 2 1 * *', kind: 'test.x' })).toThrow(
      /schedule name/,
    );
    jobs.schedules.define({ name: 'once', cron: '0 2 1 * *', kind: 'test.x' });
    expect(() => jobs.schedules.define({ name: 'once', cron: '0 2 1 * *', kind: 'test.x' })).toThrow(
      /already defined/,
    );
  });
});
