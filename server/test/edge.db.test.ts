// The HTTP edge as a client sees it: health, the OpenAPI document, problem+json for every kind of bad request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/http/types.js';
import { createTestContext, type TestContext } from './context.js';

describe('HTTP edge', () => {
  let ctx: TestContext;
  let app: App;
  beforeAll(async () => {
    ctx = await createTestContext();
    app = await ctx.app();
  });
  afterAll(() => ctx.close());

  it('GET /healthz names the database', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', db: ctx.db.kind });
  });

  it('tells the web client the deployment facts it adapts to, without login', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/client-config' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ tileUrl: null });
  });

  it('serves the OpenAPI document and the browsable page', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/docs/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/api/v1/auth/login', '/api/v1/units', '/api/v1/units/locate', '/api/v1/api-keys']) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    const page = await app.inject({ method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(page.statusCode);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 404, code: 'http.not_found', title: expect.any(String) });
  });

  it('answers malformed JSON with 400 malformed_body', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": "admin", ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'http.malformed_body', status: 400 });
  });

  it('answers wrong types with 400 validation_failed listing each field', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 42, password: ['x'] },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('http.validation_failed');
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['password', 'username']);
  });

  it('answers a bad query parameter with 400', async () => {
    // validation runs before the handler, so even an anonymous caller learns what is wrong
    const res = await app.inject({ method: 'GET', url: '/api/v1/units?pageSize=100000' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().errors[0].path).toBe('pageSize');
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/x-unknown' },
      payload: 'x',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('http.unsupported_media_type');
  });
});

describe('client configuration', () => {
  it('passes a configured tile URL on to the web client', async () => {
    const tileUrl = 'https://tiles.example.org/{z}/{x}/{y}.png';
    const ctx = await createTestContext({ tileUrl });
    try {
      const res = await (await ctx.app()).inject({ method: 'GET', url: '/api/v1/client-config' });
      expect(res.json()).toEqual({ tileUrl });
    } finally {
      await ctx.close();
    }
  });
});
