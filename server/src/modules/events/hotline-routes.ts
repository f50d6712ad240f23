// HTTP route of the 12345 hotline import (under /api/v1). The multipart parser is registered in this
// plugin's scope only, so no other route accepts multipart bodies.
import multipart from '@fastify/multipart';
import type { App } from '../../http/types.js';
import { oneUploadedFile } from '../../http/upload.js';
import {
  HotlineImportErrors as E,
  type HotlineImportDeps,
  HotlineImportService,
  importQuery,
  importResult,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
} from './hotline-import.js';

const tags = ['events'];

export function hotlineImportRoutes(app: App, deps: HotlineImportDeps): void {
  const importer = new HotlineImportService(deps);
  app.register(async (scope: App) => {
    await scope.register(multipart, {
      limits: { files: 1, fileSize: MAX_IMPORT_BYTES, fields: 5, fieldSize: 1024, parts: 6 },
    });

    scope.post(
      '/events/imports',
      {
        schema: {
          tags,
          summary: 'Import 12345 hotline items as events from a CSV or Excel file (dispatchers, admins)',
          description:
            'multipart/form-data with one file: CSV (UTF-8 with or without BOM, GBK/GB18030) or Excel .xlsx ' +
            `(first sheet), recognised from the content; at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB and ` +
            `${MAX_IMPORT_ROWS} rows. Columns (Chinese or English headings): 工单编号 ticket_no, 来电时间 ` +
            'reported_at (Beijing time, e.g. 2026-11-23 09:15, or a date cell), 事件类别 category (code or ' +
            'name), 诉求内容 description, 经度 lng and 纬度 lat (WGS84; 坐标系 crs may say gcj02 or bd09), and ' +
            'optionally 事发地址 address, 来电人 caller_name, 联系电话 phone, and answer:<code> for the ' +
            "category's questions (required ones must be answered). Other columns are ignored. All or nothing: " +
            'any defect answers 422 events.import_invalid listing every one as {row, column, code, message} ' +
            '(row as the spreadsheet shows it, header = row 1) and nothing is stored; a ticket imported before ' +
            'is reported as already_imported. dryRun=true checks and reports without importing. Refusals: 400 ' +
            'events.import_no_file, 413 events.import_too_large, 415 events.import_unsupported_type / ' +
            'events.import_not_multipart, 422 events.import_unreadable / events.import_empty.',
          consumes: ['multipart/form-data'],
          querystring: importQuery,
          response: { 200: importResult, 201: importResult },
        },
      },
      async (req, reply) => {
        if (!req.isMultipart()) E.importNotMultipart.raise();
        const out = await importer.importFile(req.actor, () => oneUploadedFile(req, E, MAX_IMPORT_BYTES), {
          dryRun: req.query.dryRun,
          requestId: req.id,
        });
        return reply.status(out.dryRun ? 200 : 201).send(out);
      },
    );
  });
}
