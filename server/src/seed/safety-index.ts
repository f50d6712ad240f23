// The demo's safety-index history: the default scheme, six months of imported external values (警情,
// major cases, fires, road deaths, 信访 and petitions bypassing levels, survey rates) for every town and village, and a published run
// per month and level — except the latest month that is over, whose data are in but which is left for
// the safety office to run — so the five-color map, trends and accountability items show on a first start. Each unit has a steady "condition" plus monthly noise, so a few
// units stay orange or red for months in a row and climb the accountability ladder.
import { SYSTEM } from '../modules/access/actor.js';
import { previousPeriod } from '../modules/safety-index/domain/scheme.js';
import type { Services } from '../services.js';
import { villageCondition } from './events-history.js';
import { rngFor } from './rng.js';

export async function seedIndexHistory(
  services: Services,
  now: Date,
  opts: {
    seed: number /** months of data before the current one (the last is left to run) */;
    months?: number;
    districtCode: string;
  },
): Promise<{ runs: number }> {
  await services.safetyIndex.seedDefaultScheme();
  const months = opts.months ?? 6;
  const current = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
  const periods: string[] = [];
  for (let p = previousPeriod(current), k = 0; k < months; k++, p = previousPeriod(p)) periods.unshift(p);
  const district = await services.units.findByCode(opts.districtCode);
  if (!district) return { runs: 0 };
  let runs = 0;
  for (const level of ['town', 'village'] as const) {
    const units = await services.units.unitsAt(level, district.path);
    // a unit's condition: 0 good … 1 poor, a few clearly poor
    // a town's condition is its villages' average; a village's is the one its event history had
    const villages = level === 'village' ? [] : await services.units.unitsAt('village', district.path);
    const condition = new Map(
      units.map((u) => {
        if (level === 'village') return [u.code, villageCondition(opts.seed, u.code)];
        const mine = villages
          .filter((v) => v.path.startsWith(u.path))
          .map((v) => villageCondition(opts.seed, v.code));
        return [u.code, mine.length ? mine.reduce((a, b) => a + b, 0) / mine.length : 0.3];
      }),
    );
    for (const period of periods) {
      const rows = units.flatMap((u) => {
        const r = rngFor(opts.seed, 'index', period, u.code);
        const c = Math.min(1, Math.max(0, (condition.get(u.code) ?? 0.3) + (r.next() - 0.5) * 0.2));
        const per10k = (u.population ?? 5000) / 10_000;
        const n = (base: number) =>
          Math.max(0, Math.round(base * per10k * (0.5 + c * 1.5) * (0.8 + r.next() * 0.4)));
        const rate = (hi: number) => Math.round((hi - c * 0.18 - r.next() * 0.03) * 1000) / 1000;
        const source = (s: string) => `${s}（演示数据）`;
        return [
          { unitCode: u.code, indicator: 'police_incidents', value: n(18), source: source('公安分局') },
          {
            unitCode: u.code,
            indicator: 'major_cases',
            value: c > 0.85 && r.next() < 0.5 ? 1 : 0,
            source: source('公安分局'),
          },
          { unitCode: u.code, indicator: 'fire_incidents', value: n(1.2), source: source('消防救援大队') },
          {
            unitCode: u.code,
            indicator: 'traffic_deaths',
            value: c > 0.8 && r.next() < 0.3 ? 1 : 0,
            source: source('交警大队'),
          },
          { unitCode: u.code, indicator: 'petitions', value: n(6), source: source('信访局') },
          { unitCode: u.code, indicator: 'awareness_rate', value: rate(0.98), source: source('统计局调查') },
          {
            unitCode: u.code,
            indicator: 'survey_satisfaction',
            value: rate(0.97),
            source: source('统计局调查'),
          },
          // for the 六无平安村社 check
          {
            unitCode: u.code,
            indicator: 'irregular_petitions',
            value: c > 0.7 && r.next() < 0.3 ? 1 : 0,
            source: source('信访局'),
          },
        ];
      });
      await services.safetyIndex.importExternal(SYSTEM, period, rows);
      // the latest month that is over is left for the safety office to run (its data are in)
      if (period === periods.at(-1)) continue;
      const run = await services.safetyIndex.startRun(SYSTEM, { period, level });
      const confirmed = await services.safetyIndex.confirm(SYSTEM, run.id, run.version);
      await services.safetyIndex.publish(SYSTEM, confirmed.id, confirmed.version);
      runs++;
    }
  }
  return { runs };
}
