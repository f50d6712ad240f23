// The audit log: who did what, when, in which unit, with the record before and after. Every module
// records its changes here inside the transaction that makes them, so a change and its entry commit
// together or not at all. The table is append-only (the database refuses UPDATE/DELETE/TRUNCATE).
import type { Clock } from '../../clock.js';
import type { Db, Queryable } from '../../db/index.js';
import type { StatementPart } from '../../db/statement.js';
import { limitOffset, type Page, type PageQuery } from '../../http/pagination.js';
import { type Actor, actorId, actorName } from './actor.js';
import { deny } from './guards.js';
import { accountPolicy } from './policy.js';
import * as repo from './repository.js';
import type { AuditEntryDto, AuditFilter } from './schema.js';

export interface AuditEvent {
  actor: Actor;
  action: string;
  entityType: string;
  entityId?: string | number | null;
  unitId?: number | null;
  /** The unit path the entry belongs to when there is no unit id (e.g. a department's territory). */
  unitPath?: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string;
}

// Secrets never reach the log, whatever a caller passes: fields with these names are replaced.
const SECRET_FIELD = /password|passwd|passphrase|secret|token|hash|^key$|api_?key|salt|cookie|authorization/i;
const REDACTED = '[redacted]';

/** A copy of a before/after value with every secret-looking field replaced. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return REDACTED;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? REDACTED : redact(v, depth + 1);
  return out;
}

function toJson(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(redact(v));
}

export class AuditService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Appends one entry with the caller's transaction (pass its Queryable). */
  async record(q: Queryable, e: AuditEvent): Promise<void> {
    await repo.insertAudit(q, this.row(e));
  }

  /** Appends many entries in one statement, in order (bulk imports: one entry per record changed). */
  async recordMany(q: Queryable, es: readonly AuditEvent[]): Promise<void> {
    await repo.insertAudits(
      q,
      es.map((e) => this.row(e)),
    );
  }

  /**
   * The entries as a part of the caller's statement (db/statement.ts): written with the caller's own rows,
   * in one round trip, for those entities only that the caller's statement wrote.
   */
  entriesPart(es: readonly AuditEvent[]): StatementPart {
    const rows = es.map((e) => this.row(e));
    return { name: 'audit', ctes: (params, onlyFor) => repo.auditEntriesCte(params, rows, onlyFor) };
  }

  private row(e: AuditEvent) {
    return {
      at: this.clock.now(),
      actorId: actorId(e.actor),
      actorName: actorName(e.actor),
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId === undefined || e.entityId === null ? null : String(e.entityId),
      unitId: e.unitId ?? null,
      unitPath: e.unitPath ?? null,
      before: toJson(e.before),
      after: toJson(e.after),
      requestId: e.requestId ?? null,
    };
  }

  /** Newest first. Entries tied to a unit are shown only when the unit lies in the actor's subtree. */
  async list(actor: Actor, filter: AuditFilter, page: PageQuery): Promise<Page<AuditEntryDto>> {
    if (actor.kind === 'anonymous' || !accountPolicy.viewAudit(actor)) {
      return deny(actor, 'Only admins and the safety office read the audit log');
    }
    // mirrors accountPolicy.viewAuditEntry in SQL: '/' (SYSTEM) reaches everything, no scope unit reaches none
    const scopePath = actor.scope.unit?.path ?? null;
    const { rows, total } = await repo.listAudit(this.db, {
      ...filter,
      unitPathPrefix: scopePath === '/' ? undefined : scopePath,
      ...limitOffset(page),
    });
    return {
      items: rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actorId: r.actor_id,
        actorName: r.actor_name,
        action: r.action,
        entityType: r.entity_type,
        entityId: r.entity_id,
        unitId: r.unit_id,
        before: r.before ?? null,
        after: r.after ?? null,
        requestId: r.request_id,
      })),
      total,
      page: page.page,
      pageSize: page.pageSize,
    };
  }
}
