// HTTP routes of attachments (under /api/v1). The multipart parser is registered in this plugin's scope
// only, so no other route accepts multipart bodies.

import type { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../http/types.js';
import { MediaErrors } from './errors.js';
import { MAX_FILES_PER_REQUEST, MAX_VIDEO_BYTES } from './limits.js';
import type { Variant } from './policy.js';
import { idParams, readGrant, uploadResult } from './schema.js';
import type { MediaService } from './service.js';
import type { ByteRange } from './storage.js';

const tags = ['media'];

export function mediaRoutes(app: App, media: MediaService): void {
  app.register(async (scope: App) => {
    await scope.register(multipart, {
      limits: {
        files: MAX_FILES_PER_REQUEST,
        // a backstop: the per-kind limits (images less) are applied while receiving, with a clearer answer
        fileSize: MAX_VIDEO_BYTES + 1,
        fields: 10,
        fieldSize: 1024,
        parts: MAX_FILES_PER_REQUEST + 10,
      },
    });

    scope.post(
      '/media',
      {
        schema: {
          tags,
          summary:
            'Upload photos or short videos (multipart/form-data, one or more files; anonymous allowed)',
          description:
            'Types are recognised from the content: JPEG, PNG, WebP, HEIC/HEIF images (≤ 15 MB) and MP4, MOV, ' +
            `WebM videos (≤ 60 MB), at most ${MAX_FILES_PER_REQUEST} files. Answers each file's EXIF location and ` +
            'capture time when present. Uploads stay unattached until a report uses them, and are deleted after ' +
            'a day otherwise. Refusals (413 media.too_large / media.too_many_files, 415 media.unsupported_type, ' +
            '422 media.corrupt, 429 media.rate_limited) store nothing.',
          consumes: ['multipart/form-data'],
          response: { 201: uploadResult },
        },
      },
      async (req, reply) => {
        if (!req.isMultipart()) MediaErrors.notMultipart.raise();
        const items = await media.upload(req.actor, fileStreams(req), { address: req.ip, requestId: req.id });
        return reply.status(201).send({ items });
      },
    );

    for (const variant of ['original', 'thumbnail'] as const) {
      scope.get(
        variant === 'original' ? '/media/:id' : '/media/:id/thumbnail',
        {
          schema: {
            tags,
            summary:
              variant === 'original'
                ? 'An attachment as uploaded (with its EXIF); byte ranges supported'
                : 'The ~320 px JPEG thumbnail of an image attachment, without any metadata',
            description:
              'Readable by the uploader while unattached; once attached, the owning module decides. ' +
              'ETag from the content hash; If-None-Match answers 304.',
            params: idParams,
            querystring: readGrant,
            produces: [
              'image/jpeg',
              'image/png',
              'image/webp',
              'image/heic',
              'video/mp4',
              'video/quicktime',
              'video/webm',
              'application/pdf',
            ],
          },
        },
        async (req, reply) => send(req, reply, media, req.params.id, variant, req.query),
      );
    }
  });
}

/** The request's file parts as plain streams; multipart's own limit errors become media codes. */
async function* fileStreams(req: FastifyRequest): AsyncGenerator<Readable> {
  try {
    for await (const part of req.files()) yield part.file;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT')
      MediaErrors.tooManyFiles.raise(`At most ${MAX_FILES_PER_REQUEST} files per request`);
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') MediaErrors.notMultipart.raise();
    if (code === 'FST_REQ_FILE_TOO_LARGE')
      MediaErrors.tooLarge.raise(undefined, { limitBytes: MAX_VIDEO_BYTES });
    throw err;
  }
}

async function send(
  req: FastifyRequest,
  reply: FastifyReply,
  media: MediaService,
  id: number,
  variant: Variant,
  query: { exp?: number | undefined; sig?: string | undefined },
) {
  const grant =
    query.exp !== undefined && query.sig !== undefined ? { exp: query.exp, sig: query.sig } : undefined;
  const out = await media.read(req.actor, id, variant, grant);
  // a granted read may be cached until the grant ends, not longer
  const maxAge = grant ? Math.max(0, Math.min(86_400, Math.floor(grant.exp - Date.now() / 1000))) : 86_400;
  reply
    .header('ETag', out.etag)
    .header('Cache-Control', `private, max-age=${maxAge}`)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Security-Policy', "default-src 'none'; sandbox")
    .header('Vary', 'Cookie, Authorization');
  if (etagMatches(req.headers['if-none-match'], out.etag)) return reply.status(304).send();
  reply.type(out.mime);
  // a document is saved, not shown inside the platform's origin
  if (out.mime === 'application/pdf')
    reply.header('Content-Disposition', `attachment; filename="document-${id}.pdf"`);
  if (variant === 'original') reply.header('Accept-Ranges', 'bytes');
  const range = variant === 'original' ? parseRange(req.headers.range, out.bytes) : undefined;
  if (range === 'invalid') {
    reply.header('Content-Range', `bytes */${out.bytes}`);
    return MediaErrors.rangeNotSatisfiable.raise();
  }
  if (range) {
    reply
      .status(206)
      .header('Content-Range', `bytes ${range.start}-${range.end}/${out.bytes}`)
      .header('Content-Length', range.end - range.start + 1);
    return reply.send(await out.open(range));
  }
  if (out.bytes > 0) reply.header('Content-Length', out.bytes);
  return reply.send(await out.open());
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === etag || v === '*';
  });
}

/** One byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`); several ranges are answered with the whole file. */
export function parseRange(header: string | undefined, size: number): ByteRange | 'invalid' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined; // multiple or malformed ranges: ignore (RFC 9110 allows the full answer)
  const [, a, b] = m;
  let start: number;
  let end: number;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'invalid';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}
