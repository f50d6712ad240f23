// The demo's recent events: a week of reports walked through the loop by the services, as the
// people of the district would have (residents report, the dispatcher accepts and assigns, handlers
// start and resolve, reporters rate; some are returned, reopened, rejected, merged or left overdue).
// A seed-only EventsService runs on a ManualClock that walks forward through the days, so every
// timestamp, deadline and supervision step is what the live system would have written.
import { type Clock, ManualClock } from '../clock.js';
import type { Actor, Role, ScopeDepartment, ScopeUnit } from '../modules/access/actor.js';
import { SYSTEM } from '../modules/access/actor.js';
import type { CategoryDto } from '../modules/events/categories/schema.js';
import type { CreatedEvent, EventDetail } from '../modules/events/schema.js';
import { EventsService } from '../modules/events/service.js';
import type { Services } from '../services.js';
import { type Rng, rngFor } from './rng.js';

export interface EventSeedOptions {
  seed: number;
  /** Days of history ending today (default 7). */
  days?: number;
  /** Reports per day on average (default 40). */
  perDay?: number;
  /** Micro-grids to report from: code and a point inside (WGS84). */
  places: readonly { code: string; lng: number; lat: number }[];
  /** The demo resident's account id: some reports are theirs, so "my reports" has a history. */
  residentId: number | null;
  onProgress?: (done: number, total: number) => void;
}

/** What residents and grid workers report most, with relative weights (the common matters of a district). */
const MIX: readonly [string, number, string][] = [
  ['fire.ebike_charging', 9, '楼道里有电动车在充电，存在火灾隐患'],
  ['city.street_vendors', 8, '校门口有流动摊贩占道经营'],
  ['city.garbage', 7, '路边垃圾堆积多日无人清运'],
  ['traffic.road_damage', 5, '路面出现坑洼，电动车经过容易摔倒'],
  ['public_order.noise', 5, '夜间广场舞音响声音太大'],
  ['fire.blocked_exit', 4, '小区消防通道被车辆堵塞'],
  ['disputes.neighbour', 4, '楼上漏水，邻居之间发生争吵'],
  ['public_order.rental', 4, '出租房新住进租客，尚未登记'],
  ['fire.wiring', 3, '沿街店铺私拉乱接电线'],
  ['disputes.labour', 2, '工地工人反映被拖欠工资'],
  ['environment.air', 2, '附近厂房排放刺鼻气味'],
  ['fire.equipment', 2, '楼道灭火器过期'],
];

const ANSWERS: Record<string, (rng: Rng) => Record<string, string | number | string[]>> = {
  'fire.ebike_charging': (r) => ({
    where: r.pick(['stairwell', 'indoors', 'lobby', 'basement']),
    count: r.int(1, 4),
  }),
  'disputes.labour': (r) => ({ workers: r.int(2, 30) }),
  'disputes.collective': (r) => ({ crowd: r.int(10, 60) }),
};

const HOUR = 3600_000;

/** Seeds `days` days of events ending at `now`; returns how many were filed. */
export async function seedEvents(services: Services, now: Date, opts: EventSeedOptions): Promise<number> {
  const days = opts.days ?? 7;
  const perDay = opts.perDay ?? 40;
  const rng = rngFor(opts.seed, 'events');
  const clock = new ManualClock(new Date(now.getTime() - days * 24 * HOUR));
  const events = new EventsService(
    services.db,
    services.audit,
    services.units,
    services.categories,
    services.media,
    null,
    clock as Clock,
    { registerMediaPolicy: false },
  );
  const categories = new Map<string, CategoryDto>();
  for (const [code] of MIX) {
    const c = await services.categories.current(code);
    if (c?.active) categories.set(code, c);
  }
  const mix = MIX.filter(([code]) => categories.has(code));
  const total = mix.reduce((s, [, w]) => s + w, 0);
  const pickCategory = () => {
    let x = rng.next() * total;
    for (const m of mix) {
      x -= m[1];
      if (x < 0) return m;
    }
    return mix[0]!;
  };

  // all the day's reports first, then the work on them in time order
  type Job = { at: number; run: () => Promise<void> };
  const queue: Job[] = [];
  const schedule = (at: number, run: () => Promise<void>) => queue.push({ at, run });
  // local (UTC+8) midnight of the first day
  const firstDay = new Date(now.getTime() - days * 24 * HOUR + 8 * HOUR).toISOString().slice(0, 10);
  const startMs = new Date(`${firstDay}T00:00:00+08:00`).getTime();
  let filed = 0;
  const planned = Math.round(days * perDay);
  for (let d = 0; d < days; d++) {
    const n = Math.max(0, Math.round(perDay * (0.75 + rng.next() * 0.5)));
    for (let i = 0; i < n; i++) {
      // 07:00–21:00 local
      const at = startMs + d * 24 * HOUR + (7 + rng.next() * 14) * HOUR;
      if (at >= now.getTime()) continue;
      const [code, , text] = pickCategory();
      const place = rng.pick(opts.places);
      const mine = opts.residentId !== null && rng.next() < 0.08;
      const anonymous = !mine && rng.next() < 0.3;
      const fate = rng.next();
      const answers = ANSWERS[code]?.(rng) ?? {};
      schedule(at, async () => {
        const reporter: Actor = mine
          ? resident(opts.residentId as number)
          : anonymous
            ? { kind: 'anonymous' }
            : resident(-100 - (filed % 50));
        const created = await events.create(
          reporter,
          {
            categoryCode: code,
            description: text,
            location: { lng: place.lng, lat: place.lat, crs: 'wgs84' },
            answers,
            mediaIds: [],
            anonymous: false,
          },
          { source: reporter.kind === 'anonymous' ? 'app' : rng.next() < 0.3 ? 'staff' : 'app' },
        );
        filed++;
        opts.onProgress?.(filed, Math.max(planned, filed));
        await plan(created.event, reporter, fate, at);
      });
    }
  }

  const plan = async (ev: CreatedEvent, reporter: Actor, fate: number, at: number) => {
    const token = ev.followToken ?? undefined;
    const dispatcher = SYSTEM;
    const accept = at + rng.range(0.2, 2) * HOUR;
    if (fate < 0.04) {
      schedule(accept, async () => {
        await step(ev.id, dispatcher, { action: 'reject', reason: '不属于受理范围，已告知反映人' });
      });
      return;
    }
    schedule(accept, async () => {
      await step(ev.id, dispatcher, { action: 'accept' });
      if (!ev.route) return;
      await step(ev.id, dispatcher, { action: 'assign', assignee: { kind: ev.route.kind, id: ev.route.id } });
      const handler = await handlerFor(ev.route.kind, ev.route.id);
      if (!handler) return;
      const category = await services.categories.current(ev.category.code);
      const allowed = (category?.deadline.hours ?? 24) * HOUR;
      // 8 % never finish in time (overdue), 5 % are returned, the rest resolve within 20–120 % of the time
      if (fate < 0.12) return;
      if (fate < 0.17) {
        schedule(accept + 0.5 * HOUR, async () => {
          await step(ev.id, handler, { action: 'return', reason: '不属于本单位职责，请重新派遣' });
        });
        return;
      }
      const startAt = accept + rng.range(0.1, 0.3) * allowed;
      const resolveAt = accept + rng.range(0.2, fate < 0.3 ? 1.3 : 0.95) * allowed;
      schedule(startAt, async () => {
        await step(ev.id, handler, { action: 'start' });
      });
      schedule(Math.max(resolveAt, startAt + 0.1 * HOUR), async () => {
        await step(ev.id, handler, { action: 'resolve', note: '已到现场处置完毕，问题已解决' });
        const rateAt = Math.max(resolveAt, startAt + 0.1 * HOUR) + rng.range(1, 30) * HOUR;
        const r = rng.next();
        if (r < 0.25) return; // never rated: closed by the system after 7 days
        schedule(rateAt, async () => {
          const rating = r < 0.33 ? rng.int(1, 2) : rng.int(3, 5);
          await step(ev.id, reporter, {
            action: 'rate',
            rating,
            ...(token ? { followToken: token } : {}),
            ...(rating <= 2 ? { comment: '问题还没有彻底解决' } : {}),
          });
        });
      });
    });
  };

  // versions as the steps left them (supervision does not bump them past what we track: it runs
  // with the loop's own updates, so re-read only after a refusal)
  const versions = new Map<number, number>();
  const step = async (id: number, actor: Actor, body: Record<string, unknown>) => {
    const attempt = async (version: number) => {
      const after: EventDetail = await events.transition(actor, id, {
        version,
        mediaIds: [],
        ...body,
      } as never);
      versions.set(id, after.version);
    };
    try {
      await attempt(versions.get(id) ?? 1);
    } catch {
      try {
        await attempt((await events.get(SYSTEM, id)).version);
      } catch {
        // a planned step the event no longer allows (it was merged, say): the demo moves on
      }
    }
  };

  const handlers = new Map<string, Actor | null>();
  const handlerFor = async (kind: 'unit' | 'department', id: number): Promise<Actor | null> => {
    const key = `${kind}:${id}`;
    if (!handlers.has(key)) {
      let scope: { unit: ScopeUnit | null; department: ScopeDepartment | null } | null = null;
      let roles: Role[] = [];
      if (kind === 'unit') {
        const u = await services.units.getScopeUnit(id);
        if (u) {
          scope = { unit: u, department: null };
          roles = [
            u.level === 'county'
              ? 'dispatcher'
              : u.level === 'town'
                ? 'town_staff'
                : u.level === 'village'
                  ? 'village_staff'
                  : 'grid_worker',
          ];
        }
      } else {
        const dep = await services.units.getScopeDepartment(id);
        if (dep) {
          scope = { unit: null, department: dep };
          roles = ['department_staff'];
        }
      }
      handlers.set(
        key,
        scope
          ? {
              kind: 'user',
              id: -1,
              username: 'demo-seed',
              displayName: `${scope.unit?.name ?? scope.department?.name}工作人员`,
              roles,
              scope,
            }
          : null,
      );
    }
    return handlers.get(key) ?? null;
  };

  // run everything in time order; work scheduled while running joins the queue
  let lastSweep = 0;
  while (queue.length) {
    queue.sort((a, b) => a.at - b.at);
    const next = queue.splice(0, 1)[0]!;
    if (next.at >= now.getTime()) continue;
    clock.set(new Date(next.at));
    // supervision as the sweep would have run it (hourly is enough for a demo's history)
    if (next.at - lastSweep >= HOUR) {
      await services.db.tx((q) => events.supervise(q, clock.now()));
      lastSweep = next.at;
    }
    await next.run();
  }
  clock.set(now);
  await services.db.tx((q) => events.supervise(q, now));
  return filed;
}

function resident(id: number): Actor {
  return {
    kind: 'user',
    id,
    username: id > 0 ? 'resident' : `demo-resident-${-id}`,
    displayName: '群众',
    roles: ['resident'],
    scope: { unit: null, department: null },
  };
}
