// Reading attachments back (who may, caching, ranges), attaching them to another module's record, and
// purging unattached uploads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { ANONYMOUS, SYSTEM } from '../access/actor.js';
import { login, makeAccount } from '../access/testing.js';
import type { MediaDto } from './schema.js';
import { makeJpeg, makeMp4, makePdf, multipart, type Part } from './testing.js';

let ctx: TestContext;
let app: App;
let alice: { id: number; cookie: string };
let bob: { id: number; cookie: string };
let dataDir: string;
const allowed = new Set<number>(); // owner ids whose attachments bob may read (the test owner module's rule)

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anwang-media-'));
  ctx = await createTestContext({ dataDir });
  app = await ctx.app();
  for (const who of ['alice', 'bob'] as const) {
    const a = await makeAccount(ctx, { roles: ['resident'] });
    const user = { id: a.id, cookie: await login(app, a.username) };
    if (who === 'alice') alice = user;
    else bob = user;
  }
  ctx.services.media.registerOwnerPolicy('test_report', async (actor, ownerId, variant) => {
    if (actor.kind === 'anonymous') return variant === 'thumbnail'; // a public view shows thumbnails only
    return actor.kind === 'user' && actor.id === bob.id && allowed.has(ownerId);
  });
});
afterAll(async () => {
  await ctx.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function upload(parts: Part[], cookie?: string): Promise<MediaDto[]> {
  const body = multipart(parts);
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/media',
    payload: body.payload,
    headers: { ...body.headers, ...(cookie ? { cookie } : {}) },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().items;
}
const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers });
const attach = (ids: number[], ownerId: number, actor = SYSTEM, address?: string) =>
  ctx.db.tx((q) => ctx.services.media.attach(q, ids, 'test_report', ownerId, actor, { address }));

describe('GET /api/v1/media/{id}', () => {
  it('serves the uploader their own unattached upload with caching and safety headers', async () => {
    const photo = await makeJpeg(320, 240);
    const [item] = await upload([{ data: photo }], alice.cookie);
    const res = await get(item!.url, { cookie: alice.cookie });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(photo)).toBe(true);
    expect(res.headers).toMatchObject({
      'content-type': 'image/jpeg',
      'content-length': String(photo.length),
      'cache-control': 'private, max-age=86400',
      'x-content-type-options': 'nosniff',
    });
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);

    const again = await get(item!.url, { cookie: alice.cookie, 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    const changed = await get(item!.url, { cookie: alice.cookie, 'if-none-match': '"something-else"' });
    expect(changed.statusCode).toBe(200);

    const thumb = await get(item!.thumbnailUrl as string, { cookie: alice.cookie });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers.etag).not.toBe(etag);
    expect(Number(thumb.headers['content-length'])).toBe(thumb.rawPayload.length);
  });

  it('refuses another user (403) and anonymous (403) an unattached upload; unknown id is 404', async () => {
    const [item] = await upload([{ data: await makeJpeg(64, 64) }], alice.cookie);
    for (const headers of [{ cookie: bob.cookie }, {}] as Record<string, string>[]) {
      for (const url of [item!.url, item!.thumbnailUrl as string]) {
        const res = await get(url, headers);
        expect(res.statusCode).toBe(403);
        expect(res.json().code).toBe('media.forbidden');
      }
    }
    expect((await get('/api/v1/media/999999', { cookie: alice.cookie })).json().code).toBe('media.not_found');
    expect((await get('/api/v1/media/abc', { cookie: alice.cookie })).statusCode).toBe(400);
  });

  it('an anonymous uploader cannot read back, even from the same address', async () => {
    const [item] = await upload([{ data: makeMp4() }]);
    expect((await get(item!.url)).statusCode).toBe(403);
  });

  it('serves byte ranges of a video and refuses ranges beyond its end (416)', async () => {
    const video = makeMp4(10_000);
    const [item] = await upload([{ data: video }], alice.cookie);
    const part = await get(item!.url, { cookie: alice.cookie, range: 'bytes=100-199' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 100-199/10000');
    expect(part.headers['content-length']).toBe('100');
    expect(part.rawPayload.equals(video.subarray(100, 200))).toBe(true);
    const tail = await get(item!.url, { cookie: alice.cookie, range: 'bytes=-10' });
    expect(tail.rawPayload.equals(video.subarray(9990))).toBe(true);
    const bad = await get(item!.url, { cookie: alice.cookie, range: 'bytes=20000-' });
    expect(bad.statusCode).toBe(416);
    expect(bad.headers['content-range']).toBe('bytes */10000');
    expect(
      (await get(item!.thumbnailUrl ?? `${item!.url}/thumbnail`, { cookie: alice.cookie })).json().code,
    ).toBe('media.no_thumbnail');
  });
});

describe('attach and the owner policy', () => {
  it('once attached, the owner module decides who reads: not the uploader by default, the public thumbnails only', async () => {
    const [item] = await upload([{ data: await makeJpeg(64, 64) }], alice.cookie);
    await attach([item!.id], 7, { ...SYSTEM, id: alice.id, username: 'alice' } as typeof SYSTEM);
    expect((await get(item!.url, { cookie: alice.cookie })).statusCode).toBe(403);
    expect((await get(item!.url, { cookie: bob.cookie })).statusCode).toBe(403);
    allowed.add(7);
    expect((await get(item!.url, { cookie: bob.cookie })).statusCode).toBe(200);
    expect((await get(item!.thumbnailUrl as string)).statusCode).toBe(200);
    expect((await get(item!.url)).statusCode).toBe(403);
    const listed = await ctx.services.media.listForOwner(ctx.db, 'test_report', 7);
    expect(listed.map((m) => m.id)).toEqual([item!.id]);
    const [entry] = await ctx.db.query<{ after: { mediaIds: number[] } }>(
      `SELECT after FROM audit_log WHERE action = 'media.attach' AND entity_type = 'test_report' AND entity_id = '7'`,
    );
    expect(entry?.after.mediaIds).toEqual([item!.id]);
  });

  it('a read grant in the url lets anyone read that one file and variant until it ends', async () => {
    const [item] = await upload([{ data: await makeJpeg(64, 64) }], alice.cookie);
    await attach([item!.id], 8);
    expect((await get(item!.url)).statusCode).toBe(403); // the owner policy says no to anonymous originals
    const [granted] = await ctx.services.media.withReadGrants([item!]);
    expect(granted!.url).toMatch(/^\/api\/v1\/media\/\d+\?exp=\d+&sig=[\w-]{32}$/);
    const res = await get(granted!.url);
    expect(res.statusCode).toBe(200);
    expect(Number(/max-age=(\d+)/.exec(String(res.headers['cache-control']))?.[1])).toBeLessThanOrEqual(
      7 * 3600,
    );
    expect((await get(granted!.thumbnailUrl as string)).statusCode).toBe(200);
    const { searchParams } = new URL(granted!.url, 'http://x');
    const [exp, sig] = [searchParams.get('exp'), searchParams.get('sig') ?? ''];
    // the original's grant is not the thumbnail's, another file's, a later expiry's, or a changed signature
    const problem = async (url: string) => {
      const r = await get(url);
      return [r.statusCode, r.json().code];
    };
    expect(await problem(`${item!.thumbnailUrl}?exp=${exp}&sig=${sig}`)).toEqual([
      403,
      'media.grant_invalid',
    ]);
    expect(await problem(`/api/v1/media/${item!.id + 1000}?exp=${exp}&sig=${sig}`)).toEqual([
      404,
      'media.not_found',
    ]);
    expect(await problem(`${item!.url}?exp=${Number(exp) + 3600}&sig=${sig}`)).toEqual([
      403,
      'media.grant_invalid',
    ]);
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    expect(await problem(`${item!.url}?exp=${exp}&sig=${flipped}`)).toEqual([403, 'media.grant_invalid']);
    // half a grant, or a malformed one, is bad input
    expect((await get(`${item!.url}?exp=${exp}`)).statusCode).toBe(400);
    expect((await get(`${item!.url}?exp=${exp}&sig=short`)).statusCode).toBe(400);
    // once it has ended, it reads no more
    ctx.clock.advance(7 * 3600_000);
    try {
      expect(await problem(granted!.url)).toEqual([403, 'media.grant_invalid']);
    } finally {
      ctx.clock.advance(-7 * 3600_000);
    }
  });

  it('a record takes photos and videos unless its module says it takes documents too', async () => {
    const [doc, photo] = await upload([{ data: makePdf() }, { data: await makeJpeg(32, 32) }], alice.cookie);
    const asAlice = { ...SYSTEM, id: alice.id, username: 'alice' } as typeof SYSTEM;
    const refused = await ctx.db
      .tx((q) => ctx.services.media.attach(q, [photo!.id, doc!.id], 'test_report', 9, asAlice))
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 422, code: 'media.kind_not_taken', extras: { ids: [doc!.id] } });
    // nothing attached: the photo is still free
    const taken = await ctx.db.tx((q) =>
      ctx.services.media.attach(q, [photo!.id, doc!.id], 'test_report', 9, asAlice, {
        kinds: ['image', 'document'],
      }),
    );
    expect(taken.map((m) => m.kind).sort()).toEqual(['document', 'image']);
  });

  it('attachments of an owner type nobody registered are 403 to everyone but the system', async () => {
    const [item] = await upload([{ data: makeMp4() }], alice.cookie);
    await ctx.db.tx((q) => ctx.services.media.attach(q, [item!.id], 'unregistered', 1, SYSTEM));
    expect((await get(item!.url, { cookie: alice.cookie })).statusCode).toBe(403);
  });

  it("refuses someone else's, unknown or already attached uploads, all or nothing, and rolls back with the caller", async () => {
    const [a1, a2] = await upload([{ data: makeMp4() }, { data: makeMp4() }], alice.cookie);
    const bobActor = {
      kind: 'user' as const,
      id: bob.id,
      username: 'bob',
      displayName: 'bob',
      roles: ['resident' as const],
      scope: { unit: null, department: null },
    };
    const aliceActor = { ...bobActor, id: alice.id, username: 'alice' };
    await expect(attach([a1!.id], 8, bobActor)).rejects.toMatchObject({ code: 'media.not_attachable' });
    await expect(attach([a1!.id, 999999], 8, aliceActor)).rejects.toMatchObject({
      code: 'media.not_attachable',
    });
    // the owner's transaction fails after attaching: the attachment is undone with it
    await expect(
      ctx.db.tx(async (q) => {
        await ctx.services.media.attach(q, [a1!.id], 'test_report', 8, aliceActor);
        throw new Error('the report failed to save');
      }),
    ).rejects.toThrow('the report failed to save');
    expect(await attach([a1!.id, a2!.id], 8, aliceActor)).toHaveLength(2);
    await expect(attach([a1!.id], 9, aliceActor)).rejects.toMatchObject({ code: 'media.not_attachable' });
  });

  it('an anonymous reporter attaches their own upload by address, not anyone else’s', async () => {
    const [item] = await upload([{ data: makeMp4() }]);
    await expect(attach([item!.id], 10, ANONYMOUS, '10.9.9.9')).rejects.toMatchObject({
      code: 'media.not_attachable',
    });
    await expect(attach([item!.id], 10, ANONYMOUS)).rejects.toMatchObject({ code: 'media.not_attachable' });
    expect(await attach([item!.id], 10, ANONYMOUS, '127.0.0.1')).toHaveLength(1);
  });
});

describe('purgeUnattached', () => {
  it('deletes unattached uploads older than a day with their files, and keeps attached ones', async () => {
    const [old, kept] = await upload([{ data: await makeJpeg(50, 50) }, { data: makeMp4() }], alice.cookie);
    await attach([kept!.id], 11);
    const keys = await ctx.db.query<{ storage_key: string; thumbnail_key: string | null }>(
      'SELECT storage_key, thumbnail_key FROM media WHERE id = $1',
      [old!.id],
    );
    const files = [keys[0]?.storage_key, keys[0]?.thumbnail_key].map((k) =>
      path.join(dataDir, 'media', k as string),
    );
    expect(files.every((f) => fs.existsSync(f))).toBe(true);

    ctx.clock.advance(23 * 3600_000);
    const early = await ctx.services.media.purgeUnattached();
    expect(await ctx.db.query('SELECT 1 FROM media WHERE id = $1', [old!.id])).toHaveLength(1);
    ctx.clock.advance(2 * 3600_000);
    const purged = await ctx.services.media.purgeUnattached();
    expect(purged).toBeGreaterThan(early);
    expect(await ctx.db.query('SELECT 1 FROM media WHERE id = $1', [old!.id])).toHaveLength(0);
    expect(files.some((f) => fs.existsSync(f))).toBe(false);
    expect(await ctx.db.query('SELECT 1 FROM media WHERE id = $1', [kept!.id])).toHaveLength(1);
    expect((await get(kept!.url, { cookie: bob.cookie })).statusCode).toBe(403); // 11 not allowed for bob
    expect(await ctx.db.query('SELECT count(*)::int AS n FROM media WHERE owner_type IS NULL')).toEqual([
      { n: 0 },
    ]);
  });
});
