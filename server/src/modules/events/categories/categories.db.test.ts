// Event categories against a real database, through the HTTP edge where it matters: the seed, the
// tree, versions (immutable, optimistic concurrency), validation (400/422/409, nothing stored) and
// who may edit (401/403), with the audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/context.js';
import type { App } from '../../../http/types.js';
import { SYSTEM } from '../../access/actor.js';
import { login, makeAccount } from '../../access/testing.js';
import { insertSmallDistrict } from '../../units/test-factories.js';
import { createBody, type UpdateCategory } from './schema.js';
import { seedEventCategories } from './seed.js';

let ctx: TestContext;
let app: App;
const cookie: Record<string, string> = {};

beforeAll(async () => {
  ctx = await createTestContext();
  await insertSmallDistrict(ctx.services.units, { village: true });
  await makeAccount(ctx, { username: 'district-admin', roles: ['admin'], unit: 'C1' });
  await makeAccount(ctx, { username: 'village-admin', roles: ['admin'], unit: 'V1' });
  await makeAccount(ctx, { username: 'dispatcher', roles: ['dispatcher'], unit: 'C1' });
  app = await ctx.app();
  for (const u of ['district-admin', 'village-admin', 'dispatcher']) cookie[u] = await login(app, u);
});
afterAll(async () => {
  await ctx?.close();
});

const count = async (table: string) =>
  (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;

const send = (method: 'GET' | 'POST' | 'PUT', url: string, as?: string, payload?: unknown) =>
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

const newCategory = (o: Record<string, unknown> = {}) => ({
  code: 'fire.test_leaf',
  parentCode: 'fire',
  name: { zh: '测试类别', en: 'Test category' },
  handledBy: { level: 'grid' },
  deadline: { hours: 8, workingHours: true },
  priority: 'high',
  questions: [
    {
      code: 'where',
      label: { zh: '位置', en: 'Where' },
      type: 'single_choice',
      required: true,
      order: 1,
      values: [
        { code: 'in', label: { zh: '室内', en: 'indoors' } },
        { code: 'out', label: { zh: '室外', en: 'outdoors' } },
      ],
    },
  ],
  keywords: ['测试'],
  ...o,
});

describe('seed', () => {
  it('creates the district set once; a second run changes nothing', async () => {
    const first = await seedEventCategories(ctx.services, 'C1');
    expect(first).toEqual({ created: 72, existing: 0 });
    const versions = await count('event_category_version');
    const audits = await count("audit_log WHERE entity_type = 'event_category'");
    expect(await seedEventCategories(ctx.services, 'C1')).toEqual({ created: 0, existing: 72 });
    expect(await count('event_category')).toBe(72);
    expect(await count('event_category_version')).toBe(versions);
    expect(await count("audit_log WHERE entity_type = 'event_category'")).toBe(audits);
    expect(audits).toBe(72);
  });

  it('refuses a district whose departments do not exist, storing nothing', async () => {
    await expect(seedEventCategories(ctx.services, 'NOPE')).rejects.toMatchObject({
      code: 'events.unknown_department',
    });
    expect(await count('event_category')).toBe(72);
  });
});

describe('reading', () => {
  it('lists the whole tree to anyone, depth-first, groups before their categories', async () => {
    const res = await send('GET', '/api/v1/event-categories');
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      items: { code: string; parentCode: string | null; depth: number }[];
      total: number;
    };
    expect(body.total).toBe(72);
    expect(body.items).toHaveLength(72);
    const seen = new Set<string>();
    for (const c of body.items) {
      if (c.parentCode) expect(seen.has(c.parentCode), c.code).toBe(true);
      expect(c.depth).toBe(c.parentCode ? 1 : 0);
      seen.add(c.code);
    }
    expect(body.items.filter((c) => c.depth === 1)).toHaveLength(61);
    const page2 = (await send('GET', '/api/v1/event-categories?page=2&pageSize=10')).json();
    expect(page2.items.map((c: { code: string }) => c.code)).toEqual(
      body.items.slice(10, 20).map((c) => c.code),
    );
  });

  it('gives one category with its rules and questions', async () => {
    const res = await send('GET', '/api/v1/event-categories/fire.ebike_charging');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      code: 'fire.ebike_charging',
      version: 1,
      currentVersion: 1,
      parentCode: 'fire',
      depth: 1,
      name: { zh: '电动自行车违规停放充电' },
      handledBy: { level: 'grid' },
      deadline: { hours: 24, workingHours: false },
      priority: 'high',
      questions: [
        { code: 'where', type: 'single_choice', required: true, order: 1 },
        { code: 'count', order: 2 },
      ],
      createdBy: 'system',
    });
    const dept = (await send('GET', '/api/v1/event-categories/fire.blocked_exit')).json();
    expect(dept.handledBy).toEqual({ level: 'department', departmentCode: 'C1-XF' });
    expectProblem(await send('GET', '/api/v1/event-categories/no.such'), 404, 'events.category_not_found');
    expectProblem(await send('GET', '/api/v1/event-categories/BAD%20CODE'), 400, 'http.validation_failed');
  });

  it('documents its routes in the OpenAPI document', async () => {
    const doc = (await send('GET', '/api/docs/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/event-categories',
        '/api/v1/event-categories/{code}',
        '/api/v1/event-category-suggestions',
      ]),
    );
    expect(doc.paths['/api/v1/event-categories'].post.requestBody).toBeDefined();
  });

  it('suggests categories for a description', async () => {
    const res = await send(
      'GET',
      `/api/v1/event-category-suggestions?q=${encodeURIComponent('楼道里堆满了电动车在充电')}`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().items[0]).toMatchObject({
      code: 'fire.ebike_charging',
      name: { zh: '电动自行车违规停放充电' },
    });
    expectProblem(await send('GET', '/api/v1/event-category-suggestions?q='), 400, 'http.validation_failed');
  });
});

describe('editing', () => {
  it('lets only district administrators create (401 anonymous, 403 others)', async () => {
    expectProblem(
      await send('POST', '/api/v1/event-categories', undefined, newCategory()),
      401,
      'http.unauthenticated',
    );
    expectProblem(
      await send('POST', '/api/v1/event-categories', 'dispatcher', newCategory()),
      403,
      'http.forbidden',
    );
    expectProblem(
      await send('POST', '/api/v1/event-categories', 'village-admin', newCategory()),
      403,
      'http.forbidden',
    );
    expectProblem(
      await send('PUT', '/api/v1/event-categories/fire', 'dispatcher', { version: 1 }),
      400,
      'http.validation_failed',
    );
    expect(await count('event_category')).toBe(72);
    const res = await send('POST', '/api/v1/event-categories', 'district-admin', newCategory());
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      code: 'fire.test_leaf',
      version: 1,
      depth: 1,
      createdBy: 'district-admin',
    });
    expectProblem(
      await send('POST', '/api/v1/event-categories', 'district-admin', newCategory()),
      409,
      'events.category_exists',
    );
  });

  it.each([
    [
      'a choice question without values',
      { questions: [{ code: 'x', label: { zh: '问', en: 'q' }, type: 'multi_choice', order: 1 }] },
    ],
    [
      'a text question with values',
      {
        questions: [
          {
            code: 'x',
            label: { zh: '问', en: 'q' },
            type: 'text',
            order: 1,
            values: [
              { code: 'a', label: { zh: '甲', en: 'a' } },
              { code: 'b', label: { zh: '乙', en: 'b' } },
            ],
          },
        ],
      },
    ],
    [
      'duplicate question codes',
      {
        questions: [1, 2].map((order) => ({ code: 'x', label: { zh: '问', en: 'q' }, type: 'text', order })),
      },
    ],
    [
      'duplicate value codes',
      {
        questions: [
          {
            code: 'x',
            label: { zh: '问', en: 'q' },
            type: 'single_choice',
            order: 1,
            values: [1, 2].map(() => ({ code: 'a', label: { zh: '甲', en: 'a' } })),
          },
        ],
      },
    ],
    ['a code with capitals', { code: 'Fire.X' }],
    ['a zero deadline', { deadline: { hours: 0, workingHours: false } }],
    ['an unknown priority', { priority: 'asap' }],
    ['a department without a code', { handledBy: { level: 'department' } }],
    ['an unknown field', { colour: 'red' }],
  ])('answers 400 for %s, storing nothing', async (_what, patch) => {
    const res = await send(
      'POST',
      '/api/v1/event-categories',
      'district-admin',
      newCategory({ code: 'fire.bad', ...patch }),
    );
    expectProblem(res, 400, 'http.validation_failed');
    expect(res.json().errors.length).toBeGreaterThan(0);
    expect(await ctx.services.categories.current('fire.bad')).toBeNull();
  });

  it.each([
    ['an unknown parent', { parentCode: 'no.such' }, 'events.unknown_parent_category'],
    [
      'an unknown department',
      { handledBy: { level: 'department', departmentCode: 'C1-XX' } },
      'events.unknown_department',
    ],
    ['a fourth level', { parentCode: 'fire.test_deep' }, 'events.category_too_deep'],
  ])('answers 422 for %s', async (_what, patch, code) => {
    if (!(await ctx.services.categories.current('fire.test_deep'))) {
      await ctx.services.categories.create(
        SYSTEM,
        createBody.parse(newCategory({ code: 'fire.test_deep', parentCode: 'fire.test_leaf' })),
      );
    }
    const res = await send(
      'POST',
      '/api/v1/event-categories',
      'district-admin',
      newCategory({ code: 'fire.bad', ...patch }),
    );
    expectProblem(res, 422, code);
    expect(await ctx.services.categories.current('fire.bad')).toBeNull();
  });

  it('writes a new version on change; old versions stay readable; a stale version gets 409', async () => {
    const before = (await send('GET', '/api/v1/event-categories/city.facilities')).json();
    const { id, code, currentVersion, depth, createdAt, createdBy, ...rest } = before;
    const edited = {
      ...rest,
      deadline: { hours: 48, workingHours: true },
      priority: 'high',
      description: { zh: '路灯井盖', en: 'Lights, covers' },
    };
    const put = await send('PUT', '/api/v1/event-categories/city.facilities', 'district-admin', edited);
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      version: 2,
      currentVersion: 2,
      deadline: { hours: 48 },
      priority: 'high',
    });

    const stale = await send('PUT', '/api/v1/event-categories/city.facilities', 'district-admin', {
      ...edited,
      priority: 'low',
    });
    expectProblem(stale, 409, 'events.category_version_conflict');

    const v1 = (await send('GET', '/api/v1/event-categories/city.facilities?version=1')).json();
    expect(v1).toMatchObject({
      version: 1,
      currentVersion: 2,
      deadline: { hours: 72, workingHours: true },
      priority: 'normal',
    });
    expect(await ctx.services.categories.atVersion(id, 1)).toMatchObject({ version: 1, priority: 'normal' });
    expectProblem(
      await send('GET', '/api/v1/event-categories/city.facilities?version=9'),
      404,
      'events.category_version_not_found',
    );

    // the same body again changes nothing and writes no version
    const again = await send('PUT', '/api/v1/event-categories/city.facilities', 'district-admin', {
      ...edited,
      version: 2,
    });
    expect(again.json()).toMatchObject({ version: 2 });
    const audit = await ctx.db.query<{
      before: { priority: string };
      after: { priority: string; version: number };
    }>(
      "SELECT before, after FROM audit_log WHERE action = 'event_category.update' AND entity_id = 'city.facilities'",
    );
    expect(audit).toEqual([
      {
        before: expect.objectContaining({ priority: 'normal' }),
        after: expect.objectContaining({ priority: 'high', version: 2 }),
      },
    ]);
  });

  it('lets one of two concurrent edits of the same version through', async () => {
    const cur = await ctx.services.categories.current('city.garbage');
    const { id, code, currentVersion, depth, createdAt, createdBy, version, ...rules } = cur!;
    const results = await Promise.allSettled(
      ['low', 'urgent'].map((priority) =>
        ctx.services.categories.update(SYSTEM, 'city.garbage', {
          ...rules,
          priority,
          version,
        } as UpdateCategory),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: 'events.category_version_conflict' },
    });
    expect((await ctx.services.categories.current('city.garbage'))!.version).toBe(2);
  });

  it('refuses cycles and retiring a group with active categories', async () => {
    const fire = (await ctx.services.categories.current('fire'))!;
    const { id, code, currentVersion, depth, createdAt, createdBy, ...rules } = fire;
    expectProblem(
      await send('PUT', '/api/v1/event-categories/fire', 'district-admin', {
        ...rules,
        parentCode: 'fire.ebike_charging',
      }),
      422,
      'events.category_cycle',
    );
    expectProblem(
      await send('PUT', '/api/v1/event-categories/fire', 'district-admin', { ...rules, active: false }),
      422,
      'events.category_has_active_children',
    );
    expect((await ctx.services.categories.current('fire'))!.version).toBe(1);
  });

  it('hides retired categories from the list and the suggestions unless asked', async () => {
    const cur = (await ctx.services.categories.current('livelihood.legal_aid'))!;
    const { id, code, currentVersion, depth, createdAt, createdBy, ...rules } = cur;
    await ctx.services.categories.update(SYSTEM, 'livelihood.legal_aid', {
      ...rules,
      active: false,
    } as UpdateCategory);
    const list = (await send('GET', '/api/v1/event-categories')).json();
    expect(list.items.map((c: { code: string }) => c.code)).not.toContain('livelihood.legal_aid');
    const all = (await send('GET', '/api/v1/event-categories?includeInactive=true')).json();
    expect(all.total).toBe(list.total + 1);
    const s = await ctx.services.categories.suggest(SYSTEM, '需要法律援助');
    expect(s.items.map((x) => x.code)).not.toContain('livelihood.legal_aid');
  });

  it('keeps versions immutable in the database itself', async () => {
    await expect(ctx.db.query("UPDATE event_category_version SET priority = 'low'")).rejects.toThrow(
      /immutable/,
    );
    await expect(ctx.db.query('DELETE FROM event_category_version')).rejects.toThrow(/immutable/);
  });
});
