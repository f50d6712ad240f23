// A city's safety office runs the whole city: its towns (and villages) of every county are collected,
// computed and ranked together; a county's safety office keeps to its county.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { JobRunner } from '../../jobs/runner.js';
import { type Actor, SYSTEM } from '../access/actor.js';
import { makeAccount, TEST_PASSWORD } from '../access/testing.js';
import type { NewUnit } from '../units/schema.js';

let ctx: TestContext;

/** 3303 with two counties of two towns each, one village under every town. */
function twoCounties(): NewUnit[] {
  const units: NewUnit[] = [{ code: '3303', name: '温州市', level: 'city', parentCode: null }];
  for (const county of ['330302', '330304']) {
    units.push({ code: county, name: `区${county}`, level: 'county', parentCode: '3303' });
    for (const t of ['001', '002']) {
      units.push(
        {
          code: `${county}${t}`,
          name: `街道${county}${t}`,
          level: 'town',
          parentCode: county,
          population: 5000,
        },
        {
          code: `${county}${t}001`,
          name: `社区${county}${t}`,
          level: 'village',
          parentCode: `${county}${t}`,
          population: 5000,
        },
      );
    }
  }
  return units;
}

async function actorOf(username: string, unit: string): Promise<Actor> {
  await makeAccount(ctx, { username, roles: ['safety_office'], unit });
  const { token } = await ctx.services.access.login({ username, password: TEST_PASSWORD, ip: '127.0.0.1' });
  return ctx.services.access.authenticate({ sessionToken: token });
}

beforeAll(async () => {
  ctx = await createTestContext();
  ctx.clock.set(new Date('2026-11-03T02:00:00Z'));
  await ctx.services.units.insertUnits(SYSTEM, twoCounties());
  await ctx.services.safetyIndex.seedDefaultScheme();
});
afterAll(async () => {
  await ctx?.close();
});

describe('the unit a run covers', () => {
  it('is the whole city for a safety office scoped to the city, the county for a county’s', async () => {
    const city = await actorOf('city-office', '3303');
    const run = await ctx.services.safetyIndex.startRun(city, { period: '2026-10', level: 'town' });
    expect(run.within.name).toBe('温州市');
    expect(run.results.map((r) => r.code).sort()).toEqual([
      '330302001',
      '330302002',
      '330304001',
      '330304002',
    ]);

    const county = await actorOf('county-office', '330304');
    const preview = await ctx.services.safetyIndex.preview(
      county,
      (await ctx.services.safetyIndex.getScheme(county, 'default')).body,
      { period: '2026-10', level: 'village' },
    );
    expect(preview.results.map((r) => r.code).sort()).toEqual(['330304001001', '330304002001']);
  });
});

describe('the monthly job', () => {
  it('runs the whole installation as the system: the city with every county, towns and villages', async () => {
    const before = await ctx.db.query<{ id: number }>('SELECT id FROM index_run');
    await ctx.services.jobs.queue.enqueue(ctx.db, {
      kind: 'safety-index.monthly',
      payload: { occurrence: '2026-11-02T18:00:00Z' },
    });
    await new JobRunner(ctx.services.jobs.queue, ctx.services.jobs.schedules, { workerId: 't' }).runDue();
    const runs = await ctx.db.query<{ id: number; level: string; period: string; created_by: string }>(
      'SELECT id, level, period, created_by FROM index_run WHERE NOT (id = ANY($1::bigint[])) ORDER BY level',
      [before.map((r) => r.id)],
    );
    expect(runs.map((r) => [r.level, r.period, r.created_by])).toEqual([
      ['town', '2026-10', 'system'],
      ['village', '2026-10', 'system'],
    ]);
    const [town, village] = await Promise.all(runs.map((r) => ctx.services.safetyIndex.getRun(SYSTEM, r.id)));
    expect(town!.within.name).toBe('温州市');
    expect(town!.results.map((r) => r.code).sort()).toEqual([
      '330302001',
      '330302002',
      '330304001',
      '330304002',
    ]);
    expect(village!.results.map((r) => r.code).sort()).toEqual([
      '330302001001',
      '330302002001',
      '330304001001',
      '330304002001',
    ]);
  });
});
