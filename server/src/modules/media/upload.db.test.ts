// Uploads over HTTP: content sniffing, limits, EXIF, thumbnails, and "nothing stored on any refusal".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { login, makeAccount } from '../access/testing.js';
import { MAX_IMAGE_BYTES } from './limits.js';
import { makeJpeg, makeMp4, makePdf, makePng, multipart, type Part, withExifGps } from './testing.js';

let ctx: TestContext;
let app: App;
let cookie: string;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anwang-media-'));
  ctx = await createTestContext({ dataDir });
  app = await ctx.app();
  const resident = await makeAccount(ctx, { roles: ['resident'] });
  cookie = await login(app, resident.username);
});
afterAll(async () => {
  await ctx.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function upload(parts: Part[], headers: Record<string, string> = { cookie }) {
  const body = multipart(parts);
  return app.inject({
    method: 'POST',
    url: '/api/v1/media',
    payload: body.payload,
    headers: { ...body.headers, ...headers },
  });
}

/** Every file under the media folder, temporary ones included. */
function filesOnDisk(): string[] {
  const root = path.join(dataDir, 'media');
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name);
}
const rowCount = async () =>
  (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM media'))[0]?.n;

/** Runs a refused upload and checks that neither a row nor a file was left behind. */
async function expectRefused(parts: Part[], status: number, code: string) {
  const [rowsBefore, filesBefore] = [await rowCount(), filesOnDisk()];
  const res = await upload(parts);
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.json().code).toBe(code);
  expect(await rowCount()).toBe(rowsBefore);
  expect(filesOnDisk()).toEqual(filesBefore);
  return res;
}

describe('POST /api/v1/media', () => {
  it('stores a photo, reads its EXIF place and time, and makes a thumbnail without GPS', async () => {
    const photo = withExifGps(await makeJpeg(1200, 900), {
      lng: 120.6386,
      lat: 27.9938,
      takenAt: '2026:11:20 09:30:15',
    });
    // the client's name and type are lies: the server goes by the content
    const res = await upload([
      { data: photo, filename: 'report.png', contentType: 'application/octet-stream' },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const [item] = res.json().items;
    expect(item).toMatchObject({
      kind: 'image',
      mime: 'image/jpeg',
      bytes: photo.length,
      width: 1200,
      height: 900,
      takenAt: '2026-11-20T01:30:15.000Z',
      location: { lng: 120.6386, lat: 27.9938 },
      url: `/api/v1/media/${item.id}`,
      thumbnailUrl: `/api/v1/media/${item.id}/thumbnail`,
    });

    const [row] = await ctx.db.query<Record<string, unknown>>('SELECT * FROM media WHERE id = $1', [item.id]);
    expect(row).toMatchObject({
      kind: 'image',
      owner_type: null,
      uploader_hash: null,
      lng: 120.6386,
      lat: 27.9938,
    });
    expect(row?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const original = fs.readFileSync(path.join(dataDir, 'media', row?.storage_key as string));
    expect(original.equals(photo)).toBe(true); // kept exactly as sent, EXIF included, for staff

    const thumb = await app.inject({ method: 'GET', url: item.thumbnailUrl, headers: { cookie } });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(thumb.rawPayload).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(320);
    expect(meta.exif).toBeUndefined();
    expect(await exifr.gps(thumb.rawPayload)).toBeUndefined();

    const audit = await ctx.db.query<{ action: string; actor_name: string }>(
      `SELECT action, actor_name FROM audit_log WHERE entity_type = 'media' AND entity_id = $1`,
      [String(item.id)],
    );
    expect(audit.map((a) => a.action)).toEqual(['media.upload']);
  });

  it('takes several files at once: a PNG without EXIF and a video without thumbnail', async () => {
    const res = await upload([
      { data: await makePng(40, 30) },
      { data: makeMp4(8192), filename: 'clip.mp4' },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const [png, mp4] = res.json().items;
    expect(png).toMatchObject({ kind: 'image', mime: 'image/png', width: 40, height: 30 });
    const thumb = await app.inject({ method: 'GET', url: png.thumbnailUrl, headers: { cookie } });
    expect((await sharp(thumb.rawPayload).metadata()).format).toBe('jpeg');
    expect(png.location).toBeUndefined();
    expect(png.takenAt).toBeUndefined();
    expect(png.thumbnailUrl).toBe(`/api/v1/media/${png.id}/thumbnail`);
    expect(mp4).toMatchObject({ kind: 'video', mime: 'video/mp4', bytes: 8192, thumbnailUrl: null });
  });

  it('takes a PDF as a document (no thumbnail) and hands it back as a download', async () => {
    const pdf = makePdf();
    const res = await upload([{ data: pdf, filename: '整改报告.pdf' }]);
    expect(res.statusCode, res.body).toBe(201);
    const [doc] = res.json().items;
    expect(doc).toMatchObject({
      kind: 'document',
      mime: 'application/pdf',
      bytes: pdf.length,
      thumbnailUrl: null,
    });
    const back = await app.inject({ method: 'GET', url: doc.url, headers: { cookie } });
    expect(back.statusCode).toBe(200);
    expect(back.headers['content-type']).toBe('application/pdf');
    expect(back.headers['content-disposition']).toBe(`attachment; filename="document-${doc.id}.pdf"`);
    expect(back.rawPayload.equals(pdf)).toBe(true);
  });

  it('refuses a text file named .jpg (415) and stores nothing', async () => {
    await expectRefused(
      [
        {
          data: Buffer.from('this is not a photo, just text '.repeat(20)),
          filename: 'photo.jpg',
          contentType: 'image/jpeg',
        },
      ],
      415,
      'media.unsupported_type',
    );
  });

  it('refuses a truncated JPEG and one with garbage after the signature (422)', async () => {
    const jpeg = await makeJpeg(800, 600);
    await expectRefused([{ data: jpeg.subarray(0, Math.floor(jpeg.length / 2)) }], 422, 'media.corrupt');
    const fake = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff]),
      Buffer.from('not really a jpeg '.repeat(10)),
    ]);
    await expectRefused([{ data: fake }], 422, 'media.corrupt');
  });

  it('refuses a HEIC signature with nothing behind it (422) without hanging', async () => {
    const fake = Buffer.alloc(200);
    fake.writeUInt32BE(24, 0);
    fake.write('ftypheic', 4, 'latin1');
    fake.write('mif1heic', 16, 'latin1');
    await expectRefused([{ data: fake, filename: 'IMG_0001.HEIC' }], 422, 'media.corrupt');
  }, 10_000);

  it('refuses an image over 15 MB (413) and keeps nothing, not even a temporary file', async () => {
    const big = Buffer.concat([await makeJpeg(16, 16), Buffer.alloc(MAX_IMAGE_BYTES)]);
    const res = await expectRefused([{ data: big }], 413, 'media.too_large');
    expect(res.json().limitBytes).toBe(MAX_IMAGE_BYTES);
  });

  it('refuses the whole request when one file of several is bad (all or nothing)', async () => {
    await expectRefused(
      [
        { data: await makePng() },
        { data: makeMp4() },
        { data: Buffer.from('GIF89a........................') },
      ],
      415,
      'media.unsupported_type',
    );
  });

  it('refuses a tenth file (413) and an empty or non-multipart request', async () => {
    const png = await makePng(8, 8);
    await expectRefused(
      Array.from({ length: 10 }, () => ({ data: png })),
      413,
      'media.too_many_files',
    );
    await expectRefused([], 422, 'media.no_files');
    await expectRefused([{ data: Buffer.alloc(0) }], 422, 'media.corrupt');
    const json = await app.inject({
      method: 'POST',
      url: '/api/v1/media',
      payload: { file: 'x' },
      headers: { cookie },
    });
    expect(json.statusCode).toBe(415);
    expect(json.json().code).toBe('media.not_multipart');
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json();
    expect(Object.keys(doc.paths['/api/v1/media'])).toEqual(['post']);
    expect(doc.paths['/api/v1/media/{id}/thumbnail'].get).toBeDefined();
  });

  it('multipart is parsed only by the media routes', async () => {
    const body = multipart([{ data: await makePng() }]);
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', ...body });
    expect(res.statusCode).toBe(415);
  });
});

describe('anonymous uploads', () => {
  it('are allowed, audited by a pseudonymous address hash only, and rate-limited per address', async () => {
    const anon = { 'x-test': '1' }; // no cookie
    const res = await upload([{ data: makeMp4() }], anon);
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().items[0].id;
    const [row] = await ctx.db.query<{ uploaded_by: number | null; uploader_hash: string }>(
      'SELECT uploaded_by, uploader_hash FROM media WHERE id = $1',
      [id],
    );
    expect(row?.uploaded_by).toBeNull();
    expect(row?.uploader_hash).toMatch(/^[0-9a-f]{64}$/);
    const [entry] = await ctx.db.query<{
      actor_id: number | null;
      actor_name: string;
      after: Record<string, unknown>;
    }>(`SELECT actor_id, actor_name, after FROM audit_log WHERE entity_type = 'media' AND entity_id = $1`, [
      String(id),
    ]);
    expect(entry).toMatchObject({ actor_id: null, actor_name: 'anonymous' });
    expect(entry?.after.uploader).toBe(`anon:${row?.uploader_hash.slice(0, 16)}`);
    expect(JSON.stringify(entry)).not.toContain('127.0.0.1');

    // 30 per hour per address: 1 so far, then 27 more in three requests, then 3 more is one too many
    for (let i = 0; i < 3; i++) {
      const r = await upload(
        Array.from({ length: 9 }, () => ({ data: makeMp4(512) })),
        anon,
      );
      expect(r.statusCode).toBe(201);
    }
    await expectRefusedAnon([{ data: makeMp4(512) }, { data: makeMp4(512) }, { data: makeMp4(512) }], anon);
    expect((await upload([{ data: makeMp4(512) }, { data: makeMp4(512) }], anon)).statusCode).toBe(201);
    await expectRefusedAnon([{ data: makeMp4(512) }], anon);
    // a logged-in user from the same address is not limited by it; an hour later the address may upload again
    expect((await upload([{ data: makeMp4(512) }])).statusCode).toBe(201);
    ctx.clock.advance(3600_000 + 1);
    expect((await upload([{ data: makeMp4(512) }], anon)).statusCode).toBe(201);
  });

  async function expectRefusedAnon(parts: Part[], headers: Record<string, string>) {
    const before = await rowCount();
    const res = await upload(parts, headers);
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe('media.rate_limited');
    expect(await rowCount()).toBe(before);
  }
});
