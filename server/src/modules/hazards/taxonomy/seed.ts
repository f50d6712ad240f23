// Seeds a district's hazard taxonomy through the service, as any importer would. Idempotent:
// domains whose codes exist are left as they are (an administrator may have edited them).
import { SYSTEM } from '../../access/actor.js';
import { seedDomainDefs } from './seed-data.js';
import type { HazardTaxonomyService } from './service.js';

/** Creates the missing seed domains for the district (its departments must exist). */
export async function seedHazardTaxonomy(
  services: { hazardTaxonomy: HazardTaxonomyService },
  districtCode: string,
): Promise<{ created: number; existing: number }> {
  return services.hazardTaxonomy.importMissing(SYSTEM, seedDomainDefs(districtCode));
}
