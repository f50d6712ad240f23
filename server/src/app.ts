// Builds the HTTP server from the modules: the edge (problem+json, auth, OpenAPI), then each
// module's routes, then the web client's static files.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from './config.js';
import { installProblemHandlers, sendRouteNotFound } from './http/problem.js';
import type { App } from './http/types.js';
import { type Actor, ANONYMOUS } from './modules/access/actor.js';
import { accessRoutes, SESSION_COOKIE } from './modules/access/routes.js';
import { categoryRoutes } from './modules/events/categories/routes.js';
import { hotlineImportRoutes } from './modules/events/hotline-routes.js';
import { open311Routes } from './modules/events/open311/routes.js';
import { eventRoutes } from './modules/events/routes.js';
import { inspectionRoutes } from './modules/hazards/inspections/routes.js';
import { listingRoutes } from './modules/hazards/listing/routes.js';
import { placeRoutes } from './modules/hazards/places/routes.js';
import { hazardRoutes } from './modules/hazards/routes.js';
import { hazardDomainRoutes } from './modules/hazards/taxonomy/routes.js';
import { mediaRoutes } from './modules/media/routes.js';
import { notificationRoutes } from './modules/notifications/routes.js';
import { safetyIndexRoutes } from './modules/safety-index/routes.js';
import { unitRoutes } from './modules/units/routes.js';
import type { Services } from './services.js';

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export interface AppOptions {
  config: Config;
  services: Services;
  logger?: FastifyServerOptions['logger'];
  /** Serve the built web client from web/dist (default: when it exists). */
  serveWeb?: boolean;
}

export async function buildApp(opts: AppOptions): Promise<App> {
  const { config, services } = opts;
  const app = Fastify({
    logger: withSafeSerializers(opts.logger ?? false),
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const web = opts.serveWeb ?? fs.existsSync(path.join(WEB_DIST, 'index.html'));
  installProblemHandlers(app, web ? spaFallback : sendRouteNotFound);

  await app.register(cookie);
  // Fastify 5 refuses a shared object as a decorator's default; the onRequest hook below sets it per request
  app.decorateRequest('actor', {
    getter(this: FastifyRequest & { _actor?: Actor }) {
      return this._actor ?? ANONYMOUS;
    },
    setter(this: FastifyRequest & { _actor?: Actor }, value: Actor) {
      this._actor = value;
    },
  });
  app.addHook('onRequest', async (req) => {
    req.actor = await services.access.authenticate({
      sessionToken: req.cookies[SESSION_COOKIE],
      authorization: req.headers.authorization,
    });
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Anwang 安网 API',
        description: 'Grassroots safety governance platform. Errors are application/problem+json (RFC 9457).',
        version: '1',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/docs/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/healthz',
    {
      schema: {
        tags: ['system'],
        response: { 200: z.object({ status: z.literal('ok'), db: z.enum(['pglite', 'postgres']) }) },
      },
    },
    async () => {
      await services.db.query('SELECT 1');
      return { status: 'ok' as const, db: services.db.kind };
    },
  );

  // what the web client needs to know of the deployment (no secrets: everything here is public)
  app.get(
    '/api/v1/client-config',
    {
      schema: {
        tags: ['system'],
        response: {
          200: z.object({
            tileUrl: z
              .string()
              .nullable()
              .describe('Raster tile URL template for the map background, if configured'),
          }),
        },
      },
    },
    async () => ({ tileUrl: config.tileUrl ?? null }),
  );

  await app.register(
    async (api) => {
      accessRoutes(api as unknown as App, services.access, config);
      unitRoutes(api as unknown as App, services.units);
      categoryRoutes(api as unknown as App, services.categories);
      eventRoutes(api as unknown as App, services.events);
      hotlineImportRoutes(api as unknown as App, services);
      hazardDomainRoutes(api as unknown as App, services.hazardTaxonomy);
      placeRoutes(api as unknown as App, services.places);
      hazardRoutes(api as unknown as App, services.hazards);
      inspectionRoutes(api as unknown as App, services.inspections);
      listingRoutes(api as unknown as App, services.listing);
      mediaRoutes(api as unknown as App, services.media);
      notificationRoutes(api as unknown as App, services.notifications);
      safetyIndexRoutes(api as unknown as App, services.safetyIndex);
    },
    { prefix: '/api/v1' },
  );

  await open311Routes(app, {
    events: services.events,
    categories: services.categories,
    access: services.access,
    clock: services.clock,
  });

  if (web)
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: 'index.html' });
  return app;
}

// Personal data never in logs: requests are logged by method and path only — no query string (it may
// carry a name or a phone number searched for), no headers (cookies, keys), no bodies.
function withSafeSerializers(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger || typeof logger !== 'object') return logger;
  return {
    ...logger,
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
    },
  };
}

// Client-side routes: a GET for a page (not an API path, not a file) gets the single page; the rest a 404 problem.
function spaFallback(req: FastifyRequest, reply: FastifyReply) {
  const url = req.url.split('?')[0] ?? '';
  if (req.method === 'GET' && !/^\/(api|open311|healthz)(\/|$)/.test(url) && !path.extname(url)) {
    return reply.type('text/html').sendFile('index.html');
  }
  return sendRouteNotFound(req, reply);
}
