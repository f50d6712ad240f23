// The demo's event history: finished events of the months before the current one, filed in bulk through
// the events service's archive import (as a migration from an older system would be), so the safety
// index's platform metrics (resolution and on-time rates, satisfaction, reports per 1,000 residents by
// category) have a history. Villages in poorer condition report more and answer worse; the same
// condition drives the imported external values (safety-index.ts), so the two agree.
import { SYSTEM } from '../modules/access/actor.js';
import type { ArchiveItem } from '../modules/events/service.js';
import type { Services } from '../services.js';
import { rngFor } from './rng.js';

/** What was reported in a month, by top-level kind, with relative weights. */
const MIX: readonly [string, number, string][] = [
  ['fire.ebike_charging', 8, '电动车楼道充电'],
  ['city.street_vendors', 8, '流动摊贩占道经营'],
  ['city.garbage', 7, '垃圾堆积未清运'],
  ['traffic.road_damage', 5, '路面破损'],
  ['public_order.noise', 5, '夜间噪声扰民'],
  ['public_order.theft', 2, '电动车被盗'],
  ['fire.blocked_exit', 4, '消防通道堵塞'],
  ['disputes.neighbour', 5, '邻里纠纷'],
  ['disputes.labour', 2, '拖欠工资'],
  ['livelihood.elderly', 3, '独居老人需要帮助'],
  ['livelihood.utilities', 3, '小区停水停电'],
  ['public_order.rental', 3, '出租房未登记'],
];

/** Condition of a village, 0 good … 1 poor: the same draw the index history uses. */
export function villageCondition(seed: number, code: string): number {
  const r = rngFor(seed, 'index-condition', code);
  const x = r.next();
  return x > 0.93 ? 0.85 + r.next() * 0.15 : x * 0.7;
}

export async function seedEventHistory(
  services: Services,
  now: Date,
  opts: {
    seed: number;
    months: number;
    /** Reports per 1,000 residents per month at average condition. */
    perThousand?: number;
    places: readonly { code: string; lng: number; lat: number }[];
  },
): Promise<number> {
  const HOUR = 3600_000;
  const month0 = new Date(now.getTime() + 8 * HOUR).toISOString().slice(0, 7);
  const [y, m] = month0.split('-').map(Number) as [number, number];
  const total = MIX.reduce((s, x) => s + x[1], 0);
  const byVillage = new Map<string, { code: string; lng: number; lat: number }[]>();
  for (const p of opts.places) {
    const v = p.code.slice(0, 12);
    byVillage.set(v, [...(byVillage.get(v) ?? []), p]);
  }
  let filed = 0;
  for (let k = opts.months; k >= 1; k--) {
    const start = new Date(Date.UTC(y, m - 1 - k, 1) - 8 * HOUR);
    const end = new Date(Date.UTC(y, m - k, 1) - 8 * HOUR);
    const items: ArchiveItem[] = [];
    for (const [village, places] of byVillage) {
      const c = villageCondition(opts.seed, village);
      const r = rngFor(opts.seed, 'event-history', village, String(k));
      // about 5,000 residents a village; the count scales with its condition
      const n = Math.round(
        (opts.perThousand ?? 1) * places.length * 0.2 * (0.6 + c * 1.6) * (0.8 + r.next() * 0.4),
      );
      for (let i = 0; i < n; i++) {
        let x = r.next() * total;
        let pick = MIX[0]!;
        for (const mm of MIX) {
          x -= mm[1];
          if (x < 0) {
            pick = mm;
            break;
          }
        }
        const place = r.pick(places);
        const reportedAt = new Date(
          start.getTime() + r.next() * (end.getTime() - start.getTime() - 48 * HOUR),
        );
        const rejected = r.next() < 0.03;
        // poorer villages take longer (beyond the deadline more often) and please reporters less
        const hours = 2 + r.next() * (12 + c * 60);
        const rated = r.next() < 0.75;
        const good = r.next() > c * 0.5;
        items.push({
          categoryCode: pick[0],
          description: pick[2],
          lng: place.lng,
          lat: place.lat,
          source: r.next() < 0.6 ? 'app' : r.next() < 0.5 ? 'hotline' : 'staff',
          reportedAt,
          resolvedAt: rejected ? null : new Date(reportedAt.getTime() + hours * HOUR),
          rating: rejected || !rated ? null : good ? r.int(4, 5) : r.int(2, 3),
          reopened: !rejected && r.next() < 0.02 + c * 0.08,
        });
      }
    }
    filed += await services.events.importArchive(SYSTEM, items);
  }
  return filed;
}
