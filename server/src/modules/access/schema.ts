// The access module's request and response shapes. Route types are z.infer of these, and the OpenAPI
// document is generated from them, so every field carries a description.
import { z } from 'zod';
import { pageFields } from '../../http/pagination.js';
import { ROLES } from './actor.js';
import { PASSWORD_MAX_LENGTH } from './passwords.js';

const { page, pageSize } = pageFields;
const isoTime = z.string().describe('ISO 8601 timestamp');

export const role = z.enum(ROLES).describe(`Role: ${ROLES.join(', ')}`);
export const USERNAME_RE = /^[a-z0-9_.-]{2,64}$/;
const username = z
  .string()
  .regex(USERNAME_RE, 'lower-case letters, digits, _ . - (2 to 64)')
  .describe('Log-in name: lower-case letters, digits, _ . - (2 to 64 characters)');
const newPassword = z
  .string()
  .max(PASSWORD_MAX_LENGTH)
  .describe('New password: at least 8 characters with letters and digits');
const unitCode = z.string().regex(/^[0-9A-Za-z-]{1,32}$/, 'a unit code');
const phone = z
  .string()
  .regex(/^[0-9+ -]{5,20}$/, 'digits, +, space or -')
  .describe('Phone number');

export const idParams = z.object({ id: z.coerce.number().int().positive().describe('Id') });

// ---- log-in and the current user

export const loginBody = z.object({
  username: z.string().min(1).max(100).describe('Log-in name'),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH).describe('Password'),
});

export const scopeDto = z
  .object({
    unit: z
      .object({
        id: z.number().int().describe('Unit id'),
        code: z.string().describe('Unit code'),
        name: z.string().describe('Unit name'),
        level: z.string().describe('Unit level'),
      })
      .nullable()
      .describe('The unit subtree the account works in; null when none'),
    department: z
      .object({
        id: z.number().int().describe('Department id'),
        code: z.string().describe('Department code'),
        name: z.string().describe('Department name'),
      })
      .nullable()
      .describe('The department the account works for; null when none'),
  })
  .describe('Where the account may see and act');
export type ScopeDto = z.infer<typeof scopeDto>;

export const meDto = z.object({
  id: z.number().int().describe('Account id (for an API key: the key id)'),
  username: z.string().describe('Log-in name (for an API key: api_key:<name>)'),
  displayName: z.string().describe('Name shown in the interface'),
  roles: z.array(role).describe('Roles'),
  scope: scopeDto,
});
export type MeDto = z.infer<typeof meDto>;

export const loginResult = z.object({ user: meDto });

export const changePasswordBody = z.object({
  currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH).describe('The current password'),
  newPassword,
});

export const resetPasswordBody = z.object({ newPassword });

// ---- accounts

export const accountDto = z.object({
  id: z.number().int().describe('Account id'),
  username: z.string().describe('Log-in name'),
  displayName: z.string().describe('Name shown in the interface'),
  roles: z.array(role).describe('Roles'),
  scope: scopeDto,
  personId: z.number().int().nullable().describe('The person (units roster) this account belongs to'),
  phone: z.string().nullable().describe('Phone number'),
  disabled: z.boolean().describe('A disabled account cannot log in; its sessions end'),
  createdAt: isoTime,
  updatedAt: isoTime,
  version: z.number().int().describe('Row version: send it back with PATCH'),
});
export type AccountDto = z.infer<typeof accountDto>;

export const createAccountBody = z.object({
  username,
  displayName: z.string().trim().min(1).max(100).describe('Name shown in the interface'),
  password: newPassword,
  roles: z.array(role).min(1).max(ROLES.length).describe('Roles; `resident` stands alone'),
  scopeUnitCode: unitCode
    .optional()
    .describe('Code of the unit whose subtree the account works in (every role but resident needs a scope)'),
  scopeDepartmentCode: unitCode.optional().describe('Code of the department (for department_staff)'),
  personId: z.number().int().positive().optional().describe('The person on the units roster'),
  phone: phone.optional(),
});
export type CreateAccountInput = z.infer<typeof createAccountBody>;

export const updateAccountBody = z.object({
  version: z.number().int().min(1).describe('The version read; a different current version answers 409'),
  displayName: z.string().trim().min(1).max(100).optional().describe('Name shown in the interface'),
  roles: z.array(role).min(1).max(ROLES.length).optional().describe('Roles (replace the current ones)'),
  scopeUnitCode: unitCode.nullable().optional().describe('Scope unit code; null removes it'),
  scopeDepartmentCode: unitCode.nullable().optional().describe('Department code; null removes it'),
  disabled: z.boolean().optional().describe('Disable (true) or enable (false) the account'),
  phone: phone.nullable().optional(),
});
export type UpdateAccountInput = z.infer<typeof updateAccountBody>;

export const listAccountsQuery = z.object({
  q: z.string().trim().min(1).max(64).optional().describe('Part of the username or display name'),
  role: role.optional(),
  page,
  pageSize,
});
export type AccountFilter = { q?: string | undefined; role?: (typeof ROLES)[number] | undefined };

// ---- API keys

export const createApiKeyBody = z.object({
  name: z.string().trim().min(1).max(100).describe('What the key is for, e.g. "12345 hotline bridge"'),
  roles: z
    .array(role.exclude(['admin']))
    .max(ROLES.length)
    .optional()
    .describe('Roles the key acts with (never admin); none by default'),
  scopeUnitCode: unitCode
    .optional()
    .describe("Unit subtree the key acts in; defaults to the creating admin's scope"),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeyBody>;

export const createdApiKey = z.object({
  id: z.number().int().describe('Key id'),
  name: z.string().describe('Name'),
  key: z.string().describe('The key itself. Shown this once: only its SHA-256 is kept'),
});

export const apiKeyDto = z.object({
  id: z.number().int().describe('Key id'),
  name: z.string().describe('Name'),
  prefix: z.string().describe('The first characters of the key, to tell keys apart'),
  roles: z.array(role).describe('Roles the key acts with'),
  scope: scopeDto,
  createdBy: z.number().int().nullable().describe('Account that created the key; null for the command line'),
  createdAt: isoTime,
  revokedAt: isoTime.nullable().describe('When the key was revoked; null while it works'),
});
export type ApiKeyDto = z.infer<typeof apiKeyDto>;

export const pageQuery = z.object({ page, pageSize });

// ---- audit

export const auditQuery = z.object({
  entityType: z.string().min(1).max(64).optional().describe('Kind of record, e.g. account, unit'),
  entityId: z.string().min(1).max(64).optional().describe('Id of the record'),
  actorId: z.coerce.number().int().positive().optional().describe('Account that acted'),
  from: z.coerce.date().optional().describe('Entries at or after this time (ISO 8601)'),
  to: z.coerce.date().optional().describe('Entries before this time (ISO 8601)'),
  page,
  pageSize,
});
export type AuditFilter = {
  entityType?: string | undefined;
  entityId?: string | undefined;
  actorId?: number | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
};

export const auditEntryDto = z.object({
  id: z.number().int().describe('Entry id, increasing'),
  at: isoTime,
  actorId: z
    .number()
    .int()
    .nullable()
    .describe('Account that acted; null for the system, keys and anonymous'),
  actorName: z.string().describe('Who acted, by name'),
  action: z.string().describe('What was done, e.g. account.update'),
  entityType: z.string().describe('Kind of record'),
  entityId: z.string().nullable().describe('Id of the record'),
  unitId: z.number().int().nullable().describe('Unit the entry belongs to'),
  before: z.unknown().describe('The record before the change (secrets never included)'),
  after: z.unknown().describe('The record after the change (secrets never included)'),
  requestId: z.string().nullable().describe('Id of the HTTP request'),
});
export type AuditEntryDto = z.infer<typeof auditEntryDto>;
