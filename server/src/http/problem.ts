// The edge's one mapping from errors to RFC 9457 application/problem+json answers. Every error the
// server sends has `type`, `title`, `status`, `code` (stable), and where useful `detail` and `errors`.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type ErrorDef, HttpErrors } from './errors.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  [extra: string]: unknown;
}

export function problemOf(def: ErrorDef, detail?: string, extras: Record<string, unknown> = {}): Problem {
  return {
    type: `https://anwang.dev/problems/${def.code}`,
    title: def.title,
    status: def.status,
    code: def.code,
    ...(detail ? { detail } : {}),
    ...extras,
  };
}

export function sendProblem(reply: FastifyReply, p: Problem) {
  return reply.status(p.status).type('application/problem+json; charset=utf-8').send(p);
}

function toProblem(err: FastifyError | Error, req: FastifyRequest): Problem {
  if (err instanceof AppError) return problemOf(err.def, err.detail, err.extras);
  if (hasZodFastifySchemaValidationErrors(err)) {
    const errors = err.validation.map((v) => ({
      in: err.validationContext ?? 'body',
      path: (v.instancePath || '/').replace(/^\//, '').replace(/\//g, '.'),
      message: v.message ?? 'invalid',
    }));
    return problemOf(
      HttpErrors.validationFailed,
      errors.map((e) => `${e.in}${e.path ? `.${e.path}` : ''}: ${e.message}`).join('; '),
      { errors },
    );
  }
  const fe = err as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problemOf(HttpErrors.malformedBody, fe.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problemOf(HttpErrors.payloadTooLarge, fe.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return problemOf(HttpErrors.unsupportedMediaType, fe.message);
    case 'FST_ERR_VALIDATION':
      return problemOf(HttpErrors.validationFailed, fe.message);
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.statusCode === 429) return problemOf(HttpErrors.tooManyRequests, fe.message);
    return problemOf({ code: 'http.bad_request', status: fe.statusCode, title: 'Bad request' }, fe.message);
  }
  if (isResponseSerializationError(err)) req.log.error({ err }, 'response did not match its schema');
  else req.log.error({ err }, 'unhandled error');
  return problemOf(HttpErrors.internal, undefined, { requestId: req.id });
}

export function sendRouteNotFound(req: FastifyRequest, reply: FastifyReply) {
  return sendProblem(
    reply,
    problemOf(HttpErrors.notFound, `No route ${req.method} ${req.url.split('?')[0]}`),
  );
}

/** Installs the error handler and the not-found handler (the web client substitutes its own fallback). */
export function installProblemHandlers(
  app: FastifyInstance,
  notFound: (req: FastifyRequest, reply: FastifyReply) => unknown = sendRouteNotFound,
) {
  app.setErrorHandler((err, req, reply) => sendProblem(reply, toProblem(err as FastifyError, req)));
  app.setNotFoundHandler(notFound);
}
