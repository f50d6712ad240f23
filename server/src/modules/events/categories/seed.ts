// Seeds a district's event categories through the service, as any importer would. Idempotent:
// categories whose codes exist are left as they are (an administrator may have edited them).
import { SYSTEM } from '../../access/actor.js';
import { seedCategoryDefs } from './seed-data.js';
import type { CategoriesService } from './service.js';

/** Creates the missing seed categories for the district (its departments must exist). */
export async function seedEventCategories(
  services: { categories: CategoriesService },
  districtCode: string,
): Promise<{ created: number; existing: number }> {
  return services.categories.importMissing(SYSTEM, seedCategoryDefs(districtCode));
}
