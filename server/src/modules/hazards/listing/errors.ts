// Listing (挂牌整治) and admonition (约谈) errors; each becomes problem+json with code `hazards.<snake_case key>`.
import { defineErrors } from '../../../http/errors.js';

export const ListingErrors = defineErrors('hazards', {
  listingNotFound: [404, 'Listing not found'],
  listingVersionConflict: [409, 'The listing was changed by someone else; reload it and try again'],
  alreadyListed: [409, 'The hazard or place is listed already (one listing in force at a time)'],
  alreadyDelisted: [409, 'The listing was taken off already'],
  hazardNotClosedOut: [409, 'A listed hazard is taken off only once it is closed out (销号)'],
  unknownSubject: [422, 'The hazard or place to list does not exist'],
  unknownParty: [422, 'The responsible or admonished party does not exist or does not serve this place'],
  invalidListingDeadline: [422, 'The deadline must lie in the future'],
  admonitionNotFound: [404, 'Admonition record not found'],
  admonitionVersionConflict: [
    409,
    'The admonition record was changed by someone else; reload it and try again',
  ],
  followUpRecorded: [409, 'The follow-up of this admonition was recorded already'],
  followUpNoteRequired: [422, 'Say what was not done (note) when the commitments were not kept'],
  unknownLinked: [422, 'A linked hazard or listing does not exist or lies outside your scope'],
});
