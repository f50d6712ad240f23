// Intake over HTTP on loopback: autocannon against POST /api/v1/events of the running server, every
// request a new report with its own Idempotency-Key (so every one makes an event), from N keep-alive
// connections — unthrottled (the most the server takes) or at a fixed offered rate (latencies then
// corrected for coordinated omission, as wrk2 does: a request that waits to be sent counts its wait).
import autocannon from 'autocannon';
import { reportBody } from './reports.js';

export interface IntakeRun {
  /** Offered rate (req/s), or null when unthrottled. */
  offered: number | null;
  connections: number;
  seconds: number;
  /** Answered 2xx per second over the run. */
  rate: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  statusCodes: Record<string, number>;
}

export async function runIntake(o: {
  url: string;
  cookie: string;
  points: readonly [number, number][];
  /** Keys are `${prefix}-${n}`: unique across the runs of one benchmark. */
  prefix: string;
  connections: number;
  seconds: number;
  rate?: number;
}): Promise<IntakeRun> {
  let n = 0;
  const instance = autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.seconds,
    timeout: 30,
    ...(o.rate ? { overallRate: o.rate } : {}),
    requests: [
      {
        method: 'POST',
        path: '/api/v1/events',
        setupRequest(req) {
          const i = n++;
          const key = `${o.prefix}-${i}`;
          return {
            ...req,
            headers: {
              ...req.headers,
              'content-type': 'application/json',
              cookie: o.cookie,
              'idempotency-key': key,
            },
            body: JSON.stringify(reportBody(o.points, i, key)),
          };
        },
      },
    ],
  });
  const r = await instance;
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, v.count]));
  return {
    offered: o.rate ?? null,
    connections: o.connections,
    seconds: r.duration,
    rate: r['2xx'] / r.duration,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    statusCodes,
  };
}
