import { describe, expect, it } from 'vitest';
import { exifDate } from './image.js';
import { parseRange } from './routes.js';
import { sniff } from './sniff.js';
import { makeMp4 } from './testing.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const ftyp = (major: string, ...compatible: string[]) => {
  const b = bytes([0, 0, 0, 16 + 4 * compatible.length], 'ftyp', major, [0, 0, 0, 0], ...compatible);
  return Buffer.concat([b, Buffer.alloc(64)]);
};

describe('sniff', () => {
  it.each([
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'), 'image/jpeg', 'image'],
    ['PNG', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/png', 'image'],
    ['WebP', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '), 'image/webp', 'image'],
    ['HEIC', ftyp('heic', 'mif1', 'heic'), 'image/heic', 'image'],
    ['HEIF mif1 with heic brand', ftyp('mif1', 'mif1', 'heic'), 'image/heic', 'image'],
    ['HEIF mif1 alone', ftyp('mif1', 'mif1'), 'image/heif', 'image'],
    ['MP4', makeMp4(100), 'video/mp4', 'video'],
    ['MP4 mp42', ftyp('mp42', 'isom'), 'video/mp4', 'video'],
    ['MOV', ftyp('qt  ', 'qt  '), 'video/quicktime', 'video'],
    ['old MOV', bytes([0, 0, 0, 8], 'wide', [0, 0, 0, 8], 'mdat'), 'video/quicktime', 'video'],
    [
      'WebM',
      bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84], 'webm'),
      'video/webm',
      'video',
    ],
    ['PDF', bytes('%PDF-1.7\n'), 'application/pdf', 'document'],
  ])('recognises %s', (_name, head, mime, kind) => {
    expect(sniff(head)).toEqual({ mime, kind });
  });

  it.each([
    ['text named .jpg', bytes('hello, this is not a photo at all')],
    ['empty', Buffer.alloc(0)],
    ['GIF', bytes('GIF89a', [1, 0, 1, 0])],
    ['PDF header after junk (a polyglot)', bytes('GIF89a%PDF-1.7\n')],
    ['Matroska (not WebM)', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88], 'matroska')],
    ['AVIF', ftyp('avif', 'mif1', 'avif')],
    ['mif1 AVIF', ftyp('mif1', 'mif1', 'avif')],
    ['unknown ftyp brand', ftyp('crx ', 'crx ')],
    ['RIFF WAVE', bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt ')],
    ['JPEG signature cut short', bytes([0xff, 0xd8])],
  ])('refuses %s', (_name, head) => {
    expect(sniff(head)).toBeNull();
  });
});

describe('exifDate', () => {
  it('reads camera wall-clock time as China time unless an offset is given', () => {
    expect(exifDate('2026:11:20 09:30:15', undefined)?.toISOString()).toBe('2026-11-20T01:30:15.000Z');
    expect(exifDate('2026:11:20 09:30:15', '+00:00')?.toISOString()).toBe('2026-11-20T09:30:15.000Z');
  });
  it('ignores blank and absurd values', () => {
    expect(exifDate('0000:00:00 00:00:00', undefined)).toBeNull();
    expect(exifDate('    :  :     :  :  ', undefined)).toBeNull();
    expect(exifDate(12, undefined)).toBeNull();
  });
});

describe('parseRange', () => {
  it('reads one range in its three forms', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 });
  });
  it('refuses ranges outside the file and ignores what it does not serve', () => {
    expect(parseRange('bytes=1000-', 1000)).toBe('invalid');
    expect(parseRange('bytes=50-10', 1000)).toBe('invalid');
    expect(parseRange('bytes=0-1,5-6', 1000)).toBeUndefined();
    expect(parseRange('items=0-1', 1000)).toBeUndefined();
    expect(parseRange(undefined, 1000)).toBeUndefined();
  });
});
