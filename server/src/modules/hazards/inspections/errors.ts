// Inspections' errors; each becomes problem+json with code `inspections.<snake_case key>`.
import { defineErrors } from '../../../http/errors.js';

export const InspectionErrors = defineErrors('inspections', {
  templateNotFound: [404, 'Checklist template not found'],
  templateVersionNotFound: [404, 'The checklist template has no such version'],
  templateExists: [409, 'A checklist template with this code exists'],
  templateVersionConflict: [409, 'The template was changed by someone else; reload it and try again'],
  itemRemoved: [
    422,
    'A later version keeps every item code of the current one (retire it with active: false)',
  ],
  unknownAspect: [422, 'An item maps to a hazard domain or aspect that does not exist or takes no hazards'],
  unknownSubject: [422, 'The template is for an unknown kind of place or level of unit'],
  campaignNotFound: [404, 'Campaign not found'],
  campaignVersionConflict: [409, 'The campaign was changed by someone else; reload it and try again'],
  campaignState: [409, 'The campaign is not in a state that allows this'],
  templateUnusable: [
    422,
    'A template is unknown, inactive, of another kind, or two are for the same subject',
  ],
  unknownInspector: [422, 'An inspector account does not exist or may not record covert findings'],
  invalidPlan: [422, 'The plan is not valid'],
  noCandidates: [422, 'Nothing in the scope matches what the campaign draws'],
  targetNotFound: [404, 'Target not found'],
  alreadyStarted: [409, 'This target already has its visit or form'],
  inspectionNotFound: [404, 'Inspection not found'],
  inspectionVersionConflict: [409, 'The inspection was changed by someone else; reload it and try again'],
  alreadySubmitted: [409, 'The inspection was submitted already'],
  locationRequired: [422, 'A covert visit checks in with the location it was made at'],
  invalidResults: [422, 'The results do not fit the checklist'],
});
