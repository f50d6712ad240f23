// The hazard taxonomy against a real database, through the HTTP edge where it matters: the seed,
// reading (current and earlier versions), editing (new immutable versions, optimistic concurrency),
// validation (400/422, nothing stored) and who may edit (401/403), with the audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/context.js';
import type { App } from '../../../http/types.js';
import { SYSTEM } from '../../access/actor.js';
import { login, makeAccount } from '../../access/testing.js';
import { insertSmallDistrict } from '../../units/test-factories.js';
import type { DomainDto } from './schema.js';
import { seedHazardTaxonomy } from './seed.js';

let ctx: TestContext;
let app: App;
const cookie: Record<string, string> = {};

beforeAll(async () => {
  ctx = await createTestContext();
  await insertSmallDistrict(ctx.services.units);
  await makeAccount(ctx, { username: 'district-admin', roles: ['admin'], unit: 'C1' });
  await makeAccount(ctx, { username: 'town-admin', roles: ['admin'], unit: 'T1' });
  await makeAccount(ctx, { username: 'safety-office', roles: ['safety_office'], unit: 'C1' });
  app = await ctx.app();
  for (const u of ['district-admin', 'town-admin', 'safety-office']) cookie[u] = await login(app, u);
});
afterAll(async () => {
  await ctx?.close();
});

const count = async (table: string) =>
  (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;

const send = (method: 'GET' | 'PUT', url: string, as?: string, payload?: unknown) =>
  app.inject({
    method,
    url,
    ...(as ? { headers: { cookie: cookie[as]! } } : {}),
    ...(payload ? { payload } : {}),
  });

const expectProblem = (res: Awaited<ReturnType<typeof send>>, status: number, code: string) => {
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status, code });
};

/** The editable rules of a DTO plus the version read: a valid PUT body. */
const bodyOf = (d: DomainDto) => {
  const { id, code, currentVersion, createdAt, createdBy, description, ...rest } = d;
  return { ...rest, ...(description ? { description } : {}) };
};

describe('seed', () => {
  it('creates the ten domains once; a second run changes nothing', async () => {
    expect(await seedHazardTaxonomy(ctx.services, 'C1')).toEqual({ created: 10, existing: 0 });
    expect(await seedHazardTaxonomy(ctx.services, 'C1')).toEqual({ created: 0, existing: 10 });
    expect(await count('hazard_domain')).toBe(10);
    expect(await count('hazard_domain_version')).toBe(10);
    expect(await count("audit_log WHERE action = 'hazard_domain.create'")).toBe(10);
  });

  it('refuses a district whose departments do not exist, storing nothing', async () => {
    await expect(seedHazardTaxonomy(ctx.services, 'NOPE')).rejects.toMatchObject({
      code: 'hazards.unknown_department',
    });
    expect(await count('hazard_domain')).toBe(10);
  });
});

describe('reading', () => {
  it('lists the ten domains to anyone, in order, each with 3–8 aspects, a department and deadlines', async () => {
    const res = await send('GET', '/api/v1/hazard-domains');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: DomainDto[]; total: number; page: number; pageSize: number };
    expect(body).toMatchObject({ total: 10, page: 1, pageSize: 200 });
    expect(body.items.map((d) => d.code)).toEqual([
      'road_traffic',
      'sea_fishing',
      'fire',
      'hazardous_chemicals',
      'construction',
      'gas',
      'ebike',
      'rental_housing',
      'special_equipment',
      'crowded_places',
    ]);
    for (const d of body.items) {
      expect(d.aspects.length, d.code).toBeGreaterThanOrEqual(3);
      expect(d.aspects.length, d.code).toBeLessThanOrEqual(8);
      expect(d.departmentCode).toMatch(/^C1-[A-Z]{2}$/);
      expect(d.deadlineHours.general).toBeGreaterThan(0);
    }
    const page2 = (await send('GET', '/api/v1/hazard-domains?page=2&pageSize=3')).json();
    expect(page2.items.map((d: DomainDto) => d.code)).toEqual(['hazardous_chemicals', 'construction', 'gas']);
    expect(page2.total).toBe(10);
  });

  it('gives one domain with its rules; 404 for unknown codes and versions; 400 for bad codes', async () => {
    const res = await send('GET', '/api/v1/hazard-domains/fire');
    expect(res.json()).toMatchObject({
      code: 'fire',
      version: 1,
      currentVersion: 1,
      position: 3,
      name: { zh: '消防', en: 'Fire' },
      departmentCode: 'C1-XF',
      deadlineHours: { general: 72, major: 168, critical: 720 },
      aspects: expect.arrayContaining([{ code: 'blocked_exits', name: expect.any(Object), active: true }]),
      createdBy: 'system',
    });
    expectProblem(await send('GET', '/api/v1/hazard-domains/no_such'), 404, 'hazards.domain_not_found');
    expectProblem(
      await send('GET', '/api/v1/hazard-domains/fire?version=9'),
      404,
      'hazards.domain_version_not_found',
    );
    expectProblem(await send('GET', '/api/v1/hazard-domains/Fire%20X'), 400, 'http.validation_failed');
    expectProblem(await send('GET', '/api/v1/hazard-domains/fire?version=0'), 400, 'http.validation_failed');
  });
});

describe('editing', () => {
  it('lets only district administrators edit (401 anonymous, 403 others), storing nothing', async () => {
    const fire = bodyOf((await ctx.services.hazardTaxonomy.current('fire'))!);
    const edited = { ...fire, deadlineHours: { ...fire.deadlineHours, general: 48 } };
    expectProblem(
      await send('PUT', '/api/v1/hazard-domains/fire', undefined, edited),
      401,
      'http.unauthenticated',
    );
    expectProblem(
      await send('PUT', '/api/v1/hazard-domains/fire', 'safety-office', edited),
      403,
      'http.forbidden',
    );
    expectProblem(
      await send('PUT', '/api/v1/hazard-domains/fire', 'town-admin', edited),
      403,
      'http.forbidden',
    );
    expect(await count('hazard_domain_version')).toBe(10);
    expect(await count("audit_log WHERE action = 'hazard_domain.update'")).toBe(0);
  });

  it.each([
    ['no version', (b: Record<string, unknown>) => ({ ...b, version: undefined })],
    [
      'a zero deadline',
      (b: Record<string, unknown>) => ({ ...b, deadlineHours: { general: 0, major: 1, critical: 1 } }),
    ],
    [
      'a deadline over a year',
      (b: Record<string, unknown>) => ({ ...b, deadlineHours: { general: 9000, major: 1, critical: 1 } }),
    ],
    ['no aspects', (b: Record<string, unknown>) => ({ ...b, aspects: [] })],
    [
      'duplicate aspect codes',
      (b: Record<string, unknown>) => ({
        ...b,
        aspects: [1, 2].map(() => ({ code: 'dup', name: { zh: '重', en: 'd' } })),
      }),
    ],
    [
      'an aspect code with capitals',
      (b: Record<string, unknown>) => ({ ...b, aspects: [{ code: 'Bad', name: { zh: '坏', en: 'b' } }] }),
    ],
    ['a bad department code', (b: Record<string, unknown>) => ({ ...b, departmentCode: 'C1_XF' })],
    ['an unknown field', (b: Record<string, unknown>) => ({ ...b, colour: 'red' })],
  ])('answers 400 for %s, storing nothing', async (_what, patch) => {
    const fire = bodyOf((await ctx.services.hazardTaxonomy.current('fire'))!);
    const res = await send('PUT', '/api/v1/hazard-domains/fire', 'district-admin', patch(fire));
    expectProblem(res, 400, 'http.validation_failed');
    expect(res.json().errors.length).toBeGreaterThan(0);
    expect((await ctx.services.hazardTaxonomy.current('fire'))!.version).toBe(1);
  });

  it('answers 422 for an unknown department or a removed aspect', async () => {
    const gas = bodyOf((await ctx.services.hazardTaxonomy.current('gas'))!);
    expectProblem(
      await send('PUT', '/api/v1/hazard-domains/gas', 'district-admin', { ...gas, departmentCode: 'C1-XX' }),
      422,
      'hazards.unknown_department',
    );
    const res = await send('PUT', '/api/v1/hazard-domains/gas', 'district-admin', {
      ...gas,
      aspects: gas.aspects.slice(1),
    });
    expectProblem(res, 422, 'hazards.aspect_removed');
    expect(res.json().aspects).toEqual([gas.aspects[0]!.code]);
    expectProblem(
      await send('PUT', '/api/v1/hazard-domains/no_such', 'district-admin', gas),
      404,
      'hazards.domain_not_found',
    );
    expect((await ctx.services.hazardTaxonomy.current('gas'))!.version).toBe(1);
  });

  it('writes a new version on change; old versions stay readable; a stale version gets 409', async () => {
    const before = (await ctx.services.hazardTaxonomy.current('ebike'))!;
    const b = bodyOf(before);
    const edited = {
      ...b,
      departmentCode: 'C1-GA',
      deadlineHours: { general: 12, major: 48, critical: 168 },
      aspects: [
        ...b.aspects.map((a) => (a.code === 'unsafe_products' ? { ...a, active: false } : a)),
        { code: 'helmets', name: { zh: '未佩戴头盔', en: 'No helmet' } },
      ],
    };
    const put = await send('PUT', '/api/v1/hazard-domains/ebike', 'district-admin', edited);
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      version: 2,
      currentVersion: 2,
      departmentCode: 'C1-GA',
      createdBy: 'district-admin',
    });
    expect(put.json().aspects).toHaveLength(6);
    expect(put.json().aspects.at(-1)).toEqual({
      code: 'helmets',
      name: { zh: '未佩戴头盔', en: 'No helmet' },
      active: true,
    });

    expectProblem(
      await send('PUT', '/api/v1/hazard-domains/ebike', 'district-admin', { ...edited, position: 20 }),
      409,
      'hazards.domain_version_conflict',
    );
    const v1 = (await send('GET', '/api/v1/hazard-domains/ebike?version=1')).json();
    expect(v1).toMatchObject({
      version: 1,
      currentVersion: 2,
      departmentCode: 'C1-XF',
      deadlineHours: { general: 24 },
    });
    expect(await ctx.services.hazardTaxonomy.atVersion(before.id, 1)).toMatchObject({
      version: 1,
      departmentCode: 'C1-XF',
    });

    // the same body again changes nothing and writes no version
    const again = await send('PUT', '/api/v1/hazard-domains/ebike', 'district-admin', {
      ...edited,
      version: 2,
    });
    expect(again.json()).toMatchObject({ version: 2 });
    const audit = await ctx.db.query<{
      actor_name: string;
      before: { departmentCode: string };
      after: { version: number };
    }>(
      "SELECT actor_name, before, after FROM audit_log WHERE action = 'hazard_domain.update' AND entity_id = 'ebike'",
    );
    expect(audit).toEqual([
      {
        actor_name: 'district-admin',
        before: expect.objectContaining({ departmentCode: 'C1-XF', version: 1 }),
        after: expect.objectContaining({ departmentCode: 'C1-GA', version: 2 }),
      },
    ]);
  });

  it('lets one of two concurrent edits of the same version through', async () => {
    const cur = bodyOf((await ctx.services.hazardTaxonomy.current('construction'))!);
    const results = await Promise.allSettled(
      [11, 12].map((position) =>
        ctx.services.hazardTaxonomy.update(SYSTEM, 'construction', { ...cur, position }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: 'hazards.domain_version_conflict' },
    });
    expect((await ctx.services.hazardTaxonomy.current('construction'))!.version).toBe(2);
  });

  it('hides retired domains from the list unless asked', async () => {
    const cur = bodyOf((await ctx.services.hazardTaxonomy.current('sea_fishing'))!);
    await ctx.services.hazardTaxonomy.update(SYSTEM, 'sea_fishing', { ...cur, active: false });
    const list = (await send('GET', '/api/v1/hazard-domains')).json();
    expect(list.total).toBe(9);
    expect(list.items.map((d: DomainDto) => d.code)).not.toContain('sea_fishing');
    const all = (await send('GET', '/api/v1/hazard-domains?includeInactive=true')).json();
    expect(all.total).toBe(10);
  });

  it('keeps versions immutable in the database itself', async () => {
    await expect(ctx.db.query('UPDATE hazard_domain_version SET position = 1')).rejects.toThrow(/immutable/);
    await expect(ctx.db.query('DELETE FROM hazard_domain_version')).rejects.toThrow(/immutable/);
  });
});
