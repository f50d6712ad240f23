// The access module's rules: who is asking (authenticate), log-in and log-out, accounts, passwords and
// API keys. Permission checks go through policy.ts; SQL lives in repository.ts; unit and department
// facts come from the units service (which caches them), never from its tables.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import { Batcher } from '../../db/batcher.js';
import { type Db, inAmbientTransaction, type Queryable } from '../../db/index.js';
import { HttpErrors } from '../../http/errors.js';
import { limitOffset, type Page, type PageQuery } from '../../http/pagination.js';
import type { UnitsService } from '../units/service.js';
import { type Actor, ANONYMOUS, type Role } from './actor.js';
import { ApiKeys } from './api-keys.js';
import type { AuditService } from './audit.js';
import { AccessErrors } from './errors.js';
import { deny, parseInput, sha256 } from './guards.js';
import { LoginThrottle } from './login-throttle.js';
import { hashPassword, needsRehash, passwordProblem, verifyPassword } from './passwords.js';
import { type AccountTarget, accountPolicy, scopeProblem } from './policy.js';
import * as repo from './repository.js';
import {
  type AccountDto,
  type AccountFilter,
  type ApiKeyDto,
  type AuditEntryDto,
  type AuditFilter,
  createAccountBody,
  type MeDto,
  USERNAME_RE,
  updateAccountBody,
} from './schema.js';
import { anchorOf, Scopes, scopeDto, subtreeFilter } from './scopes.js';

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

function checkPassword(password: string) {
  const problem = passwordProblem(password);
  if (problem) AccessErrors.weakPassword.raise(`The password needs ${problem}`);
}

const maskPhone = (p: string | null) => (p ? `${p.slice(0, 3)}****${p.slice(-2)}` : null);

/** What the audit log keeps of an account: no password hash, the phone masked. */
function snapshot(r: repo.AccountRow) {
  return {
    username: r.username,
    displayName: r.display_name,
    roles: r.roles,
    scopeUnitId: r.scope_unit_id,
    scopeDepartmentId: r.scope_department_id,
    personId: r.person_id,
    phone: maskPhone(r.phone),
    disabled: r.disabled,
    version: r.version,
  };
}

type SessionAccount = NonNullable<Awaited<ReturnType<typeof repo.sessionAccount>>>;

export class AccessService {
  private readonly throttle: LoginThrottle;
  private readonly scopes: Scopes;
  private readonly apiKeys: ApiKeys;
  /** Verified against when the username is unknown, so both failures cost one hash. */
  private readonly dummyHash: Promise<string>;
  /** Session reads of requests that arrive together, answered by one query (see db/batcher.ts). */
  private readonly sessionReads: Batcher<{ tokenHash: string; at: Date }, SessionAccount | undefined>;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    units: UnitsService,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {
    this.throttle = new LoginThrottle(db, audit, config, clock);
    this.scopes = new Scopes(units);
    this.apiKeys = new ApiKeys(db, audit, this.scopes, clock);
    this.dummyHash = hashPassword(randomBytes(16).toString('base64url'));
    this.sessionReads = new Batcher({
      maxBatch: 200,
      maxInFlight: db.kind === 'pglite' ? 1 : 4,
      write: (lookups) => repo.sessionAccounts(this.db, lookups),
    });
  }

  // ---- who is asking

  /**
   * Called on every request: one indexed query (shared by the requests that arrive together: each reads
   * its session afresh, in one statement for all), then cached scope lookups. Bad credentials → ANONYMOUS.
   */
  async authenticate(creds: {
    sessionToken?: string | undefined;
    authorization?: string | undefined;
  }): Promise<Actor> {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(creds.authorization ?? '');
    if (bearer) {
      // a request that names a key is judged by the key alone, so a wrong key never falls back to a cookie
      return (await this.apiKeys.actorFor(bearer[1] ?? '')) ?? ANONYMOUS;
    }
    const token = creds.sessionToken;
    if (!token || !TOKEN_RE.test(token)) return ANONYMOUS;
    const lookup = { tokenHash: sha256(token), at: this.clock.now() };
    // inside a caller's transaction the read joins it (another flow would not see its writes)
    const row = inAmbientTransaction()
      ? await repo.sessionAccount(this.db, lookup.tokenHash, lookup.at)
      : await this.sessionReads.submit(lookup);
    if (!row) return ANONYMOUS;
    return {
      kind: 'user',
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      roles: row.roles,
      scope: await this.scopes.of(row.scope_unit_id, row.scope_department_id),
    };
  }

  // ---- log-in, log-out

  async login(input: {
    username: string;
    password: string;
    ip: string;
  }): Promise<{ token: string; expiresAt: Date; user: MeDto }> {
    const username = input.username.trim().toLowerCase();
    const attempt = this.throttle.attempt(username, input.ip);
    await attempt.check();
    const account = USERNAME_RE.test(username) ? await repo.accountByUsername(this.db, username) : undefined;
    // the same work whether or not the username exists: one hash, one failure counted
    const ok = await verifyPassword(input.password, account?.password_hash ?? (await this.dummyHash));
    if (!account || !ok || account.disabled) {
      await attempt.fail(
        account ? { id: account.id, unitId: account.scope_unit_id, unitPath: account.scope_path } : null,
      );
      return AccessErrors.invalidCredentials.raise();
    }
    const now = this.clock.now();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.config.sessionHours * 3_600_000);
    const rehash = needsRehash(account.password_hash) ? await hashPassword(input.password) : null;
    // A successful log-in is not audited or counted anywhere: see the note on the account columns.
    await this.db.tx(async (q) => {
      await repo.insertSession(q, sha256(token), account.id, now, expiresAt);
      await attempt.succeeded(q);
      if (rehash) await repo.setPasswordHash(q, account.id, rehash, now, false); // same password, stronger hash
    });
    await repo.deleteExpiredSessions(this.db, now);
    await this.throttle.cleanup();
    const actor = await this.authenticate({ sessionToken: token });
    return { token, expiresAt, user: this.me(actor) };
  }

  async logout(token: string): Promise<void> {
    if (TOKEN_RE.test(token)) await repo.deleteSession(this.db, sha256(token));
  }

  me(actor: Actor): MeDto {
    if (actor.kind === 'anonymous') return HttpErrors.unauthenticated.raise();
    if (actor.kind === 'api_key') {
      const name = `api_key:${actor.name}`;
      return {
        id: actor.id,
        username: name,
        displayName: actor.name,
        roles: actor.roles,
        scope: scopeDto(actor.scope),
      };
    }
    return {
      id: actor.id,
      username: actor.username,
      displayName: actor.displayName,
      roles: actor.roles,
      scope: scopeDto(actor.scope),
    };
  }

  /** Whether the account exists and has this password (used by `serve` to warn about the demo password). */
  async passwordMatches(username: string, password: string): Promise<boolean> {
    const account = await repo.accountByUsername(this.db, username.trim().toLowerCase());
    return account ? verifyPassword(password, account.password_hash) : false;
  }

  // ---- accounts

  async createAccount(
    actor: Actor,
    input: {
      username: string;
      displayName: string;
      password: string;
      roles: Role[];
      scopeUnitCode?: string;
      scopeDepartmentCode?: string;
      personId?: number;
      phone?: string;
    },
  ): Promise<AccountDto> {
    if (!accountPolicy.manageAccounts(actor)) deny(actor, 'Only admins create accounts');
    const data = parseInput(createAccountBody, input);
    const scope = await this.scopes.resolve(data.scopeUnitCode ?? null, data.scopeDepartmentCode ?? null);
    if (!accountPolicy.manageAccount(actor, { id: 0, anchorPath: anchorOf(scope) })) {
      deny(actor, 'The account would lie outside your scope');
    }
    const problem = scopeProblem(data.roles, { unit: !!scope.unit, department: !!scope.department });
    if (problem) AccessErrors.invalidScope.raise(problem);
    checkPassword(data.password);
    const passwordHash = await hashPassword(data.password);
    const row = await this.db.tx(async (q) => {
      const r = await repo.insertAccount(q, {
        username: data.username,
        displayName: data.displayName,
        passwordHash,
        roles: data.roles,
        scopeUnitId: scope.unit?.id ?? null,
        scopeDepartmentId: scope.department?.id ?? null,
        scopePath: anchorOf(scope),
        personId: data.personId ?? null,
        phone: data.phone ?? null,
        at: this.clock.now(),
      });
      if (!r) return AccessErrors.usernameTaken.raise(`The username ${data.username} is taken`);
      await this.audit.record(q, {
        actor,
        action: 'account.create',
        entityType: 'account',
        entityId: r.id,
        unitId: r.scope_unit_id,
        unitPath: r.scope_path,
        after: snapshot(r),
      });
      return r;
    });
    return this.accountDto(row);
  }

  async listAccounts(actor: Actor, filter: AccountFilter, page: PageQuery): Promise<Page<AccountDto>> {
    if (!accountPolicy.listAccounts(actor)) deny(actor, 'Only admins list accounts');
    const { rows, total } = await repo.listAccounts(this.db, {
      ...subtreeFilter(actor),
      q: filter.q,
      role: filter.role,
      ...limitOffset(page),
    });
    return {
      items: await Promise.all(rows.map((r) => this.accountDto(r))),
      total,
      page: page.page,
      pageSize: page.pageSize,
    };
  }

  async getAccount(actor: Actor, id: number): Promise<AccountDto> {
    if (actor.kind === 'anonymous') deny(actor);
    const row = await repo.accountById(this.db, id);
    if (!row) return AccessErrors.accountNotFound.raise();
    if (!accountPolicy.viewAccount(actor, target(row))) deny(actor, 'The account lies outside your scope');
    return this.accountDto(row);
  }

  async updateAccount(
    actor: Actor,
    id: number,
    patch: {
      version: number;
      displayName?: string | undefined;
      roles?: Role[] | undefined;
      scopeUnitCode?: string | null | undefined;
      scopeDepartmentCode?: string | null | undefined;
      disabled?: boolean | undefined;
      phone?: string | null | undefined;
    },
  ): Promise<AccountDto> {
    if (!accountPolicy.manageAccounts(actor)) deny(actor, 'Only admins change accounts');
    const data = parseInput(updateAccountBody, patch);
    const current = await repo.accountById(this.db, id);
    if (!current) return AccessErrors.accountNotFound.raise();
    if (!accountPolicy.manageAccount(actor, target(current)))
      deny(actor, 'The account lies outside your scope');
    const stored = await this.scopes.of(current.scope_unit_id, current.scope_department_id);
    const named = await this.scopes.resolve(data.scopeUnitCode ?? null, data.scopeDepartmentCode ?? null);
    const unit = data.scopeUnitCode === undefined ? stored.unit : named.unit;
    const department = data.scopeDepartmentCode === undefined ? stored.department : named.department;
    const scope = { unit, department };
    if (!accountPolicy.manageAccount(actor, { id, anchorPath: anchorOf(scope) })) {
      deny(actor, 'The new scope lies outside your scope');
    }
    const roles = data.roles ?? current.roles;
    const problem = scopeProblem(roles, { unit: !!unit, department: !!department });
    if (problem) AccessErrors.invalidScope.raise(problem);
    const disabled = data.disabled ?? current.disabled;
    if (disabled && !current.disabled && actor.kind === 'user' && actor.id === id)
      AccessErrors.cannotDisableSelf.raise();
    const row = await this.db.tx(async (q) => {
      const r = await repo.updateAccount(
        q,
        id,
        data.version,
        {
          displayName: data.displayName ?? current.display_name,
          roles,
          scopeUnitId: unit?.id ?? null,
          scopeDepartmentId: department?.id ?? null,
          scopePath: anchorOf(scope),
          disabled,
          phone: data.phone === undefined ? current.phone : data.phone,
        },
        this.clock.now(),
      );
      if (!r) return AccessErrors.versionConflict.raise(`Version ${data.version} is not the current one`);
      if (r.disabled) await repo.deleteSessionsOf(q, id); // a disabled account is logged out at once
      await this.audit.record(q, {
        actor,
        action: 'account.update',
        entityType: 'account',
        entityId: id,
        unitId: r.scope_unit_id,
        unitPath: r.scope_path,
        before: snapshot(current),
        after: snapshot(r),
      });
      return r;
    });
    return this.accountDto(row);
  }

  /** Changes one's own password, proving the current one; the account's other sessions end. */
  async changePassword(
    actor: Actor,
    input: { currentPassword: string; newPassword: string },
    context: { ip?: string; sessionToken?: string | undefined } = {},
  ): Promise<void> {
    if (actor.kind !== 'user' || !accountPolicy.changeOwnPassword(actor)) {
      return deny(actor, 'Only a logged-in account changes its password');
    }
    const row = await repo.accountById(this.db, actor.id);
    if (!row) return AccessErrors.accountNotFound.raise();
    // guessing the current password through this form counts against the same limit as log-ins
    const attempt = this.throttle.attempt(row.username, context.ip ?? '');
    await attempt.check();
    if (!(await verifyPassword(input.currentPassword, row.password_hash))) {
      await attempt.fail({ id: row.id, unitId: row.scope_unit_id, unitPath: row.scope_path });
      AccessErrors.wrongPassword.raise();
    }
    checkPassword(input.newPassword);
    const hash = await hashPassword(input.newPassword);
    const keep =
      context.sessionToken && TOKEN_RE.test(context.sessionToken) ? sha256(context.sessionToken) : null;
    await this.db.tx(async (q) => {
      await repo.setPasswordHash(q, row.id, hash, this.clock.now(), true);
      await repo.deleteSessionsOf(q, row.id, keep);
      await this.audit.record(q, {
        actor,
        action: 'account.password_change',
        entityType: 'account',
        entityId: row.id,
        unitId: row.scope_unit_id,
        unitPath: row.scope_path,
      });
    });
  }

  /** An admin sets a new password for an account in its scope; the account's sessions end. */
  async resetPassword(actor: Actor, id: number, newPassword: string): Promise<void> {
    if (!accountPolicy.manageAccounts(actor)) deny(actor, 'Only admins reset passwords');
    const row = await repo.accountById(this.db, id);
    if (!row) return AccessErrors.accountNotFound.raise();
    if (!accountPolicy.manageAccount(actor, target(row))) deny(actor, 'The account lies outside your scope');
    checkPassword(newPassword);
    const hash = await hashPassword(newPassword);
    await this.db.tx(async (q) => {
      await repo.setPasswordHash(q, id, hash, this.clock.now(), true);
      await repo.deleteSessionsOf(q, id);
      await this.audit.record(q, {
        actor,
        action: 'account.password_reset',
        entityType: 'account',
        entityId: id,
        unitId: row.scope_unit_id,
        unitPath: row.scope_path,
      });
    });
  }

  /**
   * The ids of active accounts to address something to (other modules' notifications): the accounts named
   * in `accountIds` that are not disabled, and the active staff whose scope is exactly one of `unitIds` or
   * one of `departmentIds` (not the units below), narrowed to `roles` when given. Ascending, no duplicates.
   * Runs in `q` (the caller's transaction) when given.
   */
  accountIdsFor(
    f: { accountIds?: number[]; unitIds?: number[]; departmentIds?: number[]; roles?: Role[] },
    q: Queryable = this.db,
  ): Promise<number[]> {
    if (!f.accountIds?.length && !f.unitIds?.length && !f.departmentIds?.length) return Promise.resolve([]);
    return repo.activeAccountIds(q, {
      accountIds: f.accountIds ?? [],
      unitIds: f.unitIds ?? [],
      departmentIds: f.departmentIds ?? [],
      roles: f.roles?.length ? f.roles : null,
    });
  }

  // ---- API keys (api-keys.ts)

  createApiKey(
    actor: Actor,
    input: { name: string; roles?: Role[] | undefined; scopeUnitCode?: string | undefined },
  ) {
    return this.apiKeys.create(actor, input);
  }

  revokeApiKey(actor: Actor, id: number): Promise<void> {
    return this.apiKeys.revoke(actor, id);
  }

  listApiKeys(actor: Actor, page: PageQuery): Promise<Page<ApiKeyDto>> {
    return this.apiKeys.list(actor, page);
  }

  // ---- audit (audit.ts)

  listAudit(actor: Actor, filter: AuditFilter, page: PageQuery): Promise<Page<AuditEntryDto>> {
    return this.audit.list(actor, filter, page);
  }

  private async accountDto(r: repo.AccountRow): Promise<AccountDto> {
    return {
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      roles: r.roles,
      scope: scopeDto(await this.scopes.of(r.scope_unit_id, r.scope_department_id)),
      personId: r.person_id,
      phone: r.phone,
      disabled: r.disabled,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      version: r.version,
    };
  }
}

function target(r: repo.AccountRow): AccountTarget {
  return { id: r.id, anchorPath: r.scope_path };
}
