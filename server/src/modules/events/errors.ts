// The events' errors; each becomes problem+json with code `events.<snake_case key>`.
import { defineErrors } from '../../http/errors.js';

export const EventErrors = defineErrors('events', {
  eventNotFound: [404, 'Event not found'],
  versionConflict: [409, 'The event was changed by someone else; reload it and try again'],
  transitionNotAllowed: [409, 'The event is not in a state that allows this'],
  actionNotYours: [403, 'You may not take this action on the event'],
  invalidTransition: [422, 'The action lacks something it needs'],
  unknownCategory: [422, 'The category does not exist or takes no reports'],
  invalidAnswers: [422, 'The answers do not fit the category’s questions'],
  locationRequired: [422, 'Give a location (GPS or a map pin) or a photo that carries one'],
  outsideDistrict: [422, 'The location lies outside the district'],
  unknownAssignee: [422, 'The assignee does not exist or is out of reach'],
  unknownTarget: [422, 'The surviving event does not exist, is not open, or is out of reach'],
  onBehalfNotAllowed: [403, 'Only staff may report on behalf of someone'],
  idempotencyKeyReused: [422, 'This Idempotency-Key was used for a different request'],
  tooManyReports: [429, 'Too many anonymous reports from this address; try again later'],
  noRoute: [422, 'The category’s handler could not be found for this place'],
});
