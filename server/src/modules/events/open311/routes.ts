// Open311 GeoReport v2 under /open311/v2: discovery, services, service definitions, POST and GET
// service requests, each as .json or .xml. The routes live in their own Fastify scope, which answers
// every error in the spec's format ([{"code", "description"}] / <errors><error>…) instead of
// problem+json, and reads form-encoded bodies (the spec's encoding for POST) as well as JSON.
// In app.ts, after the /api/v1 routes:
//   await open311Routes(app, { events: services.events, categories: services.categories,
//     access: services.access, clock: services.clock });
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../../../http/errors.js';
import type { App } from '../../../http/types.js';
import { Open311Errors as E } from './errors.js';
import {
  apiKeyQuery,
  CONTENT_TYPES,
  type ErrorItem,
  FORMATS,
  type Format,
  localeQuery,
  normalisePostBody,
  type PostBody,
  postBody,
  requestFileParams,
  requestsQuery,
  serviceFileParams,
  TRACKING_NO_RE,
  XML_ROOTS,
} from './schema.js';
import { type Open311Deps, Open311Service } from './service.js';
import { toXml } from './xml.js';

export const OPEN311_PREFIX = '/open311/v2';
const tags = ['open311'];

/** A form-encoded body as its pairs, in order (repeated keys kept), until normalisePostBody. */
class FormPairs {
  constructor(readonly pairs: [string, string][]) {}
}

/** The format a URL asks for: its .json or .xml suffix; XML (the spec's required format) otherwise. */
function formatOf(url: string): Format {
  return /\.json$/i.test(url.split('?')[0] ?? '') ? 'json' : 'xml';
}

function send(reply: FastifyReply, format: Format, root: string, value: unknown, status = 200) {
  return reply
    .status(status)
    .type(CONTENT_TYPES[format])
    .send(format === 'json' ? JSON.stringify(value) : toXml(root, value));
}

/** `name.json` → ['name', 'json']; anything else is no resource. */
function splitFile(file: string): [string, Format] {
  const m = /^(.+)\.(json|xml)$/.exec(file);
  if (!m) return E.serviceNotFound.raise(`No resource ${file}: ask for .json or .xml`);
  return [m[1]!, m[2] as Format];
}

/** The request's scheme and host, as the client reached us (behind a proxy when trustProxy says so). */
const originOf = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

/**
 * HTTP statuses the spec asks for: 404 for what does not exist, 403 for a missing or wrong api_key,
 * 400 for any other request that cannot be fulfilled. HTTP-level conditions (413, 415, 429) and
 * server failures keep their own status. The body's code is the HTTP status.
 */
export function open311Status(status: number): number {
  if (status === 404) return 404;
  if (status === 401 || status === 403) return 403;
  if (status === 413 || status === 415 || status === 429) return status;
  if (status >= 500) return status === 503 ? 503 : 500;
  return 400;
}

function descriptionsOf(extras: Record<string, unknown>): string[] | null {
  const list = extras.errors;
  if (!Array.isArray(list) || list.length === 0) return null;
  return list.map((e) => {
    if (typeof e === 'string') return e;
    const { path, message } = (e ?? {}) as { path?: unknown; message?: unknown };
    return path ? `${String(path)}: ${String(message)}` : String(message);
  });
}

export function open311ErrorsOf(err: FastifyError | Error, req: FastifyRequest): [number, ErrorItem[]] {
  let status: number;
  let descriptions: string[];
  if (err instanceof AppError) {
    status = open311Status(err.status);
    descriptions = descriptionsOf(err.extras) ?? [err.detail ?? err.def.title];
  } else if (hasZodFastifySchemaValidationErrors(err)) {
    status = 400;
    descriptions = err.validation.map((v) => {
      const path = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
      const message = v.message ?? 'invalid';
      return path && !message.startsWith(path) ? `${path}: ${message}` : message;
    });
  } else {
    const fe = err as FastifyError;
    status = typeof fe.statusCode === 'number' ? open311Status(fe.statusCode) : 500;
    if (status >= 500) req.log.error({ err }, 'open311: unhandled error');
    descriptions = [status >= 500 ? `Internal error (request ${req.id})` : fe.message];
  }
  return [status, descriptions.map((description) => ({ code: status, description }))];
}

export async function open311Routes(app: App, deps: Open311Deps): Promise<void> {
  const open311 = new Open311Service(deps);
  await app.register(
    async (instance) => {
      const scope = instance as unknown as App;

      scope.setErrorHandler((err, req, reply) => {
        const [status, errors] = open311ErrorsOf(err as FastifyError, req);
        return send(reply, formatOf(req.url), XML_ROOTS.errors, errors, status);
      });
      scope.setNotFoundHandler((req, reply) =>
        send(
          reply,
          formatOf(req.url),
          XML_ROOTS.errors,
          [{ code: 404, description: `No resource ${req.method} ${req.url.split('?')[0]}` }],
          404,
        ),
      );
      // form-encoded bodies (the spec's encoding), in this scope only
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string' },
        (_req, body, done) => done(null, new FormPairs([...new URLSearchParams(body as string)])),
      );
      // public, read-only, cookie-free answers: any web page may read them
      scope.addHook('onSend', async (req, reply) => {
        if (req.method === 'GET' || req.method === 'HEAD') reply.header('access-control-allow-origin', '*');
      });

      for (const format of FORMATS) {
        scope.get(
          `/discovery.${format}`,
          { schema: { tags, summary: `Service discovery (${format})` } },
          async (req, reply) =>
            send(
              reply,
              format,
              XML_ROOTS.discovery,
              await open311.discovery(`${originOf(req)}${OPEN311_PREFIX}`),
            ),
        );

        scope.get(
          `/services.${format}`,
          { schema: { tags, summary: `The service list (${format})`, querystring: localeQuery } },
          async (req, reply) =>
            send(reply, format, XML_ROOTS.services, await open311.services(req.query.locale)),
        );

        scope.post(
          `/requests.${format}`,
          {
            schema: {
              tags,
              summary: `Create a service request (${format})`,
              description:
                'Form-encoded (as the spec says) or JSON. Needs api_key; a location as lat and long (WGS84): ' +
                'there is no geocoder, so address_string alone is refused. attribute[code]=value, and ' +
                'attribute[code][]=value repeated for a multivaluelist.',
              querystring: apiKeyQuery,
              body: postBody,
            },
            preValidation: async (req) => {
              const raw: unknown = req.body;
              const entries: Iterable<[string, unknown]> =
                raw instanceof FormPairs
                  ? raw.pairs
                  : raw && typeof raw === 'object' && !Array.isArray(raw)
                    ? Object.entries(raw)
                    : [];
              const body = normalisePostBody(entries);
              req.body = body as PostBody;
              const fromBody =
                typeof body.api_key === 'string' && body.api_key !== '' ? body.api_key : undefined;
              const query = req.query as { api_key?: unknown };
              const fromQuery =
                typeof query.api_key === 'string' && query.api_key !== '' ? query.api_key : undefined;
              req.actor = await open311.apiKeyActor(fromBody ?? fromQuery, req.actor);
            },
          },
          async (req, reply) => {
            const idem = req.headers['idempotency-key'];
            const created = await open311.create(req.actor, req.body, {
              ip: req.ip,
              ...(typeof idem === 'string' && idem ? { idempotencyKey: idem } : {}),
            });
            return send(reply, format, XML_ROOTS.requests, created);
          },
        );

        scope.get(
          `/requests.${format}`,
          {
            schema: {
              tags,
              summary: `Service requests (${format})`,
              description:
                'Newest first, at most 1,000; by default those requested in the last 90 days, and a range of ' +
                'at most 90 days. No personal data; locations are coarsened.',
              querystring: requestsQuery,
            },
          },
          async (req, reply) =>
            send(reply, format, XML_ROOTS.requests, await open311.search(req.query, originOf(req))),
        );
      }

      scope.get(
        '/services/:file',
        {
          schema: {
            tags,
            summary: 'A service definition: /services/{service_code}.json or .xml',
            params: serviceFileParams,
            querystring: localeQuery,
          },
        },
        async (req, reply) => {
          const [code, format] = splitFile(req.params.file);
          const def = await open311.definition(code, req.query.locale);
          return send(reply, format, XML_ROOTS.definition, def);
        },
      );

      scope.get(
        '/requests/:file',
        {
          schema: {
            tags,
            summary: 'One service request: /requests/{service_request_id}.json or .xml',
            params: requestFileParams,
            querystring: localeQuery,
          },
        },
        async (req, reply) => {
          const m = /^(.+)\.(json|xml)$/.exec(req.params.file);
          if (!m) return E.requestNotFound.raise(`No resource ${req.params.file}: ask for .json or .xml`);
          const [, id = '', format] = m;
          if (!TRACKING_NO_RE.test(id))
            return E.requestNotFound.raise(`service_request_id ${id} was not found`);
          const found = await open311.get(id, req.query.locale, originOf(req));
          return send(reply, format as Format, XML_ROOTS.requests, found);
        },
      );
    },
    { prefix: OPEN311_PREFIX },
  );
}
