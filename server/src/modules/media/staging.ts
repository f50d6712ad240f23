// Receives one uploaded file into a temporary file while hashing and counting it, and stops as soon as
// its first bytes show a type we refuse or its size passes the limit for its kind — so a refused upload
// never becomes more than a temporary file, which the caller deletes.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../http/errors.js';
import { MediaErrors } from './errors.js';
import { MAX_DOCUMENT_BYTES, MAX_IMAGE_BYTES, MAX_VIDEO_BYTES } from './limits.js';
import { SNIFF_BYTES, type Sniffed, sniff } from './sniff.js';

export interface Staged {
  tmpPath: string;
  type: Sniffed;
  bytes: number;
  sha256: string;
}

const MAX_BYTES = { image: MAX_IMAGE_BYTES, video: MAX_VIDEO_BYTES, document: MAX_DOCUMENT_BYTES } as const;
const A_KIND = { image: 'An image', video: 'A video', document: 'A document' } as const;
export const maxBytes = (t: Sniffed) => MAX_BYTES[t.kind];

export async function stage(input: Readable, tmpPath: string): Promise<Staged> {
  const hash = createHash('sha256');
  let bytes = 0;
  let head = Buffer.alloc(0);
  let type: Sniffed | null = null;
  const decide = () => {
    type = sniff(head);
    if (!type) MediaErrors.unsupportedType.raise();
  };
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        bytes += chunk.length;
        if (!type) {
          head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES)]).subarray(0, SNIFF_BYTES);
          if (head.length >= SNIFF_BYTES) decide();
        }
        if (type && bytes > maxBytes(type)) tooLarge(type);
        hash.update(chunk);
        done(null, chunk);
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done) {
      try {
        if (bytes === 0) MediaErrors.corrupt.raise('The file is empty');
        if (!type) decide(); // shorter than SNIFF_BYTES
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
  try {
    await pipeline(input, check, fs.createWriteStream(tmpPath, { flags: 'wx' }));
  } catch (err) {
    if (err instanceof AppError) throw err;
    // @fastify/multipart's own per-file cap (the largest allowed kind) ends the stream with this code
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') tooLarge(type);
    throw err;
  }
  return { tmpPath, type: type as unknown as Sniffed, bytes, sha256: hash.digest('hex') };
}

function tooLarge(type: Sniffed | null): never {
  const limit = type ? maxBytes(type) : MAX_VIDEO_BYTES;
  return MediaErrors.tooLarge.raise(
    `${type ? A_KIND[type.kind] : 'A file'} may have at most ${Math.floor(limit / 1024 / 1024)} MB`,
    { limitBytes: limit },
  );
}
