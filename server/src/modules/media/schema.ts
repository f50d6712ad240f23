// zod schemas of the media API.
import { z } from 'zod';

export const mediaDto = z.object({
  id: z.number().int(),
  kind: z.enum(['image', 'video', 'document']),
  mime: z.string(),
  bytes: z.number().int(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  /** Capture time from EXIF DateTimeOriginal, ISO 8601. */
  takenAt: z.string().optional(),
  /** Where the photo was taken, from EXIF GPS (WGS84), so the report form can place the event. */
  location: z.object({ lng: z.number(), lat: z.number() }).optional(),
  url: z.string(),
  /** A ~320 px JPEG without metadata; null for videos and HEIC/HEIF (not decodable here). */
  thumbnailUrl: z.string().nullable(),
});
export type MediaDto = z.infer<typeof mediaDto>;

export const uploadResult = z.object({ items: z.array(mediaDto) });

export const idParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
/** A read grant carried in an attachment's url (both parts, or neither). */
export const readGrant = z
  .object({
    exp: z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 40)
      .optional()
      .describe('Unix seconds the grant ends'),
    sig: z
      .string()
      .regex(/^[A-Za-z0-9_-]{32}$/)
      .optional()
      .describe('The grant’s signature'),
  })
  .strict()
  .refine((g) => (g.exp === undefined) === (g.sig === undefined), 'exp and sig come together');
