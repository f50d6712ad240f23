// Recognises an upload's type from its first bytes (magic numbers), never from its name or the client's
// Content-Type. Pure: no I/O. Only the types the platform accepts are named; everything else is null.

export type MediaKind = 'image' | 'video' | 'document';

export interface Sniffed {
  mime: string;
  kind: MediaKind;
}

/** How many leading bytes `sniff` needs to decide. */
export const SNIFF_BYTES = 64;

const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) =>
  b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);

// ISO base media file format brands (the `ftyp` box): still images (HEIF family) and videos.
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const HEIF_BRANDS = new Set(['mif1', 'msf1', 'mif2']);
const QUICKTIME_BRANDS = new Set(['qt  ']);
const MP4_BRANDS = new Set([
  'isom',
  'iso2',
  'iso3',
  'iso4',
  'iso5',
  'iso6',
  'mp41',
  'mp42',
  'mp71',
  'avc1',
  'M4V ',
  'M4VH',
  'M4VP',
  'MSNV',
  'dash',
  'f4v ',
  '3gp4',
  '3gp5',
  '3gp6',
  '3g2a',
  'mmp4',
]);
// Old QuickTime files may open with one of these atoms instead of `ftyp`.
const QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'pnot']);

/** The accepted type of a file from its first bytes (at least SNIFF_BYTES when the file is that long), or null. */
export function sniff(head: Uint8Array): Sniffed | null {
  // PDF: its header at the very start (the format tolerates junk before it; we do not, so no polyglot passes)
  if (ascii(head, 0, 5) === '%PDF-') return { mime: 'application/pdf', kind: 'document' };
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', kind: 'image' };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { mime: 'image/png', kind: 'image' };
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP')
    return { mime: 'image/webp', kind: 'image' };
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) {
    // EBML: Matroska and WebM share the container; only WebM (its DocType) is accepted
    return ascii(head, 4, Math.min(head.length, SNIFF_BYTES)).includes('webm')
      ? { mime: 'video/webm', kind: 'video' }
      : null;
  }
  if (head.length >= 12) {
    const box = ascii(head, 4, 8);
    if (box === 'ftyp') return isoBmff(head);
    if (QUICKTIME_ATOMS.has(box)) return { mime: 'video/quicktime', kind: 'video' };
  }
  return null;
}

function isoBmff(head: Uint8Array): Sniffed | null {
  const size = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0);
  const brands = [ascii(head, 8, 12)];
  // compatible brands follow the minor version, up to the box's end (or what we have of it)
  for (let at = 16; at + 4 <= Math.min(size, head.length); at += 4) brands.push(ascii(head, at, at + 4));
  const major = brands[0] as string;
  if (HEIC_BRANDS.has(major)) return { mime: 'image/heic', kind: 'image' };
  if (HEIF_BRANDS.has(major)) {
    // mif1 with a HEVC brand among the compatible ones is HEIC; AVIF (avif/avis) is not accepted
    if (brands.some((b) => b === 'avif' || b === 'avis')) return null;
    return brands.some((b) => HEIC_BRANDS.has(b))
      ? { mime: 'image/heic', kind: 'image' }
      : { mime: 'image/heif', kind: 'image' };
  }
  if (QUICKTIME_BRANDS.has(major)) return { mime: 'video/quicktime', kind: 'video' };
  if (MP4_BRANDS.has(major)) return { mime: 'video/mp4', kind: 'video' };
  return null;
}
