// What the benchmark reports, as a resident's phone would: a valid body (the category's required
// answer, a point inside a seeded micro-grid) and a unique Idempotency-Key per report. The key is also
// in the description, so that the database tells which request made which event.
import { DEMO_PASSWORD } from '../../server/src/config.js';

export const REPORTER = 'resident';
const WHERE = ['stairwell', 'indoors', 'lobby', 'basement'] as const;

export interface ReportBody {
  categoryCode: string;
  description: string;
  location: { lng: number; lat: number };
  answers: Record<string, string | number>;
}

/** The n-th report of a run: spread over the micro-grids, with the key written into its description. */
export function reportBody(points: readonly [number, number][], n: number, key: string): ReportBody {
  const [lng, lat] = points[Math.abs(n * 7919) % points.length]!;
  return {
    categoryCode: 'fire.ebike_charging',
    description: `楼道里有电动车在充电，存在火灾隐患（${key}）`,
    location: { lng, lat },
    answers: { where: WHERE[Math.abs(n) % WHERE.length]!, count: 1 + (Math.abs(n) % 4) },
  };
}

/** Logs the demo resident in; returns the Cookie header value of the session. */
export async function login(baseUrl: string, username = REPORTER): Promise<string> {
  const r = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (!r.ok) throw new Error(`login as ${username} answered ${r.status}: ${await r.text()}`);
  const cookie = r.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('login set no cookie');
  return cookie;
}

export interface PostResult {
  status: number;
  replayed: boolean;
  trackingNo: string | null;
  id: number | null;
  problem: string | null;
}

/** One POST /api/v1/events (rejects when the connection fails: no answer). */
export async function postReport(
  baseUrl: string,
  cookie: string,
  key: string,
  body: string,
  timeoutMs = 30_000,
): Promise<PostResult> {
  const r = await fetch(`${baseUrl}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'idempotency-key': key },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await r.text();
  if (r.status === 200 || r.status === 201) {
    const j = JSON.parse(text) as { trackingNo: string; id: number };
    return {
      status: r.status,
      replayed: r.headers.get('idempotent-replayed') === 'true',
      trackingNo: j.trackingNo,
      id: j.id,
      problem: null,
    };
  }
  return { status: r.status, replayed: false, trackingNo: null, id: null, problem: text.slice(0, 300) };
}
