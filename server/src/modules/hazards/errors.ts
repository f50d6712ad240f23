// The hazard loop's errors; each becomes problem+json with code `hazards.<snake_case key>` (the taxonomy's
// live in taxonomy/errors.ts under the same prefix, with other keys).
import { defineErrors } from '../../http/errors.js';

export const HazardErrors = defineErrors('hazards', {
  hazardNotFound: [404, 'Hazard not found'],
  versionConflict: [409, 'The hazard was changed by someone else; reload it and try again'],
  transitionNotAllowed: [409, 'The hazard is not in a state that allows this'],
  actionNotYours: [403, 'You may not take this action on the hazard'],
  invalidTransition: [422, 'The action lacks something it needs'],
  unknownDomain: [422, 'The hazard domain or aspect does not exist or takes no new hazards'],
  unknownPlace: [422, 'The place or enterprise is not registered'],
  locationRequired: [
    422,
    'Give a location (GPS or a map pin), a registered place, or a photo that carries one',
  ],
  outsideDistrict: [422, 'The location lies outside the district'],
  outsideScope: [403, 'The location lies outside your scope'],
  covertNotAllowed: [403, 'Only the safety office records covert-inspection findings'],
  unknownRoute: [422, 'The town or department to triage to does not exist or does not serve this place'],
  unknownAssignee: [422, 'The rectifying party does not exist or does not serve this place'],
  unknownTarget: [422, 'The item to merge into does not exist, is finished, or is out of reach'],
  mediaNotAllowed: [422, 'Photos go with the record and with the rectification evidence (submit)'],
});
