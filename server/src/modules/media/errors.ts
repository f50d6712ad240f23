// The media module's error codes (stable: clients and tests key on them).
import { defineErrors } from '../../http/errors.js';

export const MediaErrors = defineErrors('media', {
  notFound: [404, 'Attachment not found'],
  noThumbnail: [404, 'This attachment has no thumbnail'],
  forbidden: [403, 'Not allowed to read this attachment'],
  grantInvalid: [403, 'The link to this attachment has expired or is not valid; reload the page'],
  noFiles: [422, 'The request carries no file'],
  tooLarge: [413, 'The file is too large'],
  tooManyFiles: [413, 'Too many files in one request'],
  unsupportedType: [
    415,
    'Only JPEG, PNG, WebP, HEIC/HEIF images, MP4, MOV, WebM videos and PDF documents are accepted',
  ],
  kindNotTaken: [422, 'This record does not take attachments of this kind'],
  corrupt: [422, 'The file is damaged or is not what it claims to be'],
  notMultipart: [415, 'Send the files as multipart/form-data'],
  notAttachable: [422, 'Some attachments cannot be attached (unknown, already attached, or not yours)'],
  rateLimited: [429, 'Too many uploads from this address; try again later'],
  rangeNotSatisfiable: [416, 'The requested range is not satisfiable'],
});
