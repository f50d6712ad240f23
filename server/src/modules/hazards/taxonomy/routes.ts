// HTTP routes of the hazard taxonomy (under /api/v1): parse with zod, call the service, send the answer.
import { pageOf } from '../../../http/pagination.js';
import type { App } from '../../../http/types.js';
import { codeParams, domainDto, listQuery, updateBody, versionQuery } from './schema.js';
import type { HazardTaxonomyService } from './service.js';

const tags = ['hazards'];

export function hazardDomainRoutes(app: App, taxonomy: HazardTaxonomyService): void {
  app.get(
    '/hazard-domains',
    {
      schema: {
        tags,
        summary: 'The hazard domains at current versions, with aspects, department and deadlines (public)',
        description:
          'In display order; retired domains only with includeInactive=true. The default page holds all.',
        querystring: listQuery,
        response: { 200: pageOf(domainDto) },
      },
    },
    async (req) => taxonomy.list(req.actor, req.query),
  );

  app.get(
    '/hazard-domains/:code',
    {
      schema: {
        tags,
        summary: 'One domain: the current version, or an earlier one with ?version=N (public)',
        params: codeParams,
        querystring: versionQuery,
        response: { 200: domainDto },
      },
    },
    async (req) => taxonomy.get(req.actor, req.params.code, req.query.version),
  );

  app.put(
    '/hazard-domains/:code',
    {
      schema: {
        tags,
        summary: 'Change a domain: writes a new version (district administrators)',
        description:
          'Send every rule and the current version you read; a stale version answers 409 ' +
          'hazards.domain_version_conflict. Earlier versions stay for the hazards recorded under them. ' +
          'An unchanged body writes no version. Aspects are retired (active: false), never removed (422).',
        params: codeParams,
        body: updateBody,
        response: { 200: domainDto },
      },
    },
    async (req) => taxonomy.update(req.actor, req.params.code, req.body),
  );
}
