// HTTP routes of the safety index (under /api/v1): the safety office's schemes, external values, runs and
// accountability items; the public index (no login).
import multipart from '@fastify/multipart';
import { z } from 'zod';
import { pageFields, pageOf } from '../../http/pagination.js';
import type { App } from '../../http/types.js';
import { oneUploadedFile } from '../../http/upload.js';
import { dryRunField } from '../../lib/table-reader.js';
import { mediaDto } from '../media/schema.js';
import { COLORS, INDEX_LEVELS, PERIOD_RE } from './domain/scheme.js';
import { ExternalImportErrors } from './errors.js';
import { renderHtml } from './report/analysis.js';
import { MAX_EXTERNAL_FILE_BYTES, type SafetyIndexService } from './service.js';

const tags = ['safety-index'];
const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const period = z.string().regex(PERIOD_RE, 'a month YYYY-MM');
const level = z.enum(INDEX_LEVELS);
const color = z.enum(COLORS).nullable();
const loose = z.record(z.string(), z.unknown());

const rankInterval = z
  .object({ median: z.number(), p05: z.number(), p95: z.number() })
  .nullable()
  .describe('Median rank and 5th–95th percentile rank over the Monte Carlo replications');
const resultDto = z.object({
  unitId: z.number().int(),
  code: z.string(),
  name: z.string(),
  score: z.number().nullable(),
  rank: z.number().int().nullable(),
  color,
  change: z.number().nullable().describe('Score change from the previous published month'),
  dimensions: z.record(z.string(), z.number().nullable()),
  rankInterval,
});
const runSummary = z.object({
  id: z.number().int(),
  period: z.string(),
  level,
  scheme: z.object({ code: z.string(), version: z.number().int() }),
  state: z.enum(['collected', 'computed', 'confirmed', 'published', 'discarded']),
  version: z.number().int(),
  within: z.object({ id: z.number().int(), name: z.string() }),
  missing: z.array(z.object({ unitId: z.number().int(), indicator: z.string() })),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  anomalies: z.array(
    z.object({ unitId: z.number().int(), indicator: z.string(), kind: z.string(), message: z.string() }),
  ),
  createdAt: z.string(),
  createdBy: z.string(),
  computedAt: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  publishedAt: z.string().nullable(),
});
const runDto = runSummary.extend({
  uncertainty: z
    .object({
      runs: z.number().int(),
      weightNoise: z.number(),
      seed: z.number().int(),
      meanRankShift: z.number(),
      sensitivity: z.array(z.object({ input: z.string(), kind: z.string(), firstOrder: z.number() })),
    })
    .nullable()
    .describe(
      'The Monte Carlo analysis of the computed run: settings and sensitivity of the ranks to each input',
    ),
  results: z.array(resultDto),
  corrections: z.array(
    z.object({
      unitId: z.number().int(),
      indicator: z.string(),
      original: z.number().nullable(),
      value: z.number().nullable(),
      reason: z.string(),
      by: z.string(),
      at: z.string(),
    }),
  ),
});
const itemDto = z.object({
  id: z.number().int(),
  unitId: z.number().int(),
  action: z
    .string()
    .describe('warning 预警, copy_notice 抄告, supervision 督办, listing 挂牌, delisting 摘牌'),
  period: z.string(),
  state: z.string(),
  version: z.number().int(),
  dueAt: z.string(),
  answer: z.string().nullable(),
  answeredAt: z.string().nullable(),
  acceptedAt: z.string().nullable(),
  createdAt: z.string(),
  escalatedTo: z.number().int().nullable().describe('The superior unit an overdue item was escalated to'),
});
const itemDetail = itemDto.extend({
  unit: z.object({ id: z.number().int(), code: z.string(), name: z.string() }),
  documents: z.array(mediaDto).describe('The rectification report’s documents'),
  history: z.array(
    z.object({
      at: z.string(),
      kind: z.enum(['created', 'answered', 'returned', 'accepted', 'overdue', 'escalated']),
      by: z.string(),
      note: z.string().nullable(),
      details: loose,
    }),
  ),
});
const explanation = z.object({
  runId: z.number().int(),
  period: z.string(),
  unit: z.object({ id: z.number().int(), code: z.string(), name: z.string() }),
  score: z.number().nullable(),
  rank: z.number().int().nullable(),
  rankInterval,
  of: z.number().int(),
  color,
  dimensions: z.record(z.string(), z.number().nullable()),
  indicators: z.array(
    z.object({
      code: z.string(),
      name: z.object({ zh: z.string(), en: z.string() }),
      dimension: z.string(),
      input: z.number().nullable(),
      source: z.string(),
      normalised: z.number().nullable(),
      contribution: z.number(),
      corrected: z.boolean(),
    }),
  ),
  trend: z.array(
    z.object({
      period: z.string(),
      score: z.number().nullable(),
      rank: z.number().int().nullable(),
      color: z.string().nullable(),
    }),
  ),
  accountability: z.array(itemDto),
});
const schemeDto = z.object({
  code: z.string(),
  version: z.number().int(),
  currentVersion: z.number().int(),
  body: loose,
  createdAt: z.string(),
  createdBy: z.string(),
});

export function safetyIndexRoutes(app: App, index: SafetyIndexService): void {
  app.get(
    '/index/schemes',
    {
      schema: {
        tags,
        summary: 'Index schemes at their current versions',
        response: { 200: z.object({ items: z.array(schemeDto) }) },
      },
    },
    async (req) => ({
      items: await index.listSchemes(req.actor),
    }),
  );
  app.get(
    '/index/schemes/:code',
    {
      schema: {
        tags,
        summary: 'One scheme (?version=N for an earlier one)',
        params: z.object({ code: z.string().max(40) }),
        querystring: z.object({ version: z.coerce.number().int().min(1).optional() }),
        response: { 200: schemeDto },
      },
    },
    async (req) => index.getScheme(req.actor, req.params.code, req.query.version),
  );
  app.put(
    '/index/schemes/:code',
    {
      schema: {
        tags,
        summary:
          'Create a scheme (version null) or save its next version (the version you read; stale → 409)',
        params: z.object({ code: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/) }),
        body: z.object({ version: z.number().int().min(1).nullable(), scheme: loose }).strict(),
        response: { 200: schemeDto },
      },
    },
    async (req) => index.saveScheme(req.actor, req.params.code, req.body.scheme, req.body.version),
  );
  app.post(
    '/index/schemes/preview',
    {
      schema: {
        tags,
        summary: "Compute a scheme on a month's data without saving (default: last month)",
        body: z.object({ scheme: loose, period: period.optional(), level: level.default('town') }).strict(),
        response: {
          200: z.object({
            period: z.string(),
            results: z.array(resultDto),
            warnings: z.array(z.object({ code: z.string(), message: z.string() })),
            missing: z.number().int(),
          }),
        },
      },
    },
    async (req) =>
      index.preview(req.actor, req.body.scheme, { period: req.body.period, level: req.body.level }),
  );

  app.post(
    '/index/external',
    {
      schema: {
        tags,
        summary: 'Import external values (警情, fires, 信访, survey rates …) for a month, all or nothing',
        body: z
          .object({
            period,
            rows: z
              .array(
                z
                  .object({
                    unitCode: z.string().max(40),
                    indicator: z.string().max(40),
                    value: z.number(),
                    source: z.string().trim().min(1).max(100),
                  })
                  .strict(),
              )
              .min(1)
              .max(50_000),
            dryRun: z.boolean().default(false).describe('Check everything, write nothing'),
          })
          .strict(),
        response: { 200: z.object({ imported: z.number().int(), dryRun: z.boolean() }) },
      },
    },
    async (req) =>
      index.importExternal(req.actor, req.body.period, req.body.rows, { dryRun: req.body.dryRun }),
  );

  app.get(
    '/index/safe-villages',
    {
      schema: {
        tags,
        summary:
          '六无平安村社: every village in scope checked for a year against the six "no"s; candidates pass all',
        querystring: z
          .object({
            year: z.coerce.number().int().min(2000).max(2100),
            within: id.optional().describe('A town or the county (default: your scope)'),
          })
          .strict(),
        response: {
          200: z.object({
            year: z.number().int(),
            to: z.string().describe('The last day counted (today for the current year)'),
            within: z.object({ id: z.number().int(), name: z.string() }),
            checks: z.array(
              z.object({
                code: z.string(),
                name: z.object({ zh: z.string(), en: z.string() }),
                sources: z.array(z.string()),
              }),
            ),
            villages: z.number().int(),
            candidates: z.number().int(),
            waitingForData: z.number().int(),
            items: z.array(
              z.object({
                unit: z.object({ id: z.number().int(), code: z.string(), name: z.string() }),
                town: z.object({ id: z.number().int(), code: z.string(), name: z.string() }).nullable(),
                candidate: z.boolean(),
                checks: z.array(
                  z.object({
                    code: z.string(),
                    status: z.enum(['pass', 'fail', 'no_data']),
                    count: z.number(),
                    months: z.number().int().nullable(),
                  }),
                ),
                publishedMonths: z.number().int(),
                worstColor: color,
              }),
            ),
          }),
        },
      },
    },
    async (req) => index.safeVillages(req.actor, { year: req.query.year, within: req.query.within }),
  );

  // the multipart parser lives in this plugin's scope only: no other route accepts multipart bodies
  app.register(async (scope: App) => {
    await scope.register(multipart, {
      limits: { files: 1, fileSize: MAX_EXTERNAL_FILE_BYTES, fields: 5, fieldSize: 1024, parts: 6 },
    });
    scope.post(
      '/index/external/file',
      {
        schema: {
          tags,
          summary: 'Import external values for a month from a CSV or Excel file, all or nothing',
          description:
            'multipart/form-data with one file: CSV (UTF-8 with or without BOM, GBK/GB18030, UTF-16) or Excel ' +
            `.xlsx (first sheet), recognised from the content; at most ${MAX_EXTERNAL_FILE_BYTES / 1024 / 1024} MB. ` +
            'Long layout: columns 单位代码 unitCode, 指标 indicator (code or name), 数值 value, optional 来源 source; ' +
            'wide layout: 单位代码 unitCode and one column per indicator headed by its code or its name in a scheme. ' +
            'Percentages like 95% read as 0.95. Any defect answers 422 safety_index.invalid_external listing ' +
            '{row, column, message} by spreadsheet row (header row as the file shows it) and nothing is stored. ' +
            'dryRun=true checks and reports without importing.',
          consumes: ['multipart/form-data'],
          querystring: z.object({
            period,
            source: z
              .string()
              .trim()
              .max(100)
              .optional()
              .describe('Source of rows that name none (default 导入文件)'),
            dryRun: dryRunField,
          }),
          response: {
            200: z.object({
              imported: z.number().int(),
              dryRun: z.boolean(),
              layout: z.enum(['long', 'wide']),
              format: z.enum(['csv', 'xlsx']),
              encoding: z.string().nullable(),
              indicators: z.array(z.string()),
              units: z.number().int(),
            }),
          },
        },
      },
      async (req) => {
        const bytes = await oneUploadedFile(req, ExternalImportErrors, MAX_EXTERNAL_FILE_BYTES);
        return index.importExternalFile(req.actor, req.query.period, bytes, {
          source: req.query.source,
          dryRun: req.query.dryRun,
        });
      },
    );
  });

  app.get(
    '/index/runs',
    {
      schema: {
        tags,
        summary: 'Runs, newest month first',
        querystring: z.object(pageFields),
        response: { 200: pageOf(runSummary) },
      },
    },
    async (req) => index.listRuns(req.actor, req.query),
  );
  app.post(
    '/index/runs',
    {
      schema: {
        tags,
        summary: 'Start a run: collect every input and compute it for review',
        body: z.object({ period, level, scheme: z.string().max(40).optional() }).strict(),
        response: { 201: runDto },
      },
    },
    async (req, reply) => reply.status(201).send(await index.startRun(req.actor, req.body)),
  );
  app.get(
    '/index/runs/:id',
    {
      schema: {
        tags,
        summary: 'One run with its results and corrections',
        params: z.object({ id }),
        response: { 200: runDto },
      },
    },
    async (req) => index.getRun(req.actor, req.params.id),
  );
  app.post(
    '/index/runs/:id/corrections',
    {
      schema: {
        tags,
        summary: 'Correct one input with a written reason (the original is kept) and recompute',
        params: z.object({ id }),
        body: z
          .object({
            unitId: z.number().int().positive(),
            indicator: z.string().max(40),
            value: z.number().nullable(),
            reason: z.string().trim().min(1).max(500),
            version: z.number().int().min(1),
          })
          .strict(),
        response: { 200: runDto },
      },
    },
    async (req) => index.correctInput(req.actor, req.params.id, req.body),
  );
  for (const step of ['confirm', 'publish'] as const) {
    app.post(
      `/index/runs/:id/${step}`,
      {
        schema: {
          tags,
          summary:
            step === 'confirm'
              ? 'Confirm a computed run'
              : 'Publish a confirmed run (immutable, public; the accountability ladder follows)',
          params: z.object({ id }),
          body: z.object({ version: z.number().int().min(1) }).strict(),
          response: { 200: runDto },
        },
      },
      async (req) =>
        step === 'confirm'
          ? index.confirm(req.actor, req.params.id, req.body.version)
          : index.publish(req.actor, req.params.id, req.body.version),
    );
  }
  app.get(
    '/index/runs/:id/units/:unitId',
    {
      schema: {
        tags,
        summary: "Why a unit's score is what it is",
        params: z.object({ id, unitId: id }),
        response: { 200: explanation },
      },
    },
    async (req) => index.explainUnit(req.actor, req.params.id, req.params.unitId),
  );

  app.get(
    '/index/runs/:id/report',
    {
      schema: {
        tags,
        summary:
          'The monthly analysis report: an HTML page that prints as the PDF (?format=json for the data)',
        params: z.object({ id }),
        querystring: z.object({ format: z.enum(['html', 'json']).default('html') }),
      },
    },
    async (req, reply) => {
      const { input, report } = await index.analysisReport(req.actor, req.params.id);
      if (req.query.format === 'json') return reply.send(report);
      return reply.type('text/html; charset=utf-8').send(renderHtml(input, report));
    },
  );

  app.get(
    '/index/accountability',
    {
      schema: {
        tags,
        summary: 'Accountability items (预警, 抄告, 督办, 挂牌, 摘牌) in your scope',
        querystring: z.object({
          unit: id.optional(),
          state: z.enum(['open', 'answered', 'accepted', 'overdue']).optional(),
          ...pageFields,
        }),
        response: { 200: pageOf(itemDto) },
      },
    },
    async (req) => index.listItems(req.actor, req.query),
  );
  app.post(
    '/index/accountability/:id',
    {
      schema: {
        tags,
        summary:
          'Answer an item (the unit, with its documents), or accept or return the answer (the safety office; for delisting the superior)',
        params: z.object({ id }),
        body: z
          .object({
            action: z.enum(['answer', 'accept', 'return']),
            version: z.number().int().min(1),
            text: z.string().max(5000).optional().describe('The answer, or why it is returned'),
            mediaIds: z.array(id).max(20).optional().describe('Uploaded documents of the answer'),
            days: z
              .number()
              .int()
              .min(1)
              .max(90)
              .optional()
              .describe('A returned item’s new deadline (default 10 days)'),
          })
          .strict(),
        response: { 200: itemDetail },
      },
    },
    async (req) => index.actOnItem(req.actor, req.params.id, req.body),
  );
  app.get(
    '/index/accountability/:id',
    {
      schema: {
        tags,
        summary: 'One accountability item with its documents and history',
        params: z.object({ id }),
        response: { 200: itemDetail },
      },
    },
    async (req) => index.getItem(req.actor, req.params.id),
  );

  // public: no login, published runs only
  app.get(
    '/public/index/periods',
    {
      schema: {
        tags,
        summary: 'Months published at every level (towns and villages together), newest first (public)',
        response: { 200: z.object({ periods: z.array(z.string()) }) },
      },
    },
    async (_req, reply) => {
      reply.header('Cache-Control', 'public, max-age=60');
      return index.publicPeriods();
    },
  );
  app.get(
    '/public/index',
    {
      schema: {
        tags,
        summary: "A month's published index of towns or villages (public)",
        querystring: z.object({ period, level: level.default('town') }),
        response: {
          200: z.object({
            period: z.string(),
            level,
            runId: z.number().int(),
            items: z.array(
              z.object({
                unitId: z.number().int(),
                code: z.string(),
                name: z.string(),
                score: z.number().nullable(),
                rank: z.number().int().nullable(),
                color,
                change: z.number().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req, reply) => {
      reply.header('Cache-Control', 'public, max-age=60');
      return index.publicIndex(req.query.period, req.query.level);
    },
  );
  app.get(
    '/public/index/runs/:id/units/:unitId',
    {
      schema: {
        tags,
        summary: "A unit's published score explained (public; accountability: listings only)",
        params: z.object({ id, unitId: id }),
        response: { 200: explanation },
      },
    },
    async (req) => index.explainUnit(null, req.params.id, req.params.unitId),
  );
}
