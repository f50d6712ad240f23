// What an image tells us (dimensions, EXIF place and time) and its public thumbnail. The thumbnail is
// re-encoded from pixels with no metadata at all, so a resident's home location in the original's EXIF
// GPS never reaches a public view; the original is kept unchanged for staff.
import exifr from 'exifr';
import sharp from 'sharp';
import { MediaErrors } from './errors.js';
import { MAX_IMAGE_PIXELS, THUMBNAIL_EDGE } from './limits.js';

export interface ImageFacts {
  width: number | null;
  height: number | null;
  takenAt: Date | null;
  location: { lng: number; lat: number } | null;
  /** A JPEG of at most THUMBNAIL_EDGE px on its longer side, without metadata; null when we cannot decode the format. */
  thumbnail: Buffer | null;
}

// The prebuilt libvips decodes JPEG, PNG and WebP; HEIC needs a HEVC decoder it does not ship (patents),
// so HEIC/HEIF originals are stored as they are, checked for a readable header, and get no thumbnail.
const DECODABLE = new Set(['image/jpeg', 'image/png', 'image/webp']);

/** Reads an image fully; a file that does not decode (a truncated JPEG, text behind a JPEG signature) is 422. */
export async function inspectImage(bytes: Buffer, mime: string): Promise<ImageFacts> {
  const opts = { failOn: 'truncated' as const, limitInputPixels: MAX_IMAGE_PIXELS };
  let width: number | null = null;
  let height: number | null = null;
  let thumbnail: Buffer | null = null;
  try {
    const meta = await sharp(bytes, opts).metadata();
    const turned = (meta.orientation ?? 1) >= 5; // EXIF orientations 5–8 swap the axes
    width = (turned ? meta.height : meta.width) ?? null;
    height = (turned ? meta.width : meta.height) ?? null;
    if (DECODABLE.has(mime)) {
      thumbnail = await sharp(bytes, opts)
        .rotate() // apply the EXIF orientation to the pixels, since the thumbnail carries no EXIF
        .resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' }) // transparent PNG/WebP areas become white, not black
        .jpeg({ quality: 80, mozjpeg: true })
        .toBuffer();
    }
  } catch (err) {
    MediaErrors.corrupt.raise(`The image cannot be decoded (${shortReason(err)})`);
  }
  // exifr loops forever on some malformed HEIF box structures (found while testing: a bare `ftyp` box), so
  // EXIF is read only from formats libvips has just decoded in full; HEIC keeps its EXIF unread for now
  const exif = DECODABLE.has(mime) ? await readExif(bytes) : { takenAt: null, location: null };
  return { width, height, thumbnail, ...exif };
}

/** GPS position and the original capture time, when the file carries them; a broken EXIF block is ignored. */
export async function readExif(bytes: Buffer): Promise<Pick<ImageFacts, 'takenAt' | 'location'>> {
  let takenAt: Date | null = null;
  let location: ImageFacts['location'] = null;
  try {
    const gps = await exifr.gps(bytes);
    if (gps && validCoordinate(gps.longitude, gps.latitude))
      location = { lng: round7(gps.longitude), lat: round7(gps.latitude) };
  } catch {
    // no or unreadable GPS block: the report form asks for a location instead
  }
  try {
    const raw = await exifr.parse(bytes, {
      pick: ['DateTimeOriginal', 'OffsetTimeOriginal'],
      reviveValues: false,
    });
    takenAt = exifDate(raw?.DateTimeOriginal, raw?.OffsetTimeOriginal);
  } catch {
    // no usable time
  }
  return { takenAt, location };
}

/**
 * EXIF times are the camera's local wall-clock time ('YYYY:MM:DD HH:MM:SS'); the offset, when the camera
 * wrote one, is in OffsetTimeOriginal. Without it we assume China Standard Time (+08:00), where the platform runs.
 */
export function exifDate(value: unknown, offset: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim());
  if (!m) return null;
  const tz = typeof offset === 'string' && /^[+-]\d{2}:\d{2}$/.test(offset.trim()) ? offset.trim() : '+08:00';
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${tz}`);
  return Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1990 ? null : d;
}

function validCoordinate(lng: unknown, lat: unknown): lng is number {
  return (
    typeof lng === 'number' &&
    typeof lat === 'number' &&
    Number.isFinite(lng) &&
    Number.isFinite(lat) &&
    Math.abs(lng) <= 180 &&
    Math.abs(lat) <= 90 &&
    !(lng === 0 && lat === 0) // cameras without a fix write zeros
  );
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

function shortReason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]?.slice(0, 120) ?? 'unknown';
}
