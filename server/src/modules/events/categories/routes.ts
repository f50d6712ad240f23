// HTTP routes of event categories (under /api/v1): parse with zod, call the service, send the answer.
import { pageOf } from '../../../http/pagination.js';
import type { App } from '../../../http/types.js';
import {
  categoryDto,
  codeParams,
  createBody,
  listQuery,
  suggestQuery,
  suggestResult,
  updateBody,
  versionQuery,
} from './schema.js';
import type { CategoriesService } from './service.js';

const tags = ['events'];

export function categoryRoutes(app: App, categories: CategoriesService): void {
  app.get(
    '/event-categories',
    {
      schema: {
        tags,
        summary: 'The event category tree at current versions (public)',
        description:
          'Depth-first, children by code; each item carries parentCode and depth. The tree is small, so the ' +
          'default page (200) holds all of it. Retired categories only with includeInactive=true.',
        querystring: listQuery,
        response: { 200: pageOf(categoryDto) },
      },
    },
    async (req) => categories.list(req.actor, req.query),
  );

  app.get(
    '/event-category-suggestions',
    {
      schema: {
        tags,
        summary: 'The three categories that best match a description (public)',
        querystring: suggestQuery,
        response: { 200: suggestResult },
      },
    },
    async (req) => categories.suggest(req.actor, req.query.q),
  );

  app.get(
    '/event-categories/:code',
    {
      schema: {
        tags,
        summary: 'One category: the current version, or an earlier one with ?version=N (public)',
        params: codeParams,
        querystring: versionQuery,
        response: { 200: categoryDto },
      },
    },
    async (req) => categories.get(req.actor, req.params.code, req.query.version),
  );

  app.post(
    '/event-categories',
    {
      schema: {
        tags,
        summary: 'Create a category (district administrators)',
        description:
          'A taken code answers 409 events.category_exists; an unknown parent or department, a cycle or a ' +
          'tree deeper than three levels answer 422.',
        body: createBody,
        response: { 201: categoryDto },
      },
    },
    async (req, reply) => reply.status(201).send(await categories.create(req.actor, req.body)),
  );

  app.put(
    '/event-categories/:code',
    {
      schema: {
        tags,
        summary: 'Change a category: writes a new version (district administrators)',
        description:
          'Send every rule and the current version you read; a stale version answers 409 ' +
          'events.category_version_conflict. Earlier versions stay for the events filed under them. ' +
          'An unchanged body writes no version.',
        params: codeParams,
        body: updateBody,
        response: { 200: categoryDto },
      },
    },
    async (req) => categories.update(req.actor, req.params.code, req.body),
  );
}
