// API keys for integrations (Open311 clients, hotline bridges). A key is 256 random bits shown once at
// creation; only its SHA-256 is stored. Keys never carry the admin role, and reach no further than the
// admin who made them.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/index.js';
import { limitOffset, type Page, type PageQuery } from '../../http/pagination.js';
import type { Actor, Role } from './actor.js';
import type { AuditService } from './audit.js';
import { AccessErrors } from './errors.js';
import { deny, parseInput, sha256 } from './guards.js';
import { accountPolicy } from './policy.js';
import * as repo from './repository.js';
import { type ApiKeyDto, createApiKeyBody } from './schema.js';
import { type Scopes, scopeDto, subtreeFilter } from './scopes.js';

const PREFIX = 'awk_';
/** The shape of a key, checked before any query. */
export const API_KEY_RE = /^awk_[A-Za-z0-9_-]{43}$/;

export class ApiKeys {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly scopes: Scopes,
    private readonly clock: Clock,
  ) {}

  async create(
    actor: Actor,
    input: { name: string; roles?: Role[] | undefined; scopeUnitCode?: string | undefined },
  ): Promise<{ id: number; name: string; key: string }> {
    if (!accountPolicy.manageApiKeys(actor)) deny(actor, 'Only admins manage API keys');
    const data = parseInput(createApiKeyBody, input);
    const roles: Role[] = data.roles ?? [];
    const own =
      actor.kind !== 'anonymous' && actor.scope.unit && actor.scope.unit.id > 0 ? actor.scope.unit : null;
    const unit = data.scopeUnitCode ? (await this.scopes.resolve(data.scopeUnitCode, null)).unit : own;
    if (!accountPolicy.manageApiKeys(actor, unit?.path ?? null))
      deny(actor, 'The key would reach outside your scope');
    if (new Set(roles).size !== roles.length) AccessErrors.invalidRoles.raise('a role is listed twice');
    if (roles.some((r) => r !== 'resident') && !unit)
      AccessErrors.invalidScope.raise('staff roles need a scope unit');
    const key = `${PREFIX}${randomBytes(32).toString('base64url')}`;
    const row = await this.db.tx(async (q) => {
      const r = await repo.insertApiKey(q, {
        name: data.name,
        prefix: key.slice(0, PREFIX.length + 6),
        keyHash: sha256(key),
        roles,
        scopeUnitId: unit?.id ?? null,
        scopePath: unit?.path ?? null,
        createdBy: actor.kind === 'user' && actor.id > 0 ? actor.id : null,
        at: this.clock.now(),
      });
      if (!r) throw new Error('api_key insert returned no row');
      await this.audit.record(q, {
        actor,
        action: 'api_key.create',
        entityType: 'api_key',
        entityId: r.id,
        unitId: r.scope_unit_id,
        after: { name: r.name, roles: r.roles, scopeUnitId: r.scope_unit_id },
      });
      return r;
    });
    return { id: row.id, name: row.name, key };
  }

  /** Revokes at once: the next request with the key is anonymous. Revoking twice changes nothing. */
  async revoke(actor: Actor, id: number): Promise<void> {
    if (!accountPolicy.manageApiKeys(actor)) deny(actor, 'Only admins manage API keys');
    await this.db.tx(async (q) => {
      const current = await repo.apiKeyById(q, id);
      if (!current) return AccessErrors.apiKeyNotFound.raise();
      if (!accountPolicy.manageApiKeys(actor, current.scope_path))
        deny(actor, 'The key lies outside your scope');
      const r = await repo.revokeApiKey(q, id, this.clock.now());
      if (!r) return;
      await this.audit.record(q, {
        actor,
        action: 'api_key.revoke',
        entityType: 'api_key',
        entityId: id,
        unitId: r.scope_unit_id,
        before: { name: current.name, revokedAt: null },
        after: { name: r.name, revokedAt: r.revoked_at },
      });
    });
  }

  async list(actor: Actor, page: PageQuery): Promise<Page<ApiKeyDto>> {
    if (!accountPolicy.manageApiKeys(actor)) deny(actor, 'Only admins manage API keys');
    const { rows, total } = await repo.listApiKeys(this.db, {
      ...subtreeFilter(actor),
      ...limitOffset(page),
    });
    const items = await Promise.all(
      rows.map(async (r) => ({
        id: r.id,
        name: r.name,
        prefix: r.prefix,
        roles: r.roles,
        scope: scopeDto(await this.scopes.of(r.scope_unit_id, null)),
        createdBy: r.created_by,
        createdAt: r.created_at.toISOString(),
        revokedAt: r.revoked_at?.toISOString() ?? null,
      })),
    );
    return { items, total, page: page.page, pageSize: page.pageSize };
  }

  /** The actor a key stands for, or null for an unknown or revoked key. */
  async actorFor(key: string): Promise<Actor | null> {
    if (!API_KEY_RE.test(key)) return null;
    const row = await repo.activeApiKey(this.db, sha256(key));
    if (!row) return null;
    return {
      kind: 'api_key',
      id: row.id,
      name: row.name,
      roles: row.roles,
      scope: await this.scopes.of(row.scope_unit_id, null),
    };
  }
}
