// The floors of intake, in the benchmark's own process on the server's database (through the same
// driver the server uses: PGlite in-process, or a node-postgres pool of the server's size), at the same
// concurrency as the HTTP run:
//   bare insert  — one single-row INSERT of the same row (the columns the service writes) into a table
//                  of the same shape (LIKE event INCLUDING ALL: the same columns, checks, defaults and
//                  the same 13 indexes, plus the foreign key to unit); what cannot be avoided.
//   service      — EventsService.create in-process (no HTTP): everything intake does except the HTTP
//                  edge, with every statement counted and timed by a wrapper around the database, to
//                  show where the time of one report goes.
import type { Db, Row } from '../../server/src/db/index.js';
import { interceptQueries } from '../../server/src/db/intercept.js';
import type { Actor } from '../../server/src/modules/access/actor.js';
import { createEventBody } from '../../server/src/modules/events/schema.js';
import type { Services } from '../../server/src/services.js';
import { type Summary, summarize } from '../lib/stats.js';
import { reportBody } from './reports.js';

/** The columns EventsService.create writes (repository.insertEvent), updated_at included. */
const COLUMNS = [
  'county_code',
  'tracking_no',
  'category_id',
  'category_version',
  'category_code',
  'category_group',
  'priority',
  'state',
  'source',
  'external_id',
  'description',
  'answers',
  'address',
  'lng',
  'lat',
  'unit_id',
  'unit_path',
  'route_kind',
  'route_id',
  'route_level',
  'anonymous',
  'reporter_account_id',
  'reporter_name',
  'reporter_phone',
  'abuse_key',
  'created_by',
  'created_at',
  'updated_at',
] as const;
const FLOOR_TABLE = 'bench_event_floor';

export interface Throughput {
  /** Operations per second. */
  rate: number;
  count: number;
  seconds: number;
  /** Milliseconds per operation. */
  latency: Summary;
}

/** `workers` loops calling `op` until `seconds` have passed; the rate over the whole run. */
async function closedLoop(
  workers: number,
  seconds: number,
  op: (n: number) => Promise<void>,
): Promise<Throughput> {
  const latencies: number[] = [];
  let n = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < end) {
        const i = n++;
        const t = performance.now();
        await op(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const took = (performance.now() - t0) / 1000;
  return {
    rate: latencies.length / took,
    count: latencies.length,
    seconds: took,
    latency: summarize(latencies),
  };
}

/** The bare-insert floor: the same row as a report the server made (`sampleId`), many times over. */
export async function bareInsertFloor(
  db: Db,
  sampleId: number,
  workers: number,
  seconds: number,
): Promise<Throughput> {
  await db.exec(`DROP TABLE IF EXISTS ${FLOOR_TABLE};
    CREATE TABLE ${FLOOR_TABLE} (LIKE event INCLUDING ALL);
    ALTER TABLE ${FLOOR_TABLE} ADD FOREIGN KEY (unit_id) REFERENCES unit (id)`);
  try {
    const [row] = await db.query<Row>(`SELECT ${COLUMNS.join(', ')} FROM event WHERE id = $1`, [sampleId]);
    if (!row) throw new Error(`no event ${sampleId} to copy`);
    const values = COLUMNS.map((c) => (c === 'answers' ? JSON.stringify(row[c]) : row[c]));
    const tracking = COLUMNS.indexOf('tracking_no');
    const sql = `INSERT INTO ${FLOOR_TABLE} (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;
    const insert = (n: number) => {
      const v = [...values];
      v[tracking] = `${row.tracking_no}-f${n}`;
      return db.query(sql, v).then(() => {});
    };
    for (let i = 0; i < 50; i++) await insert(-1 - i); // warm the plan and the pages
    return await closedLoop(workers, seconds, insert);
  } finally {
    await db.exec(`DROP TABLE IF EXISTS ${FLOOR_TABLE}`);
  }
}

export interface StatementCost {
  /** The statement's first words, whitespace squeezed. */
  sql: string;
  calls: number;
  /** Milliseconds over all calls. */
  totalMs: number;
}

/** A Db that counts and times every statement, transactions included (for the service diagnostics). */
export function countingDb(db: Db): { db: Db; costs: Map<string, StatementCost>; reset(): void } {
  const costs = new Map<string, StatementCost>();
  const query = async (text: string, _params: readonly unknown[], run: () => Promise<Row[]>) => {
    const t = performance.now();
    try {
      return await run();
    } finally {
      const key = text.replace(/\s+/g, ' ').trim().slice(0, 120);
      const c = costs.get(key) ?? { sql: key, calls: 0, totalMs: 0 };
      c.calls++;
      c.totalMs += performance.now() - t;
      costs.set(key, c);
    }
  };
  return { db: interceptQueries(db, { query }), costs, reset: () => costs.clear() };
}

export interface ServiceIntake extends Throughput {
  /** Statements per report (the transaction's BEGIN/COMMIT not included). */
  statementsPerReport: number;
  /** One report at a time: milliseconds per report, and the costliest statements by total time. */
  sequential: { count: number; latency: Summary; top: StatementCost[] };
}

/**
 * EventsService.create in-process: the rate at `workers` concurrent reports, then `seconds` of
 * reports one at a time, whose statements are timed without waiting for a connection.
 */
export async function serviceIntake(
  services: Services,
  costs: Map<string, StatementCost>,
  actor: Actor,
  points: readonly [number, number][],
  prefix: string,
  workers: number,
  seconds: number,
): Promise<ServiceIntake> {
  let k = 0;
  const create = async () => {
    const key = `${prefix}-${k++}`;
    // the route's zod parse included (it fills the defaults the service expects)
    await services.events.create(actor, createEventBody.parse(reportBody(points, k, key)), {
      idempotencyKey: key,
      address: '127.0.0.1',
    });
  };
  for (let i = 0; i < 20; i++) await create(); // warm the caches (locate index, categories)
  costs.clear();
  const run = await closedLoop(workers, seconds, create);
  const statements = [...costs.values()].reduce((s, c) => s + c.calls, 0);
  costs.clear();
  const one = await closedLoop(1, Math.max(1, seconds / 2), create);
  const top = [...costs.values()].sort((a, b) => b.totalMs - a.totalMs).slice(0, 8);
  return {
    ...run,
    statementsPerReport: statements / run.count,
    sequential: { count: one.count, latency: one.latency, top },
  };
}
