// API keys over HTTP: create (admins only) → the key once → Bearer authenticates → revoke → anonymous.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { SYSTEM } from './actor.js';
import { sha256 } from './guards.js';
import { login, makeAccount, seedSmallTree } from './testing.js';

describe('API keys', () => {
  let ctx: TestContext;
  let app: App;
  let admin: string;
  let townAdmin: string;
  beforeAll(async () => {
    ctx = await createTestContext();
    await seedSmallTree(ctx);
    app = await ctx.app();
    await makeAccount(ctx, { username: 'key.admin', roles: ['admin'], unit: 'C1' });
    await makeAccount(ctx, { username: 'key.town.admin', roles: ['admin'], unit: 'T1' });
    await makeAccount(ctx, { username: 'key.dispatcher', roles: ['dispatcher'], unit: 'C1' });
    admin = await login(app, 'key.admin');
    townAdmin = await login(app, 'key.town.admin');
  });
  afterAll(() => ctx.close());

  it('creates a key shown once, authenticates with it, and refuses it after revocation', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { cookie: admin },
      payload: { name: '12345 hotline bridge', roles: ['dispatcher'] },
    });
    expect(created.statusCode).toBe(201);
    const { id, name, key } = created.json();
    expect(name).toBe('12345 hotline bridge');
    expect(key).toMatch(/^awk_[A-Za-z0-9_-]{43}$/);
    expect(Object.keys(created.json()).sort()).toEqual(['id', 'key', 'name']);

    // stored as SHA-256 only; the list never shows the key, the audit log never holds it
    const [stored] = await ctx.db.query<Record<string, unknown>>('SELECT * FROM api_key WHERE id = $1', [id]);
    expect(stored!.key_hash).toBe(sha256(key));
    expect(JSON.stringify(stored)).not.toContain(key.slice(10));
    const list = await app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: { cookie: admin } });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 1, page: 1, pageSize: 20 });
    expect(list.json().items[0]).toMatchObject({
      id,
      name,
      prefix: key.slice(0, 10),
      roles: ['dispatcher'],
      revokedAt: null,
    });
    expect(list.json().items[0].scope.unit.code).toBe('C1'); // the creating admin's scope
    expect(list.body).not.toContain(key.slice(10));

    const me = await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id, username: 'api_key:12345 hotline bridge', roles: ['dispatcher'] });
    const actor = await ctx.services.access.authenticate({ authorization: `Bearer ${key}` });
    expect(actor).toMatchObject({ kind: 'api_key', id, roles: ['dispatcher'] });

    const revoked = await app.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${id}`,
      headers: { cookie: admin },
    });
    expect(revoked.statusCode).toBe(204);
    const after = await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'http.unauthenticated' });
    // revoking again changes nothing
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${id}`, headers: { cookie: admin } }))
        .statusCode,
    ).toBe(204);

    const audit = await ctx.db.query<{ action: string; text: string }>(
      "SELECT action, row_to_json(a)::text AS text FROM audit_log a WHERE entity_type = 'api_key' ORDER BY id",
    );
    expect(audit.map((a) => a.action)).toEqual(['api_key.create', 'api_key.revoke']);
    for (const a of audit) {
      expect(a.text).not.toContain(key.slice(4));
      expect(a.text).not.toContain(sha256(key));
    }
  });

  it('a Bearer header with a wrong key is anonymous even with a valid session cookie', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: admin, authorization: `Bearer awk_${'x'.repeat(43)}` },
    });
    expect(res.statusCode).toBe(401);
  });

  it('only admins manage keys: 401 anonymous, 403 other roles and keys, never the admin role on a key', async () => {
    const anon = await app.inject({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'x' } });
    expect(anon.statusCode).toBe(401);
    expect(anon.headers['content-type']).toMatch(/^application\/problem\+json/);
    const dispatcher = await login(app, 'key.dispatcher');
    for (const req of [
      { method: 'POST' as const, url: '/api/v1/api-keys', payload: { name: 'x' } },
      { method: 'GET' as const, url: '/api/v1/api-keys' },
      { method: 'DELETE' as const, url: '/api/v1/api-keys/1' },
    ]) {
      const res = await app.inject({ ...req, headers: { cookie: dispatcher } });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'http.forbidden', status: 403 });
    }
    const { key } = await ctx.services.access.createApiKey(SYSTEM, {
      name: 'open311',
      roles: ['dispatcher'],
      scopeUnitCode: 'C1',
    });
    const byKey = await app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { authorization: `Bearer ${key}` },
      payload: { name: 'y' },
    });
    expect(byKey.statusCode).toBe(403);
    const adminRole = await app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { cookie: admin },
      payload: { name: 'root', roles: ['admin'] },
    });
    expect(adminRole.statusCode).toBe(400);
    expect(adminRole.json().errors[0].path).toMatch(/^roles/);
  });

  it('a town admin creates keys within its town only, and cannot revoke the county admin keys', async () => {
    const outside = await app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { cookie: townAdmin },
      payload: { name: 'x', roles: ['dispatcher'], scopeUnitCode: 'T2' },
    });
    expect(outside.statusCode).toBe(403);
    const inside = await app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: { cookie: townAdmin },
      payload: { name: 'village app', roles: ['village_staff'], scopeUnitCode: 'V1' },
    });
    expect(inside.statusCode).toBe(201);
    const county = await ctx.services.access.createApiKey(SYSTEM, { name: 'county', scopeUnitCode: 'C1' });
    const revoke = await app.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${county.id}`,
      headers: { cookie: townAdmin },
    });
    expect(revoke.statusCode).toBe(403);
    const list = await app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: { cookie: townAdmin } });
    expect(list.json().items.map((k: { name: string }) => k.name)).toEqual(['village app']);
    const missing = await app.inject({
      method: 'DELETE',
      url: '/api/v1/api-keys/999999',
      headers: { cookie: admin },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('access.api_key_not_found');
  });
});
