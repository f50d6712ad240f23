// Small helpers the access services share: refusing (401 or 403), validating input from callers other
// than the HTTP edge, and hashing tokens.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { HttpErrors } from '../../http/errors.js';
import type { Actor } from './actor.js';

/** Refuses: 401 for nobody, 403 for someone not allowed. */
export function deny(actor: Actor, detail?: string): never {
  if (actor.kind === 'anonymous') HttpErrors.unauthenticated.raise();
  return HttpErrors.forbidden.raise(detail);
}

/** Validates input from the seed or the command line with the edge's own schema (400 with every defect). */
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const errors = r.error.issues.map((i) => ({ in: 'body', path: i.path.join('.'), message: i.message }));
  return HttpErrors.validationFailed.raise(errors.map((e) => `${e.path}: ${e.message}`).join('; '), {
    errors,
  });
}

/** Session tokens and API keys carry 256 random bits, so a fast hash is enough to keep them unreadable. */
export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
