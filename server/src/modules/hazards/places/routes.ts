// HTTP routes of the places registry (under /api/v1/hazards/places): parse with zod, call the service,
// send the answer. The multipart parser is registered in the import route's scope only.
import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import { pageOf } from '../../../http/pagination.js';
import type { App } from '../../../http/types.js';
import { oneUploadedFile } from '../../../http/upload.js';
import { PlaceImportErrors } from './errors.js';
import {
  createBody,
  exportQuery,
  idParams,
  importQuery,
  importResult,
  kindDto,
  listQuery,
  listStatusBody,
  placeDetail,
  placeDto,
  updateBody,
} from './schema.js';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, type PlacesService } from './service.js';

const tags = ['hazards'];

export function placeRoutes(app: App, places: PlacesService): void {
  app.get(
    '/hazards/places/kinds',
    {
      schema: {
        tags,
        summary: 'The kinds of place (a fixed list, with Chinese and English names)',
        response: { 200: z.object({ items: z.array(kindDto) }) },
      },
    },
    async () => ({ items: places.kinds() }),
  );

  app.get(
    '/hazards/places',
    {
      schema: {
        tags,
        summary: 'Places and enterprises in your area (newest first), by unit, kind, list status or text',
        description:
          'Staff see the places of their unit subtree (department staff: of their department’s territory). ' +
          'The contact phone is masked for viewers outside the place’s unit subtree.',
        querystring: listQuery,
        response: { 200: pageOf(placeDto) },
      },
    },
    async (req) => places.list(req.actor, req.query),
  );

  app.get(
    '/hazards/places/export',
    {
      schema: {
        tags,
        summary: 'The filtered list as CSV (streamed; UTF-8 with BOM; phones masked as in the list)',
        description:
          'Same filters as the list, every matching place in id order. The first columns are the import’s ' +
          'headings, so an export can be corrected and imported back (onExisting=update).',
        querystring: exportQuery,
      },
    },
    async (req, reply) => {
      const chunks = await places.exportCsv(req.actor, req.query, req.id);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="places.csv"')
        .send(Readable.from(chunks));
    },
  );

  app.post(
    '/hazards/places',
    {
      schema: {
        tags,
        summary: 'Register a place or enterprise (staff, within their area)',
        description:
          'The unit is the one containing the location unless unitId is given. A credit code is checked ' +
          '(GB 32100-2015 check character: 400) and must be free (409 hazards.credit_code_taken).',
        body: createBody,
        response: { 201: placeDetail },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await places.create(req.actor, req.body, { requestId: req.id })),
  );

  app.get(
    '/hazards/places/:id',
    {
      schema: {
        tags,
        summary: 'One place with its black/white list history',
        params: idParams,
        response: { 200: placeDetail },
      },
    },
    async (req) => places.get(req.actor, req.params.id),
  );

  app.patch(
    '/hazards/places/:id',
    {
      schema: {
        tags,
        summary: 'Change a place (send the version read: a stale one answers 409)',
        params: idParams,
        body: updateBody,
        response: { 200: placeDetail },
      },
    },
    async (req) => places.update(req.actor, req.params.id, req.body, { requestId: req.id }),
  );

  app.post(
    '/hazards/places/:id/list-status',
    {
      schema: {
        tags,
        summary: 'Put a place on the black or white list, or take it off (safety office, departments)',
        description:
          'status black, white or none, with the reason (kept in the history) and the version read. The ' +
          'safety office within its area or the staff of a department whose territory holds the place.',
        params: idParams,
        body: listStatusBody,
        response: { 200: placeDetail },
      },
    },
    async (req) => places.setListStatus(req.actor, req.params.id, req.body, { requestId: req.id }),
  );

  app.register(async (scope: App) => {
    await scope.register(multipart, {
      limits: { files: 1, fileSize: MAX_IMPORT_BYTES, fields: 5, fieldSize: 1024, parts: 6 },
    });
    scope.post(
      '/hazards/places/imports',
      {
        schema: {
          tags,
          summary:
            'Import places from a CSV or Excel file, all or nothing (town staff, departments, safety office)',
          description:
            'multipart/form-data with one file: CSV (UTF-8 with or without BOM, GBK/GB18030) or Excel .xlsx ' +
            `(first sheet); at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB and ${MAX_IMPORT_ROWS} rows. Columns ` +
            '(Chinese or English headings): 名称 name, 类型 kind (code or Chinese name), 经度 lng and 纬度 lat ' +
            '(WGS84; 坐标系 crs may say gcj02 or bd09), and optionally 统一社会信用代码 credit_code, 地址 address, ' +
            '所属单位 unit (a unit code; default: the unit containing the point), 联系人 contact_name, 联系电话 ' +
            'contact_phone. Other columns are ignored. Any defect answers 422 hazards.import_invalid listing ' +
            'every one as {row, column, code, message} (row as the spreadsheet shows it, header = row 1) and ' +
            'nothing is stored. A credit code registered already is refused (already_registered) unless ' +
            'onExisting=update, which updates that place (its list status untouched; columns the file lacks ' +
            'keep their values). dryRun=true checks and reports without importing.',
          consumes: ['multipart/form-data'],
          querystring: importQuery,
          response: { 200: importResult, 201: importResult },
        },
      },
      async (req, reply) => {
        places.authorizeImport(req.actor);
        const out = await places.importFile(
          req.actor,
          () => oneUploadedFile(req, PlaceImportErrors, MAX_IMPORT_BYTES),
          { ...req.query, requestId: req.id },
        );
        return reply.status(out.dryRun ? 200 : 201).send(out);
      },
    );
  });
}
