// HTTP routes of the hazard loop (under /api/v1): parse with zod, call the service, send the answer.
import { pageOf } from '../../http/pagination.js';
import type { App } from '../../http/types.js';
import {
  createHazardBody,
  hazardDetail,
  hazardDto,
  idParams,
  listQuery,
  metricsQuery,
  metricsResult,
  transitionBody,
} from './schema.js';
import type { HazardsService } from './service.js';

const tags = ['hazards'];

export function hazardRoutes(app: App, hazards: HazardsService): void {
  app.post(
    '/hazards',
    {
      schema: {
        tags,
        summary:
          'Record a hidden danger (grid workers, department inspectors, the safety office, self-inspection)',
        description:
          'Locates it (the point given, else the place’s location, else a photo’s EXIF position) and suggests ' +
          'the triage: the town of its location and the department of its domain. The location must lie ' +
          'within your scope (403 hazards.outside_scope).',
        body: createHazardBody,
        response: { 201: hazardDetail },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await hazards.record(req.actor, req.body, { address: req.ip })),
  );

  app.get(
    '/hazards',
    {
      schema: {
        tags,
        summary: 'Hazards in your scope, your review or rectification queue, yours, or the overdue ones',
        description: 'Newest first; filters combine (AND).',
        querystring: listQuery,
        response: { 200: pageOf(hazardDto) },
      },
    },
    async (req) => hazards.list(req.actor, req.query),
  );

  app.get(
    '/hazards/metrics',
    {
      schema: {
        tags,
        summary: 'Found, closed out, close-out rate and overdue counts per unit and domain for a period',
        querystring: metricsQuery,
        response: { 200: metricsResult },
      },
    },
    async (req) => hazards.metrics(req.actor, req.query),
  );

  app.get(
    '/hazards/:id',
    {
      schema: {
        tags,
        summary: 'One hazard with its evidence, timeline and version',
        params: idParams,
        response: { 200: hazardDetail },
      },
    },
    async (req) => hazards.get(req.actor, req.params.id),
  );

  app.post(
    '/hazards/:id/transitions',
    {
      schema: {
        tags,
        summary:
          'Move a hazard along its loop (triage, confirm, reject, merge, consolidate, assign, reassign, return, start, extend_deadline, submit, verify_pass, verify_fail, supervise)',
        description:
          'Send the version you read: a stale one answers 409 hazards.version_conflict. An action the state ' +
          'does not allow answers 409 hazards.transition_not_allowed; one you may not take 403 ' +
          'hazards.action_not_yours; one that lacks what it needs (a reason, a route, an assignee, a later ' +
          'deadline, evidence) 422 hazards.invalid_transition with the reason.',
        params: idParams,
        body: transitionBody,
        response: { 200: hazardDetail },
      },
    },
    async (req) => hazards.transition(req.actor, req.params.id, req.body),
  );
}
