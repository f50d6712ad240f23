// The places registry's errors; each becomes problem+json with code `hazards.<snake_case key>`.
import { defineErrors } from '../../../http/errors.js';
import { IMPORT_ERROR_DEFS } from '../../../lib/table-reader.js';

export const PlaceErrors = defineErrors('hazards', {
  placeNotFound: [404, 'Place not found'],
  placeVersionConflict: [409, 'The place was changed by someone else; reload it and try again'],
  creditCodeTaken: [409, 'Another place is registered with this credit code'],
  placeOutsideDistrict: [422, 'The location lies outside every unit of the district'],
  placeLocationMismatch: [422, 'The location does not lie in the unit given'],
  placeUnknownUnit: [422, 'The unit does not exist'],
  listStatusUnchanged: [422, 'The place already has this list status'],
});

/** Refusals of the places import (hazards.import_*), shaped by the shared table reader. */
export const PlaceImportErrors = defineErrors('hazards', IMPORT_ERROR_DEFS);
