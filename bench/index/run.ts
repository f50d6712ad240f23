// One monthly run through SafetyIndexService as the safety office does it — startRun (collect, the
// anomaly flags, compute), confirm, publish — timed step by step, and the collect step measured again
// on its own (through the editor's preview, which collects the same way) against its floor: the figures
// the scheme reads (and the self-closed share collect always reads), written by hand as one bare GROUP BY
// of the month's events by the unit of the run's level, plus a bare read of the month's external values,
// in the same database through the same driver. Beside it, the bare count per unit (what the figures
// themselves cost).
import type { Db } from '../../server/src/db/index.js';
import type { Actor } from '../../server/src/modules/access/actor.js';
import { localMidnight } from '../../server/src/modules/events/service.js';
import { periodDays } from '../../server/src/modules/safety-index/domain/scheme.js';
import type { SafetyIndexService } from '../../server/src/modules/safety-index/service.js';
import type { Services } from '../../server/src/services.js';
import { figuresFloorSql, METRICS_FLOOR_SQL } from '../events/scale.js';

const DEPTH = { town: 3, village: 4 } as const;

/** Milliseconds of each call of the service's private steps, collected while the run goes. */
export interface StepTimes {
  collect: number[];
  computeRun: number[];
  applyLadder: number[];
}

/**
 * Wraps the service's private steps (collect, computeRun, applyLadder) to time each call. A step that
 * is not there any more (renamed) is left out of the breakdown, except collect, which the ratio needs.
 */
export function instrument(service: SafetyIndexService): { times: StepTimes; missing: string[] } {
  const times: StepTimes = { collect: [], computeRun: [], applyLadder: [] };
  const missing: string[] = [];
  const target = service as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const name of Object.keys(times) as (keyof StepTimes)[]) {
    const orig = target[name];
    if (typeof orig !== 'function') {
      if (name === 'collect') throw new Error('SafetyIndexService.collect is gone: the benchmark times it');
      missing.push(name);
      continue;
    }
    target[name] = async function (this: unknown, ...args: unknown[]) {
      const t = performance.now();
      try {
        return await orig.apply(this, args);
      } finally {
        times[name].push(performance.now() - t);
      }
    };
  }
  return { times, missing };
}

export interface RunSteps {
  level: 'town' | 'village';
  units: number;
  /** startRun: collect, anomaly flags, saving the inputs, compute, the run's answer. */
  startMs: number;
  collectMs: number;
  computeMs: number | null;
  confirmMs: number;
  publishMs: number;
  ladderMs: number | null;
  totalMs: number;
  missing: number;
  warnings: number;
  anomalies: number;
  colors: Record<string, number>;
}

export async function monthlyRun(
  services: Services,
  times: StepTimes,
  actor: Actor,
  period: string,
  level: 'town' | 'village',
  scheme: string,
): Promise<RunSteps> {
  const si = services.safetyIndex;
  const before = { c: times.collect.length, r: times.computeRun.length, l: times.applyLadder.length };
  const t0 = performance.now();
  const run = await si.startRun(actor, { period, level, scheme });
  const t1 = performance.now();
  const confirmed = await si.confirm(actor, run.id, run.version);
  const t2 = performance.now();
  const published = await si.publish(actor, confirmed.id, confirmed.version);
  const t3 = performance.now();
  const colors: Record<string, number> = {};
  for (const r of published.results) colors[r.color ?? 'none'] = (colors[r.color ?? 'none'] ?? 0) + 1;
  const sum = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) : null);
  return {
    level,
    units: published.results.length,
    startMs: t1 - t0,
    collectMs: sum(times.collect.slice(before.c)) ?? Number.NaN,
    computeMs: sum(times.computeRun.slice(before.r)),
    confirmMs: t2 - t1,
    publishMs: t3 - t2,
    ladderMs: sum(times.applyLadder.slice(before.l)),
    totalMs: t3 - t0,
    missing: run.missing.length,
    warnings: run.warnings.length,
    anomalies: run.anomalies.length,
    colors,
  };
}

export interface CollectTiming {
  service: number[];
  /** The same figures by hand + the external values (the floor the target is judged against). */
  floor: number[];
  /** The bare count per unit + the external values. */
  countFloor: number[];
  /** Rows the floor counted and read (events, external values). */
  floorEvents: number;
  floorExternal: number;
  /** What the floor computes from the events: the figures and category groups the scheme reads. */
  figures: string[];
  groups: string[];
}

/** The platform figures and category groups a scheme's indicators read (`events:x`, `events.group:g`). */
export function schemeReads(scheme: { indicators: readonly { source: string }[] }): {
  figures: string[];
  groups: string[];
} {
  // collect always reads the share of reports filed by staff and resolved within minutes (its anomaly flag)
  const figures = new Set(['staffQuickShare']);
  const groups = new Set<string>();
  for (const { source } of scheme.indicators) {
    if (source.startsWith('events.group:')) groups.add(source.slice('events.group:'.length));
    else if (source.startsWith('events:')) figures.add(source.slice('events:'.length));
  }
  return { figures: [...figures], groups: [...groups] };
}

/**
 * The bare aggregation of the same data: the month's events per unit of the level, computing the figures
 * the scheme reads (`reads`; without it, a count), and the month's external values of its indicators.
 */
export async function collectFloor(
  db: Db,
  period: string,
  level: 'town' | 'village',
  rootPath: string,
  reads?: { figures: string[]; groups: string[]; indicators: string[] },
): Promise<{ events: number; external: number }> {
  const days = periodDays(period);
  const from = localMidnight(days.from);
  const to = new Date(localMidnight(days.to).getTime() + 24 * 3600_000);
  const params = [from, to, rootPath, DEPTH[level]];
  const grouped = reads
    ? await db.query<{ reported: string }>(
        figuresFloorSql(reads.groups.length, {
          median: reads.figures.includes('medianResolveHours'),
          figures: reads.figures,
        }),
        [...params, ...reads.groups],
      )
    : await db.query<{ n: number }>(METRICS_FLOOR_SQL, params);
  const external = reads
    ? await db.query(
        'SELECT unit_id, indicator, value, source FROM index_external_value WHERE period = $1 AND indicator = ANY($2)',
        [period, reads.indicators],
      )
    : await db.query('SELECT unit_id, indicator, value FROM index_external_value WHERE period = $1', [
        period,
      ]);
  const events = grouped.reduce((s, r) => s + Number('n' in r ? r.n : r.reported), 0);
  return { events, external: external.length };
}

/**
 * The collect step again, `rounds` times, rotating with its two floors (the order turns each round):
 * SafetyIndexService.preview collects exactly as startRun does (then computes, untimed here).
 */
export async function measureCollect(
  db: Db,
  services: Services,
  times: StepTimes,
  actor: Actor,
  o: {
    period: string;
    level: 'town' | 'village';
    rootPath: string;
    scheme: { indicators: readonly { source: string }[] };
    rounds: number;
  },
): Promise<CollectTiming> {
  const service: number[] = [];
  const floor: number[] = [];
  const countFloor: number[] = [];
  const { figures, groups } = schemeReads(o.scheme);
  const indicators = o.scheme.indicators
    .filter((i) => i.source.startsWith('external:'))
    .map((i) => i.source.slice('external:'.length));
  let rows = { events: 0, external: 0 };
  const steps = [
    async () => {
      const n = times.collect.length;
      await services.safetyIndex.preview(actor, o.scheme, { period: o.period, level: o.level });
      service.push(times.collect[n]!);
    },
    async () => {
      const t = performance.now();
      rows = await collectFloor(db, o.period, o.level, o.rootPath, { figures, groups, indicators });
      floor.push(performance.now() - t);
    },
    async () => {
      const t = performance.now();
      await collectFloor(db, o.period, o.level, o.rootPath);
      countFloor.push(performance.now() - t);
    },
  ];
  for (let i = 0; i < o.rounds; i++)
    for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]!();
  return {
    service,
    floor,
    countFloor,
    floorEvents: rows.events,
    floorExternal: rows.external,
    figures,
    groups,
  };
}
