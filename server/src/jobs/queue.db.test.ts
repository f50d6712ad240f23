// The job queue on one process: transactional enqueue, due times from the injected clock, handler writes
// committed with `done`, retries with backoff and a final failure, dedupe, cancel, leases, and logs
// without payloads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../../test/context.js';
import { ManualClock } from '../clock.js';
import type { Db } from '../db/index.js';
import { JobError, JobQueue } from './queue.js';
import { JobRunner } from './runner.js';
import { createEffectTable, effects, recordingLogger, sleep } from './testing.js';

describe('job queue', () => {
  let db: Db;
  let clock: ManualClock;
  let n = 0;
  const newKind = () => `test.k${++n}`;
  beforeAll(async () => {
    db = await createTestDb();
    await createEffectTable(db);
  });
  afterAll(() => db.close());

  function setup(opts: ConstructorParameters<typeof JobQueue>[2] = {}) {
    clock = new ManualClock('2026-11-01T00:00:00Z');
    const queue = new JobQueue(db, clock, opts);
    const runner = new JobRunner(queue, undefined, { workerId: 'w1', batch: 3 });
    return { queue, runner };
  }

  it("runs a due job once; the handler's writes commit with `done`, time from the clock", async () => {
    const { queue, runner } = setup();
    const kind = newKind();
    const seen: { payload: unknown; now: Date; attempt: number }[] = [];
    queue.register<{ eventId: number }>(kind, async (payload, ctx) => {
      seen.push({ payload, now: ctx.now, attempt: ctx.attempt });
      await ctx.q.query('INSERT INTO job_test_effect (job_id, kind) VALUES ($1, $2)', [ctx.jobId, kind]);
    });
    const { id } = await queue.enqueue(db, { kind, payload: { eventId: 42 } });
    expect(await runner.runDue()).toEqual({ done: 1, retry: 0, failed: 0, lost: 0 });
    expect(seen).toEqual([{ payload: { eventId: 42 }, now: clock.now(), attempt: 1 }]);
    expect((await effects(db, kind)).map((e) => e.job_id)).toEqual([id]);
    const job = await queue.get(id!);
    expect(job).toMatchObject({ state: 'done', attempts: 1, locked_by: null, finished_at: clock.now() });
    expect(await runner.runDue()).toEqual({ done: 0, retry: 0, failed: 0, lost: 0 });
  });

  it('waits until run_at by the injected clock', async () => {
    const { queue, runner } = setup();
    const kind = newKind();
    let runs = 0;
    queue.register(kind, async () => {
      runs++;
    });
    await queue.enqueue(db, { kind, runAt: new Date('2026-11-01T01:00:00Z') });
    expect((await runner.runDue()).done).toBe(0);
    clock.set('2026-11-01T00:59:59.999Z');
    expect((await runner.runDue()).done).toBe(0);
    clock.set('2026-11-01T01:00:00Z');
    expect((await runner.runDue()).done).toBe(1);
    expect(runs).toBe(1);
  });

  it('an enqueue in a rolled-back transaction leaves no job', async () => {
    const { queue } = setup();
    const kind = newKind();
    await expect(
      db.tx(async (q) => {
        await queue.enqueue(q, { kind, dedupeKey: `${kind}:1` });
        throw new Error('the state change fails');
      }),
    ).rejects.toThrow('the state change fails');
    expect(await db.query('SELECT 1 FROM job WHERE kind = $1', [kind])).toEqual([]);
    // and the dedupe key is free
    expect((await queue.enqueue(db, { kind, dedupeKey: `${kind}:1` })).created).toBe(true);
  });

  it('retries with exponential backoff, rolls back failed attempts, and fails for good at the end', async () => {
    const { queue, runner } = setup({ backoffBaseMs: 10_000 });
    const kind = newKind();
    let calls = 0;
    queue.register(
      kind,
      async (_p, ctx) => {
        calls++;
        await ctx.q.query('INSERT INTO job_test_effect (job_id, kind) VALUES ($1, $2)', [ctx.jobId, kind]);
        throw new Error(`gateway down (attempt ${ctx.attempt})`);
      },
      { maxAttempts: 3 },
    );
    const { id } = await queue.enqueue(db, { kind });
    const t0 = clock.now().getTime();
    expect(await runner.runDue()).toMatchObject({ retry: 1 });
    expect(await queue.get(id!)).toMatchObject({
      state: 'queued',
      attempts: 1,
      run_at: new Date(t0 + 10_000),
      last_error: 'Error: gateway down (attempt 1)',
    });
    clock.advance(9_999);
    expect(await runner.runDue()).toMatchObject({ retry: 0, done: 0 });
    clock.advance(1);
    expect(await runner.runDue()).toMatchObject({ retry: 1 });
    expect((await queue.get(id!))!.run_at).toEqual(new Date(t0 + 10_000 + 20_000));
    clock.advance(20_000);
    expect(await runner.runDue()).toMatchObject({ failed: 1 });
    const job = await queue.get(id!);
    expect(job).toMatchObject({
      state: 'failed',
      attempts: 3,
      last_error: 'Error: gateway down (attempt 3)',
    });
    expect(job!.finished_at).toEqual(clock.now());
    expect(calls).toBe(3);
    expect(await effects(db, kind)).toEqual([]); // every attempt's writes rolled back
    clock.advance(24 * 3600_000);
    expect(await runner.runDue()).toMatchObject({ done: 0, retry: 0, failed: 0 });
    expect(queue.backoffMs(1)).toBe(10_000);
    expect(queue.backoffMs(20)).toBe(3600_000); // capped
  });

  it('keeps one unfinished job per dedupe key; the key is free again once the job finished', async () => {
    const { queue, runner } = setup();
    const kind = newKind();
    let runs = 0;
    queue.register(kind, async () => {
      runs++;
    });
    const key = 'escalate:event:42:2026-11-01T08:00:00Z';
    const first = await queue.enqueue(db, { kind, dedupeKey: key });
    const second = await db.tx((q) => queue.enqueue(q, { kind, dedupeKey: key, payload: { x: 1 } }));
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    expect(await db.query('SELECT id FROM job WHERE dedupe_key = $1', [key])).toHaveLength(1);
    await runner.runDue();
    expect(runs).toBe(1);
    const third = await queue.enqueue(db, { kind, dedupeKey: key });
    expect(third.created).toBe(true);
    expect(third.id).not.toBe(first.id);
  });

  it('cancel takes a queued job out by its dedupe key, in the caller’s transaction', async () => {
    const { queue, runner } = setup();
    const kind = newKind();
    let runs = 0;
    queue.register(kind, async () => {
      runs++;
    });
    const { id } = await queue.enqueue(db, {
      kind,
      dedupeKey: `${kind}:remind`,
      runAt: new Date('2026-11-02'),
    });
    await expect(
      db.tx(async (q) => {
        expect(await queue.cancel(q, `${kind}:remind`)).toBe(1);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await queue.get(id!))!.state).toBe('queued');
    expect(await db.tx((q) => queue.cancel(q, `${kind}:remind`))).toBe(1);
    expect(await queue.get(id!)).toMatchObject({ state: 'cancelled', finished_at: clock.now() });
    expect(await queue.cancel(db, `${kind}:remind`)).toBe(0);
    clock.set('2026-11-03');
    await runner.runDue();
    expect(runs).toBe(0);
  });

  it('an expired lease (a process that died) makes the job claimable again; the old holder loses it', async () => {
    const { queue } = setup({ leaseMs: 60_000 });
    const kind = newKind();
    const ranBy: string[] = [];
    queue.register(kind, async (_p, ctx) => {
      ranBy.push(String(ctx.attempt));
      await ctx.q.query('INSERT INTO job_test_effect (job_id, kind, worker) VALUES ($1, $2, $3)', [
        ctx.jobId,
        kind,
        `attempt ${ctx.attempt}`,
      ]);
    });
    const { id } = await queue.enqueue(db, { kind });
    const [claimedByA] = await queue.claim('A', [kind]);
    expect(claimedByA).toMatchObject({ id, state: 'running', locked_by: 'A', attempts: 1 });
    expect((await queue.get(id!))!.locked_until).toEqual(new Date(clock.now().getTime() + 60_000));
    // A "crashes": it never runs the job. Within the lease nobody else may take it.
    clock.advance(59_999);
    expect(await queue.claim('B', [kind])).toEqual([]);
    clock.advance(1);
    const [claimedByB] = await queue.claim('B', [kind]);
    expect(claimedByB).toMatchObject({ id, locked_by: 'B', attempts: 2 });
    // A comes back late: it no longer holds the job, so neither its run nor its failure counts
    expect(await queue.run('A', claimedByA!)).toBe('lost');
    expect(await queue.fail('A', claimedByA!, new Error('late'))).toBe('lost');
    expect(await queue.run('B', claimedByB!)).toBe('done');
    expect(ranBy).toEqual(['2']);
    expect(await effects(db, kind)).toEqual([{ job_id: id, worker: 'attempt 2', note: null }]);
  });

  it('a job whose final attempt’s lease expired is failed, not run again', async () => {
    const { queue } = setup({ leaseMs: 1000 });
    const kind = newKind();
    let runs = 0;
    queue.register(kind, async () => {
      runs++;
    });
    const { id } = await queue.enqueue(db, { kind, maxAttempts: 2 });
    await queue.claim('A', [kind]);
    clock.advance(1000);
    await queue.claim('B', [kind]); // attempt 2, and B dies too
    clock.advance(1000);
    expect(await queue.claim('C', [kind])).toEqual([]);
    expect(await queue.get(id!)).toMatchObject({ state: 'failed', attempts: 2, locked_by: null });
    expect((await queue.get(id!))!.last_error).toMatch(/lease expired/);
    expect(runs).toBe(0);
  });

  it('claims only the kinds this process registered', async () => {
    const { queue, runner } = setup();
    const kind = newKind();
    await queue.enqueue(db, { kind: 'test.nobody-handles-this' });
    queue.register(kind, async () => {});
    expect(await runner.runDue()).toMatchObject({ done: 0 });
    expect((await db.query("SELECT state FROM job WHERE kind = 'test.nobody-handles-this'"))[0]).toEqual({
      state: 'queued',
    });
  });

  it('refuses bad kinds, oversize payloads and bad attempt counts before touching the database', async () => {
    const { queue } = setup();
    await expect(queue.enqueue(db, { kind: 'Bad Kind' })).rejects.toThrow(JobError);
    await expect(queue.enqueue(db, { kind: 'test.big', payload: { s: 'x'.repeat(70_000) } })).rejects.toThrow(
      /payload over/,
    );
    await expect(queue.enqueue(db, { kind: 'test.x', maxAttempts: 0 })).rejects.toThrow(/max attempts/);
    expect(() => queue.register('test.dup', async () => {})).not.toThrow();
    expect(() => queue.register('test.dup', async () => {})).toThrow(/already registered/);
    expect(await db.query("SELECT 1 FROM job WHERE kind IN ('test.big', 'test.x')")).toEqual([]);
  });

  it('runDue stops after `max` jobs even when handlers keep enqueueing due work', async () => {
    const { queue, runner } = setup();
    const kind = newKind();
    queue.register(kind, async (_p, ctx) => {
      await queue.enqueue(ctx.q, { kind });
    });
    await queue.enqueue(db, { kind });
    expect(await runner.runDue(7)).toEqual({ done: 7, retry: 0, failed: 0, lost: 0 });
    expect(await db.query("SELECT 1 FROM job WHERE kind = $1 AND state = 'queued'", [kind])).toHaveLength(1);
  });

  it('logs kind and id, never the payload or the error message', async () => {
    const logger = recordingLogger();
    const { queue, runner } = setup({ logger });
    const ok = newKind();
    const bad = newKind();
    const secret = { name: '张三', phone: '13800000000' };
    queue.register(ok, async () => {});
    queue.register(bad, async (p: typeof secret) => {
      throw new Error(`cannot reach ${p.phone}`);
    });
    const a = await queue.enqueue(db, { kind: ok, payload: secret });
    const b = await queue.enqueue(db, { kind: bad, payload: secret, maxAttempts: 1 });
    await runner.runDue();
    const text = JSON.stringify(logger.lines);
    expect(text).not.toMatch(/张三|13800000000/);
    expect(logger.lines).toContainEqual(expect.objectContaining({ job: a.id, kind: ok, msg: 'job done' }));
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ job: b.id, kind: bad, error: 'Error', msg: 'job failed for good' }),
    );
    // the message is kept where operators with database access can read it
    expect((await queue.get(b.id!))!.last_error).toBe('Error: cannot reach 13800000000');
  });

  it('at start on PGlite, jobs left running by a dead process are queued again at once', async () => {
    const { queue } = setup({ leaseMs: 3600_000 });
    const kind = newKind();
    queue.register(kind, async () => {});
    const { id } = await queue.enqueue(db, { kind });
    await queue.claim('dead-process', [kind]);
    const recovered = await queue.recoverOrphans();
    if (db.kind === 'pglite') {
      expect(recovered).toBe(1);
      expect(await queue.get(id!)).toMatchObject({ state: 'queued', locked_by: null, attempts: 1 });
      expect(await new JobRunner(queue, undefined, { workerId: 'w2' }).runDue()).toMatchObject({ done: 1 });
    } else {
      // on PostgreSQL another process may be running it: only its lease may free it
      expect(recovered).toBe(0);
      expect(await queue.get(id!)).toMatchObject({ state: 'running', locked_by: 'dead-process' });
      clock.advance(3600_000);
      expect(await new JobRunner(queue, undefined, { workerId: 'w2' }).runDue()).toMatchObject({ done: 1 });
    }
  });

  it('prune deletes finished jobs older than the cut-off and keeps the rest', async () => {
    const { queue, runner } = setup();
    const kind = newKind();
    queue.register(kind, async () => {});
    const done = await queue.enqueue(db, { kind });
    await runner.runDue();
    const waiting = await queue.enqueue(db, { kind, runAt: new Date('2027-01-01') });
    clock.advance(7 * 86_400_000);
    expect(await queue.prune(7 * 86_400_000 + 1)).toBe(0);
    const recent = await queue.enqueue(db, { kind });
    await runner.runDue();
    expect(await queue.prune(7 * 86_400_000 - 1)).toBeGreaterThanOrEqual(1);
    expect(await queue.get(done.id!)).toBeUndefined();
    expect((await queue.get(waiting.id!))!.state).toBe('queued');
    expect((await queue.get(recent.id!))!.state).toBe('done');
  });

  it('start() polls by itself; stop() waits for the job in flight', async () => {
    const { queue } = setup();
    const kind = newKind();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let started = false;
    let finished = false;
    queue.register(kind, async (_p, ctx) => {
      started = true;
      await gate;
      await ctx.q.query('INSERT INTO job_test_effect (job_id, kind) VALUES ($1, $2)', [ctx.jobId, kind]);
      finished = true;
    });
    const runner = new JobRunner(queue, undefined, { workerId: 'poller', pollMs: 5 });
    const { id } = await queue.enqueue(db, { kind });
    await runner.start();
    for (let i = 0; i < 200 && !started; i++) await sleep(5);
    expect(started).toBe(true);
    let stopped = false;
    const stopping = runner.stop().then(() => {
      stopped = true;
    });
    await sleep(30);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
    expect((await queue.get(id!))!.state).toBe('done');
    // no polling after stop
    const later = await queue.enqueue(db, { kind });
    await sleep(30);
    expect((await queue.get(later.id!))!.state).toBe('queued');
  });
});
