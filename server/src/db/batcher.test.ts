import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher.js';

/** A writer that records its batches and answers when released (or at once). */
function recorder(opts: { hold?: boolean; fail?: (items: number[]) => Error | null } = {}) {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  let active = 0;
  let mostActive = 0;
  const write = async (items: number[]) => {
    batches.push([...items]);
    active++;
    mostActive = Math.max(mostActive, active);
    try {
      if (opts.hold) await new Promise<void>((r) => gates.push(r));
      const e = opts.fail?.(items);
      if (e) throw e;
      return items.map((i) => i * 10);
    } finally {
      active--;
    }
  };
  return {
    batches,
    write,
    release: () => {
      for (const g of gates.splice(0)) g();
    },
    mostActive: () => mostActive,
  };
}

const tick = () => new Promise((r) => setImmediate(r));
/** Turns of the event loop until `ok` holds (at most 50). */
async function until(ok: () => boolean) {
  for (let i = 0; i < 50 && !ok(); i++) await tick();
}

describe('batcher (group commit)', () => {
  it('writes items that arrive together in one batch and answers each with its own result', async () => {
    const w = recorder();
    const gc = new Batcher({ maxBatch: 100, maxInFlight: 1, write: w.write });
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => gc.submit(i)));
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(w.batches).toEqual([[1, 2, 3, 4, 5]]);
    expect(gc.stats).toMatchObject({ batches: 1, items: 5, largest: 5, fallbacks: 0 });
  });

  it('does not hold a lone item back, and gathers what arrives while a batch is written', async () => {
    const w = recorder({ hold: true });
    const gc = new Batcher({ maxBatch: 100, maxInFlight: 1, write: w.write });
    const first = gc.submit(1);
    await tick();
    expect(w.batches).toEqual([[1]]); // went at once, alone
    const later = [2, 3, 4].map((i) => gc.submit(i));
    await tick();
    expect(w.batches).toHaveLength(1); // waiting for the first batch
    expect(gc.waiting).toBe(3);
    w.release();
    expect(await first).toBe(10);
    await until(() => w.batches.length === 2);
    expect(w.batches).toEqual([[1], [2, 3, 4]]);
    w.release();
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
  });

  it('keeps to maxBatch and maxInFlight', async () => {
    const w = recorder({ hold: true });
    const gc = new Batcher({ maxBatch: 3, maxInFlight: 2, write: w.write });
    const all = Array.from({ length: 10 }, (_, i) => gc.submit(i));
    await tick();
    expect(w.batches).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    let done = false;
    void Promise.all(all).then(() => {
      done = true;
    });
    for (let n = 0; n < 20 && !done; n++) {
      w.release();
      await until(() => done || gc.waiting === 0);
      await tick();
    }
    await Promise.all(all);
    expect(w.mostActive()).toBe(2);
    expect(w.batches.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.max(...w.batches.map((b) => b.length))).toBe(3);
  });

  it('writes a failed batch again item by item: only the failing item gets the error', async () => {
    const w = recorder({ fail: (items) => (items.includes(3) ? new Error('item 3 is refused') : null) });
    const gc = new Batcher({ maxBatch: 100, maxInFlight: 1, write: w.write });
    const settled = await Promise.allSettled([1, 2, 3, 4].map((i) => gc.submit(i)));
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([
      10,
      20,
      'item 3 is refused',
      40,
    ]);
    expect(w.batches).toEqual([[1, 2, 3, 4], [1], [2], [3], [4]]);
    expect(gc.stats.fallbacks).toBe(1);
  });

  it('fails the whole batch, without writing again, when the failure may have committed', async () => {
    const w = recorder({ fail: () => new Error('connection lost during COMMIT') });
    const gc = new Batcher({ maxBatch: 100, maxInFlight: 1, write: w.write, rolledBack: () => false });
    const settled = await Promise.allSettled([1, 2].map((i) => gc.submit(i)));
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
    expect(w.batches).toEqual([[1, 2]]);
  });

  it('refuses a writer that answers a different number of results, without writing again', async () => {
    const gc = new Batcher<number, number>({ maxBatch: 10, maxInFlight: 1, write: async () => [1] });
    const settled = await Promise.allSettled([1, 2].map((i) => gc.submit(i)));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(gc.stats.fallbacks).toBe(0);
  });
});
