// HTTP routes of inspections (under /api/v1/hazards/inspections): parse with zod, call the service, answer.
import { pageOf } from '../../../http/pagination.js';
import type { App } from '../../../http/types.js';
import {
  campaignDetail,
  campaignDto,
  campaignListQuery,
  checkInBody,
  createCampaign,
  drawBody,
  idParams,
  inspectionDto,
  progressDto,
  submitBody,
  templateDef,
  templateDto,
  templateGetQuery,
  templateListQuery,
  templateParams,
  updateTemplate,
  verifyResult,
  versionBody,
} from './schema.js';
import type { InspectionsService } from './service.js';

const tags = ['hazards: inspections'];
const P = '/hazards/inspections';

export function inspectionRoutes(app: App, s: InspectionsService): void {
  // ---- checklist templates (检查表)
  app.get(
    `${P}/templates`,
    {
      schema: {
        tags,
        summary: 'Checklist templates at their current versions (staff)',
        querystring: templateListQuery,
        response: { 200: pageOf(templateDto) },
      },
    },
    async (req) => s.listTemplates(req.actor, req.query),
  );
  app.get(
    `${P}/templates/:code`,
    {
      schema: {
        tags,
        summary: 'One checklist template, current or at an earlier version',
        params: templateParams,
        querystring: templateGetQuery,
        response: { 200: templateDto },
      },
    },
    async (req) => s.getTemplate(req.actor, req.params.code, req.query.version),
  );
  app.post(
    `${P}/templates`,
    {
      schema: {
        tags,
        summary: 'Create a checklist template at version 1 (safety office)',
        description:
          'Each item maps a failed answer to a hazard domain and aspect (422 inspections.unknown_aspect when ' +
          'either does not exist); 409 inspections.template_exists for a code in use.',
        body: templateDef,
        response: { 201: templateDto },
      },
    },
    async (req, reply) => reply.status(201).send(await s.createTemplate(req.actor, req.body)),
  );
  app.put(
    `${P}/templates/:code`,
    {
      schema: {
        tags,
        summary:
          'Edit a checklist template: writes a new version (campaigns keep the version they planned with)',
        description:
          'Send the version you read (409 inspections.template_version_conflict when stale). Item codes are ' +
          'never removed (422 inspections.item_removed): retire an item with active: false.',
        params: templateParams,
        body: updateTemplate,
        response: { 200: templateDto },
      },
    },
    async (req) => s.updateTemplate(req.actor, req.params.code, req.body),
  );

  // ---- campaigns (计划)
  app.post(
    `${P}/campaigns`,
    {
      schema: {
        tags,
        summary: 'Plan a covert (暗访) or self-inspection (自查) campaign in your area (safety office)',
        description:
          'The templates (one per kind of place or unit level) are kept at their current versions. A covert ' +
          'campaign names its inspectors (safety-office accounts); until it closes only they and the planners ' +
          'see it (others get 404).',
        body: createCampaign,
        response: { 201: campaignDetail },
      },
    },
    async (req, reply) => reply.status(201).send(await s.createCampaign(req.actor, req.body)),
  );
  app.get(
    `${P}/campaigns`,
    {
      schema: {
        tags,
        summary:
          'Campaigns you plan or inspect, self-inspections of your area, and closed covert ones over it',
        querystring: campaignListQuery,
        response: { 200: pageOf(campaignDto) },
      },
    },
    async (req) => s.listCampaigns(req.actor, req.query),
  );
  app.get(
    `${P}/campaigns/:id`,
    {
      schema: {
        tags,
        summary: 'A campaign with its targets (self-inspection staff: the targets of their area)',
        params: idParams,
        response: { 200: campaignDetail },
      },
    },
    async (req) => s.getCampaign(req.actor, req.params.id),
  );
  app.post(
    `${P}/campaigns/:id/draw`,
    {
      schema: {
        tags,
        summary:
          'Draw the targets: reproducible random choice, stratified by town and kind, with the seed recorded',
        description:
          'Snapshots the candidates (places of the templates’ kinds, units of their levels) in the scope and ' +
          'draws sampleSize of them (all when none) with the seed given or a random one. Once per campaign ' +
          '(409 inspections.campaign_state); audited.',
        params: idParams,
        body: drawBody,
        response: { 200: campaignDetail },
      },
    },
    async (req) => s.draw(req.actor, req.params.id, req.body),
  );
  app.get(
    `${P}/campaigns/:id/verify`,
    {
      schema: {
        tags,
        summary: 'Rerun the recorded draw from its snapshot and seed: does it choose the same targets?',
        params: idParams,
        response: { 200: verifyResult },
      },
    },
    async (req) => s.verifyDraw(req.actor, req.params.id),
  );
  app.get(
    `${P}/campaigns/:id/progress`,
    {
      schema: {
        tags,
        summary:
          'Targets done / total, overdue targets, findings, and the hazards they became with their states',
        params: idParams,
        response: { 200: progressDto },
      },
    },
    async (req) => s.progress(req.actor, req.params.id),
  );
  app.post(
    `${P}/campaigns/:id/close`,
    {
      schema: {
        tags,
        summary: 'Close a drawn campaign (its covert targets become visible to the units inspected)',
        params: idParams,
        body: versionBody,
        response: { 200: campaignDetail },
      },
    },
    async (req) => s.close(req.actor, req.params.id, req.body.version),
  );

  // ---- visits and forms
  app.post(
    `${P}/targets/:id/check-in`,
    {
      schema: {
        tags,
        summary: 'Check in at a target (签到) and open its form',
        description:
          'Covert: the campaign’s inspectors, with a location (422 inspections.location_required). Self: staff ' +
          'of the target’s area, location optional. More than 300 m from the place (or outside the unit) is ' +
          'recorded as locationFlag, never refused. 409 inspections.already_started when the target has a form.',
        params: idParams,
        body: checkInBody,
        response: { 201: inspectionDto },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await s.checkIn(req.actor, req.params.id, req.body, { address: req.ip })),
  );
  app.get(
    `${P}/visits/:id`,
    {
      schema: {
        tags,
        summary: 'A visit or self-inspection form with its checklist (at the campaign’s version) and results',
        params: idParams,
        response: { 200: inspectionDto },
      },
    },
    async (req) => s.getInspection(req.actor, req.params.id),
  );
  app.post(
    `${P}/visits/:id/submit`,
    {
      schema: {
        tags,
        summary: 'Submit the checklist: every failed item becomes a hazard, all in one transaction',
        description:
          'One result per active item (422 inspections.invalid_results otherwise, nothing recorded). Failed ' +
          'items are recorded as hazards (source covert or self, at the place, with the item’s domain, aspect ' +
          'and severity, its photos as evidence and the item as the rule broken). Send the version you read.',
        params: idParams,
        body: submitBody,
        response: { 200: inspectionDto },
      },
    },
    async (req) => s.submit(req.actor, req.params.id, req.body, { address: req.ip }),
  );
}
