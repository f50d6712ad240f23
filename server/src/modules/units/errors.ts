// The units module's errors; each becomes problem+json with code `units.<snake_case key>`.
import { defineErrors } from '../../http/errors.js';

export const UnitErrors = defineErrors('units', {
  notFound: [404, 'Unit not found'],
  versionConflict: [409, 'The unit was changed by someone else; reload and try again'],
  outsideDistrict: [422, 'The point lies outside every unit of the district'],
  importInvalid: [422, 'The units cannot be imported'],
  invalidUnits: [422, 'The units are not valid'],
  tooManyFeatures: [422, 'Too many features; narrow the request with `within` or `level`'],
  unknownUnit: [422, 'Unknown unit code'],
  invalidRecords: [422, 'The records are not valid'],
});
