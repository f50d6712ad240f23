// HTTP routes of the hazard loop (under /api/v1): parse with zod, call the service, send the answer.
import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { App } from '../../http/types.js';
import { oneUploadedFile } from '../../http/upload.js';
import { PlaceImportErrors } from './places/errors.js';
import {
  createHazardBody,
  exportQuery,
  hazardDetail,
  hazardImportResult,
  hazardPage,
  idParams,
  importQuery,
  listQuery,
  metricsQuery,
  metricsResult,
  transitionBody,
} from './schema.js';
import { type HazardsService, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './service.js';

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
        response: { 200: hazardPage },
      },
    },
    async (req) => hazards.list(req.actor, req.query),
  );

  app.get(
    '/hazards/export',
    {
      schema: {
        tags,
        summary: 'The filtered list as CSV (streamed; UTF-8 with BOM; the list’s filters and reach)',
        description:
          'Same filters and views as GET /hazards, every match newest first, read in keyset batches (constant ' +
          'memory). The first 13 columns are the import’s headings; cells starting with = + - @ are quoted ' +
          'with a leading apostrophe so spreadsheets do not run them as formulas.',
        querystring: exportQuery,
      },
    },
    async (req, reply) => {
      const chunks = await hazards.exportCsv(req.actor, req.query, req.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="hazards.csv"')
        .send(Readable.from(chunks));
    },
  );

  app.register(async (scope: App) => {
    await scope.register(multipart, {
      limits: { files: 1, fileSize: MAX_IMPORT_BYTES, fields: 5, fieldSize: 1024, parts: 6 },
    });
    scope.post(
      '/hazards/imports',
      {
        schema: {
          tags,
          summary:
            'Import an existing hazard list from CSV or Excel, all or nothing (town, departments, safety office)',
          description:
            'multipart/form-data with one file: CSV (UTF-8 with or without BOM, GBK/GB18030) or Excel .xlsx ' +
            `(first sheet); at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB and ${MAX_IMPORT_ROWS} rows. Columns ` +
            '(Chinese or English headings): 领域 domain and 类别 aspect (code or Chinese name, checked against the ' +
            'taxonomy), 等级 severity (一般/较大/重大), 隐患描述 description, 经度 lng and 纬度 lat (WGS84; 坐标系 crs ' +
            'may say gcj02 or bd09); optionally 违反条款 rule_broken, 来源 source (上报/暗访/自查/检查), 地址 address, ' +
            '场所编号 place, 发现日期 found_on, 销号日期 closed_on, 隐患编号 tracking_no (one recorded already is ' +
            'refused: already_recorded). A row without a close-out date becomes a reported hazard awaiting ' +
            'triage; one with it a closed-out hazard (closed at the end of that day). Every row must lie within ' +
            'your reach. Any defect answers 422 hazards.import_invalid with every one as {row, column, code, ' +
            'message} and nothing is stored. dryRun=true checks and reports without importing.',
          consumes: ['multipart/form-data'],
          querystring: importQuery,
          response: { 200: hazardImportResult, 201: hazardImportResult },
        },
      },
      async (req, reply) => {
        hazards.authorizeImport(req.actor);
        const out = await hazards.importFile(
          req.actor,
          () => oneUploadedFile(req, PlaceImportErrors, MAX_IMPORT_BYTES),
          { dryRun: req.query.dryRun, requestId: req.id },
        );
        return reply.status(out.dryRun ? 200 : 201).send(out);
      },
    );
  });

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
