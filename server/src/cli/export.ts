// `anwang export units`: writes units (a subtree, or everything) as GeoJSON or CSV with the fields
// the importer reads, so an export re-imports as it is.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { openMigratedDb } from '../db/index.js';
import { AppError } from '../http/errors.js';
import { SYSTEM } from '../modules/access/actor.js';
import { createServices } from '../services.js';
import { type Command, parse, UsageError } from './command.js';

const command: Command = {
  name: 'export',
  summary: 'export units as GeoJSON or CSV',
  help: `Usage: anwang export units [--format geojson|csv] [--within CODE] [--out FILE]

Writes units from the configured database, parents first, with the fields the importer reads
(code, name, level, parent_code, population, households, grid_kind; GeoJSON adds the boundaries).
A whole export re-imports into an empty database; a subtree re-imports where its root's parent exists.

Options:
  --format geojson|csv   output format (default: from --out's extension; .csv is CSV, else GeoJSON)
  --within CODE          only the subtree of the unit with this code (itself included)
  --out FILE             write to FILE instead of standard output
  -h, --help             this text

The embedded database allows one process at a time: stop the server before exporting from it.`,
  async run(argv) {
    const { values, positionals } = parse(
      'export',
      argv,
      { format: { type: 'string' }, within: { type: 'string' }, out: { type: 'string' } },
      true,
    );
    if (positionals.length !== 1 || positionals[0] !== 'units') {
      throw new UsageError("export: expected 'anwang export units'. See 'anwang export --help'.");
    }
    const format =
      values.format ?? (values.out && path.extname(values.out).toLowerCase() === '.csv' ? 'csv' : 'geojson');
    if (format !== 'geojson' && format !== 'csv')
      throw new UsageError('export: --format must be geojson or csv');
    const config = loadConfig();
    const db = await openMigratedDb(config);
    try {
      const { units } = createServices(db, config);
      let within: number | undefined;
      if (values.within !== undefined) {
        const u = await units.findByCode(values.within);
        if (!u) {
          console.error(`export: no unit has the code ${values.within}`);
          return 1;
        }
        within = u.id;
      }
      const { text, count } = await units.exportUnits(SYSTEM, format, within);
      if (values.out) {
        fs.writeFileSync(values.out, text);
        console.error(`Exported ${count} unit(s) as ${format} to ${values.out}.`);
      } else {
        process.stdout.write(text);
        console.error(`Exported ${count} unit(s) as ${format}.`);
      }
      return 0;
    } catch (e) {
      if (e instanceof AppError) {
        console.error(`export: ${e.detail ?? e.def.title}`);
        return 1;
      }
      throw e;
    } finally {
      await db.close();
    }
  },
};

export default command;
