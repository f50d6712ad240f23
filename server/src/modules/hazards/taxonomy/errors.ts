// The hazard taxonomy's errors; each becomes problem+json with code `hazards.<snake_case key>`.
import { defineErrors } from '../../../http/errors.js';

export const TaxonomyErrors = defineErrors('hazards', {
  domainNotFound: [404, 'Hazard domain not found'],
  domainVersionNotFound: [404, 'That version of the hazard domain does not exist'],
  domainVersionConflict: [409, 'The hazard domain was changed by someone else; reload it and try again'],
  unknownDepartment: [422, 'The department does not exist'],
  aspectRemoved: [422, 'An aspect cannot be removed; retire it (active: false) instead'],
});
