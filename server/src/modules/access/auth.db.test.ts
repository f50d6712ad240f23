// Log-in, sessions and log-out over HTTP: cookie flags, one answer for every bad log-in, expiry with
// the manual clock, rate limiting across the window, and what is (not) stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { SYSTEM } from './actor.js';
import { sha256 } from './guards.js';
import { hashPassword } from './passwords.js';
import { SESSION_COOKIE } from './routes.js';
import { login, makeAccount, seedSmallTree, TEST_PASSWORD } from './testing.js';

const post = (app: App, username: string, password: string, remoteAddress = '127.0.0.1') =>
  app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress });

describe('log-in and sessions', () => {
  let ctx: TestContext;
  let app: App;
  beforeAll(async () => {
    ctx = await createTestContext({ loginMaxFailures: 3, loginWindowMinutes: 10, sessionHours: 8 });
    await seedSmallTree(ctx);
    app = await ctx.app();
  });
  afterAll(() => ctx.close());

  it('logs in: 200, the user with roles and scope, and a httpOnly SameSite=Lax cookie for the session', async () => {
    const acc = await makeAccount(ctx, { username: 'wang.gw', roles: ['grid_worker'], unit: 'G1' });
    const res = await post(app, 'wang.gw', TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      user: {
        id: acc.id,
        username: 'wang.gw',
        displayName: acc.displayName,
        roles: ['grid_worker'],
        scope: {
          unit: { id: expect.any(Number), code: 'G1', name: '甲网格', level: 'grid' },
          department: null,
        },
      },
    });
    const raw = String(res.headers['set-cookie']);
    expect(raw).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43};`));
    expect(raw).toContain('HttpOnly');
    expect(raw).toContain('SameSite=Lax');
    expect(raw).toContain('Path=/');
    expect(raw).toContain(`Max-Age=${8 * 3600}`);
    expect(raw).not.toContain('Secure'); // config.secureCookies is false in tests
    expect(res.headers['cache-control']).toBe('no-store');

    // only the SHA-256 of the token is stored
    const token = res.cookies.find((c) => c.name === SESSION_COOKIE)!.value;
    const rows = await ctx.db.query<{ token_hash: string }>(
      'SELECT token_hash FROM session WHERE account_id = $1',
      [acc.id],
    );
    expect(rows.map((r) => r.token_hash)).toEqual([sha256(token)]);

    const me = await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: `${SESSION_COOKIE}=${token}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: acc.id, username: 'wang.gw', scope: { unit: { code: 'G1' } } });
  });

  it('accepts the username in any case and with spaces around it', async () => {
    await makeAccount(ctx, { username: 'li.vs', roles: ['village_staff'], unit: 'V1' });
    expect((await post(app, '  Li.VS ', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('answers a wrong password, an unknown username and a disabled account alike, in about the same time', async () => {
    const acc = await makeAccount(ctx, { username: 'zhao.ts', roles: ['town_staff'], unit: 'T1' });
    const wrong = await post(app, 'zhao.ts', 'wrong-pass1', '10.0.0.1');
    const unknown = await post(app, 'nobody.here', TEST_PASSWORD, '10.0.0.2');
    await ctx.services.access.updateAccount(SYSTEM, acc.id, { version: acc.version, disabled: true });
    const disabled = await post(app, 'zhao.ts', TEST_PASSWORD, '10.0.0.3');
    for (const res of [wrong, unknown, disabled]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(unknown.json()).toEqual(wrong.json());
    expect(disabled.json()).toEqual(wrong.json());
    expect(wrong.json()).toMatchObject({
      status: 401,
      code: 'access.invalid_credentials',
      title: 'Wrong username or password',
    });

    // an unknown username still costs a password hash: without it, it would answer ~50x faster
    const time = async (username: string, ip: string) => {
      const t = performance.now();
      await post(app, username, 'wrong-pass1', ip);
      return performance.now() - t;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const known: number[] = [];
    const unknownT: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await time('li.vs', `10.1.0.${i}`));
      unknownT.push(await time(`ghost-${i}`, `10.2.0.${i}`));
    }
    const ratio = median(unknownT) / median(known);
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(2.5);
  });

  it('logs out: 204, the cookie is cleared and the session is gone', async () => {
    await makeAccount(ctx, { username: 'sun.ml', roles: ['mediator'], unit: 'T2' });
    const cookie = await login(app, 'sun.ml');
    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    const cleared = out.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(cleared.value).toBe('');
    expect(new Date(cleared.expires!).getTime()).toBeLessThanOrEqual(Date.now());
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(me.statusCode).toBe(401);
    expect(me.json()).toMatchObject({ code: 'http.unauthenticated', status: 401 });
    expect(
      await ctx.db.query('SELECT 1 FROM session WHERE token_hash = $1', [sha256(cookie.split('=')[1]!)]),
    ).toEqual([]);
    // logging out without a session is harmless
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
  });

  it('ends a session after config.sessionHours (moved with the manual clock) and cleans expired rows up', async () => {
    const acc = await makeAccount(ctx, { username: 'qian.ld', roles: ['leader'], unit: 'C1' });
    const cookie = await login(app, 'qian.ld');
    ctx.clock.advance(8 * 3600_000 - 60_000);
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(
      200,
    );
    ctx.clock.advance(61_000);
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(
      401,
    );
    await login(app, 'qian.ld'); // the next log-in sweeps expired sessions
    const left = await ctx.db.query<{ expires_at: Date }>(
      'SELECT expires_at FROM session WHERE account_id = $1',
      [acc.id],
    );
    expect(left).toHaveLength(1);
    expect(left[0]!.expires_at.getTime()).toBeGreaterThan(ctx.clock.now().getTime());
  });

  it('reads the sessions of requests that arrive together in one query, each as it stands', async () => {
    const a = await makeAccount(ctx, { username: 'zhou.a', roles: ['grid_worker'], unit: 'G1' });
    const b = await makeAccount(ctx, { username: 'zhou.b', roles: ['leader'], unit: 'C1' });
    const c = await makeAccount(ctx, { username: 'zhou.c', roles: ['mediator'], unit: 'T2' });
    const tokenOf = (cookie: string) => cookie.slice(SESSION_COOKIE.length + 1);
    const ta = tokenOf(await login(app, 'zhou.a'));
    const tb = tokenOf(await login(app, 'zhou.b'));
    const tc = tokenOf(await login(app, 'zhou.c'));
    const gone = tokenOf(await login(app, 'zhou.a'));
    await ctx.services.access.logout(gone);
    const current = await ctx.db.query<{ version: number }>('SELECT version FROM account WHERE id = $1', [
      c.id,
    ]);
    await ctx.services.access.updateAccount(SYSTEM, c.id, { disabled: true, version: current[0]!.version });
    const tokens = [ta, tb, gone, tc, ta, 'A'.repeat(43), tb];
    const reads: string[] = [];
    const query = ctx.db.query;
    ctx.db.query = ((text: string, params?: readonly unknown[]) => {
      if (/FROM session|JOIN session/.test(text)) reads.push(text);
      return query(text, params);
    }) as typeof ctx.db.query;
    let actors: Awaited<ReturnType<typeof ctx.services.access.authenticate>>[];
    try {
      actors = await Promise.all(tokens.map((t) => ctx.services.access.authenticate({ sessionToken: t })));
    } finally {
      ctx.db.query = query;
    }
    expect(actors.map((x) => (x.kind === 'user' ? x.id : x.kind))).toEqual([
      a.id,
      b.id,
      'anonymous', // logged out
      'anonymous', // disabled
      a.id,
      'anonymous', // no such session
      b.id,
    ]);
    expect(reads).toHaveLength(1);
  });

  it('ignores malformed, forged and foreign credentials (anonymous, never an error)', async () => {
    for (const cookie of [
      `${SESSION_COOKIE}=x`,
      `${SESSION_COOKIE}=${'A'.repeat(43)}`,
      `${SESSION_COOKIE}=${'%00'.repeat(3)}`,
    ]) {
      const res = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
      expect(res.statusCode).toBe(401);
    }
    const a = await ctx.services.access.authenticate({
      authorization: 'Bearer awk_nope',
      sessionToken: 'zzz',
    });
    expect(a.kind).toBe('anonymous');
  });

  it('limits failed log-ins per username and address: 429 with Retry-After, then recovers after the window', async () => {
    await makeAccount(ctx, { username: 'zhou.dp', roles: ['dispatcher'], unit: 'C1' });
    const ip = '192.0.2.7';
    for (let i = 0; i < 3; i++) expect((await post(app, 'zhou.dp', `bad-pass${i}`, ip)).statusCode).toBe(401);
    ctx.clock.advance(60_000);
    const blocked = await post(app, 'zhou.dp', TEST_PASSWORD, ip); // even the right password
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(blocked.headers['retry-after']).toBe(String(9 * 60));
    expect(blocked.json()).toMatchObject({ status: 429, code: 'access.login_throttled', retryAfter: 540 });

    // another address is not affected, nor is another username from this address
    expect((await post(app, 'zhou.dp', TEST_PASSWORD, '192.0.2.8')).statusCode).toBe(200);
    await makeAccount(ctx, { username: 'wu.so', roles: ['safety_office'], unit: 'C1' });
    expect((await post(app, 'wu.so', TEST_PASSWORD, ip)).statusCode).toBe(200);

    ctx.clock.advance(9 * 60_000 - 1000);
    expect((await post(app, 'zhou.dp', TEST_PASSWORD, ip)).statusCode).toBe(429);
    ctx.clock.advance(1000);
    expect((await post(app, 'zhou.dp', TEST_PASSWORD, ip)).statusCode).toBe(200);

    // the lock-out is in the audit log, without any password; the counter holds neither name nor address
    const audit = await ctx.db.query<{ after: Record<string, unknown>; entity_id: string }>(
      "SELECT after, entity_id FROM audit_log WHERE action = 'login.lockout'",
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toEqual({ failures: 3, windowMinutes: 10, address: ip });
    const failures = await ctx.db.query<{ key: string }>('SELECT key FROM login_failure');
    for (const f of failures) expect(f.key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not count successes, and a success clears the failures before it', async () => {
    await makeAccount(ctx, { username: 'zheng.mgl', roles: ['micro_grid_leader'], unit: 'G2' });
    const ip = '198.51.100.1';
    for (let round = 0; round < 3; round++) {
      expect((await post(app, 'zheng.mgl', 'bad-pass1', ip)).statusCode).toBe(401);
      expect((await post(app, 'zheng.mgl', 'bad-pass2', ip)).statusCode).toBe(401);
      expect((await post(app, 'zheng.mgl', TEST_PASSWORD, ip)).statusCode).toBe(200);
    }
  });

  it('upgrades a hash made with weaker parameters at the next successful log-in', async () => {
    const acc = await makeAccount(ctx, { username: 'old.hash', roles: ['town_staff'], unit: 'T2' });
    const weak = await hashPassword(TEST_PASSWORD, { N: 2 ** 12, r: 8, p: 1 });
    await ctx.db.query('UPDATE account SET password_hash = $2 WHERE id = $1', [acc.id, weak]);
    expect((await post(app, 'old.hash', TEST_PASSWORD)).statusCode).toBe(200);
    const [row] = await ctx.db.query<{ password_hash: string; version: number }>(
      'SELECT password_hash, version FROM account WHERE id = $1',
      [acc.id],
    );
    expect(row!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row!.version).toBe(acc.version); // the same password: not a change anyone made
    expect((await post(app, 'old.hash', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('answers bad log-in input with 400 problem+json and changes nothing', async () => {
    const before = await ctx.db.query('SELECT count(*)::int AS n FROM login_failure');
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: '', password: 'x' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'http.validation_failed', errors: [{ path: 'username' }] });
    expect(await ctx.db.query('SELECT count(*)::int AS n FROM login_failure')).toEqual(before);
  });
});

describe('Secure cookies', () => {
  it('marks the cookie Secure when config.secureCookies is set', async () => {
    const ctx = await createTestContext({ secureCookies: true });
    try {
      await seedSmallTree(ctx);
      await makeAccount(ctx, { username: 'sec.admin', roles: ['admin'], unit: 'C1' });
      const res = await post(await ctx.app(), 'sec.admin', TEST_PASSWORD);
      expect(res.statusCode).toBe(200);
      expect(String(res.headers['set-cookie'])).toMatch(/; Secure/);
    } finally {
      await ctx.close();
    }
  });
});
