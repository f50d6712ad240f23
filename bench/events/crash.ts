// The crash test: sustained intake from a client that records every answer (Idempotency-Key, status,
// tracking number); SIGKILL of the server mid-run; a restart on the same data; the requests whose
// answer was lost sent again with the same keys and bodies (as the phone's retry queue does), and a
// sample of the acknowledged ones too (each must replay its first answer). Then, in the database:
// every acknowledged report exists exactly once, and no key made two events.
import type { Db } from '../../server/src/db/index.js';
import { type PostResult, postReport, reportBody } from './reports.js';
import type { ServerProcess } from './server.js';

interface Sent {
  key: string;
  body: string;
  /** The answer, or null when the connection failed (no answer: the report may or may not exist). */
  answer: PostResult | null;
}

export interface CrashOutcome {
  workers: number;
  /** Requests sent before the kill, and how many of them were answered 201. */
  sent: number;
  acknowledged: number;
  /** Answered with an error status before the kill (not acknowledged, not retried). */
  refused: number;
  /** Without an answer at the kill (in flight, or refused connections after it). */
  unanswered: number;
  restartSeconds: number;
  /** The unanswered ones sent again: made now, or replayed (Idempotent-Replayed: they had committed). */
  resentCreated: number;
  resentReplayed: number;
  resentFailed: number;
  /** Acknowledged ones sent again: replays with the same tracking number. */
  replaySample: number;
  replayMismatches: number;
}

export async function crashRun(o: {
  server: ServerProcess;
  cookie: string;
  points: readonly [number, number][];
  prefix: string;
  workers: number;
  killAfterSeconds: number;
  replaySample: number;
}): Promise<{ outcome: CrashOutcome; sent: Sent[] }> {
  const url = o.server.url;
  const sent: Sent[] = [];
  let stop = false;
  let n = 0;
  const worker = async () => {
    while (!stop) {
      const i = n++;
      const key = `${o.prefix}-${i}`;
      const s: Sent = { key, body: JSON.stringify(reportBody(o.points, i, key)), answer: null };
      sent.push(s);
      try {
        s.answer = await postReport(url, o.cookie, key, s.body);
      } catch {
        return; // the server is gone: this one's answer is lost
      }
    }
  };
  const running = Array.from({ length: o.workers }, () => worker());
  await new Promise((r) => setTimeout(r, o.killAfterSeconds * 1000));
  await o.server.kill();
  stop = true;
  await Promise.all(running);

  const acknowledged = sent.filter((s) => s.answer?.status === 201).length;
  const refused = sent.filter((s) => s.answer && s.answer.status !== 201).length;
  const lost = sent.filter((s) => !s.answer);
  const restartSeconds = await o.server.launch();

  let resentCreated = 0;
  let resentReplayed = 0;
  let resentFailed = 0;
  for (const s of lost) {
    const a = await postReport(url, o.cookie, s.key, s.body);
    s.answer = a;
    if (a.status === 201 && !a.replayed) resentCreated++;
    else if (a.replayed) resentReplayed++;
    else resentFailed++;
  }
  const lostSet = new Set(lost);
  const acked = sent.filter((s) => s.answer?.status === 201 && !lostSet.has(s));
  const step = Math.max(1, Math.floor(acked.length / Math.max(1, o.replaySample)));
  let replaySample = 0;
  let replayMismatches = 0;
  for (let i = 0; i < acked.length && replaySample < o.replaySample; i += step) {
    const s = acked[i]!;
    const a = await postReport(url, o.cookie, s.key, s.body);
    replaySample++;
    if (!a.replayed || a.trackingNo !== s.answer!.trackingNo) replayMismatches++;
  }
  return {
    outcome: {
      workers: o.workers,
      sent: sent.length,
      acknowledged,
      refused,
      unanswered: lost.length,
      restartSeconds,
      resentCreated,
      resentReplayed,
      resentFailed,
      replaySample,
      replayMismatches,
    },
    sent,
  };
}

export interface CrashCheck {
  /** Reports answered 2xx (before the kill, or on a retry after it). */
  acknowledged: number;
  /** Acknowledged tracking numbers missing from the database, or holding another request's report. */
  lost: number;
  /** Keys (requests) that made more than one event. */
  doubled: number;
  /** Events of this run whose key no request of the client sent (should be none). */
  strays: number;
  /** Idempotency keys left claimed without an answer (status 0). */
  stuckKeys: number;
}

/** Verifies the run in the database (the server stopped, or any other connection). */
export async function verifyCrash(db: Db, prefix: string, sent: Sent[]): Promise<CrashCheck> {
  const acked = sent.filter((s) => s.answer && (s.answer.status === 201 || s.answer.status === 200));
  const found = await db.query<{ tracking_no: string; description: string }>(
    'SELECT tracking_no, description FROM event WHERE tracking_no = ANY($1::text[])',
    [acked.map((s) => s.answer!.trackingNo)],
  );
  const byNo = new Map(found.map((r) => [r.tracking_no, r.description]));
  let lost = 0;
  for (const s of acked) {
    const d = byNo.get(s.answer!.trackingNo!);
    if (!d?.includes(`（${s.key}）`)) lost++;
  }
  // the description carries the key: a key with two events shows as a repeated description
  const like = `%（${prefix}-%`;
  const [dup] = await db.query<{ doubled: number; events: number; keys: number }>(
    `SELECT count(*) FILTER (WHERE n > 1)::int AS doubled, COALESCE(sum(n), 0)::int AS events,
            count(*)::int AS keys
     FROM (SELECT description, count(*) AS n FROM event WHERE description LIKE $1 GROUP BY 1) d`,
    [like],
  );
  const sentKeys = new Set(sent.map((s) => s.key));
  const descriptions = await db.query<{ description: string }>(
    'SELECT DISTINCT description FROM event WHERE description LIKE $1',
    [like],
  );
  const strays = descriptions.filter((r) => {
    const m = /（([^（）]+)）$/.exec(r.description);
    return !m || !sentKeys.has(m[1]!);
  }).length;
  const [stuck] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM idempotency_key WHERE key LIKE $1 AND status = 0`,
    [`${prefix}-%`],
  );
  return {
    acknowledged: acked.length,
    lost,
    doubled: dup?.doubled ?? 0,
    strays,
    stuckKeys: stuck?.n ?? 0,
  };
}
