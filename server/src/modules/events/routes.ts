// HTTP routes of events (under /api/v1): parse with zod, call the service, send the answer.
import { z } from 'zod';
import { pageOf } from '../../http/pagination.js';
import type { App } from '../../http/types.js';
import {
  createdEvent,
  createEventBody,
  dailyQuery,
  dailyView,
  eventDetail,
  eventDto,
  followBody,
  idParams,
  listQuery,
  metricsQuery,
  metricsResult,
  transitionBody,
} from './schema.js';
import type { EventsService } from './service.js';

const tags = ['events'];
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,100}$/;

export function eventRoutes(app: App, events: EventsService): void {
  app.post(
    '/events',
    {
      schema: {
        tags,
        summary: 'Report a problem (residents, grid workers, staff; also without an account)',
        description:
          'Locates the point to its micro-grid and routes it by the category’s rule. Send an Idempotency-Key ' +
          'header (8–100 of A–Z a–z 0–9 _ . : -) and repeat it on every retry: a repeat answers the first ' +
          'answer (header Idempotent-Replayed: true), never a second event; the same key with a different ' +
          'body answers 422. Without an account the answer carries a followToken (given once).',
        headers: z.object({
          'idempotency-key': z
            .string()
            .regex(IDEMPOTENCY_KEY, 'an Idempotency-Key of 8–100 characters A–Z a–z 0–9 _ . : -')
            .optional(),
        }),
        body: createEventBody,
        response: { 200: createdEvent, 201: createdEvent },
      },
    },
    async (req, reply) => {
      const out = await events.create(req.actor, req.body, {
        address: req.ip,
        ...(req.headers['idempotency-key'] ? { idempotencyKey: req.headers['idempotency-key'] } : {}),
      });
      if (out.replayed) reply.header('Idempotent-Replayed', 'true');
      reply.status(out.status === 200 ? 200 : 201);
      // a report just made comes with its answer as JSON, made once from what the service decided (the
      // same text kept as its key's answer): sent as it is, not encoded a second time (a test holds it
      // to the response schema)
      // (the typed reply knows only the object; a string with a JSON content type goes out unserialised)
      if (out.json)
        return reply.type('application/json; charset=utf-8').send(out.json as unknown as typeof out.event);
      return reply.send(out.event);
    },
  );

  app.get(
    '/events',
    {
      schema: {
        tags,
        summary: 'Events in your scope, your queue, your reports, or the overdue ones (newest first)',
        querystring: listQuery,
        response: { 200: pageOf(eventDto) },
      },
    },
    async (req) => events.list(req.actor, req.query),
  );

  app.post(
    '/events/followed',
    {
      schema: {
        tags,
        summary: 'The reports a device without an account follows, by its follow tokens',
        body: followBody,
        response: { 200: z.object({ items: z.array(eventDetail) }) },
      },
    },
    async (req) => ({ items: await events.followed(req.body.tokens) }),
  );

  app.get(
    '/events/daily',
    {
      schema: {
        tags,
        summary: 'A day of the district: what happened, who handles it, how, how well',
        querystring: dailyQuery,
        response: { 200: dailyView },
      },
    },
    async (req) => events.daily(req.actor, req.query),
  );

  app.get(
    '/events/metrics',
    {
      schema: {
        tags,
        summary: 'Per-unit metrics for a period (for the safety index)',
        querystring: metricsQuery,
        response: { 200: metricsResult },
      },
    },
    async (req) => events.metrics(req.actor, req.query),
  );

  app.get(
    '/events/:id',
    {
      schema: {
        tags,
        summary: 'One event with its timeline and version',
        params: idParams,
        querystring: z.object({ followToken: z.string().max(100).optional() }),
        response: { 200: eventDetail },
      },
    },
    async (req) => events.get(req.actor, req.params.id, req.query.followToken ? [req.query.followToken] : []),
  );

  app.post(
    '/events/:id/transitions',
    {
      schema: {
        tags,
        summary:
          'Move an event along its loop (accept, reject, assign, start, return, resolve, rate, reopen, merge, close)',
        description:
          'Send the version you read: a stale one answers 409 events.version_conflict. An action the event’s ' +
          'state does not allow answers 409 events.transition_not_allowed; one you may not take 403; one that ' +
          'lacks what it needs (a reason, an assignee, a note, a rating 1–5) 422.',
        params: idParams,
        body: transitionBody,
        response: { 200: eventDetail },
      },
    },
    async (req) => events.transition(req.actor, req.params.id, req.body),
  );
}
