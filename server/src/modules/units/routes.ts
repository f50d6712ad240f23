// HTTP routes of the units module (under /api/v1): parse with zod, call the service, send the answer.
import { z } from 'zod';
import { pageOf } from '../../http/pagination.js';
import type { App } from '../../http/types.js';
import {
  departmentDto,
  exportQuery,
  geojsonQuery,
  idParams,
  importBody,
  importResult,
  listQuery,
  locateQuery,
  locateResult,
  pageQuery,
  patchBody,
  personItem,
  policeBeatDto,
  policeBeatQuery,
  unitDetail,
  unitDto,
} from './schema.js';
import type { UnitsService } from './service.js';

const tags = ['units'];
const IMPORT_LIMIT = 50 * 1024 * 1024;
const GEOJSON = 'application/geo+json; charset=utf-8';

/** A raw GeoJSON sent as application/json, rather than wrapped in {format, content}. */
const rawFeatureCollection = z
  .object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) })
  .passthrough()
  .describe('A GeoJSON FeatureCollection sent as it is');

export function unitRoutes(app: App, units: UnitsService): void {
  // encapsulated so that the raw-body parsers below apply to these routes only
  app.register(async (plugin) => {
    const s = plugin as unknown as App;
    s.addContentTypeParser(
      ['application/geo+json', 'text/csv'],
      { parseAs: 'string', bodyLimit: IMPORT_LIMIT },
      (_req, body, done) => done(null, body),
    );

    s.get(
      '/units',
      { schema: { tags, summary: 'List units', querystring: listQuery, response: { 200: pageOf(unitDto) } } },
      async (req) => units.list(req.actor, req.query),
    );

    s.get(
      '/units/geojson',
      {
        schema: {
          tags,
          summary: 'Unit boundaries as a GeoJSON FeatureCollection (application/geo+json)',
          description:
            'Only units with a boundary. Properties: id, code, name, level, parentId, population, households, ' +
            'gridKind, centroid. More than 25,000 matching units answer 422 units.too_many_features.',
          querystring: geojsonQuery,
        },
      },
      async (req, reply) => reply.type(GEOJSON).send(await units.geojsonText(req.actor, req.query)),
    );

    s.get(
      '/units/locate',
      {
        schema: {
          tags,
          summary: 'The micro-grid (and its ancestors) containing a point',
          description:
            'Points on a shared border resolve to the unit with the smallest code. Where no micro-grid has a ' +
            'shape, the deepest unit containing the point answers. Outside every unit: 422 units.outside_district.',
          querystring: locateQuery,
          response: { 200: locateResult },
        },
      },
      async (req) => units.locate(req.actor, req.query),
    );

    s.get(
      '/units/export',
      {
        schema: {
          tags,
          summary: 'Export a subtree as GeoJSON or CSV (admin)',
          description:
            'Same fields as the import (code, name, level, parent_code, population, households, grid_kind), ' +
            'parents first. Without `within`, the subtree of your scope.',
          querystring: exportQuery,
        },
      },
      async (req, reply) => {
        const { format, within } = req.query;
        if (format === 'csv') {
          const csv = await units.exportCsv(req.actor, within);
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', 'attachment; filename="units.csv"')
            .send(csv);
        }
        const text = await units.exportGeoJSON(req.actor, within);
        return reply
          .type(GEOJSON)
          .header('content-disposition', 'attachment; filename="units.geojson"')
          .send(text);
      },
    );

    s.post(
      '/units/import',
      {
        bodyLimit: IMPORT_LIMIT,
        schema: {
          consumes: ['application/json', 'application/geo+json', 'text/csv'],
          tags,
          summary: 'Import units from GeoJSON or CSV (admin), all or nothing',
          description:
            'Body: {format, content} as JSON, or a raw application/geo+json or text/csv body. Every defect is ' +
            'reported at once in a 422 units.import_invalid problem whose `errors` give the feature index or ' +
            'CSV line of each; nothing is written then.',
          body: z.union([
            importBody,
            rawFeatureCollection,
            z.string().min(1).describe('Raw GeoJSON or CSV text'),
          ]),
          response: { 200: importResult },
        },
      },
      async (req) => {
        const body = req.body;
        const input =
          typeof body === 'string'
            ? {
                format: (req.headers['content-type'] ?? '').startsWith('text/csv')
                  ? ('csv' as const)
                  : ('geojson' as const),
                content: body,
              }
            : 'content' in body && typeof body.content === 'string'
              ? {
                  format: body.format === 'csv' ? ('csv' as const) : ('geojson' as const),
                  content: body.content,
                }
              : { format: 'geojson' as const, content: JSON.stringify(body) };
        return units.importFile(req.actor, input);
      },
    );

    s.get(
      '/units/:id',
      {
        schema: {
          tags,
          summary: 'A unit with its ancestors',
          params: idParams,
          response: { 200: unitDetail },
        },
      },
      async (req) => units.get(req.actor, req.params.id),
    );

    s.patch(
      '/units/:id',
      {
        schema: {
          tags,
          summary: "Change a unit's name, population or households",
          description: 'Send the version you read; a stale version answers 409 units.version_conflict.',
          params: idParams,
          body: patchBody,
          response: { 200: unitDto },
        },
      },
      async (req) => units.update(req.actor, req.params.id, req.body),
    );

    s.get(
      '/units/:id/people',
      {
        schema: {
          tags,
          summary: 'The people assigned to a unit, in order of succession (staff in scope)',
          params: idParams,
          querystring: pageQuery,
          response: { 200: pageOf(personItem) },
        },
      },
      async (req) => units.people(req.actor, req.params.id, req.query),
    );

    s.get(
      '/departments',
      {
        schema: {
          tags,
          summary: 'Departments (事权单位)',
          querystring: pageQuery,
          response: { 200: pageOf(departmentDto) },
        },
      },
      async (req) => units.listDepartments(req.actor, req.query),
    );

    s.get(
      '/police-beats',
      {
        schema: {
          tags,
          summary: 'Police beats and the grids matched to them (双网融合)',
          querystring: policeBeatQuery,
          response: { 200: pageOf(policeBeatDto) },
        },
      },
      async (req) => units.listPoliceBeats(req.actor, req.query),
    );
  });
}
