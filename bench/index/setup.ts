// The data of one month for the index benchmark, made in bulk: the place hierarchy of the chosen scale
// (the seed's generator, written through UnitsService.insertUnits without the shape checks), the
// counties' departments, the event categories, the default scheme and a 20-indicator scheme, the month's
// events (bench/events/generate.ts: set-based INSERT … SELECT generate_series), and the external values of
// the month for every town and village (through SafetyIndexService.importExternal, as a CSV import does).
import { DEMO_PASSWORD } from '../../server/src/config.js';
import type { Db } from '../../server/src/db/index.js';
import { type Actor, SYSTEM } from '../../server/src/modules/access/actor.js';
import { seedEventCategories } from '../../server/src/modules/events/categories/seed.js';
import { DEFAULT_SCHEME } from '../../server/src/modules/safety-index/domain/default-scheme.js';
import type { SchemeBody } from '../../server/src/modules/safety-index/domain/scheme.js';
import { generateLayout, type Scale } from '../../server/src/seed/layout.js';
import { DEPARTMENTS } from '../../server/src/seed/people.js';
import type { Services } from '../../server/src/services.js';
import { generateEvents } from '../events/generate.js';

/** The scheme the runs use: the default fifteen indicators and five more, twenty in all (the size). */
export const BENCH_SCHEME_CODE = 'bench20';

type Indicator = SchemeBody['indicators'][number];

const EXTRA_INDICATORS: Indicator[] = [
  {
    code: 'traffic_rate',
    name: { zh: '千人道路交通事件', en: 'Traffic events per 1,000' },
    dimension: 'problems',
    direction: -1,
    weight: 1,
    source: 'events.group:traffic',
  },
  {
    code: 'construction_rate',
    name: { zh: '千人违建事件', en: 'Construction events per 1,000' },
    dimension: 'problems',
    direction: -1,
    weight: 1,
    source: 'events.group:construction',
  },
  {
    code: 'environment_rate',
    name: { zh: '千人环境诉求', en: 'Environment requests per 1,000' },
    dimension: 'needs',
    direction: -1,
    weight: 1,
    source: 'events.group:environment',
  },
  {
    code: 'city_rate',
    name: { zh: '千人城市管理诉求', en: 'City management requests per 1,000' },
    dimension: 'needs',
    direction: -1,
    weight: 1,
    source: 'events.group:city',
  },
  {
    code: 'participation_rate',
    name: { zh: '平安建设参与率', en: 'Participation rate (survey)' },
    dimension: 'effects',
    direction: 1,
    weight: 1,
    source: 'external:participation_rate',
  },
];

export const BENCH_SCHEME = {
  ...DEFAULT_SCHEME,
  name: { zh: '基准测试方案（20 项指标）', en: 'Benchmark scheme (20 indicators)' },
  indicators: [...DEFAULT_SCHEME.indicators, ...EXTRA_INDICATORS],
};

/** Plausible monthly values of the external indicators: [min, max, integer]. */
const EXTERNAL: Record<string, [number, number, boolean]> = {
  police_incidents: [2, 60, false],
  major_cases: [0, 3, true],
  fire_incidents: [0, 5, true],
  traffic_deaths: [0, 2, true],
  petitions: [0, 12, true],
  awareness_rate: [0.7, 0.99, false],
  survey_satisfaction: [0.72, 0.99, false],
  participation_rate: [0.5, 0.95, false],
};

export interface SetupResult {
  units: number;
  villages: number;
  towns: number;
  events: number;
  externalValues: number;
  /** Seconds of each stage. */
  stages: Record<string, number>;
  /** The safety office of the whole tree (scoped to its root unit). */
  actor: Actor;
  rootPath: string;
}

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function setupMonth(
  db: Db,
  services: Services,
  o: {
    scale: Scale;
    seed: number;
    /** YYYY-MM: the month measured; its events are made. */
    period: string;
    /** Months before it that get external values too (their runs are the measured run's history). */
    earlier: string[];
    /** The end of the month (the first instant of the next one, local). */
    monthEnd: Date;
    days: number;
    events: number;
    batch: number;
    onProgress?: (stage: string, done?: number, total?: number) => void;
  },
): Promise<SetupResult> {
  const stages: Record<string, number> = {};
  const stage = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    o.onProgress?.(name);
    const t = performance.now();
    try {
      return await fn();
    } finally {
      stages[name] = (performance.now() - t) / 1000;
    }
  };

  const layout = await stage('layout', async () => generateLayout(o.scale, o.seed));
  await stage('units', () =>
    services.units.insertUnits(SYSTEM, layout, {
      checkShapes: false,
      onProgress: (done, total) => o.onProgress?.('units', done, total),
    }),
  );
  await stage('reference', async () => {
    const counties = layout.filter((u) => u.level === 'county');
    await services.units.insertDepartments(
      SYSTEM,
      counties.flatMap((c) =>
        DEPARTMENTS.map((d) => ({
          code: `${c.code}-${d.suffix}`,
          name: `${c.name}${d.name}`,
          unitCode: c.code,
        })),
      ),
    );
    // the categories name the demo district's departments (as the seed does at both scales)
    await seedEventCategories(services, '330304');
    await services.safetyIndex.seedDefaultScheme();
    await services.safetyIndex.saveScheme(SYSTEM, BENCH_SCHEME_CODE, BENCH_SCHEME, null);
  });
  const gen = await stage('events', () =>
    generateEvents(db, {
      count: o.events,
      now: o.monthEnd,
      days: o.days,
      seed: o.seed / 10,
      batch: o.batch,
      timelineDays: 0, // the index reads no timeline
      onProgress: (done, total) => o.onProgress?.('events', done, total),
    }),
  );

  const root = layout.find((u) => u.parentCode === null)!;
  const actor = await stage('account', async () => {
    await services.access.createAccount(SYSTEM, {
      username: 'bench-safety-office',
      displayName: '平安办（基准测试）',
      password: DEMO_PASSWORD,
      roles: ['safety_office'],
      scopeUnitCode: root.code,
    });
    const { token } = await services.access.login({
      username: 'bench-safety-office',
      password: DEMO_PASSWORD,
      ip: '127.0.0.1',
    });
    return services.access.authenticate({ sessionToken: token });
  });

  const places = layout.filter((u) => u.level === 'village' || u.level === 'town');
  const external = await stage('external', async () => {
    let imported = 0;
    for (const [k, period] of [o.period, ...o.earlier].entries()) {
      const next = rng(o.seed * 7919 + k);
      const rows = places.flatMap((u) =>
        Object.entries(EXTERNAL).map(([indicator, [min, max, int]]) => {
          const x = min + (max - min) * next();
          return {
            unitCode: u.code,
            indicator,
            value: int ? Math.round(x) : Math.round(x * 1000) / 1000,
            source: 'bench',
          };
        }),
      );
      imported += (await services.safetyIndex.importExternal(actor, period, rows)).imported;
    }
    return imported;
  });
  const [{ path }] = (await db.query<{ path: string }>('SELECT path FROM unit WHERE code = $1', [
    root.code,
  ])) as [{ path: string }];
  return {
    units: layout.length,
    villages: layout.filter((u) => u.level === 'village').length,
    towns: layout.filter((u) => u.level === 'town').length,
    events: gen.events,
    externalValues: external,
    stages: { ...stages, 'events: rows': gen.stages.events, 'events: indexes': gen.stages.indexes },
    actor,
    rootPath: path,
  };
}
