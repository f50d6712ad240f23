// `seedDemo`: generates the demo district (layout.ts, people.ts, accounts.ts — pure and deterministic)
// and writes it through the services only, as any other importer would: units, departments, police
// beats, people with their assignments, then the demo accounts.
import { DEMO_PASSWORD } from '../config.js';
import { SYSTEM } from '../modules/access/actor.js';
import { seedEventCategories } from '../modules/events/categories/seed.js';
import { seedInspectionTemplates } from '../modules/hazards/inspections/seed.js';
import { seedHazardTaxonomy } from '../modules/hazards/taxonomy/seed.js';
import type { Services } from '../services.js';
import { DEMO_ACCOUNTS } from './accounts.js';
import { seedEvents } from './events.js';
import { seedEventHistory } from './events-history.js';
import { centroid, type Ring } from './geometry.js';
import { seedInspections } from './inspections.js';
import { generateLayout, type Level, type Scale } from './layout.js';
import { generateOrganisation, holderKey } from './people.js';
import { seedPlaces } from './places.js';
import { seedIndexHistory } from './safety-index.js';

export { DEMO_ACCOUNTS, type DemoAccount } from './accounts.js';
export { SCALES, type Scale } from './layout.js';

export type SeedStage =
  | 'generate'
  | 'units'
  | 'departments'
  | 'police_beats'
  | 'people'
  | 'accounts'
  | 'places'
  | 'events'
  | 'safety_index';

export interface SeedOptions {
  scale: Scale;
  seed: number;
  /** Days of recent events to generate through the loop (default 7; 0 for none). */
  eventDays?: number;
  /** Months of published safety-index runs before the current month (default 6; 0 for none). */
  indexMonths?: number;
  /** Registered places and enterprises (default 400; 0 for none). */
  placeCount?: number;
  /** The end of the events' history (default: now). */
  now?: Date;
  /** Called as each stage advances (done of total items). */
  onProgress?: (stage: SeedStage, done: number, total: number) => void;
}

export interface SeedSummary {
  scale: Scale;
  seed: number;
  units: Record<Level, number>;
  departments: number;
  policeBeats: number;
  people: number;
  assignments: number;
  accounts: number;
  places: number;
  /** Inspection campaigns (one covert under way, one self-inspection) and listings (挂牌) of the demo. */
  campaigns: number;
  listings: number;
  events: number;
  indexRuns: number;
  population: number;
  seconds: number;
}

/** The database already holds units: seeding would mix the demo into real (or earlier) data. */
export class SeedRefusedError extends Error {}

/** Ouhai: the district whose departments the categories and hazard domains name (in both scales). */
const DEMO_DISTRICT_CODE = '330304';

export async function seedDemo(services: Services, opts: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const progress = opts.onProgress ?? (() => {});
  if (await services.units.hasAnyUnit()) {
    throw new SeedRefusedError(
      'The database already has units; the demo district is only seeded into an empty database. ' +
        'Use a fresh ANWANG_DATA_DIR (or a new PostgreSQL database) to seed again.',
    );
  }

  progress('generate', 0, 1);
  const units = generateLayout(opts.scale, opts.seed);
  const org = generateOrganisation(units, opts.seed);
  progress('generate', 1, 1);

  // The same checks as any import, shapes included (self-intersection, child inside parent): about
  // 7 s at the Wenzhou scale, worth it to never store a broken demo.
  progress('units', 0, units.length);
  await services.units.insertUnits(SYSTEM, units, {
    onProgress: (done, total) => progress('units', done, total),
  });
  progress('departments', 0, org.departments.length);
  await services.units.insertDepartments(SYSTEM, org.departments);
  progress('departments', org.departments.length, org.departments.length);
  // reference data that names the departments: the event categories and the hazard domains
  await seedEventCategories(services, DEMO_DISTRICT_CODE);
  await seedHazardTaxonomy(services, DEMO_DISTRICT_CODE);
  await seedInspectionTemplates(services);
  progress('police_beats', 0, org.policeBeats.length);
  await services.units.insertPoliceBeats(SYSTEM, org.policeBeats);
  progress('police_beats', org.policeBeats.length, org.policeBeats.length);
  progress('people', 0, org.people.length);
  const personIds = await services.units.insertPeople(SYSTEM, org.people, {
    onProgress: (done, total) => progress('people', done, total),
  });

  progress('accounts', 0, DEMO_ACCOUNTS.length);
  let residentId: number | null = null;
  let officeAccountId: number | null = null;
  for (const [i, a] of DEMO_ACCOUNTS.entries()) {
    const index = a.person
      ? org.holder.get(holderKey(a.person.unitCode, a.person.duty, a.person.rank))
      : undefined;
    const personId = index === undefined ? undefined : personIds[index];
    const account = await services.access.createAccount(SYSTEM, {
      username: a.username,
      displayName: a.displayName,
      password: DEMO_PASSWORD,
      roles: [a.role],
      ...(a.scopeUnitCode ? { scopeUnitCode: a.scopeUnitCode } : {}),
      ...(a.scopeDepartmentCode ? { scopeDepartmentCode: a.scopeDepartmentCode } : {}),
      ...(personId ? { personId } : {}),
    });
    if (a.role === 'resident' && residentId === null) residentId = account.id;
    if (a.username === 'safety_office') officeAccountId = account.id;
    progress('accounts', i + 1, DEMO_ACCOUNTS.length);
  }

  const registry = await seedPlaces(services, units, {
    seed: opts.seed,
    districtCode: DEMO_DISTRICT_CODE,
    count: opts.placeCount ?? 400,
    now: opts.now ?? new Date(),
    onProgress: (done, total) => progress('places', done, total),
  });

  // campaigns, listings and admonitions over the registry (none without places to draw or list)
  const inspections =
    registry.places > 0 && officeAccountId !== null
      ? await seedInspections(services, {
          seed: opts.seed,
          districtCode: DEMO_DISTRICT_CODE,
          officeAccountId,
        })
      : { campaigns: 0, listings: 0, admonitions: 0 };

  // the demo's reports come from the micro-grids of the district (a convex cell's centroid lies inside it)
  const places = units
    .filter((u) => u.level === 'micro_grid' && u.code.startsWith(DEMO_DISTRICT_CODE) && u.boundary)
    .map((u) => {
      const [lng, lat] = centroid(u.boundary!.coordinates[0] as Ring);
      return { code: u.code, lng, lat };
    });
  let events = 0;
  const eventDays = opts.eventDays ?? 7;
  if (eventDays > 0) {
    events = await seedEvents(services, opts.now ?? new Date(), {
      seed: opts.seed,
      days: eventDays,
      places,
      residentId,
      onProgress: (done, total) => progress('events', done, total),
    });
  }

  progress('safety_index', 0, 1);
  const indexMonths = opts.indexMonths ?? 6;
  if (indexMonths > 0 && places.length) {
    // finished events of those months, so the index's platform metrics have a history
    await seedEventHistory(services, opts.now ?? new Date(), {
      seed: opts.seed,
      months: indexMonths,
      places,
    });
  }
  const index =
    indexMonths === 0
      ? { runs: 0 }
      : await seedIndexHistory(services, opts.now ?? new Date(), {
          seed: opts.seed,
          months: indexMonths,
          districtCode: DEMO_DISTRICT_CODE,
        });
  progress('safety_index', 1, 1);

  const count: Record<Level, number> = { city: 0, county: 0, town: 0, village: 0, grid: 0, micro_grid: 0 };
  for (const u of units) count[u.level]++;
  return {
    scale: opts.scale,
    seed: opts.seed,
    units: count,
    departments: org.departments.length,
    policeBeats: org.policeBeats.length,
    people: org.people.length,
    assignments: org.people.reduce((s, p) => s + p.assignments.length, 0),
    accounts: DEMO_ACCOUNTS.length,
    places: registry.places,
    campaigns: inspections.campaigns,
    listings: inspections.listings,
    events,
    indexRuns: index.runs,
    population: units.filter((u) => u.level === 'county').reduce((s, u) => s + (u.population ?? 0), 0),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
