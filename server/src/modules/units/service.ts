// The units module's rules: the place hierarchy, locate, import/export, departments and police beats.
// Every method takes the actor first and checks it against policy.ts; SQL lives in repository.ts.
import gcoordModule from 'gcoord';
import type { FeatureCollection } from 'geojson';
import type { Db } from '../../db/index.js';
import { HttpErrors } from '../../http/errors.js';
import { limitOffset, type Page, type PageQuery } from '../../http/pagination.js';
import type { Actor, ScopeDepartment, ScopeUnit } from '../access/actor.js';
import type { AuditService } from '../access/audit.js';
import * as bulk from './bulk.js';
import { UnitErrors } from './errors.js';
import { toCsv, toGeoJSON } from './export.js';
import { type ImportProblem, parseCsv, parseGeoJSON } from './import.js';
import type { LocateIndex } from './locate-index.js';
import { Locator } from './locator.js';
import { unitPolicy } from './policy.js';
import * as repo from './repository.js';
import type {
  Crs,
  DepartmentDto,
  Duty,
  Level,
  NewUnit,
  PersonItem,
  PoliceBeatDto,
  UnitDetail,
  UnitDto,
  UnitPatch,
} from './schema.js';

export type { NewPerson } from './bulk.js';
export type { NewUnit } from './schema.js';

// gcoord is CommonJS whose typings declare a default export; at run time the module object is that export
const gcoord = gcoordModule as unknown as (typeof gcoordModule)['default'];

export interface Located {
  unit: UnitDto;
  ancestors: UnitDto[];
  /** The point in WGS84 (converted when it was given in GCJ-02). */
  point: { lng: number; lat: number };
}

/** Above this many features a GeoJSON answer must be narrowed (a browser map cannot use more). */
export const MAX_FEATURES = 25_000;
/** How long a cached scope unit or department may be served before it is read again. */
export const SCOPE_TTL_MS = 60_000;

export function toDto(r: repo.UnitRow): UnitDto {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    level: r.level,
    parentId: r.parent_id,
    population: r.population,
    households: r.households,
    gridKind: r.grid_kind,
    countyCode: r.county_code,
    areaM2: r.area_m2,
    centroid: r.centroid_lng !== null && r.centroid_lat !== null ? [r.centroid_lng, r.centroid_lat] : null,
  };
}

function requireView(actor: Actor) {
  if (!unitPolicy.view(actor)) HttpErrors.unauthenticated.raise();
}

function refuse(actor: Actor, detail: string): never {
  if (actor.kind === 'anonymous') HttpErrors.unauthenticated.raise();
  return HttpErrors.forbidden.raise(detail);
}

type DepartmentRef = { id: number; code: string; name: string };

/** Codes of the units on a materialised path, root first: '/a/b/c/' → ['a', 'b', 'c']. */
function pathCodes(path: string): string[] {
  return path.split('/').filter(Boolean);
}

export class UnitsService {
  private readonly locator: Locator;
  private readonly scopeUnits = new Map<number, { at: number; value: ScopeUnit | null }>();
  private readonly scopeDepartments = new Map<number, { at: number; value: ScopeDepartment | null }>();
  private readonly unitRefs = new Map<string, { at: number; value: ScopeUnit }>();
  /** Every unit by code, for resolvePointCached. */
  private snapshot: { at: number; byCode: Map<string, UnitDto> } | null = null;
  private snapshotLoading: Promise<Map<string, UnitDto>> | null = null;
  private snapshotGeneration = 0;
  private readonly departmentsByCode = new Map<string, { at: number; value: DepartmentRef }>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {
    this.locator = new Locator(db);
    this.locator.onExternalChange = () => this.clearScopeCaches();
  }

  async hasAnyUnit(): Promise<boolean> {
    return repo.hasAnyUnit(this.db);
  }

  async list(
    actor: Actor,
    q: { level?: Level; parent?: number; within?: number; q?: string; page: number; pageSize: number },
  ): Promise<Page<UnitDto>> {
    requireView(actor);
    const withinPath = q.within !== undefined ? (await this.mustGet(q.within)).path : undefined;
    const { rows, total } = await repo.list(this.db, {
      level: q.level,
      parent: q.parent,
      withinPath,
      q: q.q,
      ...limitOffset(q),
    });
    return { items: rows.map(toDto), total, page: q.page, pageSize: q.pageSize };
  }

  async get(actor: Actor, id: number): Promise<UnitDetail> {
    requireView(actor);
    const row = await this.mustGet(id);
    const chain = await repo.byCodes(this.db, pathCodes(row.path).slice(0, -1));
    const bbox =
      row.min_lng !== null && row.min_lat !== null && row.max_lng !== null && row.max_lat !== null
        ? ([row.min_lng, row.min_lat, row.max_lng, row.max_lat] as [number, number, number, number])
        : null;
    return {
      ...toDto(row),
      ancestors: chain.map(toDto),
      childCount: await repo.childCount(this.db, id),
      bbox,
      version: row.version,
    };
  }

  /** The FeatureCollection as JSON text, serialised by the database (what the HTTP route sends). */
  async geojsonText(
    actor: Actor,
    q: { level?: Level | undefined; within?: number | undefined },
  ): Promise<string> {
    requireView(actor);
    const withinPath = q.within !== undefined ? (await this.mustGet(q.within)).path : undefined;
    const n = await repo.countShapes(this.db, q.level, withinPath);
    if (n > MAX_FEATURES) {
      UnitErrors.tooManyFeatures.raise(`${n} units match; at most ${MAX_FEATURES} are sent at once`);
    }
    const rows = await repo.features(this.db, q.level, withinPath);
    return `{"type":"FeatureCollection","features":[${rows.map((r) => r.f).join(',')}]}`;
  }

  async geojson(actor: Actor, q: { level?: Level; within?: number }): Promise<FeatureCollection> {
    return JSON.parse(await this.geojsonText(actor, q)) as FeatureCollection;
  }

  async locate(actor: Actor, q: { lng: number; lat: number; crs: Crs }): Promise<Located> {
    requireView(actor);
    const found = await this.resolvePoint(q.lng, q.lat, q.crs);
    return (
      found ??
      UnitErrors.outsideDistrict.raise(`No unit contains the point (${q.lng}, ${q.lat}) [${q.crs}]`, {
        lng: q.lng,
        lat: q.lat,
        crs: q.crs,
      })
    );
  }

  /**
   * The deepest unit containing a point, and its ancestors; null outside every unit. No permission
   * check: for other services (events locate their reports) that have checked their own actor.
   */
  async resolvePoint(lng: number, lat: number, crs: Crs = 'wgs84'): Promise<Located | null> {
    if (!Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lng) > 180 || Math.abs(lat) > 90) {
      HttpErrors.validationFailed.raise('lng must lie in [-180, 180] and lat in [-90, 90]');
    }
    const [x, y] = crs === 'gcj02' ? gcoord.transform([lng, lat], gcoord.GCJ02, gcoord.WGS84) : [lng, lat];
    const { index, paths } = await this.locator.get();
    const id = index.locate(x!, y!);
    if (id === null) return null;
    const chain = await repo.byCodes(this.db, pathCodes(paths.get(id)!));
    const unit = chain.pop();
    if (!unit || unit.id !== id) return null; // the unit went away since the index was built
    return { unit: toDto(unit), ancestors: chain.map(toDto), point: { lng: x!, lat: y! } };
  }

  /**
   * resolvePoint for intake, which asks it for every report: the same answer without a query. The chain
   * is taken from a snapshot of every unit (names and figures, no boundaries) read in one query and read
   * again after SCOPE_TTL_MS — in the background, while the old one still answers for up to as long
   * again; a change to the tree, or an edit in this process, drops it at once. So names and figures of
   * the chain may lag an edit made in another process by up to twice SCOPE_TTL_MS; what contains the
   * point is as current as the locate index.
   */
  async resolvePointCached(lng: number, lat: number, crs: Crs = 'wgs84'): Promise<Located | null> {
    if (!Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lng) > 180 || Math.abs(lat) > 90) {
      HttpErrors.validationFailed.raise('lng must lie in [-180, 180] and lat in [-90, 90]');
    }
    const [x, y] = crs === 'gcj02' ? gcoord.transform([lng, lat], gcoord.GCJ02, gcoord.WGS84) : [lng, lat];
    const { index, paths } = await this.locator.get();
    const id = index.locate(x!, y!);
    if (id === null) return null;
    const codes = pathCodes(paths.get(id)!);
    const snapshot = await this.unitSnapshot();
    let chain = codes.map((c) => snapshot.get(c));
    if (chain.some((u) => !u)) chain = (await repo.byCodes(this.db, codes)).map(toDto); // newer than the snapshot
    const unit = chain.pop();
    if (!unit || unit.id !== id) return null; // the unit went away since the index was built
    return { unit, ancestors: chain as UnitDto[], point: { lng: x!, lat: y! } };
  }

  private async unitSnapshot(): Promise<Map<string, UnitDto>> {
    const now = Date.now();
    const current = this.snapshot;
    if (current && now - current.at < SCOPE_TTL_MS) return current.byCode;
    if (!this.snapshotLoading) {
      const generation = this.snapshotGeneration;
      const loading = repo
        .allUnits(this.db)
        .then((rows) => {
          const byCode = new Map(rows.map((r) => [r.code, toDto(r)]));
          // an invalidation while reading: this one may predate the change, so it is not kept
          if (generation === this.snapshotGeneration) this.snapshot = { at: now, byCode };
          return byCode;
        })
        .finally(() => {
          if (this.snapshotLoading === loading) this.snapshotLoading = null;
        });
      this.snapshotLoading = loading;
    }
    if (current && now - current.at < 2 * SCOPE_TTL_MS) return current.byCode;
    return this.snapshotLoading!;
  }

  /** The in-memory index itself, current with the database (benchmarks, batch jobs). */
  async locateIndex(): Promise<LocateIndex> {
    return (await this.locator.get()).index;
  }

  async people(actor: Actor, unitId: number, page: PageQuery): Promise<Page<PersonItem>> {
    requireView(actor);
    const unit = await this.mustGet(unitId);
    if (!unitPolicy.viewPeople(actor, unit.path)) refuse(actor, 'This unit lies outside your scope');
    const { limit, offset } = limitOffset(page);
    const { rows, total } = await repo.people(this.db, unitId, limit, offset);
    // names and phones are personal data: their reading is audited (who looked at which roster)
    await this.audit.record(this.db, {
      actor,
      action: 'unit.people.read',
      entityType: 'unit',
      entityId: unitId,
      unitId,
      unitPath: unit.path,
      after: { count: rows.length, page: page.page },
    });
    return {
      items: rows.map((r) => ({
        personId: r.person_id,
        name: r.name,
        phone: r.phone,
        duty: r.duty as Duty,
        rank: r.rank,
        unitId,
      })),
      total,
      page: page.page,
      pageSize: page.pageSize,
    };
  }

  async update(actor: Actor, id: number, patch: UnitPatch): Promise<UnitDto> {
    requireView(actor);
    const before = await this.mustGet(id);
    if (!unitPolicy.edit(actor, before.path)) refuse(actor, 'You may not edit this unit');
    const after = await this.db.tx(async (q) => {
      const row = await repo.update(q, id, patch.version, patch);
      if (!row) {
        return UnitErrors.versionConflict.raise(
          `The unit is at another version than ${patch.version}; reload it`,
        );
      }
      await this.audit.record(q, {
        actor,
        action: 'unit.update',
        entityType: 'unit',
        entityId: id,
        unitId: id,
        unitPath: before.path,
        before: {
          name: before.name,
          population: before.population,
          households: before.households,
          version: before.version,
        },
        after: {
          name: row.name,
          population: row.population,
          households: row.households,
          version: row.version,
        },
      });
      return row;
    });
    this.scopeUnits.delete(id);
    this.dropSnapshot();
    return toDto(after);
  }

  async getScopeUnit(id: number): Promise<ScopeUnit | null> {
    await this.locator.checkVersion();
    const hit = this.scopeUnits.get(id);
    if (hit && Date.now() - hit.at < SCOPE_TTL_MS) return hit.value;
    const r = await repo.byId(this.db, id);
    const value = r ? { id: r.id, code: r.code, name: r.name, level: r.level, path: r.path } : null;
    this.scopeUnits.set(id, { at: Date.now(), value });
    return value;
  }

  /**
   * Units by id, as getScopeUnit gives them, for a caller naming many units at once (a run's results):
   * the ones not cached in one query. Unknown ids are left out.
   */
  async scopeUnitsByIds(ids: readonly number[]): Promise<Map<number, ScopeUnit>> {
    await this.locator.checkVersion();
    return cachedUnits(
      this.scopeUnits,
      ids,
      (r) => r.id,
      (missing) => repo.byIds(this.db, missing),
    );
  }

  async getScopeDepartment(id: number): Promise<ScopeDepartment | null> {
    await this.locator.checkVersion();
    const hit = this.scopeDepartments.get(id);
    if (hit && Date.now() - hit.at < SCOPE_TTL_MS) return hit.value;
    const r = await repo.departmentWithPath(this.db, id);
    const value = r ? { id: r.id, code: r.code, name: r.name, unitPath: r.unit_path } : null;
    this.scopeDepartments.set(id, { at: Date.now(), value });
    return value;
  }

  async findByCode(
    code: string,
  ): Promise<{ id: number; code: string; name: string; level: Level; path: string } | null> {
    const [r] = await repo.byCodes(this.db, [code]);
    return r ? { id: r.id, code: r.code, name: r.name, level: r.level, path: r.path } : null;
  }

  /**
   * Units by code (id, code, name, level, path), for other modules' presenters naming the places of many
   * records at once (an event's chain from its path). Cached like scope units; unknown codes are left out.
   */
  async refsByCodes(codes: readonly string[]): Promise<Map<string, ScopeUnit>> {
    await this.locator.checkVersion();
    return cachedUnits(
      this.unitRefs,
      codes,
      (r) => r.code,
      (missing) => repo.byCodes(this.db, missing),
    );
  }

  /**
   * Every unit of one level in a subtree, with population: for other modules' per-unit statistics
   * (events' metrics, the safety index). No permission check: the caller checked its actor.
   */
  async unitsAt(level: Level, withinPath: string): Promise<(ScopeUnit & { population: number | null })[]> {
    const rows = await repo.atLevel(this.db, level, withinPath);
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      level: r.level,
      path: r.path,
      population: r.population,
    }));
  }

  /** A department by code; kept for SCOPE_TTL_MS once found (intake routes every report by code). */
  async findDepartmentByCode(code: string): Promise<DepartmentRef | null> {
    await this.locator.checkVersion();
    const hit = this.departmentsByCode.get(code);
    if (hit && Date.now() - hit.at < SCOPE_TTL_MS) return hit.value;
    const r = await repo.departmentByCode(this.db, code);
    if (!r) return null; // not remembered: a department made a moment later is found at once
    const value = { id: r.id, code: r.code, name: r.name };
    this.departmentsByCode.set(code, { at: Date.now(), value });
    return value;
  }

  async listDepartments(actor: Actor, page: PageQuery): Promise<Page<DepartmentDto>> {
    requireView(actor);
    const { limit, offset } = limitOffset(page);
    const { rows, total } = await repo.departments(this.db, limit, offset);
    return {
      items: rows.map((r) => ({ id: r.id, code: r.code, name: r.name, unitId: r.unit_id })),
      total,
      page: page.page,
      pageSize: page.pageSize,
    };
  }

  async listPoliceBeats(
    actor: Actor,
    q: PageQuery & { grid?: number | undefined },
  ): Promise<Page<PoliceBeatDto>> {
    requireView(actor);
    const { limit, offset } = limitOffset(q);
    const { rows, total } = await repo.policeBeats(this.db, q.grid, limit, offset);
    return {
      items: rows.map((r) => ({
        id: r.id,
        code: r.code,
        name: r.name,
        stationName: r.station_name,
        unitId: r.unit_id,
        gridIds: r.grid_ids ?? [],
      })),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  async insertUnits(
    actor: Actor,
    units: NewUnit[],
    opts: { onProgress?: (done: number, total: number) => void; checkShapes?: boolean } = {},
  ): Promise<{ inserted: number }> {
    const problems: ImportProblem[] = [];
    const candidates = bulk.candidatesOf(units, problems);
    return this.afterTreeWrite(
      bulk.insertUnitCandidates(this.db, this.audit, actor, candidates, problems, {
        onProgress: opts.onProgress,
        shapes: opts.checkShapes,
        action: 'unit.bulk_insert',
      }),
    );
  }

  async importFile(
    actor: Actor,
    input: { format: 'geojson' | 'csv'; content: string },
    opts: { onProgress?: (done: number, total: number) => void } = {},
  ): Promise<{ inserted: number }> {
    bulk.requireAdmin(actor);
    const { candidates, problems } =
      input.format === 'geojson' ? parseGeoJSON(input.content) : parseCsv(input.content);
    if (candidates.length === 0 && problems.length === 0) {
      problems.push({ message: 'the file holds no units' });
    }
    return this.afterTreeWrite(
      bulk.insertUnitCandidates(this.db, this.audit, actor, candidates, problems, {
        onProgress: opts.onProgress,
        action: 'unit.import',
      }),
    );
  }

  async insertDepartments(
    actor: Actor,
    deps: { code: string; name: string; unitCode: string }[],
  ): Promise<void> {
    await bulk.insertDepartments(this.db, this.audit, actor, deps);
    this.scopeDepartments.clear();
  }

  async insertPoliceBeats(
    actor: Actor,
    beats: { code: string; name: string; stationName: string; unitCode: string; gridCodes: string[] }[],
  ): Promise<void> {
    await bulk.insertPoliceBeats(this.db, this.audit, actor, beats);
  }

  async insertPeople(
    actor: Actor,
    people: bulk.NewPerson[],
    opts: { onProgress?: (done: number, total: number) => void } = {},
  ): Promise<number[]> {
    return bulk.insertPeople(this.db, this.audit, actor, people, opts.onProgress);
  }

  async exportGeoJSON(actor: Actor, within?: number): Promise<string> {
    return (await this.exportUnits(actor, 'geojson', within)).text;
  }

  async exportCsv(actor: Actor, within?: number): Promise<string> {
    return (await this.exportUnits(actor, 'csv', within)).text;
  }

  /** A subtree (default: the actor's scope) as GeoJSON or CSV text, with the number of units in it. */
  async exportUnits(
    actor: Actor,
    format: 'geojson' | 'csv',
    within?: number,
  ): Promise<{ text: string; count: number }> {
    const rows = await this.exportRows(actor, within);
    return { text: format === 'csv' ? toCsv(rows) : toGeoJSON(rows), count: rows.length };
  }

  private async exportRows(actor: Actor, within: number | undefined) {
    if (actor.kind === 'anonymous') return HttpErrors.unauthenticated.raise();
    const path = within !== undefined ? (await this.mustGet(within)).path : actor.scope.unit?.path;
    if (!path || !unitPolicy.export(actor, path))
      refuse(actor, 'Only administrators may export, within their scope');
    const rows = await repo.exportRows(this.db, path);
    return rows.map((r) => ({
      code: r.code,
      name: r.name,
      level: r.level,
      parentCode: r.parent_code,
      population: r.population,
      households: r.households,
      gridKind: r.grid_kind,
      boundary: r.boundary,
    }));
  }

  private async afterTreeWrite<T>(write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      this.locator.invalidate();
      this.clearScopeCaches();
    }
  }

  private dropSnapshot() {
    this.snapshot = null;
    this.snapshotLoading = null;
    this.snapshotGeneration++;
  }

  private clearScopeCaches() {
    this.scopeUnits.clear();
    this.scopeDepartments.clear();
    this.unitRefs.clear();
    this.dropSnapshot();
    this.departmentsByCode.clear();
  }

  private async mustGet(id: number): Promise<repo.UnitRow> {
    const row = await repo.byId(this.db, id);
    return row ?? UnitErrors.notFound.raise(`No unit with id ${id}`);
  }
}

/**
 * Units by key from a cache of scope units (entries younger than SCOPE_TTL_MS; a cached miss stays a
 * miss), the others read in one query and cached. Unknown keys are left out.
 */
async function cachedUnits<K>(
  cache: Map<K, { at: number; value: ScopeUnit | null }>,
  keys: readonly K[],
  keyOf: (r: repo.UnitRow) => K,
  read: (missing: K[]) => Promise<repo.UnitRow[]>,
): Promise<Map<K, ScopeUnit>> {
  const out = new Map<K, ScopeUnit>();
  const missing: K[] = [];
  const now = Date.now();
  for (const k of new Set(keys)) {
    const hit = cache.get(k);
    if (hit && now - hit.at < SCOPE_TTL_MS) {
      if (hit.value) out.set(k, hit.value);
    } else missing.push(k);
  }
  for (const r of await read(missing)) {
    const value = { id: r.id, code: r.code, name: r.name, level: r.level, path: r.path };
    cache.set(keyOf(r), { at: now, value });
    out.set(keyOf(r), value);
  }
  return out;
}
