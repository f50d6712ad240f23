// Accounts over HTTP and through the service: creation rules, version checks, disabling, passwords,
// and the audit entries each change leaves (never with a secret in them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { SYSTEM } from './actor.js';
import { login, makeAccount, seedSmallTree, TEST_PASSWORD } from './testing.js';

describe('accounts', () => {
  let ctx: TestContext;
  let app: App;
  let admin: string;
  beforeAll(async () => {
    ctx = await createTestContext();
    await seedSmallTree(ctx);
    app = await ctx.app();
    await makeAccount(ctx, { username: 'acc.admin', roles: ['admin'], unit: 'C1' });
    admin = await login(app, 'acc.admin');
  });
  afterAll(() => ctx.close());

  const post = (payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/api/v1/accounts', headers: { cookie: admin }, payload });

  it('creates accounts of every kind of scope, and audits the creation without the password', async () => {
    const staff = await post({
      username: 'chen.gw',
      displayName: '陈网格员',
      password: 'Grid-pass1',
      roles: ['grid_worker'],
      scopeUnitCode: 'G1',
      phone: '13800001234',
    });
    expect(staff.statusCode).toBe(201);
    expect(staff.json()).toMatchObject({
      username: 'chen.gw',
      roles: ['grid_worker'],
      scope: { unit: { code: 'G1', level: 'grid' }, department: null },
      phone: '13800001234',
      disabled: false,
      version: 1,
    });
    const dept = await post({
      username: 'lin.ds',
      displayName: '林',
      password: 'Dept-pass1',
      roles: ['department_staff'],
      scopeDepartmentCode: 'D1',
    });
    expect(dept.json().scope).toEqual({
      unit: null,
      department: { id: expect.any(Number), code: 'D1', name: '市场监管局' },
    });
    const found = await app.inject({
      method: 'GET',
      url: `/api/v1/accounts?q=${encodeURIComponent('陈')}&role=grid_worker`,
      headers: { cookie: admin },
    });
    expect(found.json().items.map((a: { username: string }) => a.username)).toEqual(['chen.gw']);
    const resident = await post({
      username: 'he.res',
      displayName: '何',
      password: 'Resident1',
      roles: ['resident'],
    });
    expect(resident.json().scope).toEqual({ unit: null, department: null });

    const [entry] = await ctx.db.query<{ after: Record<string, unknown>; unit_id: number; text: string }>(
      "SELECT after, unit_id, row_to_json(a)::text AS text FROM audit_log a WHERE action = 'account.create' AND entity_id = $1",
      [String(staff.json().id)],
    );
    expect(entry!.after).toMatchObject({ username: 'chen.gw', roles: ['grid_worker'], phone: '138****34' });
    expect(entry!.unit_id).toBe(staff.json().scope.unit.id);
    expect(entry!.text).not.toMatch(/Grid-pass1|scrypt/);
  });

  it('refuses bad accounts with 4xx problem+json and creates nothing', async () => {
    const count = async () =>
      (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM account'))[0]!.n;
    const before = await count();
    const cases: [Record<string, unknown>, number, string][] = [
      [
        { username: 'x1', displayName: 'x', password: 'short1', roles: ['grid_worker'], scopeUnitCode: 'G1' },
        422,
        'access.weak_password',
      ],
      [
        {
          username: 'x2',
          displayName: 'x',
          password: 'NoDigitsHere',
          roles: ['grid_worker'],
          scopeUnitCode: 'G1',
        },
        422,
        'access.weak_password',
      ],
      [
        { username: 'x3', displayName: 'x', password: 'Good-pass1', roles: ['grid_worker'] },
        422,
        'access.invalid_scope',
      ],
      [
        {
          username: 'x4',
          displayName: 'x',
          password: 'Good-pass1',
          roles: ['resident'],
          scopeUnitCode: 'G1',
        },
        422,
        'access.invalid_scope',
      ],
      [
        {
          username: 'x5',
          displayName: 'x',
          password: 'Good-pass1',
          roles: ['grid_worker'],
          scopeUnitCode: 'NOPE',
        },
        422,
        'access.unknown_unit',
      ],
      [
        {
          username: 'x6',
          displayName: 'x',
          password: 'Good-pass1',
          roles: ['department_staff'],
          scopeDepartmentCode: 'NOPE',
        },
        422,
        'access.unknown_department',
      ],
      [
        { username: 'Bad Name', displayName: 'x', password: 'Good-pass1', roles: ['resident'] },
        400,
        'http.validation_failed',
      ],
      [
        { username: 'x7', displayName: 'x', password: 'Good-pass1', roles: ['king'] },
        400,
        'http.validation_failed',
      ],
      [
        { username: 'acc.admin', displayName: 'x', password: 'Good-pass1', roles: ['resident'] },
        409,
        'access.username_taken',
      ],
    ];
    for (const [payload, status, code] of cases) {
      const res = await post(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({
        status,
        code,
        type: expect.stringContaining(code),
        title: expect.any(String),
      });
    }
    expect(await count()).toBe(before);
  });

  it('updates with a version check (409 on a stale version) and audits before and after', async () => {
    const acc = await makeAccount(ctx, { roles: ['village_staff'], unit: 'V1' });
    const url = `/api/v1/accounts/${acc.id}`;
    const ok = await app.inject({
      method: 'PATCH',
      url,
      headers: { cookie: admin },
      payload: { version: 1, roles: ['village_staff', 'mediator'], scopeUnitCode: 'V2' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      roles: ['village_staff', 'mediator'],
      scope: { unit: { code: 'V2' } },
      version: 2,
    });
    const stale = await app.inject({
      method: 'PATCH',
      url,
      headers: { cookie: admin },
      payload: { version: 1, displayName: 'late' },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('access.version_conflict');
    const bad = await app.inject({
      method: 'PATCH',
      url,
      headers: { cookie: admin },
      payload: { version: 2, scopeUnitCode: null },
    });
    expect(bad.statusCode).toBe(422);
    const [entry] = await ctx.db.query<{
      before: { roles: string[] };
      after: { roles: string[]; version: number };
    }>("SELECT before, after FROM audit_log WHERE action = 'account.update' AND entity_id = $1", [
      String(acc.id),
    ]);
    expect(entry!.before.roles).toEqual(['village_staff']);
    expect(entry!.after).toMatchObject({ roles: ['village_staff', 'mediator'], version: 2 });
    const missing = await app.inject({
      method: 'GET',
      url: '/api/v1/accounts/999999',
      headers: { cookie: admin },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('access.account_not_found');
  });

  it('disabling ends the sessions at once and the account cannot log in; an admin cannot disable itself', async () => {
    const acc = await makeAccount(ctx, { username: 'dis.me', roles: ['town_staff'], unit: 'T1' });
    const cookie = await login(app, 'dis.me');
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/v1/accounts/${acc.id}`,
      headers: { cookie: admin },
      payload: { version: acc.version, disabled: true },
    });
    expect(res.json().disabled).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(
      401,
    );
    await expect(login(app, 'dis.me')).rejects.toThrow(/401/);
    const me = await ctx.services.access.authenticate({ sessionToken: admin.split('=')[1] });
    const self = await ctx.services.access.getAccount(me, me.kind === 'user' ? me.id : 0);
    const selfDisable = await app.inject({
      method: 'PATCH',
      url: `/api/v1/accounts/${self.id}`,
      headers: { cookie: admin },
      payload: { version: self.version, disabled: true },
    });
    expect(selfDisable.statusCode).toBe(422);
    expect(selfDisable.json().code).toBe('access.cannot_disable_self');
  });

  it('changes one’s own password with the old one: other sessions end, this one stays', async () => {
    await makeAccount(ctx, { username: 'pw.owner', roles: ['leader'], unit: 'C1' });
    const here = await login(app, 'pw.owner');
    const elsewhere = await login(app, 'pw.owner');
    const change = (currentPassword: string, newPassword: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/me/password',
        headers: { cookie: here },
        payload: { currentPassword, newPassword },
      });
    expect((await change('not-the-pass1', 'Brand-new-pass2')).json().code).toBe('access.wrong_password');
    expect((await change(TEST_PASSWORD, 'weak')).json().code).toBe('access.weak_password');
    expect((await change(TEST_PASSWORD, 'Brand-new-pass2')).statusCode).toBe(204);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: here } })).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: elsewhere } })).statusCode,
    ).toBe(401);
    await expect(login(app, 'pw.owner')).rejects.toThrow(/401/);
    await login(app, 'pw.owner', 'Brand-new-pass2');
    expect(await ctx.services.access.passwordMatches('pw.owner', 'Brand-new-pass2')).toBe(true);
    expect(await ctx.services.access.passwordMatches('pw.owner', TEST_PASSWORD)).toBe(false);
    expect(await ctx.services.access.passwordMatches('nobody', TEST_PASSWORD)).toBe(false);
    const anon = await app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: 'a', newPassword: 'b' },
    });
    expect(anon.statusCode).toBe(401);
  });

  it('an admin resets a password: the account is logged out everywhere and the new password works', async () => {
    const acc = await makeAccount(ctx, { username: 'pw.reset', roles: ['dispatcher'], unit: 'C1' });
    const cookie = await login(app, 'pw.reset');
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/accounts/${acc.id}/password`,
      headers: { cookie: admin },
      payload: { newPassword: 'Reset-pass9' },
    });
    expect(res.statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(
      401,
    );
    await login(app, 'pw.reset', 'Reset-pass9');
    const actions = await ctx.db.query<{ action: string; text: string }>(
      "SELECT action, row_to_json(a)::text AS text FROM audit_log a WHERE entity_type = 'account' AND entity_id = $1 ORDER BY id",
      [String(acc.id)],
    );
    expect(actions.map((a) => a.action)).toEqual(['account.create', 'account.password_reset']);
    for (const a of actions) expect(a.text).not.toMatch(/Reset-pass9|scrypt|Passw0rd/);
  });

  it('the seed and command line (SYSTEM) get the same validation as the edge', async () => {
    await expect(
      ctx.services.access.createAccount(SYSTEM, {
        username: 'NO',
        displayName: 'x',
        password: 'Good-pass1',
        roles: ['resident'],
      }),
    ).rejects.toMatchObject({ code: 'http.validation_failed' });
  });
});
