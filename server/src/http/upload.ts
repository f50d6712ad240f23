// The one file of an import's multipart request, whole (the size limit is enforced while receiving by the
// multipart plugin the route's scope registers). Refusals carry the importing module's codes.
import type { FastifyRequest } from 'fastify';
import { type ImportErrors, tooLarge } from '../lib/table-reader.js';

export async function oneUploadedFile(
  req: FastifyRequest,
  E: ImportErrors,
  maxBytes: number,
): Promise<Buffer> {
  if (!req.isMultipart()) return E.importNotMultipart.raise();
  try {
    const part = await req.file();
    if (!part) return E.importNoFile.raise();
    return await part.toBuffer();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(E, maxBytes);
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') return E.importNoFile.raise();
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return E.importNotMultipart.raise();
    throw err;
  }
}
