// The notifications module's error codes (stable: clients and tests key on them).
import { defineErrors } from '../../http/errors.js';

export const NotificationErrors = defineErrors('notifications', {
  notFound: [404, 'Notification not found'],
  accountsOnly: [403, 'Only a logged-in account has notifications'],
  tooManyStreams: [429, 'Too many live streams open for this account; close another tab first'],
});
