// The account policy matrix through the HTTP routes: every role, logged in with a scope in town T1,
// reads and writes an account in T1 (in scope) and one in T2 (out of scope). 401 anonymous, 403 out of
// role or scope, 200/201 in scope — all as problem+json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { ROLES, type Role, SYSTEM } from './actor.js';
import type { AccountDto } from './schema.js';
import { login, makeAccount, seedSmallTree } from './testing.js';

describe('account policy over HTTP', () => {
  let ctx: TestContext;
  let app: App;
  let inScope: AccountDto;
  let outOfScope: AccountDto;
  const cookies = new Map<Role, string>();
  const selves = new Map<Role, AccountDto>();

  beforeAll(async () => {
    ctx = await createTestContext();
    await seedSmallTree(ctx);
    app = await ctx.app();
    inScope = await makeAccount(ctx, { username: 'target.in', roles: ['grid_worker'], unit: 'G1' });
    outOfScope = await makeAccount(ctx, { username: 'target.out', roles: ['grid_worker'], unit: 'G2' });
    for (const role of ROLES) {
      const scope =
        role === 'resident' ? {} : role === 'department_staff' ? { department: 'D1' } : { unit: 'T1' };
      selves.set(
        role,
        await makeAccount(ctx, { username: `m.${role.replace(/_/g, '-')}`, roles: [role], ...scope }),
      );
      cookies.set(role, await login(app, `m.${role.replace(/_/g, '-')}`));
    }
  });
  afterAll(() => ctx.close());

  const get = (cookie: string | undefined, id: number) =>
    app.inject({ method: 'GET', url: `/api/v1/accounts/${id}`, headers: cookie ? { cookie } : {} });
  const patch = (cookie: string | undefined, a: AccountDto, displayName: string) =>
    app.inject({
      method: 'PATCH',
      url: `/api/v1/accounts/${a.id}`,
      headers: cookie ? { cookie } : {},
      payload: { version: a.version, displayName },
    });
  const create = (cookie: string | undefined, username: string, unit: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      headers: cookie ? { cookie } : {},
      payload: {
        username,
        displayName: username,
        password: 'Initial-pass1',
        roles: ['grid_worker'],
        scopeUnitCode: unit,
      },
    });

  function expectProblem(res: Awaited<ReturnType<App['inject']>>, status: number) {
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      status,
      code: status === 401 ? 'http.unauthenticated' : 'http.forbidden',
    });
  }

  it('anonymous: 401 for read and write, in and out of scope', async () => {
    for (const t of [inScope, outOfScope]) {
      expectProblem(await get(undefined, t.id), 401);
      expectProblem(await patch(undefined, t, 'x'), 401);
    }
    expectProblem(await create(undefined, 'anon-made', 'G1'), 401);
    expectProblem(await app.inject({ method: 'GET', url: '/api/v1/accounts' }), 401);
  });

  it.each(ROLES)('%s × in scope / out of scope × read / write', async (role) => {
    const cookie = cookies.get(role)!;
    const admin = role === 'admin';
    const inRead = await get(cookie, inScope.id);
    if (admin) expect(inRead.statusCode).toBe(200);
    else expectProblem(inRead, 403);
    expectProblem(await get(cookie, outOfScope.id), 403);

    const current = await ctx.services.access.getAccount(SYSTEM, inScope.id); // its version moves as admins edit it
    const inWrite = await patch(cookie, current, `改名 ${role}`);
    if (admin) {
      expect(inWrite.statusCode).toBe(200);
      expect(inWrite.json()).toMatchObject({
        id: inScope.id,
        displayName: `改名 ${role}`,
        version: current.version + 1,
      });
    } else expectProblem(inWrite, 403);
    expectProblem(await patch(cookie, outOfScope, `改名 ${role}`), 403);

    const made = await create(cookie, `made-by-${role.replace(/_/g, '-')}`, 'G1');
    if (admin) expect(made.statusCode).toBe(201);
    else expectProblem(made, 403);
    expectProblem(await create(cookie, `made-out-${role.replace(/_/g, '-')}`, 'G2'), 403);

    // everyone reads their own account; only the admin lists
    const self = await get(cookie, selves.get(role)!.id);
    expect(self.statusCode).toBe(200);
    expect(self.json().username).toBe(selves.get(role)!.username);
    const list = await app.inject({ method: 'GET', url: '/api/v1/accounts', headers: { cookie } });
    if (admin) expect(list.statusCode).toBe(200);
    else expectProblem(list, 403);
  });

  it("an admin's list holds its subtree only", async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/accounts?pageSize=200',
      headers: { cookie: cookies.get('admin')! },
    });
    const names: string[] = res.json().items.map((a: AccountDto) => a.username);
    expect(names).toContain('target.in');
    expect(names).not.toContain('target.out');
    expect(names).not.toContain('m.resident'); // residents belong to no town
    expect(names).not.toContain('m.department-staff'); // the county department's staff
    expect(res.json().total).toBe(names.length);
  });
});
