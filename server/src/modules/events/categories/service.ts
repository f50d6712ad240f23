// Event categories: the tree, its versioned rules, and suggestion. Every edit writes a new immutable
// version in one transaction with its audit entry, after an optimistic version check; events record
// (category id, version) so that they keep the rules they were filed under.
import type { Clock } from '../../../clock.js';
import type { Db, Queryable } from '../../../db/index.js';
import { HttpErrors } from '../../../http/errors.js';
import type { Page } from '../../../http/pagination.js';
import { canonicalJson } from '../../../lib/canonical-json.js';
import { type Actor, actorName } from '../../access/actor.js';
import type { AuditService } from '../../access/audit.js';
import type { UnitsService } from '../../units/service.js';
import { suggestCategories } from '../domain/suggest.js';
import { CategoryErrors as E } from './errors.js';
import { categoryPolicy } from './policy.js';
import * as repo from './repository.js';
import {
  type CategoryDto,
  type CreateCategory,
  type CreateCategoryInput,
  createBody,
  MAX_DEPTH,
  type UpdateCategory,
} from './schema.js';

type Rules = Omit<CreateCategory, 'code'>;

function toDto(r: repo.VersionRow, depth: number): CategoryDto {
  return {
    id: r.id,
    code: r.code,
    version: r.version,
    currentVersion: r.current_version,
    parentCode: r.parent_code,
    depth,
    name: { zh: r.name_zh, en: r.name_en },
    description: r.description,
    handledBy:
      r.handled_by === 'department'
        ? { level: 'department', departmentCode: r.department_code ?? '' }
        : { level: r.handled_by },
    deadline: { hours: r.deadline_hours, workingHours: r.working_hours },
    priority: r.priority,
    questions: r.questions as CategoryDto['questions'],
    keywords: r.keywords,
    active: r.active,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
  };
}

/** The rules of a DTO, in the shape of a request: for comparing an edit with what is stored. */
function rulesOf(d: CategoryDto): Rules {
  return {
    parentCode: d.parentCode,
    name: d.name,
    description: d.description,
    handledBy: d.handledBy,
    deadline: d.deadline,
    priority: d.priority,
    questions: d.questions as Rules['questions'],
    keywords: d.keywords,
    active: d.active,
  };
}

/** The current tree: rows in depth-first order (children by code) with their depths. */
function treeOrder(rows: repo.VersionRow[]): { row: repo.VersionRow; depth: number }[] {
  const children = new Map<string | null, repo.VersionRow[]>();
  const codes = new Set(rows.map((r) => r.code));
  for (const r of rows) {
    const key = r.parent_code && codes.has(r.parent_code) ? r.parent_code : null;
    children.set(key, [...(children.get(key) ?? []), r]);
  }
  const out: { row: repo.VersionRow; depth: number }[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const r of (children.get(parent) ?? []).sort((a, b) => a.code.localeCompare(b.code))) {
      out.push({ row: r, depth });
      walk(r.code, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

function deny(actor: Actor, detail: string): never {
  if (actor.kind === 'anonymous') HttpErrors.unauthenticated.raise();
  return HttpErrors.forbidden.raise(detail);
}

export class CategoriesService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly units: UnitsService,
    private readonly clock: Clock,
  ) {}

  /** The whole tree at current versions, depth-first; paginated, but the default page holds it all. */
  async list(
    actor: Actor,
    q: { includeInactive: boolean; page: number; pageSize: number },
  ): Promise<Page<CategoryDto>> {
    if (!categoryPolicy.view(actor)) deny(actor, 'not allowed');
    const all = treeOrder(await repo.listCurrent(this.db))
      .filter((x) => q.includeInactive || x.row.active)
      .map((x) => toDto(x.row, x.depth));
    const start = (q.page - 1) * q.pageSize;
    return {
      items: all.slice(start, start + q.pageSize),
      total: all.length,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  async get(actor: Actor, code: string, version?: number): Promise<CategoryDto> {
    if (!categoryPolicy.view(actor)) deny(actor, 'not allowed');
    return (await this.find(this.db, code, version)) ?? E.categoryNotFound.raise(`No category ${code}`);
  }

  /** The current version by code, for other services (no permission check); null when unknown. */
  async current(code: string): Promise<CategoryDto | null> {
    return (await this.find(this.db, code)) ?? null;
  }

  /** One version by id, for other services reading an event's rules (no permission check). */
  async atVersion(id: number, version: number): Promise<CategoryDto | null> {
    const row = await repo.byIdVersion(this.db, id, version);
    return row ? toDto(row, await this.depthOf(this.db, row.parent_code)) : null;
  }

  /** The three categories that best match a description (active ones only). */
  async suggest(actor: Actor, text: string, limit = 3) {
    if (!categoryPolicy.view(actor)) deny(actor, 'not allowed');
    const rows = (await repo.listCurrent(this.db)).filter((r) => r.active);
    const byCode = new Map(rows.map((r) => [r.code, r]));
    const cats = rows.map((r) => ({
      code: r.code,
      name: { zh: r.name_zh, en: r.name_en },
      keywords: r.keywords,
    }));
    return {
      items: suggestCategories(text, cats, limit).map((s) => {
        const r = byCode.get(s.code)!;
        return { code: s.code, name: { zh: r.name_zh, en: r.name_en }, score: s.score, matched: s.matched };
      }),
    };
  }

  async create(actor: Actor, body: CreateCategory): Promise<CategoryDto> {
    if (!categoryPolicy.manage(actor)) deny(actor, 'Only district administrators edit event categories');
    await this.checkDepartments([body]);
    return this.db.tx(async (q) => {
      const created = await this.insertNew(q, actor, body);
      if (!created) return E.categoryExists.raise(`The code ${body.code} is taken`);
      return created;
    });
  }

  /** Writes a new version. `body.version` must be the current one (else 409); an unchanged body writes nothing. */
  async update(actor: Actor, code: string, body: UpdateCategory): Promise<CategoryDto> {
    if (!categoryPolicy.manage(actor)) deny(actor, 'Only district administrators edit event categories');
    const { version: expected, ...rules } = body;
    await this.checkDepartments([rules]);
    return this.db.tx(async (q) => {
      const before = (await this.find(q, code)) ?? E.categoryNotFound.raise(`No category ${code}`);
      if (before.version !== expected) {
        return E.categoryVersionConflict.raise(
          `The category is at version ${before.version}, not ${expected}`,
        );
      }
      if (
        canonicalJson(rulesOf(before)) === canonicalJson({ ...rules, description: rules.description ?? null })
      )
        return before;
      const parentId = await this.checkRules(q, rules, before);
      if (!(await repo.bumpVersion(q, before.id, expected))) {
        return E.categoryVersionConflict.raise('The category changed while this edit was being saved');
      }
      await repo.insertVersion(q, this.versionRow(actor, before.id, expected + 1, parentId, rules));
      const after = (await this.find(q, code))!;
      await this.audit.record(q, {
        actor,
        action: 'event_category.update',
        entityType: 'event_category',
        entityId: code,
        before: rulesOf(before),
        after: { ...rulesOf(after), version: after.version },
      });
      return after;
    });
  }

  /**
   * Creates, in one transaction, the categories whose codes do not exist yet (parents before
   * children), leaving existing ones as they are: what the demo seed calls, so running it twice
   * changes nothing. Input is validated as the HTTP edge would.
   */
  async importMissing(
    actor: Actor,
    defs: CreateCategoryInput[],
  ): Promise<{ created: number; existing: number }> {
    if (!categoryPolicy.manage(actor)) deny(actor, 'Only district administrators edit event categories');
    const parsed = defs.map((d) => {
      const r = createBody.safeParse(d);
      if (r.success) return r.data;
      const errors = r.error.issues.map((i) => ({ in: 'body', path: i.path.join('.'), message: i.message }));
      return HttpErrors.validationFailed.raise(
        `category ${d.code}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        {
          errors,
        },
      );
    });
    await this.checkDepartments(parsed);
    return this.db.tx(async (q) => {
      let created = 0;
      for (const def of parsed) if (await this.insertNew(q, actor, def)) created++;
      return { created, existing: parsed.length - created };
    });
  }

  private async insertNew(q: Queryable, actor: Actor, body: CreateCategory): Promise<CategoryDto | null> {
    const { code, ...rules } = body;
    const parentId = await this.checkRules(q, rules, null);
    const id = await repo.insertCategory(q, code, this.clock.now());
    if (id === undefined) return null;
    await repo.insertVersion(q, this.versionRow(actor, id, 1, parentId, rules));
    const dto = (await this.find(q, code))!;
    await this.audit.record(q, {
      actor,
      action: 'event_category.create',
      entityType: 'event_category',
      entityId: code,
      after: { ...rulesOf(dto), version: 1 },
    });
    return dto;
  }

  private versionRow(
    actor: Actor,
    id: number,
    version: number,
    parentId: number | null,
    r: Rules,
  ): repo.NewVersion {
    return {
      categoryId: id,
      version,
      parentId,
      nameZh: r.name.zh,
      nameEn: r.name.en,
      description: r.description ?? null,
      handledBy: r.handledBy.level,
      departmentCode: r.handledBy.level === 'department' ? r.handledBy.departmentCode : null,
      deadlineHours: r.deadline.hours,
      workingHours: r.deadline.workingHours,
      priority: r.priority,
      questions: [...r.questions].sort((a, b) => a.order - b.order),
      keywords: [...new Set(r.keywords)],
      active: r.active,
      createdAt: this.clock.now(),
      createdBy: actorName(actor),
    };
  }

  /**
   * The departments named exist. Checked before the transaction opens: the units service reads
   * through its own connection, which on PGlite (one connection) would wait for ours forever.
   */
  private async checkDepartments(rules: Pick<Rules, 'handledBy'>[]): Promise<void> {
    const codes = new Set(
      rules.flatMap((r) => (r.handledBy.level === 'department' ? [r.handledBy.departmentCode] : [])),
    );
    for (const code of codes) {
      if (!(await this.units.findDepartmentByCode(code))) E.unknownDepartment.raise(`No department ${code}`);
    }
  }

  /** The rules' references within the tree hold: parent, depth, no cycle, retiring. Returns the parent id. */
  private async checkRules(q: Queryable, r: Rules, self: CategoryDto | null): Promise<number | null> {
    const tree = await repo.listCurrent(q);
    const byCode = new Map(tree.map((t) => [t.code, t]));
    if (self && !r.active && tree.some((t) => t.parent_code === self.code && t.active)) {
      E.categoryHasActiveChildren.raise(`${self.code} has active sub-categories`);
    }
    if (r.parentCode === null) return null;
    const parent = byCode.get(r.parentCode) ?? E.unknownParentCategory.raise(`No category ${r.parentCode}`);
    if (r.active && !parent.active) E.parentCategoryInactive.raise(`${r.parentCode} is retired`);
    // the parent's ancestors, to refuse cycles and count the depth
    const ancestors: string[] = [];
    for (
      let c: repo.VersionRow | undefined = parent;
      c;
      c = c.parent_code ? byCode.get(c.parent_code) : undefined
    ) {
      if (ancestors.includes(c.code)) break; // a cycle already stored cannot happen, but never loop
      ancestors.push(c.code);
    }
    if (self && ancestors.includes(self.code))
      E.categoryCycle.raise(`${r.parentCode} lies under ${self.code}`);
    const height = self ? this.height(tree, self.code) : 0;
    if (ancestors.length + 1 + height > MAX_DEPTH) {
      E.categoryTooDeep.raise(
        `Under ${r.parentCode} the tree would be ${ancestors.length + 1 + height} levels deep`,
      );
    }
    return parent.id;
  }

  /** Levels below a category (0 for a leaf). */
  private height(tree: repo.VersionRow[], code: string, guard = 0): number {
    if (guard > MAX_DEPTH + 1) return guard;
    const kids = tree.filter((t) => t.parent_code === code);
    return kids.length === 0 ? 0 : 1 + Math.max(...kids.map((k) => this.height(tree, k.code, guard + 1)));
  }

  private async depthOf(q: Queryable, parentCode: string | null): Promise<number> {
    let depth = 0;
    for (let c = parentCode; c && depth <= MAX_DEPTH; depth++)
      c = (await repo.byCode(q, c))?.parent_code ?? null;
    return depth;
  }

  private async find(q: Queryable, code: string, version?: number): Promise<CategoryDto | undefined> {
    const row = await repo.byCode(q, code, version);
    if (!row) {
      if (version !== undefined && (await repo.byCode(q, code))) {
        E.categoryVersionNotFound.raise(`${code} has no version ${version}`);
      }
      return undefined;
    }
    return toDto(row, await this.depthOf(q, row.parent_code));
  }
}
