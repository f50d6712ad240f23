// Scopes as the access module sees them: built from the units service (which caches unit and department
// facts), shown as DTOs, and turned into the path an account or key is anchored at.
import type { UnitsService } from '../units/service.js';
import type { Actor, Scope, ScopeDepartment, ScopeUnit } from './actor.js';
import { AccessErrors } from './errors.js';
import { isTopLevel } from './policy.js';
import type { ScopeDto } from './schema.js';

export class Scopes {
  constructor(private readonly units: UnitsService) {}

  /** The scope behind stored ids (a unit or department that no longer exists reads as none). */
  async of(unitId: number | null, departmentId: number | null): Promise<Scope> {
    const [unit, department] = await Promise.all([
      unitId === null ? null : this.units.getScopeUnit(unitId),
      departmentId === null ? null : this.units.getScopeDepartment(departmentId),
    ]);
    return { unit, department };
  }

  /** The scope named by codes; an unknown code is a 422. */
  async resolve(unitCode: string | null, departmentCode: string | null): Promise<Scope> {
    let unit: ScopeUnit | null = null;
    let department: ScopeDepartment | null = null;
    if (unitCode) {
      const u = await this.units.findByCode(unitCode);
      if (!u) return AccessErrors.unknownUnit.raise(`No unit has the code ${unitCode}`);
      unit = { id: u.id, code: u.code, name: u.name, level: u.level, path: u.path };
    }
    if (departmentCode) {
      const d = await this.units.findDepartmentByCode(departmentCode);
      department = d ? await this.units.getScopeDepartment(d.id) : null;
      if (!department)
        return AccessErrors.unknownDepartment.raise(`No department has the code ${departmentCode}`);
    }
    return { unit, department };
  }
}

export function scopeDto(s: Scope): ScopeDto {
  return {
    unit: s.unit ? { id: s.unit.id, code: s.unit.code, name: s.unit.name, level: s.unit.level } : null,
    department: s.department
      ? { id: s.department.id, code: s.department.code, name: s.department.name }
      : null,
  };
}

/** Where an account or key is anchored: its unit, else its department's territory; null for none. */
export const anchorOf = (s: Scope) => s.unit?.path ?? s.department?.unitPath ?? null;

/** The rows an admin may list: its subtree, plus the unanchored ones when its scope is a whole county or city. */
export function subtreeFilter(actor: Actor): { pathPrefix: string | undefined; includeUnanchored: boolean } {
  const path = actor.kind === 'anonymous' ? null : (actor.scope.unit?.path ?? null);
  return {
    // '/' (SYSTEM) reaches everything; no scope unit gets a prefix no path has (paths are '/<code>/…')
    pathPrefix: path === '/' ? undefined : (path ?? '//'),
    includeUnanchored: isTopLevel(actor),
  };
}
