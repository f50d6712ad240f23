// `anwang import units FILE`: loads units from GeoJSON or CSV into the configured database as SYSTEM,
// all or nothing, and prints every defect with its feature index or CSV line when the file is refused.
// `anwang import events FILE`: files 12345 hotline items (CSV or Excel) as events, likewise.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { openMigratedDb } from '../db/index.js';
import { AppError } from '../http/errors.js';
import { SYSTEM } from '../modules/access/actor.js';
import {
  describeRowError,
  HotlineImportService,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  type RowError,
} from '../modules/events/hotline-import.js';
import { describeProblem } from '../modules/units/import.js';
import { createServices } from '../services.js';
import { type Command, Progress, parse, UsageError } from './command.js';

const command: Command = {
  name: 'import',
  summary: 'import units from GeoJSON or CSV, or 12345 hotline items as events (all or nothing)',
  help: `Usage: anwang import units FILE [--format geojson|csv]
       anwang import events FILE [--dry-run]

Imports units into the configured database (DATABASE_URL, or the embedded database in ANWANG_DATA_DIR),
acting as the system administrator. Everything is checked first; if anything is wrong nothing is
written and every defect is listed with its feature index (GeoJSON) or line (CSV).

  GeoJSON  a FeatureCollection of Polygon/MultiPolygon features (WGS84) with properties
           code, name, level, parent_code and optionally population, households, grid_kind
  CSV      header: code,name,level,parent_code,population,households,grid_kind (units without shapes)

Levels, parents first: city > county > town > village > grid > micro_grid; a child is exactly one level
below its parent, which must be in the file or already in the database. grid_kind (grids only):
general or dedicated.

Events (12345 hotline items), acting as the system administrator, source 'hotline':
  A CSV (UTF-8 with or without BOM, or GBK/GB18030) or Excel .xlsx file (first sheet), recognised from
  its content; at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB and ${MAX_IMPORT_ROWS} rows. Columns, Chinese or English headings:
    工单编号 ticket_no, 来电时间 reported_at (Beijing time, e.g. 2026-11-23 09:15, or a date cell),
    事件类别 category (code or name), 诉求内容 description, 经度 lng, 纬度 lat (WGS84; 坐标系 crs may
    say gcj02 or bd09), and optionally 事发地址 address, 来电人 caller_name, 联系电话 phone, and
    answer:<code> for the category's questions (required ones must be answered). Other columns are ignored.
  Rows are numbered as the spreadsheet shows them (header = row 1). A ticket imported before is refused.

Options:
  --format geojson|csv   units: the file's format (default: from the extension; .csv is CSV, else GeoJSON)
  --dry-run              events: check the file and list its defects, import nothing
  -h, --help             this text

The embedded database allows one process at a time: stop the server before importing into it.
Exit status: 0 imported, 1 refused (defects listed), 2 usage error.`,
  async run(argv) {
    const { values, positionals } = parse(
      'import',
      argv,
      { format: { type: 'string' }, 'dry-run': { type: 'boolean' } },
      true,
    );
    const [what, file, ...extra] = positionals;
    if ((what !== 'units' && what !== 'events') || !file || extra.length) {
      throw new UsageError(
        "import: expected 'anwang import units FILE' or 'anwang import events FILE'. See 'anwang import --help'.",
      );
    }
    if (what === 'events') {
      if (values.format) throw new UsageError('import: --format applies to units only');
      return importEvents(file, values['dry-run'] ?? false);
    }
    if (values['dry-run']) throw new UsageError('import: --dry-run applies to events only');
    const format = values.format ?? (path.extname(file).toLowerCase() === '.csv' ? 'csv' : 'geojson');
    if (format !== 'geojson' && format !== 'csv')
      throw new UsageError('import: --format must be geojson or csv');
    let content: string;
    try {
      content = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`import: cannot read ${file}: ${(e as Error).message}`);
    }
    const config = loadConfig();
    const db = await openMigratedDb(config);
    try {
      const services = createServices(db, config);
      let progress: Progress | undefined;
      const r = await services.units.importFile(
        SYSTEM,
        { format, content },
        {
          onProgress: (done, total) => {
            progress ??= new Progress('Importing units', total);
            progress.update(done);
          },
        },
      );
      progress?.done();
      console.log(`Imported ${r.inserted} unit(s) from ${file} into ${db.kind}.`);
      return 0;
    } catch (e) {
      if (e instanceof AppError && Array.isArray(e.extras.errors)) {
        const errors = e.extras.errors as Parameters<typeof describeProblem>[0][];
        console.error(`${file} was not imported: ${errors.length} problem(s); nothing was written.`);
        for (const p of errors) console.error(`  ${describeProblem(p)}`);
        return 1;
      }
      if (e instanceof AppError) {
        console.error(`${file} was not imported: ${e.detail ?? e.def.title}`);
        return 1;
      }
      throw e;
    } finally {
      await db.close();
    }
  },
};

async function importEvents(file: string, dryRun: boolean): Promise<number> {
  let bytes: Buffer;
  try {
    if (fs.statSync(file).size > MAX_IMPORT_BYTES) {
      console.error(`${file} was not imported: larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB.`);
      return 1;
    }
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new UsageError(`import: cannot read ${file}: ${(e as Error).message}`);
  }
  const config = loadConfig();
  const db = await openMigratedDb(config);
  try {
    const importer = new HotlineImportService(createServices(db, config));
    let progress: Progress | undefined;
    const r = await importer.importFile(SYSTEM, async () => bytes, {
      dryRun,
      onProgress: (done, total) => {
        progress ??= new Progress('Importing events', total);
        progress.update(done);
      },
    });
    progress?.done();
    const read = `${r.rows} row(s) of ${r.format === 'xlsx' ? 'Excel' : `CSV (${r.encoding})`}`;
    if (r.ignoredColumns.length) console.log(`Ignored columns: ${r.ignoredColumns.join(', ')}`);
    if (r.dryRun) console.log(`${file}: ${read} checked, no problems found; nothing was imported (dry run).`);
    else
      console.log(
        `Imported ${r.imported} event(s) from ${file} (${read}) into ${db.kind}: ${r.firstTrackingNo} … ${r.lastTrackingNo}.`,
      );
    return 0;
  } catch (e) {
    if (e instanceof AppError && Array.isArray(e.extras.errors)) {
      const errors = e.extras.errors as RowError[];
      const total = typeof e.extras.errorCount === 'number' ? e.extras.errorCount : errors.length;
      console.error(`${file} was not imported: ${total} problem(s); nothing was written.`);
      for (const p of errors) console.error(`  ${describeRowError(p)}`);
      if (total > errors.length) console.error(`  … and ${total - errors.length} more`);
      return 1;
    }
    if (e instanceof AppError) {
      console.error(`${file} was not imported: ${e.detail ?? e.def.title}`);
      return 1;
    }
    throw e;
  } finally {
    await db.close();
  }
}

export default command;
