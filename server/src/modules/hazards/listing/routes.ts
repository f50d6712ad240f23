// HTTP routes of listing (挂牌整治), admonition (约谈) and the ranking board (晾晒), under /api/v1/hazards.
import { pageOf } from '../../../http/pagination.js';
import type { App } from '../../../http/types.js';
import {
  admonitionDto,
  admonitionListQuery,
  createAdmonitionBody,
  createListingBody,
  delistBody,
  followUpBody,
  idParams,
  listingDetail,
  listingDto,
  listingListQuery,
  publicListing,
  publicListQuery,
  rankingQuery,
  rankingResult,
} from './schema.js';
import type { ListingService } from './service.js';

const tags = ['hazards'];

export function listingRoutes(app: App, listing: ListingService): void {
  app.post(
    '/hazards/listings',
    {
      schema: {
        tags,
        summary:
          'List a hazard or a place for rectification (挂牌整治): reason, responsible party, deadline, criteria',
        description:
          'The safety office, the town or a department within their area. One listing in force per hazard or ' +
          'place (409 hazards.already_listed); the hazard’s `listed` flag follows.',
        body: createListingBody,
        response: { 201: listingDetail },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await listing.list(req.actor, req.body, { requestId: req.id })),
  );

  app.get(
    '/hazards/listings',
    {
      schema: {
        tags,
        summary: 'Listings in your area, newest first (in force, taken off, overdue)',
        querystring: listingListQuery,
        response: { 200: pageOf(listingDto) },
      },
    },
    async (req) => listing.listings(req.actor, req.query),
  );

  app.get(
    '/hazards/public/listings',
    {
      schema: {
        tags,
        summary: 'The public list of listings in force (no login; no personal data)',
        querystring: publicListQuery,
        response: { 200: pageOf(publicListing) },
      },
    },
    async (req, reply) => {
      reply.header('Cache-Control', 'public, max-age=60');
      return listing.publicListings(req.query);
    },
  );

  app.get(
    '/hazards/listings/:id',
    {
      schema: {
        tags,
        summary: 'One listing with its history and the delisting evidence',
        params: idParams,
        response: { 200: listingDetail },
      },
    },
    async (req) => listing.get(req.actor, req.params.id),
  );

  app.post(
    '/hazards/listings/:id/delist',
    {
      schema: {
        tags,
        summary: 'Take a listing off (摘牌) with the evidence: the safety office signs off',
        description:
          'Send the version read (409 hazards.listing_version_conflict when stale). A listed hazard must be ' +
          'closed out first (409 hazards.hazard_not_closed_out).',
        params: idParams,
        body: delistBody,
        response: { 200: listingDetail },
      },
    },
    async (req) => listing.delist(req.actor, req.params.id, req.body, { requestId: req.id, address: req.ip }),
  );

  app.post(
    '/hazards/admonitions',
    {
      schema: {
        tags,
        summary:
          'Record an admonition talk (约谈): who, when, by whom, about what, commitments, follow-up due',
        body: createAdmonitionBody,
        response: { 201: admonitionDto },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await listing.admonish(req.actor, req.body, { requestId: req.id })),
  );

  app.get(
    '/hazards/admonitions',
    {
      schema: {
        tags,
        summary: 'Admonition records in your area, newest first; followUp=overdue for the late follow-ups',
        querystring: admonitionListQuery,
        response: { 200: pageOf(admonitionDto) },
      },
    },
    async (req) => listing.admonitions(req.actor, req.query),
  );

  app.get(
    '/hazards/admonitions/:id',
    {
      schema: { tags, summary: 'One admonition record', params: idParams, response: { 200: admonitionDto } },
    },
    async (req) => listing.getAdmonition(req.actor, req.params.id),
  );

  app.post(
    '/hazards/admonitions/:id/follow-up',
    {
      schema: {
        tags,
        summary: 'Record the follow-up once: done, or not done with a note (version checked)',
        params: idParams,
        body: followUpBody,
        response: { 200: admonitionDto },
      },
    },
    async (req) => listing.followUp(req.actor, req.params.id, req.body, { requestId: req.id }),
  );

  app.get(
    '/hazards/ranking',
    {
      schema: {
        tags,
        summary: 'The ranking board (晾晒) of towns or departments for a period',
        description:
          'Per town of your area (by=department: per department the hazards were routed to): found, closed out, close-out rate, on-time rate, overdue open, listings in ' +
          'force at the end of the period, admonition talks held in it; ranked by close-out rate, then on-time ' +
          'rate, then fewer overdue open.',
        querystring: rankingQuery,
        response: { 200: rankingResult },
      },
    },
    async (req) => listing.ranking(req.actor, req.query),
  );
}
