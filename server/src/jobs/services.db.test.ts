// How modules use services.jobs: a state change, its audit entry and the job it schedules commit together;
// the job's handler audits its own change as the SYSTEM actor, in the transaction that marks it done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { SYSTEM } from '../modules/access/actor.js';
import { JobRunner } from './runner.js';

describe('services.jobs with the audit log', () => {
  let ctx: TestContext;
  let runner: JobRunner;
  let failNext = false;
  beforeAll(async () => {
    ctx = await createTestContext();
    const { queue } = ctx.services.jobs;
    queue.register<{ ticket: number }>(
      'test.escalate',
      async (p, job) => {
        await ctx.services.audit.record(job.q, {
          actor: SYSTEM,
          action: 'test.escalated',
          entityType: 'test_ticket',
          entityId: p.ticket,
        });
        if (failNext) throw new Error('the escalation fails after writing');
      },
      { maxAttempts: 1 },
    );
    runner = new JobRunner(queue, ctx.services.jobs.schedules, { workerId: 'test' });
  });
  afterAll(() => ctx.close());

  const audit = (action: string) =>
    ctx.db.query<{ entity_id: string }>('SELECT entity_id FROM audit_log WHERE action = $1 ORDER BY id', [
      action,
    ]);

  /** What a module's service does: change, audit, schedule — one transaction. */
  const open = (ticket: number, fail = false) =>
    ctx.db.tx(async (q) => {
      await ctx.services.audit.record(q, {
        actor: SYSTEM,
        action: 'test.opened',
        entityType: 'test_ticket',
        entityId: ticket,
      });
      await ctx.services.jobs.queue.enqueue(q, {
        kind: 'test.escalate',
        payload: { ticket },
        runAt: new Date(ctx.clock.now().getTime() + 3600_000),
        dedupeKey: `test.escalate:${ticket}`,
      });
      if (fail) throw new Error('the change is refused');
    });

  it('the change, its audit entry and its job commit together or not at all', async () => {
    await open(1);
    await expect(open(2, true)).rejects.toThrow('refused');
    expect(await audit('test.opened')).toEqual([{ entity_id: '1' }]);
    expect(await ctx.db.query("SELECT dedupe_key FROM job WHERE kind = 'test.escalate' ORDER BY id")).toEqual(
      [{ dedupe_key: 'test.escalate:1' }],
    );
  });

  it('the handler audits its change with the job; a failed attempt leaves no entry', async () => {
    ctx.clock.advance(3600_000);
    expect(await runner.runDue()).toMatchObject({ done: 1 });
    expect(await audit('test.escalated')).toEqual([{ entity_id: '1' }]);

    await open(3);
    failNext = true;
    ctx.clock.advance(3600_000);
    expect(await runner.runDue()).toMatchObject({ failed: 1 });
    expect(await audit('test.escalated')).toEqual([{ entity_id: '1' }]);
  });
});
