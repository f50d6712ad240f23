// Test helpers for attachments (used here and by modules that attach media): real images generated
// with sharp, an EXIF block with GPS written by hand, and multipart bodies for app.inject.
import sharp from 'sharp';

/** A real JPEG of the given size (a colour gradient, so it compresses like a photo, not like a flat fill). */
export async function makeJpeg(width = 640, height = 480): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = (x * 255) / width;
      raw[i + 1] = (y * 255) / height;
      raw[i + 2] = 128;
    }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

export async function makePng(width = 40, height = 30): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 0, g: 128, b: 255, alpha: 1 } } })
    .png()
    .toBuffer();
}

/** A small, valid one-page PDF (a rectification report as a unit's office scans it). */
export function makePdf(text = 'Rectification report'): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
    `<< /Length ${text.length + 30} >>\nstream\nBT /F1 12 Tf 72 770 Td (${text}) Tj ET\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A stand-in MP4: an `ftyp` box with brand isom and some payload (not playable; sniffing only needs the box). */
export function makeMp4(bytes = 4096): Buffer {
  const b = Buffer.alloc(bytes);
  b.writeUInt32BE(24, 0);
  b.write('ftypisom', 4, 'latin1');
  b.writeUInt32BE(0x200, 12);
  b.write('isomiso2', 16, 'latin1');
  b.writeUInt32BE(bytes - 24, 24);
  b.write('mdat', 28, 'latin1');
  for (let i = 32; i < bytes; i++) b[i] = i % 251;
  return b;
}

/**
 * The JPEG with an EXIF APP1 segment holding GPS (WGS84, degrees) and DateTimeOriginal
 * ('YYYY:MM:DD HH:MM:SS', camera local time) inserted after its SOI marker.
 */
export function withExifGps(jpeg: Buffer, o: { lng: number; lat: number; takenAt: string }): Buffer {
  const tiff = Buffer.alloc(190);
  let p = 0;
  const u16 = (v: number) => {
    tiff.writeUInt16BE(v, p);
    p += 2;
  };
  const u32 = (v: number) => {
    tiff.writeUInt32BE(v, p);
    p += 4;
  };
  const entry = (tag: number, type: number, count: number, value: number | Buffer) => {
    u16(tag);
    u16(type);
    u32(count);
    if (Buffer.isBuffer(value)) {
      value.copy(tiff, p, 0, 4);
      p += 4;
    } else u32(value);
  };
  tiff.write('MM', 0, 'latin1');
  p = 2;
  u16(42);
  u32(8);
  // IFD0 at 8: pointers to the Exif IFD (38) and the GPS IFD (76)
  u16(2);
  entry(0x8769, 4, 1, 38);
  entry(0x8825, 4, 1, 76);
  u32(0);
  // Exif IFD at 38: DateTimeOriginal, its 20-byte string at 56
  u16(1);
  entry(0x9003, 2, 20, 56);
  u32(0);
  tiff.write(`${o.takenAt}\0`, 56, 'latin1');
  // GPS IFD at 76: version, refs and the two coordinates as degree/minute/second rationals at 142 and 166
  p = 76;
  u16(5);
  entry(0x0000, 1, 4, Buffer.from([2, 2, 0, 0]));
  entry(0x0001, 2, 2, Buffer.from(`${o.lat >= 0 ? 'N' : 'S'}\0\0\0`, 'latin1'));
  entry(0x0002, 5, 3, 142);
  entry(0x0003, 2, 2, Buffer.from(`${o.lng >= 0 ? 'E' : 'W'}\0\0\0`, 'latin1'));
  entry(0x0004, 5, 3, 166);
  u32(0);
  const dms = (v: number) => {
    const a = Math.abs(v);
    const d = Math.floor(a);
    const m = Math.floor((a - d) * 60);
    const s = Math.round(((a - d) * 60 - m) * 60 * 1000);
    for (const [num, den] of [
      [d, 1],
      [m, 1],
      [s, 1000],
    ] as const) {
      u32(num);
      u32(den);
    }
  };
  p = 142;
  dms(o.lat);
  dms(o.lng);
  const header = Buffer.from('Exif\0\0', 'latin1');
  const len = Buffer.alloc(4);
  len.writeUInt16BE(0xffe1, 0);
  len.writeUInt16BE(2 + header.length + tiff.length, 2);
  return Buffer.concat([jpeg.subarray(0, 2), len, header, tiff, jpeg.subarray(2)]);
}

export interface Part {
  data: Buffer;
  filename?: string;
  /** What the client claims; the server ignores it. */
  contentType?: string;
  field?: string;
}

/** A multipart/form-data body and its Content-Type header, for app.inject. */
export function multipart(parts: Part[]): { payload: Buffer; headers: { 'content-type': string } } {
  const boundary = `----anwang${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.field ?? 'file'}"; filename="${p.filename ?? 'photo.jpg'}"\r\n` +
          `Content-Type: ${p.contentType ?? 'image/jpeg'}\r\n\r\n`,
      ),
      p.data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
