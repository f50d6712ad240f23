// Seeds the checklist templates through the service, as any importer would. Idempotent: templates whose
// codes exist are left as they are (the safety office may have edited them). The taxonomy must exist.
import { SYSTEM } from '../../access/actor.js';
import { SEED_TEMPLATES } from './seed-data.js';
import type { InspectionsService } from './service.js';

export function seedInspectionTemplates(services: {
  inspections: InspectionsService;
}): Promise<{ created: number; existing: number }> {
  return services.inspections.importMissing(SYSTEM, SEED_TEMPLATES);
}
