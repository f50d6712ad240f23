// The composition root: builds every module's service with exactly the collaborators it needs.
// The HTTP server (app.ts), the command line (main.ts) and tests all start here.
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/index.js';
import { createJobs, type Jobs } from './jobs/index.js';
import { AuditService } from './modules/access/audit.js';
import { AccessService } from './modules/access/service.js';
import { CategoriesService } from './modules/events/categories/service.js';
import { EventsService } from './modules/events/service.js';
import { InspectionsService } from './modules/hazards/inspections/service.js';
import { ListingService } from './modules/hazards/listing/service.js';
import { PlacesService } from './modules/hazards/places/service.js';
import { HazardsService } from './modules/hazards/service.js';
import { HazardTaxonomyService } from './modules/hazards/taxonomy/service.js';
import { createMediaService, type MediaService } from './modules/media/service.js';
import { createNotificationsService, type NotificationsService } from './modules/notifications/service.js';
import { SafetyIndexService } from './modules/safety-index/service.js';
import { UnitsService } from './modules/units/service.js';

export interface Services {
  db: Db;
  clock: Clock;
  audit: AuditService;
  access: AccessService;
  units: UnitsService;
  jobs: Jobs;
  categories: CategoriesService;
  events: EventsService;
  hazardTaxonomy: HazardTaxonomyService;
  places: PlacesService;
  hazards: HazardsService;
  inspections: InspectionsService;
  listing: ListingService;
  media: MediaService;
  notifications: NotificationsService;
  safetyIndex: SafetyIndexService;
}

export function createServices(db: Db, config: Config, clock: Clock = systemClock): Services {
  const audit = new AuditService(db, clock);
  const jobs = createJobs(db, clock);
  const units = new UnitsService(db, audit);
  const access = new AccessService(db, audit, units, config, clock);
  const categories = new CategoriesService(db, audit, units, clock);
  const hazardTaxonomy = new HazardTaxonomyService(db, audit, units, clock);
  const places = new PlacesService(db, audit, units, clock);
  const media = createMediaService(db, audit, clock, config.dataDir);
  const notifications = createNotificationsService(db, audit, access, jobs, clock, {
    channels: config.notifyChannels,
  });
  const events = new EventsService(db, audit, units, categories, media, notifications, clock);
  events.registerJobs(jobs.queue, jobs.schedules);
  const hazards = new HazardsService(db, audit, units, hazardTaxonomy, places, media, notifications, clock);
  hazards.registerJobs(jobs.queue, jobs.schedules);
  const inspections = new InspectionsService(
    db,
    audit,
    units,
    access,
    hazardTaxonomy,
    places,
    hazards,
    media,
    clock,
  );
  const listing = new ListingService(db, audit, units, hazards, places, media, clock);
  const safetyIndex = new SafetyIndexService(db, audit, units, events, clock, {
    media,
    notifier: notifications,
  });
  safetyIndex.registerJobs(jobs.queue, jobs.schedules);
  return {
    db,
    clock,
    audit,
    access,
    units,
    jobs,
    categories,
    events,
    hazardTaxonomy,
    places,
    hazards,
    inspections,
    listing,
    media,
    notifications,
    safetyIndex,
  };
}
