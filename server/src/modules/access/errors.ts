// The access module's errors; each becomes problem+json with code `access.<snake_case key>`.
// 401 and 403 for "log in first" and "not allowed" are the edge's own (http.unauthenticated, http.forbidden).
import { defineErrors } from '../../http/errors.js';

export const AccessErrors = defineErrors('access', {
  // one message for a wrong username and a wrong password, so that nobody learns which usernames exist
  invalidCredentials: [401, 'Wrong username or password'],
  loginThrottled: [429, 'Too many failed log-ins; wait before trying again'],
  accountNotFound: [404, 'Account not found'],
  apiKeyNotFound: [404, 'API key not found'],
  usernameTaken: [409, 'The username is already taken'],
  versionConflict: [409, 'The account was changed by someone else; reload and try again'],
  weakPassword: [422, 'The password does not meet the password policy'],
  wrongPassword: [422, 'The current password is not correct'],
  invalidRoles: [422, 'The roles are not valid'],
  invalidScope: [422, 'The scope does not fit the roles'],
  unknownUnit: [422, 'Unknown unit code'],
  unknownDepartment: [422, 'Unknown department code'],
  cannotDisableSelf: [422, 'You cannot disable your own account'],
});
