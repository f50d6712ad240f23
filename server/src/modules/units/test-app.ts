// For HTTP tests of the units routes as any actor, without logging in: a Fastify app with the same
// edge (zod, problem+json) as app.ts, where the header `x-test-actor` names one of the given actors.
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { installProblemHandlers } from '../../http/problem.js';
import type { App } from '../../http/types.js';
import { type Actor, ANONYMOUS } from '../access/actor.js';
import { unitRoutes } from './routes.js';
import type { UnitsService } from './service.js';

export async function buildUnitsTestApp(units: UnitsService, actors: Record<string, Actor>): Promise<App> {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandlers(app);
  app.decorateRequest('actor', null as never); // set by the hook below on every request
  app.addHook('onRequest', async (req) => {
    const name = req.headers['x-test-actor'];
    req.actor = (typeof name === 'string' && actors[name]) || ANONYMOUS;
  });
  await app.register(async (api) => unitRoutes(api as unknown as App, units), { prefix: '/api/v1' });
  await app.ready();
  return app as unknown as App;
}
