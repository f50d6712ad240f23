import { DEMO_PASSWORD, loadConfig } from '../config.js';
import { openMigratedDb } from '../db/index.js';
import {
  DEMO_ACCOUNTS,
  SCALES,
  type Scale,
  SeedRefusedError,
  type SeedStage,
  seedDemo,
} from '../seed/index.js';
import { createServices } from '../services.js';
import { type Command, Progress, parse, UsageError } from './command.js';

const STAGE_LABELS: Record<SeedStage, string> = {
  generate: 'generating',
  units: 'units',
  departments: 'departments',
  police_beats: 'police beats',
  people: 'people',
  accounts: 'demo accounts',
  places: 'places and enterprises',
  events: 'events (a week through the loop)',
  safety_index: 'safety index (six published months)',
};

const command: Command = {
  name: 'seed',
  summary: 'fill an empty database with the demo district (Ouhai, or all of Wenzhou)',
  help: `Usage: anwang seed [--scale ouhai|wenzhou] [--seed N]

Generates the demo district and writes it to the configured database (DATABASE_URL, or the embedded
database in ANWANG_DATA_DIR), migrating it first. Refuses a database that already has units.

  --scale ouhai     瓯海区: its 13 real towns and 197 real villages (official codes), about 1,000 grids
                    and 5,173 micro-grids with illustrative (示意) boundaries, about 1,000,000 residents,
                    the people assigned to every unit, 12 departments, police beats and one demo
                    account per role (default)
  --scale wenzhou   all of 温州市: 12 counties, 191 towns, 3,685 villages, about 60,000 micro-grids
                    (for benchmarks)
  --seed N          the random seed (default 1): the same seed gives the same district

The demo accounts (admin, dispatcher, … one per role) use the demo password given in README.md.`,
  async run(argv) {
    const { values } = parse('seed', argv, {
      scale: { type: 'string', default: 'ouhai' },
      seed: { type: 'string', default: '1' },
    });
    const scale = values.scale as Scale;
    if (!SCALES.includes(scale)) throw new UsageError(`seed: --scale must be one of ${SCALES.join(', ')}`);
    const seed = Number(values.seed);
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new UsageError('seed: --seed must be a non-negative integer');

    const config = loadConfig();
    const db = await openMigratedDb(config);
    try {
      const services = createServices(db, config);
      const bars = new Map<SeedStage, Progress>();
      const summary = await seedDemo(services, {
        scale,
        seed,
        onProgress(stage, done, total) {
          let bar = bars.get(stage);
          if (!bar) {
            bar = new Progress(STAGE_LABELS[stage], total);
            bars.set(stage, bar);
          }
          bar.update(done);
          if (done >= total) bar.done();
        },
      });
      const u = summary.units;
      console.log(
        [
          `Seeded the ${scale} demo district (seed ${seed}) into ${db.kind} in ${summary.seconds}s:`,
          `  units         ${u.city} city, ${u.county} county, ${u.town} towns, ${u.village} villages, ${u.grid} grids, ${u.micro_grid} micro-grids`,
          `  population    ${summary.population.toLocaleString('en')}`,
          `  people        ${summary.people.toLocaleString('en')} with ${summary.assignments.toLocaleString('en')} assignments`,
          `  departments   ${summary.departments}, police beats ${summary.policeBeats}`,
          `  places        ${summary.places} places and enterprises, a few on the black or white list`,
          `  inspections   ${summary.campaigns} campaigns (covert and self), ${summary.listings} listings with admonition talks`,
          `  accounts      ${summary.accounts} demo accounts, password ${DEMO_PASSWORD}:`,
          ...DEMO_ACCOUNTS.map((a) => `    ${a.username.padEnd(22)} ${a.description}`),
        ].join('\n'),
      );
      return 0;
    } catch (e) {
      if (e instanceof SeedRefusedError) {
        console.error(`seed: ${e.message}`);
        return 1;
      }
      throw e;
    } finally {
      await db.close();
    }
  },
};
export default command;
