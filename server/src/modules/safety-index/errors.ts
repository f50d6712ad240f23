// The safety index's errors; each becomes problem+json with code `safety_index.<snake_case key>`.
import { defineErrors } from '../../http/errors.js';
import { IMPORT_ERROR_DEFS } from '../../lib/table-reader.js';

export const IndexErrors = defineErrors('safety_index', {
  schemeNotFound: [404, 'Index scheme not found'],
  schemeExists: [409, 'A scheme with this code exists already; send the version you read to change it'],
  schemeVersionConflict: [409, 'The scheme was changed by someone else; reload it and try again'],
  invalidScheme: [422, 'The scheme is not valid'],
  noScheme: [422, 'There is no index scheme yet'],
  noCounty: [422, 'There is no county to compute the index for'],
  invalidExternal: [422, 'The external values cannot be imported'],
  periodNotOver: [422, 'A month is computed once it is over'],
  runNotFound: [404, 'Index run not found'],
  runVersionConflict: [409, 'The run was changed by someone else; reload it and try again'],
  runNotEditable: [409, 'The run is not in a state that allows this'],
  alreadyPublished: [409, 'A run is already published for this month and level'],
  inputNotFound: [404, 'The run has no such input'],
  reasonRequired: [422, 'A written reason is required'],
  unitNotInRun: [404, 'The unit is not in this run'],
  unitNotFound: [404, 'Unit not found'],
  itemNotFound: [404, 'Accountability item not found'],
  itemVersionConflict: [409, 'The item was changed by someone else; reload it and try again'],
  itemNotOpen: [409, 'The item is not in a state that allows this'],
});

/** The refusals of the external-data file import (safety_index.import_*). */
export const ExternalImportErrors = defineErrors('safety_index', IMPORT_ERROR_DEFS);
