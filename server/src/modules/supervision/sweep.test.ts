import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../db/index.js';
import { runSweep, SWEEP_BATCH, sweepStep } from './sweep.js';

// runSweep never touches the database itself: the steps' claim and handle do, through q.
const q = {} as Queryable;
const now = new Date('2026-11-23T02:00:00Z');

/** A step over an in-memory list of due times: claims the due ones (up to the limit), handles them. */
function listStep(name: string, due: number[], log: string[], skip: (n: number) => boolean = () => false) {
  const pending = [...due];
  return sweepStep({
    name,
    claim: async (_q, at, limit) => {
      log.push(`${name}:claim:${limit}`);
      const taken = pending.filter((t) => t <= at.getTime()).slice(0, limit);
      for (const t of taken) pending.splice(pending.indexOf(t), 1);
      return taken;
    },
    handle: async (_q, row: number, at) => {
      expect(at).toBe(now);
      log.push(`${name}:${row}`);
      return !skip(row);
    },
  });
}

describe('runSweep', () => {
  it('runs the steps in order, each on the rows it claimed, and counts what each handled', async () => {
    const log: string[] = [];
    const t = now.getTime();
    const counts = await runSweep(q, now, [
      listStep('reminded', [t - 2, t + 1, t], log),
      listStep('escalated', [t - 5], log),
      listStep('closed', [t + 10], log),
    ]);
    expect(counts).toEqual({ reminded: 2, escalated: 1, closed: 0 });
    expect(log).toEqual([
      `reminded:claim:${SWEEP_BATCH}`,
      `reminded:${t - 2}`,
      `reminded:${t}`,
      `escalated:claim:${SWEEP_BATCH}`,
      `escalated:${t - 5}`,
      `closed:claim:${SWEEP_BATCH}`,
    ]);
  });

  it('takes at most a batch per step and does not count rows a step found nothing to do with', async () => {
    const log: string[] = [];
    const t = now.getTime();
    const due = [t - 4, t - 3, t - 2, t - 1];
    const step = listStep('escalated', due, log, (row) => row === t - 3);
    expect(await runSweep(q, now, [step], 3)).toEqual({ escalated: 2 });
    // the fourth waits for the next pass
    expect(await runSweep(q, now, [step], 3)).toEqual({ escalated: 1 });
    expect(log.filter((l) => !l.includes('claim'))).toEqual(due.map((d) => `escalated:${d}`));
  });
});
