// `anwang import units FILE`: loads units from GeoJSON or CSV into the configured database as SYSTEM,
// all or nothing, and prints every defect with its feature index or CSV line when the file is refused.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { openMigratedDb } from '../db/index.js';
import { AppError } from '../http/errors.js';
import { SYSTEM } from '../modules/access/actor.js';
import { describeProblem } from '../modules/units/import.js';
import { createServices } from '../services.js';
import { type Command, Progress, parse, UsageError } from './command.js';

const command: Command = {
  name: 'import',
  summary: 'import units from a GeoJSON or CSV file (all or nothing)',
  help: `Usage: anwang import units FILE [--format geojson|csv]

Imports units into the configured database (DATABASE_URL, or the embedded database in ANWANG_DATA_DIR),
acting as the system administrator. Everything is checked first; if anything is wrong nothing is
written and every defect is listed with its feature index (GeoJSON) or line (CSV).

  GeoJSON  a FeatureCollection of Polygon/MultiPolygon features (WGS84) with properties
           code, name, level, parent_code and optionally population, households, grid_kind
  CSV      header: code,name,level,parent_code,population,households,grid_kind (units without shapes)

Levels, parents first: city > county > town > village > grid > micro_grid; a child is exactly one level
below its parent, which must be in the file or already in the database. grid_kind (grids only):
general or dedicated.

Options:
  --format geojson|csv   the file's format (default: from the extension; .csv is CSV, else GeoJSON)
  -h, --help             this text

The embedded database allows one process at a time: stop the server before importing into it.
Exit status: 0 imported, 1 refused (defects listed), 2 usage error.`,
  async run(argv) {
    const { values, positionals } = parse('import', argv, { format: { type: 'string' } }, true);
    const [what, file, ...extra] = positionals;
    if (what !== 'units' || !file || extra.length) {
      throw new UsageError("import: expected 'anwang import units FILE'. See 'anwang import --help'.");
    }
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
export default command;
