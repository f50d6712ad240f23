// The safety index's errors; each becomes problem+json with code `safety_index.<snake_case key>`.
import { defineErrors } from '../../http/errors.js';

export const IndexErrors = defineErrors('safety_index', {
  schemeNotFound: [404, 'Index scheme not found'],
  schemeExists: [409, 'A scheme with this code exists already; send the version you read to change it'],
  schemeVersionConflict: [409, 'The scheme was changed by someone else; reload it and try again'],
  invalidScheme: [422, 'The scheme is not valid'],
  noScheme: [422, 'There is no index scheme yet'],
  noCounty: [422, 'There is no county to compute the index for'],
  invalidExternal: [422, 'The external values cannot be imported'],
  externalFileTooLarge: [413, 'The file is too large to import'],
  externalFileUnsupported: [415, 'Only CSV (UTF-8, GBK/GB18030) and Excel .xlsx files can be imported'],
  externalFileUnreadable: [422, 'The file could not be read'],
  notMultipart: [415, 'Send the file as multipart/form-data'],
  noFile: [400, 'Send exactly one file (CSV or Excel .xlsx)'],
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
