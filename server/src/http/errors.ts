// Errors with stable codes. A module declares its errors once (see modules/*/errors.ts) with
// defineErrors; services throw them; the edge (http/problem.ts) turns every error into an
// RFC 9457 application/problem+json answer carrying the same `code`.

export interface ErrorDef {
  code: string;
  status: number;
  title: string;
}

export class AppError extends Error {
  constructor(
    public readonly def: ErrorDef,
    public readonly detail?: string,
    /** Extra members of the problem document, e.g. `errors` with one entry per defect. */
    public readonly extras: Record<string, unknown> = {},
  ) {
    super(detail ?? def.title);
  }
  get code() {
    return this.def.code;
  }
  get status() {
    return this.def.status;
  }
}

/** Declares a module's errors: `const E = defineErrors('units', { notFound: [404, 'Unit not found'] })`. */
export function defineErrors<K extends string>(
  module: string,
  defs: Record<K, readonly [status: number, title: string]>,
): Record<K, ErrorDef & { raise: (detail?: string, extras?: Record<string, unknown>) => never }> {
  const out = {} as Record<
    K,
    ErrorDef & { raise: (detail?: string, extras?: Record<string, unknown>) => never }
  >;
  for (const key of Object.keys(defs) as K[]) {
    const [status, title] = defs[key];
    const code = `${module}.${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
    const def: ErrorDef = { code, status, title };
    out[key] = {
      ...def,
      raise: (detail, extras) => {
        throw new AppError(def, detail, extras);
      },
    };
  }
  return out;
}

/** Errors of the edge itself, shared by every module. */
export const HttpErrors = defineErrors('http', {
  validationFailed: [400, 'The request is not valid'],
  malformedBody: [400, 'The request body could not be parsed'],
  unauthenticated: [401, 'Log in first'],
  forbidden: [403, 'Not allowed'],
  notFound: [404, 'Not found'],
  methodNotAllowed: [405, 'Method not allowed'],
  conflict: [409, 'The record was changed by someone else; reload and try again'],
  payloadTooLarge: [413, 'The request body is too large'],
  unsupportedMediaType: [415, 'Unsupported content type'],
  unprocessable: [422, 'The request cannot be processed'],
  tooManyRequests: [429, 'Too many requests'],
  internal: [500, 'Internal error'],
  unavailable: [503, 'Service unavailable'],
});
