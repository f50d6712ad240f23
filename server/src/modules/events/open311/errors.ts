// The Open311 endpoint's own refusals. They are AppErrors like every other module's, but leave the
// server in the spec's error format (routes.ts): [{"code": <HTTP status>, "description": …}].
import { defineErrors } from '../../../http/errors.js';

export const Open311Errors = defineErrors('open311', {
  apiKeyMissing: [403, 'api_key is required to create a service request'],
  apiKeyInvalid: [403, 'Invalid api_key received'],
  serviceNotFound: [404, 'service_code was not found'],
  requestNotFound: [404, 'service_request_id was not found'],
  invalidRequest: [400, 'The request is not valid'],
});
