// The hazard taxonomy: ten domains with their aspects, responsible department and default deadlines.
// Every edit writes a new immutable version in one transaction with its audit entry, after an
// optimistic version check; hazards record (domain id, version) so they keep the rules they were
// recorded under.
import type { Clock } from '../../../clock.js';
import type { Db, Queryable } from '../../../db/index.js';
import { HttpErrors } from '../../../http/errors.js';
import type { Page } from '../../../http/pagination.js';
import { canonicalJson } from '../../../lib/canonical-json.js';
import { type Actor, actorName } from '../../access/actor.js';
import type { AuditService } from '../../access/audit.js';
import type { UnitsService } from '../../units/service.js';
import type { Severity } from '../domain/severity.js';
import { TaxonomyErrors as E } from './errors.js';
import { taxonomyPolicy } from './policy.js';
import * as repo from './repository.js';
import {
  type DomainDef,
  type DomainDefInput,
  type DomainDto,
  domainDef,
  type ListQuery,
  type UpdateDomain,
} from './schema.js';

type Rules = Omit<DomainDef, 'code'>;

function toDto(r: repo.VersionRow): DomainDto {
  return {
    id: r.id,
    code: r.code,
    version: r.version,
    currentVersion: r.current_version,
    position: r.position,
    name: { zh: r.name_zh, en: r.name_en },
    description: r.description,
    departmentCode: r.department_code,
    deadlineHours: {
      general: r.deadline_general_hours,
      major: r.deadline_major_hours,
      critical: r.deadline_critical_hours,
    },
    aspects: r.aspects,
    active: r.active,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
  };
}

/** The rules of a DTO, in the shape of a request: for comparing an edit with what is stored. */
function rulesOf(d: DomainDto): Rules {
  return {
    position: d.position,
    name: d.name,
    ...(d.description ? { description: d.description } : {}),
    departmentCode: d.departmentCode,
    deadlineHours: d.deadlineHours,
    aspects: d.aspects,
    active: d.active,
  };
}

/** No aspect of the current version disappears: hazards and counts by aspect refer to the codes. */
function checkAspectsKept(r: Rules, before: DomainDto): void {
  const kept = new Set(r.aspects.map((a) => a.code));
  const gone = before.aspects.filter((a) => !kept.has(a.code)).map((a) => a.code);
  if (gone.length > 0) E.aspectRemoved.raise(`Missing aspects: ${gone.join(', ')}`, { aspects: gone });
}

function deny(actor: Actor, detail: string): never {
  if (actor.kind === 'anonymous') HttpErrors.unauthenticated.raise();
  return HttpErrors.forbidden.raise(detail);
}

const MANAGE_ONLY = 'Only district administrators edit the hazard taxonomy';

export class HazardTaxonomyService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly units: UnitsService,
    private readonly clock: Clock,
  ) {}

  /** The domains at their current versions in display order; the default page holds them all. */
  async list(actor: Actor, q: ListQuery): Promise<Page<DomainDto>> {
    if (!taxonomyPolicy.view(actor)) deny(actor, 'not allowed');
    const { rows, total } = await repo.listCurrent(this.db, {
      includeInactive: q.includeInactive,
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    return { items: rows.map(toDto), total, page: q.page, pageSize: q.pageSize };
  }

  async get(actor: Actor, code: string, version?: number): Promise<DomainDto> {
    if (!taxonomyPolicy.view(actor)) deny(actor, 'not allowed');
    return (await this.find(this.db, code, version)) ?? E.domainNotFound.raise(`No hazard domain ${code}`);
  }

  /** The current version by code, for other services (no permission check); null when unknown. */
  async current(code: string): Promise<DomainDto | null> {
    return (await this.find(this.db, code)) ?? null;
  }

  /** One version by id, for other services reading a hazard's rules (no permission check). */
  async atVersion(id: number, version: number): Promise<DomainDto | null> {
    const row = await repo.byIdVersion(this.db, id, version);
    return row ? toDto(row) : null;
  }

  /** The default rectification hours of a domain version for a severity (for the hazards service). */
  static deadlineHours(d: DomainDto, severity: Severity): number {
    return d.deadlineHours[severity];
  }

  /** Writes a new version. `body.version` must be the current one (else 409); an unchanged body writes nothing. */
  async update(actor: Actor, code: string, body: UpdateDomain): Promise<DomainDto> {
    if (!taxonomyPolicy.manage(actor)) deny(actor, MANAGE_ONLY);
    const { version: expected, ...rules } = body;
    return this.db.tx(async (q) => {
      const before = (await this.find(q, code)) ?? E.domainNotFound.raise(`No hazard domain ${code}`);
      if (before.version !== expected) {
        return E.domainVersionConflict.raise(`The domain is at version ${before.version}, not ${expected}`);
      }
      if (canonicalJson(rulesOf(before)) === canonicalJson(rules)) return before;
      checkAspectsKept(rules, before);
      await this.checkDepartment(rules.departmentCode);
      if (!(await repo.bumpVersion(q, before.id, expected))) {
        return E.domainVersionConflict.raise('The domain changed while this edit was being saved');
      }
      await repo.insertVersion(q, this.versionRow(actor, before.id, expected + 1, rules));
      const after = (await this.find(q, code))!;
      await this.audit.record(q, {
        actor,
        action: 'hazard_domain.update',
        entityType: 'hazard_domain',
        entityId: code,
        before: { ...rulesOf(before), version: before.version },
        after: { ...rulesOf(after), version: after.version },
      });
      return after;
    });
  }

  /**
   * Creates, in one transaction, the domains whose codes do not exist yet, leaving existing ones as
   * they are (an administrator may have edited them): what the seed calls, so running it twice changes
   * nothing. Input is validated as the HTTP edge would.
   */
  async importMissing(actor: Actor, defs: DomainDefInput[]): Promise<{ created: number; existing: number }> {
    if (!taxonomyPolicy.manage(actor)) deny(actor, MANAGE_ONLY);
    const parsed = defs.map((d) => {
      const r = domainDef.safeParse(d);
      if (r.success) return r.data;
      const errors = r.error.issues.map((i) => ({ in: 'body', path: i.path.join('.'), message: i.message }));
      return HttpErrors.validationFailed.raise(
        `hazard domain ${d.code}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        { errors },
      );
    });
    for (const code of new Set(parsed.map((d) => d.departmentCode))) await this.checkDepartment(code);
    return this.db.tx(async (q) => {
      let created = 0;
      for (const { code, ...rules } of parsed) {
        const id = await repo.insertDomain(q, code, this.clock.now());
        if (id === undefined) continue;
        await repo.insertVersion(q, this.versionRow(actor, id, 1, rules));
        const dto = (await this.find(q, code))!;
        await this.audit.record(q, {
          actor,
          action: 'hazard_domain.create',
          entityType: 'hazard_domain',
          entityId: code,
          after: { ...rulesOf(dto), version: 1 },
        });
        created++;
      }
      return { created, existing: parsed.length - created };
    });
  }

  private versionRow(actor: Actor, id: number, version: number, r: Rules): repo.NewVersion {
    return {
      domainId: id,
      version,
      position: r.position,
      nameZh: r.name.zh,
      nameEn: r.name.en,
      description: r.description ?? null,
      departmentCode: r.departmentCode,
      general: r.deadlineHours.general,
      major: r.deadlineHours.major,
      critical: r.deadlineHours.critical,
      aspects: r.aspects.map((a) => ({ code: a.code, name: a.name, active: a.active })),
      active: r.active,
      createdAt: this.clock.now(),
      createdBy: actorName(actor),
    };
  }

  private async checkDepartment(code: string): Promise<void> {
    if (!(await this.units.findDepartmentByCode(code))) E.unknownDepartment.raise(`No department ${code}`);
  }

  private async find(q: Queryable, code: string, version?: number): Promise<DomainDto | undefined> {
    const row = await repo.byCode(q, code, version);
    if (!row) {
      if (version !== undefined && (await repo.byCode(q, code))) {
        E.domainVersionNotFound.raise(`${code} has no version ${version}`);
      }
      return undefined;
    }
    return toDto(row);
  }
}
