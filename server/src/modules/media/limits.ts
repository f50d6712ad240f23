// Upload limits: constants rather than configuration, because the mobile page and the API docs promise
// them to users; change them here (and in README's "Attachments" note) if a deployment needs others.

/** Largest image accepted (bytes): a phone photo is 2–8 MB; HEIC less. */
export const MAX_IMAGE_BYTES = 15 * 1024 * 1024;
/** Largest video accepted (bytes): about 30 s of 1080p from a phone. */
export const MAX_VIDEO_BYTES = 60 * 1024 * 1024;
/** Largest document accepted (bytes): a scanned, signed report of a few pages. */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
/** Files per upload request (WeChat's picker allows nine). */
export const MAX_FILES_PER_REQUEST = 9;
/** Longest edge of a thumbnail, pixels. */
export const THUMBNAIL_EDGE = 320;
/** Anonymous uploads per client address per hour (counted in the media table, so shared by every server process). */
export const ANONYMOUS_UPLOADS_PER_HOUR = 30;
/** Unattached uploads older than this are garbage (MediaService.purgeUnattached). */
export const UNATTACHED_TTL_MS = 24 * 3600_000;
/** Images whose pixel count exceeds this are refused before decoding (decompression bombs). */
export const MAX_IMAGE_PIXELS = 100_000_000;
/** How long a read grant in an attachment's url lasts (MediaService.withReadGrants): a follower's session. */
export const READ_GRANT_TTL_MS = 6 * 3600_000;
