// Helpers for the jobs tests: a side-effect table that handlers write through ctx.q, and a logger that
// keeps what it was given.
import type { Queryable } from '../db/index.js';
import type { JobLogger } from './queue.js';

export async function createEffectTable(q: Queryable): Promise<void> {
  await q.exec(`CREATE TABLE IF NOT EXISTS job_test_effect (
    job_id bigint NOT NULL, kind text NOT NULL, worker text, note text)`);
}

export async function effects(q: Queryable, kind: string) {
  return q.query<{ job_id: number; worker: string | null; note: string | null }>(
    'SELECT job_id, worker, note FROM job_test_effect WHERE kind = $1 ORDER BY job_id',
    [kind],
  );
}

export function recordingLogger(): JobLogger & { lines: unknown[] } {
  const lines: unknown[] = [];
  const keep = (level: string) => (obj: object, msg: string) => {
    lines.push({ level, ...obj, msg });
  };
  return { lines, info: keep('info'), warn: keep('warn'), error: keep('error') };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
