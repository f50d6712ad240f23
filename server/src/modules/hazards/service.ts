// Hazards (风险隐患): recording with evidence, the loop's transitions (scope, version, timeline, audit),
// merge, the weekly consolidation (汇总), supervision (reminders and escalation tiers, through the shared
// sweep) and the close-out metrics for the safety index. The rules of the loop are the pure state machine
// in domain/; this file applies them with I/O.
import type { Clock } from '../../clock.js';
import type { Db, Queryable } from '../../db/index.js';
import { HttpErrors } from '../../http/errors.js';
import type { Page } from '../../http/pagination.js';
import type { JobQueue, Schedules } from '../../jobs/index.js';
import { csvCell, csvLine, csvText } from '../../lib/csv.js';
import { type ReaderOptions, type RowError, readTable, refuseRows, toWgs84 } from '../../lib/table-reader.js';
import { type Actor, actorId, actorName, type ScopeUnit, SYSTEM } from '../access/actor.js';
import type { AuditService } from '../access/audit.js';
import { hasRole } from '../access/policy-kit.js';
import type { MediaService } from '../media/service.js';
import { chinaWorkCalendar } from '../supervision/calendar-cn.js';
import { REMINDER_SHARE, reminderAt } from '../supervision/deadlines.js';
import type { Notifier, Recipients } from '../supervision/notifier.js';
import { runSweep, scheduleSweep, sweepStep } from '../supervision/sweep.js';
import type { UnitsService } from '../units/service.js';
import {
  COLUMN_NAMES as IMPORT_COLUMNS,
  type ParsedRow as ImportRow,
  parseRows as parseImportRows,
} from './bulk.js';
import {
  CHINA_UTC_OFFSET_MINUTES,
  deadlineHoursFor,
  defaultDeadline,
  nextEscalationAt,
  RECTIFICATION_STATES,
  weeklyBatch,
  weekStart,
} from './domain/deadlines.js';
import { SEVERITY_LABELS } from './domain/severity.js';
import {
  type Assignee,
  availableActions,
  type HazardAction,
  type HazardChanges,
  type HazardRole,
  type HazardSnapshot,
  type HazardState,
  isTerminal,
  type RefusalCode,
  type TimelineEntry,
  TRANSITIONS,
  type TransitionInput,
  transition,
} from './domain/state-machine.js';
import { HazardErrors as E } from './errors.js';
import { PlaceImportErrors as IE } from './places/errors.js';
import { type HazardFacts, hazardPolicy, isSystemActor } from './policy.js';
import * as repo from './repository.js';
import type {
  CreateHazardBody,
  HazardDetail,
  HazardDto,
  HazardImportResult,
  ListFilterQuery,
  ListQuery,
  MetricsCounts,
  MetricsQuery,
  MetricsResult,
  PartyRef,
  TimelineItem,
  TransitionBody,
} from './schema.js';
import type { DomainDto } from './taxonomy/schema.js';
import type { HazardTaxonomyService } from './taxonomy/service.js';

/**
 * What hazards need of the places registry: its service's `facts` (kept structural). A place that
 * carries its location lets a hazard found there be recorded without one of its own.
 */
export interface PlaceRef {
  id: number;
  name: string;
  unitPath: string;
  lng?: number;
  lat?: number;
  address?: string | null;
}
export interface PlaceLookup {
  /** A registered place by id, without a permission check; null when unknown. */
  facts(id: number): Promise<PlaceRef | null>;
  /** Several in one read; unknown ids are left out. */
  factsMany(ids: readonly number[]): Promise<Map<number, PlaceRef>>;
}

const HOUR = 3_600_000;
/** The list counts its matches up to this many (see list()). */
export const LIST_COUNT_CAP = 10_000;
const DAY = 24 * HOUR;
/** Items the weekly consolidation takes per statement (it goes on until none is left). */
const CONSOLIDATE_BATCH = 2000;
const SUPERVISE_KIND = 'hazards.supervise';
const CONSOLIDATE_KIND = 'hazards.consolidate';
/** Monday 01:00 (Asia/Shanghai): last week's confirmed items go on last week's lists. */
export const CONSOLIDATE_CRON = '0 1 * * 1';

const E_KEYS: Record<RefusalCode, 'transitionNotAllowed' | 'actionNotYours' | 'invalidTransition'> = {
  forbidden_transition: 'transitionNotAllowed',
  forbidden_actor: 'actionNotYours',
  not_overdue: 'transitionNotAllowed',
  escalation_not_due: 'transitionNotAllowed',
  missing_route: 'invalidTransition',
  missing_reason: 'invalidTransition',
  missing_target: 'invalidTransition',
  self_merge: 'invalidTransition',
  missing_batch: 'invalidTransition',
  missing_assignee: 'invalidTransition',
  same_assignee: 'invalidTransition',
  missing_deadline: 'invalidTransition',
  deadline_not_in_future: 'invalidTransition',
  deadline_too_far: 'invalidTransition',
  deadline_not_later: 'invalidTransition',
  missing_evidence: 'invalidTransition',
  invalid_severity: 'invalidTransition',
};

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The UTC instant of a local (Asia/Shanghai) midnight, from YYYY-MM-DD. */
function localMidnight(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - CHINA_UTC_OFFSET_MINUTES * 60_000);
}

/** A local time for notices, e.g. 2026-11-30 24:00 is shown as 12-01 00:00. */
function fmtLocal(d: Date | null): string {
  if (!d) return '';
  return new Date(d.getTime() + CHINA_UTC_OFFSET_MINUTES * 60_000)
    .toISOString()
    .slice(5, 16)
    .replace('T', ' ');
}

/** The county path of a unit path: '/3303/330304/…' → '/3303/330304/'. */
function countyPath(unitPath: string): string {
  const codes = unitPath.split('/').filter(Boolean);
  return `/${codes.slice(0, 2).join('/')}/`;
}

function snapshot(r: repo.HazardRow): HazardSnapshot {
  return {
    id: r.id,
    state: r.state,
    severity: r.severity,
    route:
      r.town_id !== null && r.department_id !== null
        ? { townId: r.town_id, departmentId: r.department_id }
        : null,
    assignee: r.assignee_kind && r.assignee_id !== null ? { kind: r.assignee_kind, id: r.assignee_id } : null,
    assignedAt: r.assigned_at,
    dueAt: r.due_at,
    escalation: r.escalation,
  };
}

function factsOf(r: repo.HazardRow): HazardFacts {
  let assignee: HazardFacts['assignee'] = null;
  if (r.assignee_kind === 'department' && r.assignee_id !== null)
    assignee = { kind: 'department', id: r.assignee_id };
  else if ((r.assignee_kind === 'unit' || r.assignee_kind === 'place') && r.assignee_path)
    assignee = { kind: r.assignee_kind, path: r.assignee_path };
  return {
    unitPath: r.unit_path,
    townPath: r.town_path,
    departmentId: r.department_id,
    assignee,
    reporterAccountId: r.reporter_account_id,
  };
}

function isOverdueRow(r: repo.HazardRow, now: Date): boolean {
  return RECTIFICATION_STATES.includes(r.state) && r.due_at !== null && r.due_at.getTime() < now.getTime();
}

/** The reminder for a deadline set at `from`: at REMINDER_SHARE of the time given (null when none is left). */
function reminderFor(from: Date, due: Date): Date | null {
  const hours = (due.getTime() - from.getTime()) / HOUR;
  if (!(hours > 0)) return null;
  // hazards count calendar time (a rectification order names a date); the calendar is not consulted
  return reminderAt(from, hours, 'calendar', CALENDAR, REMINDER_SHARE);
}
const CALENDAR = chinaWorkCalendar();
/** Where each (state, action) of the table leads. */
const TO_STATE = new Map(TRANSITIONS.map((t) => [`${t.from}:${t.action}`, t.to]));

export class HazardsService {
  private readonly domainCache = new Map<string, Promise<DomainDto>>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly units: UnitsService,
    private readonly taxonomy: HazardTaxonomyService,
    private readonly places: PlaceLookup | null,
    private readonly media: MediaService,
    private readonly notifier: Notifier | null,
    private readonly clock: Clock,
    opts: { registerMediaPolicy?: boolean } = {},
  ) {
    if (opts.registerMediaPolicy !== false) {
      media.registerOwnerPolicy('hazard', async (actor, id) => {
        const row = await repo.getHazard(this.db, id);
        return !!row && hazardPolicy.view(actor, factsOf(row));
      });
    }
  }

  /** Registers the supervision sweep (every minute) and the weekly consolidation (Monday 01:00). */
  registerJobs(queue: JobQueue, schedules: Schedules): void {
    scheduleSweep({ queue, schedules }, SUPERVISE_KIND, (q, now) => this.supervise(q, now));
    queue.register(CONSOLIDATE_KIND, async (_p, ctx) => {
      await this.consolidateWeekly(ctx.q, ctx.now);
    });
    schedules.define({
      name: CONSOLIDATE_KIND,
      cron: CONSOLIDATE_CRON,
      kind: CONSOLIDATE_KIND,
      maxAttempts: 3,
    });
  }

  // ---------------------------------------------------------------- recording

  /**
   * Records a hazard found by a grid worker, a department's inspector, the safety office's covert
   * inspectors or a self-inspection: located (the point given, else the place's, else a photo's EXIF
   * position), within the recorder's reach, with the triage suggestion (the location's town, the domain's
   * department) and the evidence photos, in one transaction with its first timeline step and audit entry.
   */
  async record(actor: Actor, body: CreateHazardBody, ctx: { address?: string } = {}): Promise<HazardDetail> {
    if (!hazardPolicy.record(actor)) this.deny(actor);
    if (body.source === 'covert' && !hazardPolicy.recordCovert(actor)) E.covertNotAllowed.raise();
    const now = this.clock.now();
    const domain = await this.taxonomy.current(body.domainCode);
    if (!domain?.active)
      return E.unknownDomain.raise(`No hazard domain ${body.domainCode} that takes hazards`);
    const aspect = domain.aspects.find((a) => a.code === body.aspectCode);
    if (!aspect?.active) return E.unknownDomain.raise(`${body.domainCode} has no aspect ${body.aspectCode}`);
    let place: PlaceRef | null = null;
    if (body.placeId !== undefined) {
      place = (await this.places?.facts(body.placeId)) ?? null;
      if (!place) return E.unknownPlace.raise();
    }
    const loc =
      body.location ??
      (place?.lng !== undefined && place.lat !== undefined
        ? { lng: place.lng, lat: place.lat, crs: 'wgs84' as const }
        : null) ??
      (await this.media
        .exifLocation(body.mediaIds, actor, ctx)
        .then((l) => (l ? { ...l, crs: 'wgs84' as const } : null)));
    if (!loc) return E.locationRequired.raise();
    const located = await this.units.resolvePoint(loc.lng, loc.lat, loc.crs);
    if (!located) return E.outsideDistrict.raise(undefined, { lng: loc.lng, lat: loc.lat });
    const chain = [...located.ancestors, located.unit];
    const unitPath = `/${chain.map((u) => u.code).join('/')}/`;
    if (!hazardPolicy.reaches(actor, unitPath)) E.outsideScope.raise();
    const countyCode =
      located.unit.countyCode ??
      chain.find((u) => u.level === 'county')?.code ??
      located.unit.code.slice(0, 6);
    const town = chain.find((u) => u.level === 'town') ?? null;
    const department = await this.units.findDepartmentByCode(domain.departmentCode);

    return this.db.tx(async (q) => {
      const id = await repo.nextId(q);
      const row = await repo.insertHazard(q, {
        id,
        county_code: countyCode,
        tracking_no: `YH${localDay(now)}-${String(id).padStart(6, '0')}`,
        unit_id: located.unit.id,
        unit_path: unitPath,
        place_id: place?.id ?? null,
        address: body.address ?? place?.address ?? null,
        lng: loc.crs === 'gcj02' ? located.point.lng : loc.lng,
        lat: loc.crs === 'gcj02' ? located.point.lat : loc.lat,
        domain_id: domain.id,
        domain_version: domain.version,
        domain_code: domain.code,
        aspect_code: aspect.code,
        severity: body.severity,
        description: body.description,
        rule_broken: body.ruleBroken ?? null,
        source: body.source,
        state: 'reported',
        suggested_town_id: town?.id ?? null,
        suggested_department_id: department?.id ?? null,
        reporter_account_id: actorId(actor),
        created_by: actorName(actor),
        created_at: now,
      });
      const media = await this.media.attach(q, body.mediaIds, 'hazard', id, actor, ctx);
      await repo.appendTimeline(q, {
        hazard_id: id,
        county_code: countyCode,
        at: now,
        kind: 'record',
        from_state: null,
        to_state: 'reported',
        by_name: this.byName(actor),
        as_role: 'reporter',
        details: {
          source: body.source,
          severity: body.severity,
          ...(media.length ? { mediaIds: media.map((m) => m.id) } : {}),
        },
      });
      await this.audit.record(q, {
        actor,
        action: 'hazard.record',
        entityType: 'hazard',
        entityId: id,
        unitId: located.unit.id,
        unitPath,
        after: {
          trackingNo: row.tracking_no,
          domain: `${domain.code}@${domain.version}`,
          aspect: aspect.code,
          severity: body.severity,
          source: body.source,
          placeId: row.place_id,
        },
      });
      await this.notify(
        q,
        row,
        'hazards.reported',
        {
          zh: `新隐患 ${row.tracking_no}（${domain.name.zh}，${SEVERITY_LABELS[row.severity].zh}）待分流`,
          en: `New hazard ${row.tracking_no} (${domain.name.en}, ${row.severity}) awaits triage`,
        },
        { unitIds: town ? [town.id] : [] },
      );
      return this.detail(q, actor, row);
    });
  }

  // ---------------------------------------------------------------- reading

  async get(actor: Actor, id: number): Promise<HazardDetail> {
    const row = await repo.getHazard(this.db, id);
    if (!row) return E.hazardNotFound.raise();
    if (!hazardPolicy.view(actor, factsOf(row))) this.deny(actor);
    return this.detail(this.db, actor, row);
  }

  /**
   * A page of the list. The total is exact up to LIST_COUNT_CAP matches; beyond it `total` is the cap and
   * `totalCapped` true (count=exact asks for the exact number, at the price of counting every match;
   * count=none leaves the total null and reads the page alone, for a client turning pages of a count it has).
   */
  async list(
    actor: Actor,
    query: ListQuery,
  ): Promise<Omit<Page<HazardDto>, 'total'> & { total: number | null; totalCapped: boolean }> {
    const f = await this.filterFor(actor, query);
    const { rows, total, capped } = await repo.listHazards(
      this.db,
      f,
      query.pageSize,
      (query.page - 1) * query.pageSize,
      query.count === 'exact' ? null : query.count === 'none' ? 'none' : LIST_COUNT_CAP,
    );
    const items = await this.presentMany(this.db, actor, rows);
    return { items, total, totalCapped: capped, page: query.page, pageSize: query.pageSize };
  }

  /** The list's filter for the viewer: the view's reach and the query's filters (403 outside it). */
  private async filterFor(actor: Actor, query: ListFilterQuery): Promise<repo.ListFilter> {
    if (actor.kind === 'anonymous') return HttpErrors.unauthenticated.raise();
    const f: repo.ListFilter = {};
    const scopeUnit = actor.scope.unit;
    const dept = actor.scope.department;
    if (query.view === 'mine') {
      if (actorId(actor) === null && !isSystemActor(actor)) return this.deny(actor);
      f.reporterAccountId = actorId(actor) ?? 0;
    } else if (query.view === 'review') {
      f.review = {
        townPath: hasRole(actor, 'town_staff', 'dispatcher') ? (scopeUnit?.path ?? null) : null,
        departmentId: hasRole(actor, 'department_staff') ? (dept?.id ?? null) : null,
      };
    } else if (query.view === 'rectify') {
      const unitRectifier = hasRole(actor, 'grid_worker', 'micro_grid_leader', 'village_staff', 'town_staff');
      const placeRectifier = hasRole(actor, 'grid_worker', 'micro_grid_leader', 'village_staff');
      f.rectify = {
        unitPath: unitRectifier ? (scopeUnit?.path ?? null) : null,
        placePath: placeRectifier ? (scopeUnit?.path ?? null) : null,
        departmentId: hasRole(actor, 'department_staff') ? (dept?.id ?? null) : null,
      };
    } else {
      const scope = hazardPolicy.listScope(actor);
      if (!scope) return this.deny(actor);
      if ('unitPath' in scope) f.unitPath = scope.unitPath;
      else f.department = { id: scope.departmentId, accountId: actorId(actor) };
      if (query.view === 'overdue') f.overdueAt = this.clock.now();
    }
    if (query.state?.length) f.states = query.state;
    if (query.domain) f.domainCode = query.domain;
    if (query.aspect) f.aspectCode = query.aspect;
    if (query.severity?.length) f.severities = query.severity;
    if (query.source?.length) f.sources = query.source;
    if (query.town !== undefined) f.townId = query.town;
    if (query.department !== undefined) f.departmentId = query.department;
    if (query.place !== undefined) f.placeId = query.place;
    if (query.batch) f.batch = query.batch;
    if (query.listed !== undefined) f.listed = query.listed;
    if (query.from) f.from = localMidnight(query.from);
    if (query.to) f.to = new Date(localMidnight(query.to).getTime() + DAY);
    if (query.q) f.text = query.q;
    if (query.unit !== undefined) {
      const u = await this.units.getScopeUnit(query.unit);
      if (!u) return HttpErrors.validationFailed.raise('unknown unit');
      if (f.unitPath && !u.path.startsWith(f.unitPath) && !f.unitPath.startsWith(u.path)) this.deny(actor);
      if (!f.unitPath || u.path.startsWith(f.unitPath)) f.unitPath = u.path;
    }
    return f;
  }

  /** The close-out counts per department the hazards were routed to (no permission check: the caller's). */
  async metricsByDepartment(
    withinPath: string,
    query: { from: string; to: string },
  ): Promise<(MetricsCounts & { departmentId: number })[]> {
    const from = localMidnight(query.from);
    const to = new Date(localMidnight(query.to).getTime() + DAY);
    if (!(to > from)) HttpErrors.validationFailed.raise('to must not be before from');
    const rows = await repo.metricsByDepartment(this.db, withinPath, from, to);
    return rows.map((r) => ({
      departmentId: Number(r.department_id),
      ...countsOf({ ...r, code: '', domain_code: null }),
    }));
  }

  // ---------------------------------------------------------------- for listing (挂牌整治)

  /** A hazard's facts for the listing service (no permission check); null when unknown. */
  async listingFacts(id: number): Promise<{
    id: number;
    trackingNo: string;
    unitId: number;
    unitPath: string;
    countyCode: string;
    state: HazardState;
    title: string;
  } | null> {
    const r = await repo.getHazard(this.db, id);
    if (!r) return null;
    const domain = await this.domainOf(r);
    const aspect = domain.aspects.find((a) => a.code === r.aspect_code);
    return {
      id: r.id,
      trackingNo: r.tracking_no,
      unitId: r.unit_id,
      unitPath: r.unit_path,
      countyCode: r.county_code,
      state: r.state,
      title: `${r.tracking_no} ${domain.name.zh}：${aspect?.name.zh ?? r.aspect_code}`,
    };
  }

  /** Tracking numbers by id (for records that link hazards); unknown ids are left out. */
  async trackingNos(ids: number[]): Promise<Map<number, string>> {
    const rows = await repo.trackingNos(this.db, ids);
    return new Map(rows.map((r) => [Number(r.id), r.tracking_no]));
  }

  /**
   * Keeps the hazard's `listed` flag in step with its listing, inside the listing's transaction (the
   * version moves on so that a stale editor reloads); a timeline step says who listed or delisted it.
   */
  async setListed(q: Queryable, actor: Actor, id: number, listed: boolean, listingId: number): Promise<void> {
    const now = this.clock.now();
    const row = await repo.getHazard(q, id, true);
    if (!row) return E.hazardNotFound.raise();
    if (!(await repo.setListed(q, id, listed, now))) return;
    await repo.appendTimeline(q, {
      hazard_id: id,
      county_code: row.county_code,
      at: now,
      kind: listed ? 'list' : 'delist',
      from_state: row.state,
      to_state: row.state,
      by_name: this.byName(actor),
      as_role: null,
      details: { listingId },
    });
  }

  // ---------------------------------------------------------------- export and import (bulk)

  /**
   * The filtered list (the list's filters and reach) as CSV: UTF-8 with a BOM so spreadsheets read the
   * Chinese, newest first like the list, read EXPORT_BATCH rows at a time by keyset (created_at, id) so
   * memory stays constant whatever the size. Permission is checked and the export audited before the
   * first chunk. The import's headings come first: an export is an import file (its tracking numbers are
   * refused there as recorded already, so a list is not imported twice).
   */
  async exportCsv(actor: Actor, query: ListFilterQuery, requestId?: string): Promise<AsyncIterable<string>> {
    const f = await this.filterFor(actor, query);
    await this.audit.record(this.db, {
      actor,
      action: 'hazard.export',
      entityType: 'hazard',
      unitPath: f.unitPath ?? null,
      after: { filter: { ...query } },
      ...(requestId ? { requestId } : {}),
    });
    return this.csvChunks(f);
  }

  private async *csvChunks(f: repo.ListFilter): AsyncIterable<string> {
    yield `\uFEFF${csvLine(EXPORT_HEADER)}`;
    const labels = { general: '', major: '', critical: '' };
    for (const s of Object.keys(labels) as (keyof typeof labels)[]) labels[s] = SEVERITY_LABELS[s].zh;
    // the names' cells by domain version and aspect (versions are immutable)
    const names = new Map<string, string>();
    let before: { at: string; id: number } | null = null;
    for (;;) {
      const rows = await repo.exportLines(this.db, f, before, EXPORT_BATCH, labels, CHINA_UTC_OFFSET_MINUTES);
      if (!rows.length) return;
      const refs = await this.units.refsByCodes([...new Set(rows.map((r) => r.unit_code))]);
      let out = '';
      for (const r of rows) {
        const k = `${r.domain_id}:${r.domain_version}:${r.aspect_code}`;
        let domainCells = names.get(k);
        if (domainCells === undefined) {
          const domain = await this.domainOf(r);
          const aspect = domain.aspects.find((a) => a.code === r.aspect_code);
          domainCells = `${csvCell(csvText(domain.name.zh))},${csvCell(csvText(aspect?.name.zh ?? ''))}`;
          names.set(k, domainCells);
        }
        const unit = csvCell(csvText(refs.get(r.unit_code)?.name ?? ''));
        out += `${r.head},${domainCells},${csvCell(r.unit_code)},${unit},${r.tail}\r\n`;
      }
      yield out;
      const last = rows.at(-1)!;
      before = { at: last.key_at, id: Number(last.id) };
      if (rows.length < EXPORT_BATCH) return;
    }
  }

  /** Refuses early (before the upload is read) who may not import. */
  authorizeImport(actor: Actor): void {
    if (!hazardPolicy.import(actor)) this.deny(actor);
  }

  /**
   * Imports an existing hazard list (CSV or Excel), all or nothing. Every row is checked first: the
   * domain and aspect against the taxonomy's current versions (by code or Chinese name, active ones), the
   * severity and source, located (the district's index) within the importer's reach, the place registered,
   * the dates (not in the future; closed on or after found), a tracking number not recorded already. Any
   * defect refuses the file with every defect as {row, column, code, message} (422 hazards.import_invalid)
   * and nothing stored; a dry run stops there. The rows then become hazards in one transaction, in batches
   * of IMPORT_BATCH (one insert, one timeline insert, one audit insert each) with the same fields the record
   * path sets (tracking number, unit and path, county, triage suggestion, domain version).
   *
   * State: a row without a close-out date enters the loop as `reported` (awaiting triage, like any new
   * record; its found date is its recording time); a row with one (销号日期) is recorded as `closed_out` at
   * the end of that local day (capped at now), so the close-out metrics count it in its period. Nothing
   * in between is imported: an open item's route, assignee and deadline are set through the loop.
   * Imported items send no notices (a dispatcher finds them with state=reported&source=…).
   */
  async importFile(
    actor: Actor,
    read: () => Promise<Buffer>,
    opts: { dryRun?: boolean; requestId?: string } = {},
  ): Promise<HazardImportResult> {
    this.authorizeImport(actor);
    const table = await readTable(await read(), IMPORT_READER);
    const parsed = parseImportRows(table.rows);
    if (parsed.errors.some((e) => e.code === 'missing_column' || e.code === 'duplicate_column'))
      return refuseRows(IE, parsed.errors, 0);
    if (!parsed.rows.length) return IE.importEmpty.raise('No data rows below the header');
    if (parsed.rows.length > MAX_IMPORT_ROWS)
      return IE.importTooLarge.raise(`At most ${MAX_IMPORT_ROWS} rows per file; split it`, {
        limitRows: MAX_IMPORT_ROWS,
      });
    const now = this.clock.now();
    const today = localDate(now);
    const errors: RowError[] = [...parsed.errors];
    const badRows = new Set(parsed.errors.map((e) => e.row));
    const col = (f: keyof typeof IMPORT_COLUMNS) => parsed.map.fields[f]?.heading ?? IMPORT_COLUMNS[f][0]!;

    const domains = (await this.taxonomy.list(SYSTEM, { includeInactive: false, page: 1, pageSize: 200 }))
      .items;
    const domainBy = new Map<string, DomainDto>();
    for (const dm of domains) {
      domainBy.set(dm.code, dm);
      domainBy.set(dm.name.zh, dm);
    }
    const departments = new Map<string, Promise<{ id: number } | null>>();
    const departmentOf = (code: string) => {
      if (!departments.has(code)) departments.set(code, this.units.findDepartmentByCode(code));
      return departments.get(code)!;
    };
    const recorded = await repo.recordedTrackingNos(this.db, [
      ...new Set(parsed.rows.flatMap((r) => (r.trackingNo ? [r.trackingNo] : []))),
    ]);
    const placeIds = [...new Set(parsed.rows.flatMap((r) => (r.placeId ? [r.placeId] : [])))];
    const known = (await this.places?.factsMany(placeIds)) ?? new Map<number, PlaceRef>();
    const places = new Map<number, PlaceRef | null>(placeIds.map((id) => [id, known.get(id) ?? null]));
    const index = await this.units.locateIndex();
    const unitCache = new Map<number, Promise<{ id: number; path: string } | null>>();
    const unitOf = (id: number) => {
      if (!unitCache.has(id)) unitCache.set(id, this.units.getScopeUnit(id));
      return unitCache.get(id)!;
    };
    const towns = await this.units.refsByCodes([]);
    const seenNo = new Map<string, number>();
    const rows: {
      r: ImportRow;
      unitId: number;
      unitPath: string;
      domain: DomainDto;
      lng: number;
      lat: number;
    }[] = [];

    for (const r of parsed.rows) {
      const before = errors.length;
      const fail = (column: string, code: string, message: string) =>
        errors.push({ row: r.row, column, code, message });
      if (r.trackingNo) {
        const first = seenNo.get(r.trackingNo);
        if (first !== undefined)
          fail(
            col('tracking_no'),
            'duplicate_in_file',
            `隐患编号 ${r.trackingNo} 与第 ${first} 行重复 / The tracking number is also on row ${first}`,
          );
        else seenNo.set(r.trackingNo, r.row);
        if (recorded.has(r.trackingNo))
          fail(
            col('tracking_no'),
            'already_recorded',
            `隐患 ${r.trackingNo} 已登记，不能重复导入 / Hazard ${r.trackingNo} is recorded already`,
          );
      }
      const domain = r.domain
        ? (domainBy.get(r.domain.normalize('NFKC').trim()) ?? domainBy.get(r.domain.toLowerCase()))
        : undefined;
      if (r.domain && !domain?.active)
        fail(
          col('domain'),
          'unknown_domain',
          `“${r.domain}”不是在用的隐患领域 / No hazard domain ${r.domain}`,
        );
      let aspectCode: string | undefined;
      if (domain?.active && r.aspect) {
        const a = r.aspect.normalize('NFKC').trim();
        const aspect = domain.aspects.find(
          (x) => x.active && (x.code === a.toLowerCase() || x.name.zh === a),
        );
        if (aspect) aspectCode = aspect.code;
        else
          fail(
            col('aspect'),
            'unknown_aspect',
            `“${domain.name.zh}”没有在用的类别“${r.aspect}” / ${domain.code} has no aspect ${r.aspect}`,
          );
      }
      if (r.source === 'covert' && !hazardPolicy.recordCovert(actor))
        fail(
          col('source'),
          'covert_not_allowed',
          '暗访发现的隐患只能由安监办导入 / Only the safety office records covert-inspection findings',
        );
      if (r.placeId && !places.get(r.placeId))
        fail(col('place'), 'unknown_place', `没有编号为 ${r.placeId} 的场所 / No place ${r.placeId}`);
      if (r.foundOn && r.foundOn > today)
        fail(
          col('found_on'),
          'date_in_future',
          `发现日期 ${r.foundOn} 晚于今天 / The found date lies in the future`,
        );
      if (r.closedOn) {
        if (r.closedOn > today)
          fail(
            col('closed_on'),
            'date_in_future',
            `销号日期 ${r.closedOn} 晚于今天 / The close-out date lies in the future`,
          );
        else if (r.closedOn < (r.foundOn ?? today))
          fail(
            col('closed_on'),
            'closed_before_found',
            `销号日期早于发现日期 / Closed out before it was found`,
          );
      }
      let located: { unitId: number; unitPath: string; lng: number; lat: number } | undefined;
      if (r.point) {
        const p = toWgs84(r.point);
        const id = Number.isFinite(p.lng) && Number.isFinite(p.lat) ? index.locate(p.lng, p.lat) : null;
        const unit = id === null ? null : await unitOf(id);
        if (!unit)
          fail(
            col('lng'),
            'outside_district',
            `(${r.point.lng}, ${r.point.lat}) 不在本区域内 / The location lies outside the district`,
          );
        else if (!hazardPolicy.reaches(actor, unit.path))
          fail(
            col('lng'),
            'outside_scope',
            `(${r.point.lng}, ${r.point.lat}) 不在您的管辖范围 / The location lies outside your scope`,
          );
        else located = { unitId: unit.id, unitPath: unit.path, ...p };
      }
      if (errors.length > before || badRows.has(r.row) || !located || !domain || !aspectCode) continue;
      rows.push({ r: { ...r, aspect: aspectCode }, domain, ...located });
    }
    if (errors.length) return refuseRows(IE, errors, parsed.rows.length);
    const closed = rows.filter((x) => x.r.closedOn).length;
    const result: HazardImportResult = {
      dryRun: !!opts.dryRun,
      rows: parsed.rows.length,
      reported: rows.length - closed,
      closedOut: closed,
      format: table.format,
      encoding: table.encoding,
      ignoredColumns: parsed.map.ignored,
    };
    if (opts.dryRun) return result;

    const townCodes = [
      ...new Set(rows.map((x) => codesOfPath(x.unitPath)[2]).filter((c): c is string => !!c)),
    ];
    for (const [k, v] of await this.units.refsByCodes(townCodes)) towns.set(k, v);
    const requestId = opts.requestId ? { requestId: opts.requestId } : {};
    const byName = this.byName(actor);
    await this.db.tx(async (q) => {
      for (let i = 0; i < rows.length; i += IMPORT_BATCH) {
        const batch = rows.slice(i, i + IMPORT_BATCH);
        const ids = await repo.nextIds(q, batch.length);
        const news: repo.NewImportedHazard[] = [];
        for (const [k, x] of batch.entries()) {
          const id = ids[k]!;
          const createdAt = x.r.foundOn && x.r.foundOn < today ? localMidnight(x.r.foundOn) : now;
          const closedAt = x.r.closedOn
            ? new Date(Math.min(now.getTime(), localMidnight(x.r.closedOn).getTime() + DAY - 1000))
            : null;
          const codes = codesOfPath(x.unitPath);
          const town = codes[2] ? towns.get(codes[2]) : undefined;
          const department = await departmentOf(x.domain.departmentCode);
          news.push({
            id,
            county_code: codes[1] ?? codes[0]!.slice(0, 6),
            tracking_no: `YH${localDay(createdAt)}-${String(id).padStart(6, '0')}`,
            unit_id: x.unitId,
            unit_path: x.unitPath,
            place_id: x.r.placeId ?? null,
            address: x.r.address ?? null,
            lng: x.lng,
            lat: x.lat,
            domain_id: x.domain.id,
            domain_version: x.domain.version,
            domain_code: x.domain.code,
            aspect_code: x.r.aspect!,
            severity: x.r.severity!,
            description: x.r.description!,
            rule_broken: x.r.ruleBroken ?? null,
            source: x.r.source ?? 'report',
            state: closedAt ? 'closed_out' : 'reported',
            suggested_town_id: town?.level === 'town' ? town.id : null,
            suggested_department_id: department?.id ?? null,
            reporter_account_id: actorId(actor),
            created_by: actorName(actor),
            created_at: createdAt,
            closed_out_at: closedAt && closedAt < createdAt ? createdAt : closedAt,
          });
        }
        await repo.insertHazards(q, news, { at: now, by_name: byName, details: { imported: true } });
        await this.audit.recordMany(
          q,
          news.map((h) => ({
            actor,
            action: 'hazard.record',
            entityType: 'hazard',
            entityId: h.id,
            unitId: h.unit_id,
            unitPath: h.unit_path,
            after: {
              trackingNo: h.tracking_no,
              domain: `${h.domain_code}@${h.domain_version}`,
              aspect: h.aspect_code,
              severity: h.severity,
              source: h.source,
              placeId: h.place_id,
              state: h.state,
              imported: true,
            },
            ...requestId,
          })),
        );
      }
      await this.audit.record(q, {
        actor,
        action: 'hazard.import',
        entityType: 'hazard',
        unitId:
          actor.kind !== 'anonymous' && actor.scope.unit && actor.scope.unit.id > 0
            ? actor.scope.unit.id
            : null,
        after: {
          format: table.format,
          encoding: table.encoding,
          rows: parsed.rows.length,
          reported: result.reported,
          closedOut: closed,
        },
        ...requestId,
      });
    });
    return result;
  }

  /**
   * The state of hazards by id, for other services that created them (an inspection's progress); no
   * permission check: the caller checked its actor against its own record of these ids.
   */
  async statesOf(
    ids: readonly number[],
  ): Promise<Map<number, { trackingNo: string; state: HazardState; overdue: boolean }>> {
    const now = this.clock.now();
    const rows = await repo.statesOf(this.db, [...new Set(ids)]);
    return new Map(
      rows.map((r) => [
        r.id,
        {
          trackingNo: r.tracking_no,
          state: r.state,
          overdue:
            RECTIFICATION_STATES.includes(r.state) && r.due_at !== null && r.due_at.getTime() < now.getTime(),
        },
      ]),
    );
  }

  // ---------------------------------------------------------------- the loop

  /**
   * One step of the loop, in one transaction: the hazard is locked; the actor must see it (else 403) and
   * send the version they read (else 409); the pure machine decides from the state (409), the actor's
   * hazard-relative roles (403) and what the step carries (422); then the references are checked (the
   * route, the rectifying party, the item to merge into, the evidence), and the change, its timeline
   * step, the audit entry and the notices commit together.
   */
  async transition(actor: Actor, id: number, body: TransitionBody): Promise<HazardDetail> {
    const now = this.clock.now();
    return this.db.tx(async (q) => {
      const row = await repo.getHazard(q, id, true);
      if (!row) return E.hazardNotFound.raise();
      const facts = factsOf(row);
      if (!hazardPolicy.view(actor, facts)) this.deny(actor);
      if (row.version !== body.version) {
        return E.versionConflict.raise(`The hazard is at version ${row.version}`, { version: row.version });
      }
      const roles = hazardPolicy.roles(actor, facts);
      const input = await this.inputFor(row, body, now);
      const result = transition(snapshot(row), body.action, input, roles, now);
      if (!result.ok) {
        return E[E_KEYS[result.refusal.code]].raise(result.refusal.message, { reason: result.refusal.code });
      }
      if (body.mediaIds.length && body.action !== 'submit') E.mediaNotAllowed.raise();
      const { to, entry, changes } = result;
      const patch = this.patchFor(row, body.action, changes, now);
      patch.state = to;
      const details = await this.details(entry);
      let target: repo.HazardRow | undefined;
      switch (body.action) {
        case 'triage': {
          const route = await this.checkRoute(row, input.route as { townId: number; departmentId: number });
          patch.town_path = route.townPath;
          break;
        }
        case 'merge': {
          target = await repo.getHazard(q, body.targetHazardId as number, true);
          const tRoles = target ? hazardPolicy.roles(actor, factsOf(target)) : [];
          if (
            !target ||
            isTerminal(target.state) ||
            target.county_code !== row.county_code ||
            !(tRoles.includes('dispatcher') || tRoles.includes('reviewer'))
          ) {
            return E.unknownTarget.raise();
          }
          details.targetTrackingNo = target.tracking_no;
          break;
        }
        case 'assign':
        case 'reassign':
          patch.assignee_path = await this.checkAssignee(row, input.assignee as Assignee);
          break;
        case 'submit': {
          const attached = await this.media.attach(q, body.mediaIds, 'hazard', row.id, actor);
          details.evidence = attached.map((m) => m.id);
          break;
        }
        default:
          break;
      }
      const updated = await repo.updateHazard(q, row.id, row.version, patch);
      if (!updated) return E.versionConflict.raise();
      const by = this.byName(actor, entry.as);
      await repo.appendTimeline(q, {
        hazard_id: row.id,
        county_code: row.county_code,
        at: now,
        kind: body.action,
        from_state: row.state,
        to_state: to,
        by_name: by,
        as_role: entry.as,
        details,
      });
      if (target) {
        await repo.appendTimeline(q, {
          hazard_id: target.id,
          county_code: target.county_code,
          at: now,
          kind: 'merged_in',
          from_state: null,
          to_state: null,
          by_name: by,
          as_role: entry.as,
          details: { mergedHazardId: row.id, mergedTrackingNo: row.tracking_no },
        });
      }
      await this.audit.record(q, {
        actor,
        action: `hazard.${body.action}`,
        entityType: 'hazard',
        entityId: row.id,
        unitId: row.unit_id,
        unitPath: row.unit_path,
        before: { state: row.state, version: row.version, ...auditFields(row, patch, 'before') },
        after: { state: to, version: updated.version, ...auditFields(row, patch, 'after') },
      });
      await this.notifyTransition(q, updated, row, body.action);
      return this.detail(q, actor, updated);
    });
  }

  /** The machine's input: the body, with the defaults the service knows filled in. */
  private async inputFor(row: repo.HazardRow, body: TransitionBody, now: Date): Promise<TransitionInput> {
    const input: TransitionInput = {
      reason: body.reason,
      note: body.note,
      route: body.route,
      targetHazardId: body.targetHazardId,
      assignee: body.assignee,
      severity: body.severity,
      deadline: body.deadline === undefined ? undefined : parseDeadline(body.deadline),
      evidence: body.mediaIds,
    };
    switch (body.action) {
      case 'triage':
        // a first triage takes the suggestion unless told otherwise
        if (
          !input.route &&
          row.state === 'reported' &&
          row.suggested_town_id &&
          row.suggested_department_id
        ) {
          input.route = { townId: row.suggested_town_id, departmentId: row.suggested_department_id };
        }
        break;
      case 'consolidate':
        // the reviewer's immediate consolidation puts it on this week's list
        input.batch = weeklyBatch(now);
        break;
      case 'assign':
      case 'reassign':
        if (!input.deadline) {
          const domain = await this.domainOf(row);
          input.deadline = defaultDeadline(now, deadlineHoursFor(domain.deadlineHours, row.severity));
        }
        break;
      default:
        break;
    }
    return input;
  }

  /** The row's fields an accepted step changes, with the supervision schedule that follows from them. */
  private patchFor(row: repo.HazardRow, action: HazardAction, c: HazardChanges, now: Date): repo.HazardPatch {
    const p: repo.HazardPatch = { updated_at: now };
    if (c.route) {
      p.town_id = c.route.townId;
      p.department_id = c.route.departmentId;
      p.triaged_at = now;
    }
    if (c.severity) p.severity = c.severity;
    if (c.mergedInto !== undefined) p.merged_into = c.mergedInto;
    if (c.batch !== undefined) {
      p.batch = c.batch;
      p.consolidated_at = now;
    }
    if (c.assignee !== undefined) {
      p.assignee_kind = c.assignee?.kind ?? null;
      p.assignee_id = c.assignee?.id ?? null;
      if (c.assignee === null) p.assignee_path = null;
    }
    if (c.assignedAt !== undefined) p.assigned_at = c.assignedAt;
    if (c.dueAt !== undefined) p.due_at = c.dueAt;
    if (c.escalation !== undefined) p.escalation = c.escalation;
    if (c.closedOutAt !== undefined) p.closed_out_at = c.closedOutAt;
    if (action === 'confirm') p.confirmed_at = now;
    if (action === 'submit') p.submitted_at = now;
    // supervision: only a rectification owed against a deadline is reminded and escalated
    const state = TO_STATE.get(`${row.state}:${action}`);
    const assignedAt = p.assigned_at !== undefined ? p.assigned_at : row.assigned_at;
    const due = p.due_at !== undefined ? p.due_at : row.due_at;
    const tier = p.escalation !== undefined ? p.escalation : row.escalation;
    if (!state || !RECTIFICATION_STATES.includes(state) || !due) {
      p.remind_at = null;
      p.next_escalation_at = null;
    } else if (c.dueAt) {
      // a new deadline: a reminder before it, escalation from tier 0 once it passes
      p.remind_at = reminderFor(now, c.dueAt);
      p.next_escalation_at = nextEscalationAt(assignedAt ?? now, c.dueAt, 0);
    } else if (action === 'supervise' || action === 'verify_fail') {
      p.next_escalation_at = nextEscalationAt(assignedAt ?? due, due, tier);
      if (action === 'verify_fail') p.remind_at = null;
    }
    return p;
  }

  private async checkRoute(
    row: repo.HazardRow,
    r: { townId: number; departmentId: number },
  ): Promise<{ townPath: string }> {
    const [town, department] = await Promise.all([
      this.units.getScopeUnit(r.townId),
      this.units.getScopeDepartment(r.departmentId),
    ]);
    // a town of the hazard's county, and a department serving the hazard's place
    if (town?.level !== 'town' || !town.path.startsWith(countyPath(row.unit_path))) {
      return E.unknownRoute.raise('The town must be a town of the district');
    }
    if (!department || !row.unit_path.startsWith(department.unitPath)) {
      return E.unknownRoute.raise('The department must serve the place');
    }
    return { townPath: town.path };
  }

  /** Checks the rectifying party and returns the path its scope check uses. */
  private async checkAssignee(row: repo.HazardRow, a: Assignee): Promise<string> {
    if (a.kind === 'department') {
      const d = await this.units.getScopeDepartment(a.id);
      if (!d || !row.unit_path.startsWith(d.unitPath)) return E.unknownAssignee.raise();
      return d.unitPath;
    }
    if (a.kind === 'place') {
      const p = await this.places?.facts(a.id);
      if (!p?.unitPath.startsWith(countyPath(row.unit_path))) return E.unknownAssignee.raise();
      return p.unitPath;
    }
    const u = await this.units.getScopeUnit(a.id);
    // a unit of the hazard's own chain below the county: its town, village, grid or micro-grid
    if (!u || !row.unit_path.startsWith(u.path) || u.level === 'city' || u.level === 'county') {
      return E.unknownAssignee.raise('A unit of the place’s town, village or grid');
    }
    return u.path;
  }

  // ---------------------------------------------------------------- the weekly consolidation (汇总)

  /**
   * The weekly job: every item confirmed before this week began goes on the list of the week it was
   * confirmed in, one list per week, domain and town (the reviewer may have put urgent ones on this
   * week's list at once). Each item's step goes through the machine; the change is two set-based
   * statements per list; each list gets one audit entry and one notice to its town and department.
   */
  async consolidateWeekly(q: Queryable, now: Date): Promise<{ lists: number; hazards: number }> {
    const before = weekStart(now);
    const lists = new Map<string, { batch: string; sample: repo.HazardRow; ids: number[] }>();
    for (;;) {
      const rows = await repo.dueConsolidation(q, before, CONSOLIDATE_BATCH);
      if (rows.length === 0) break;
      const groups = new Map<string, { batch: string; ids: number[] }>();
      for (const r of rows) {
        const batch = weeklyBatch(r.confirmed_at ?? r.updated_at);
        const res = transition(snapshot(r), 'consolidate', { batch }, ['system'], now);
        if (!res.ok) throw new Error(`hazard ${r.id}: ${res.refusal.message}`);
        const key = `${batch}|${r.domain_code}|${r.town_id}`;
        const g = groups.get(key) ?? { batch, ids: [] };
        g.ids.push(r.id);
        groups.set(key, g);
        const l = lists.get(key) ?? { batch, sample: r, ids: [] };
        l.ids.push(r.id);
        lists.set(key, l);
      }
      for (const g of groups.values()) {
        await repo.consolidate(q, g.ids, g.batch, now, {
          by_name: 'system',
          as_role: 'system',
          details: { batch: g.batch },
        });
      }
    }
    let hazards = 0;
    for (const { batch, sample, ids } of lists.values()) {
      hazards += ids.length;
      const domain = await this.domainOf(sample);
      const town = sample.town_id !== null ? await this.units.getScopeUnit(sample.town_id) : null;
      await this.audit.record(q, {
        actor: SYSTEM,
        action: 'hazard.consolidate',
        entityType: 'hazard_list',
        entityId: `${batch}/${sample.domain_code}/${town?.code ?? '-'}`,
        unitId: town?.id ?? null,
        unitPath: town?.path ?? sample.unit_path,
        after: {
          batch,
          domain: sample.domain_code,
          town: town?.code ?? null,
          count: ids.length,
          hazardIds: ids,
        },
      });
      if (this.notifier) {
        await this.notifier.publish(q, {
          kind: 'hazards.consolidated',
          entityType: 'hazard_list',
          entityId: ids[0] as number,
          title: {
            zh: `${batch} ${domain.name.zh}隐患汇总清单：${ids.length} 项，请交办`,
            en: `${batch} ${domain.name.en} hazard list: ${ids.length} item(s) to assign`,
          },
          link: `/hazards?batch=${batch}&domain=${sample.domain_code}${town ? `&town=${town.id}` : ''}`,
          to: this.reviewerRecipients(sample),
          unitPath: town?.path ?? sample.unit_path,
        });
      }
    }
    return { lists: lists.size, hazards };
  }

  // ---------------------------------------------------------------- supervision (督办)

  /**
   * One pass of supervision at `now` through the shared sweep: reminders at REMINDER_SHARE of the time
   * given, then escalation of overdue rectifications tier by tier (1 the town and department, 2 the
   * district safety office, 3 the district leaders), each step on the timeline, audited and told.
   */
  async supervise(q: Queryable, now: Date): Promise<{ reminded: number; escalated: number }> {
    const n = await runSweep(q, now, [
      sweepStep({
        name: 'reminded',
        claim: repo.dueReminders,
        handle: (q, row, now) => this.remind(q, row, now),
      }),
      sweepStep({
        name: 'escalated',
        claim: repo.dueEscalations,
        handle: (q, row, now) => this.escalate(q, row, now),
      }),
    ]);
    return { reminded: n.reminded ?? 0, escalated: n.escalated ?? 0 };
  }

  private async remind(q: Queryable, row: repo.HazardRow, now: Date): Promise<boolean> {
    const updated = await repo.updateHazard(q, row.id, row.version, { remind_at: null, updated_at: now });
    if (!updated) return false;
    await repo.appendTimeline(q, {
      hazard_id: row.id,
      county_code: row.county_code,
      at: now,
      kind: 'remind',
      from_state: null,
      to_state: null,
      by_name: 'system',
      as_role: 'system',
      details: { dueAt: iso(row.due_at) },
    });
    await this.notify(
      q,
      row,
      'hazards.reminder',
      {
        zh: `隐患 ${row.tracking_no} 整改期限 ${fmtLocal(row.due_at)}，请按期整改`,
        en: `Hazard ${row.tracking_no} must be rectified by ${fmtLocal(row.due_at)}`,
      },
      await this.assigneeRecipients(row),
    );
    return true;
  }

  private async escalate(q: Queryable, row: repo.HazardRow, now: Date): Promise<boolean> {
    const r = transition(snapshot(row), 'supervise', {}, ['system'], now);
    if (!r.ok) {
      // woken too early or at the top already: set the next wake-up and leave it
      const next = row.due_at
        ? nextEscalationAt(row.assigned_at ?? row.due_at, row.due_at, row.escalation)
        : null;
      await repo.updateHazard(q, row.id, row.version, { next_escalation_at: next });
      return false;
    }
    const patch = this.patchFor(row, 'supervise', r.changes, now);
    const updated = await repo.updateHazard(q, row.id, row.version, patch);
    if (!updated) return false;
    await repo.appendTimeline(q, {
      hazard_id: row.id,
      county_code: row.county_code,
      at: now,
      kind: 'supervise',
      from_state: row.state,
      to_state: row.state,
      by_name: 'system',
      as_role: 'system',
      details: await this.details(r.entry),
    });
    await this.audit.record(q, {
      actor: SYSTEM,
      action: 'hazard.supervise',
      entityType: 'hazard',
      entityId: row.id,
      unitId: row.unit_id,
      unitPath: row.unit_path,
      before: { escalation: row.escalation, version: row.version },
      after: { escalation: updated.escalation, version: updated.version },
    });
    await this.notifyEscalation(q, updated);
    return true;
  }

  // ---------------------------------------------------------------- metrics

  /** Close-out metrics per unit and domain for a period, within the viewer's scope. */
  async metrics(actor: Actor, query: MetricsQuery): Promise<MetricsResult> {
    if (!hazardPolicy.overview(actor) || actor.kind === 'anonymous') return this.deny(actor);
    const scope = actor.scope.unit;
    if (!scope) return this.deny(actor);
    let within = scope.path === '/' ? null : scope;
    if (query.within !== undefined) {
      const u = await this.units.getScopeUnit(query.within);
      if (!u) return HttpErrors.notFound.raise('No such unit');
      if (!u.path.startsWith(scope.path)) this.deny(actor);
      within = u;
    }
    if (!within) {
      const [county] = await this.units.unitsAt('county', '/');
      if (!county) return HttpErrors.notFound.raise('No county yet');
      within = county;
    }
    return this.metricsFor(within.path, query);
  }

  /**
   * The metrics without a permission check, for other services (the safety index's collect step): per
   * unit at `level` within the subtree (units without hazards listed with zeros, rates null), found,
   * closed out, and the close-out terms of domain/deadlines.ts closeoutMetrics, in total and per domain.
   * One set-based statement.
   */
  async metricsFor(
    withinPath: string,
    query: { from: string; to: string; level: 'town' | 'village' | 'grid'; domain?: string | undefined },
  ): Promise<MetricsResult> {
    const from = localMidnight(query.from);
    const to = new Date(localMidnight(query.to).getTime() + DAY);
    if (!(to > from)) HttpErrors.validationFailed.raise('to must not be before from');
    const depth = { town: 3, village: 4, grid: 5 }[query.level];
    const [rows, units] = await Promise.all([
      repo.metrics(this.db, withinPath, depth, from, to, query.domain ?? null),
      this.units.unitsAt(query.level, withinPath),
    ]);
    // one grouping (unit, domain) in SQL; each unit's total is the sum of its domains' counts (all
    // counts are additive), which costs the database one sort less than GROUPING SETS (bench/hazards)
    const sums = new Map<string, repo.MetricsRow>();
    const byDomain = new Map<string, Record<string, MetricsCounts>>();
    for (const r of rows) {
      const m = byDomain.get(r.code) ?? {};
      m[r.domain_code ?? ''] = countsOf(r);
      byDomain.set(r.code, m);
      const t = sums.get(r.code) ?? {
        code: r.code,
        domain_code: null,
        found: 0,
        closed_out: 0,
        due: 0,
        due_closed_out: 0,
        closed_on_time: 0,
      };
      t.found += r.found;
      t.closed_out += r.closed_out;
      t.due += r.due;
      t.due_closed_out += r.due_closed_out;
      t.closed_on_time += r.closed_on_time;
      sums.set(r.code, t);
    }
    const totals = new Map([...sums].map(([k, v]) => [k, countsOf(v)]));
    return {
      from: query.from,
      to: query.to,
      level: query.level,
      items: units.map((u) => ({
        unit: { id: u.id, code: u.code, name: u.name, level: u.level },
        ...(totals.get(u.code) ?? countsOf(null)),
        byDomain: byDomain.get(u.code) ?? {},
      })),
    };
  }

  // ---------------------------------------------------------------- helpers

  private deny(actor: Actor): never {
    if (actor.kind === 'anonymous') HttpErrors.unauthenticated.raise();
    return HttpErrors.forbidden.raise('The hazard lies outside your scope');
  }

  private byName(actor: Actor, as?: HazardRole): string {
    if (as === 'system' || isSystemActor(actor)) return 'system';
    return actor.kind === 'user' ? actor.displayName : actorName(actor);
  }

  private domainOf(row: Pick<repo.HazardRow, 'domain_id' | 'domain_version'>): Promise<DomainDto> {
    const key = `${row.domain_id}:${row.domain_version}`;
    let d = this.domainCache.get(key);
    if (!d) {
      // versions are immutable: one read per version for the life of the process
      d = this.taxonomy.atVersion(row.domain_id, row.domain_version).then((found) => {
        if (!found) throw new Error(`hazard domain ${key} is missing`);
        return found;
      });
      d.catch(() => this.domainCache.delete(key));
      this.domainCache.set(key, d);
    }
    return d;
  }

  private async partyRef(kind: repo.AssigneeKind | null, id: number | null): Promise<PartyRef | null> {
    if (!kind || id === null) return null;
    if (kind === 'department') {
      const d = await this.units.getScopeDepartment(id);
      return { kind, id, name: d?.name ?? `#${id}` };
    }
    if (kind === 'place') {
      const p = await this.places?.facts(id);
      return { kind, id, name: p?.name ?? `#${id}` };
    }
    const u = await this.units.getScopeUnit(id);
    return { kind, id, name: u?.name ?? `#${id}` };
  }

  private async routeRef(townId: number | null, departmentId: number | null) {
    const town = townId !== null ? await this.units.getScopeUnit(townId) : null;
    const d = departmentId !== null ? await this.units.getScopeDepartment(departmentId) : null;
    return {
      town: town ? { id: town.id, code: town.code, name: town.name, level: town.level } : null,
      department: d ? { id: d.id, code: d.code, name: d.name } : null,
    };
  }

  /** A timeline step's details from the machine's entry, with names resolved for reading later. */
  private async details(entry: TimelineEntry): Promise<Record<string, unknown>> {
    const d: Record<string, unknown> = {};
    if (entry.reason) d.reason = entry.reason;
    if (entry.note) d.note = entry.note;
    if (entry.route) d.route = await this.routeRef(entry.route.townId, entry.route.departmentId);
    if (entry.previousRoute)
      d.previousRoute = await this.routeRef(entry.previousRoute.townId, entry.previousRoute.departmentId);
    if (entry.targetHazardId !== undefined) d.targetHazardId = entry.targetHazardId;
    if (entry.batch) d.batch = entry.batch;
    if (entry.assignee) d.assignee = await this.partyRef(entry.assignee.kind, entry.assignee.id);
    if (entry.previousAssignee)
      d.previousAssignee = await this.partyRef(entry.previousAssignee.kind, entry.previousAssignee.id);
    if (entry.deadline) d.deadline = entry.deadline.toISOString();
    if (entry.previousDeadline) d.previousDeadline = entry.previousDeadline.toISOString();
    if (entry.evidence) d.evidence = entry.evidence;
    if (entry.severity) d.severity = entry.severity;
    if (entry.previousSeverity) d.previousSeverity = entry.previousSeverity;
    if (entry.escalation !== undefined) d.escalation = entry.escalation;
    return d;
  }

  // ---- recipients and notices

  private reviewerRecipients(row: repo.HazardRow): Recipients {
    return {
      unitIds: row.town_id !== null ? [row.town_id] : [],
      departmentIds: row.department_id !== null ? [row.department_id] : [],
    };
  }

  /** The rectifier: the unit, the department, or for a place the grid and micro-grid it lies in. */
  private async assigneeRecipients(row: repo.HazardRow): Promise<Recipients> {
    if (row.assignee_kind === 'unit' && row.assignee_id !== null) return { unitIds: [row.assignee_id] };
    if (row.assignee_kind === 'department' && row.assignee_id !== null)
      return { departmentIds: [row.assignee_id] };
    if (row.assignee_kind === 'place' && row.assignee_path) {
      const codes = row.assignee_path.split('/').filter(Boolean).slice(4);
      const refs = await this.units.refsByCodes(codes);
      return { unitIds: [...refs.values()].map((u) => u.id) };
    }
    return {};
  }

  private async countyUnit(row: repo.HazardRow): Promise<ScopeUnit | undefined> {
    const code = row.unit_path.split('/').filter(Boolean)[1];
    return code ? (await this.units.refsByCodes([code])).get(code) : undefined;
  }

  private async notify(
    q: Queryable,
    row: repo.HazardRow,
    kind: string,
    title: { zh: string; en: string },
    to: Recipients,
    external = false,
  ): Promise<void> {
    if (!this.notifier) return;
    await this.notifier.publish(q, {
      kind,
      entityType: 'hazard',
      entityId: row.id,
      title,
      link: `/hazards/${row.id}`,
      to,
      unitPath: row.unit_path,
      external,
    });
  }

  private async notifyEscalation(q: Queryable, row: repo.HazardRow): Promise<void> {
    if (!this.notifier) return;
    const to = await this.assigneeRecipients(row);
    const reviewers = this.reviewerRecipients(row);
    const county = row.escalation >= 2 ? await this.countyUnit(row) : undefined;
    const who =
      row.escalation >= 3
        ? ['区领导', 'district leaders']
        : row.escalation === 2
          ? ['区平安办', 'the district safety office']
          : ['属地和行业部门', 'the town and the department'];
    await this.notify(
      q,
      row,
      'hazards.escalated',
      {
        zh: `隐患 ${row.tracking_no} 整改超期，已提级至${who[0]}督办（${row.escalation} 级）`,
        en: `Hazard ${row.tracking_no} is overdue: escalated to ${who[1]} (tier ${row.escalation})`,
      },
      {
        unitIds: [
          ...new Set([...(to.unitIds ?? []), ...(reviewers.unitIds ?? []), ...(county ? [county.id] : [])]),
        ],
        departmentIds: [...new Set([...(to.departmentIds ?? []), ...(reviewers.departmentIds ?? [])])],
      },
      true,
    );
  }

  private async notifyTransition(
    q: Queryable,
    row: repo.HazardRow,
    before: repo.HazardRow,
    action: HazardAction,
  ): Promise<void> {
    if (!this.notifier) return;
    const no = row.tracking_no;
    const reporter = row.reporter_account_id !== null ? { accountIds: [row.reporter_account_id] } : null;
    switch (action) {
      case 'triage':
        return this.notify(
          q,
          row,
          'hazards.triaged',
          { zh: `隐患 ${no} 已分流，请审核`, en: `Hazard ${no} was triaged to you: review it` },
          this.reviewerRecipients(row),
        );
      case 'reject':
      case 'merge':
        if (!reporter) return;
        return this.notify(
          q,
          row,
          `hazards.${action === 'reject' ? 'rejected' : 'merged'}`,
          action === 'reject'
            ? { zh: `隐患 ${no} 审核未通过`, en: `Hazard ${no} was not confirmed` }
            : { zh: `隐患 ${no} 已与相同隐患合并`, en: `Hazard ${no} was merged with the same hazard` },
          reporter,
        );
      case 'assign':
      case 'reassign': {
        const who = await this.partyRef(row.assignee_kind, row.assignee_id);
        return this.notify(
          q,
          row,
          'hazards.assigned',
          {
            zh: `隐患 ${no} 已交办给 ${who?.name ?? ''}，请于 ${fmtLocal(row.due_at)} 前整改`,
            en: `Hazard ${no} was assigned to ${who?.name ?? ''}: rectify it by ${fmtLocal(row.due_at)}`,
          },
          await this.assigneeRecipients(row),
          true,
        );
      }
      case 'extend_deadline':
      case 'verify_fail':
        return this.notify(
          q,
          row,
          action === 'verify_fail' ? 'hazards.verify_failed' : 'hazards.deadline_extended',
          action === 'verify_fail'
            ? {
                zh: `隐患 ${no} 验收未通过，请继续整改`,
                en: `Hazard ${no} failed verification: keep rectifying`,
              }
            : {
                zh: `隐患 ${no} 整改期限延至 ${fmtLocal(row.due_at)}`,
                en: `Hazard ${no}: deadline extended to ${fmtLocal(row.due_at)}`,
              },
          await this.assigneeRecipients(row),
          action === 'verify_fail',
        );
      case 'return':
        return this.notify(
          q,
          row,
          'hazards.returned',
          { zh: `隐患 ${no} 被退回，待重新交办`, en: `Hazard ${no} was returned: assign it again` },
          this.reviewerRecipients(row),
        );
      case 'submit':
        return this.notify(
          q,
          row,
          'hazards.submitted',
          {
            zh: `隐患 ${no} 已提交整改材料，请验收`,
            en: `Hazard ${no}: rectification evidence awaits verification`,
          },
          this.reviewerRecipients(row),
        );
      case 'verify_pass': {
        const to = await this.assigneeRecipients(before);
        return this.notify(
          q,
          row,
          'hazards.closed_out',
          { zh: `隐患 ${no} 已验收销号`, en: `Hazard ${no} was verified and closed out` },
          { ...to, accountIds: reporter?.accountIds ?? [] },
        );
      }
      case 'supervise':
        return this.notifyEscalation(q, row);
      default:
        return;
    }
  }

  // ---- presenting

  private async presentMany(q: Queryable, actor: Actor, rows: repo.HazardRow[]): Promise<HazardDto[]> {
    const codes = [...new Set(rows.flatMap((r) => r.unit_path.split('/').filter(Boolean)))];
    const refs = await this.units.refsByCodes(codes);
    const merged = await repo.trackingNos(
      q,
      rows.flatMap((r) => (r.merged_into !== null ? [r.merged_into] : [])),
    );
    const mergedNos = new Map(merged.map((m) => [m.id, m.tracking_no]));
    const placeIds = rows.flatMap((r) => (r.place_id !== null ? [r.place_id] : []));
    const places = (await this.places?.factsMany(placeIds)) ?? new Map<number, PlaceRef>();
    const out: HazardDto[] = [];
    for (const r of rows) out.push(await this.present(actor, r, refs, mergedNos, places));
    return out;
  }

  private async detail(q: Queryable, actor: Actor, row: repo.HazardRow): Promise<HazardDetail> {
    const [dto] = await this.presentMany(q, actor, [row]);
    const tl = await repo.timeline(q, row.id);
    return {
      ...(dto as HazardDto),
      media: await this.media.listForOwner(q, 'hazard', row.id),
      timeline: tl.map(
        (t): TimelineItem => ({
          seq: t.seq,
          at: t.at.toISOString(),
          kind: t.kind as TimelineItem['kind'],
          from: t.from_state,
          to: t.to_state,
          by: t.by_name,
          as: t.as_role as TimelineItem['as'],
          details: t.details,
        }),
      ),
    };
  }

  private async present(
    actor: Actor,
    r: repo.HazardRow,
    refs: Map<string, ScopeUnit>,
    mergedNos: Map<number, string>,
    places: ReadonlyMap<number, PlaceRef>,
  ): Promise<HazardDto> {
    const now = this.clock.now();
    const domain = await this.domainOf(r);
    const aspect = domain.aspects.find((a) => a.code === r.aspect_code);
    const roles = hazardPolicy.roles(actor, factsOf(r));
    const place = r.place_id !== null ? (places.get(r.place_id) ?? null) : null;
    return {
      id: r.id,
      trackingNo: r.tracking_no,
      state: r.state,
      version: r.version,
      severity: r.severity,
      domain: { code: r.domain_code, version: r.domain_version, name: domain.name },
      aspect: { code: r.aspect_code, name: aspect?.name ?? { zh: r.aspect_code, en: r.aspect_code } },
      description: r.description,
      ruleBroken: r.rule_broken,
      source: r.source,
      location: { lng: r.lng, lat: r.lat },
      address: r.address,
      units: r.unit_path
        .split('/')
        .filter(Boolean)
        .flatMap((c) => {
          const u = refs.get(c);
          return u && u.level !== 'city' && u.level !== 'county'
            ? [{ id: u.id, code: u.code, name: u.name, level: u.level }]
            : [];
        }),
      place: r.place_id !== null ? { id: r.place_id, name: place?.name ?? `#${r.place_id}` } : null,
      suggestion: await this.routeRef(r.suggested_town_id, r.suggested_department_id),
      route: r.town_id !== null ? await this.routeRef(r.town_id, r.department_id) : null,
      batch: r.batch,
      assignee: await this.partyRef(r.assignee_kind, r.assignee_id),
      assignedAt: iso(r.assigned_at),
      dueAt: iso(r.due_at),
      overdue: isOverdueRow(r, now),
      escalation: r.escalation,
      closedOutAt: iso(r.closed_out_at),
      mergedInto:
        r.merged_into !== null ? { id: r.merged_into, trackingNo: mergedNos.get(r.merged_into) ?? '' } : null,
      listed: r.listed,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      actions: isTerminal(r.state) ? [] : availableActions(snapshot(r), roles, now),
      roles,
    };
  }
}

/** The local (Asia/Shanghai) date YYYY-MM-DD of an instant. */
function localDate(d: Date): string {
  return new Date(d.getTime() + CHINA_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
}

const codesOfPath = (path: string) => path.split('/').filter(Boolean);

/** Largest import file (bytes) and most rows: a year's list of a district (Rui'an: 43,000) in a few files. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 20_000;
/** Rows per statement of the import, and per query of the streamed export. */
const IMPORT_BATCH = 500;
const EXPORT_BATCH = 1000;
const IMPORT_READER: ReaderOptions = { errors: IE, maxBytes: MAX_IMPORT_BYTES };

/** The export's columns: the import's headings first (an export can be read back by the import). */
export const EXPORT_HEADER = [
  IMPORT_COLUMNS.tracking_no[0],
  IMPORT_COLUMNS.domain[0],
  IMPORT_COLUMNS.aspect[0],
  IMPORT_COLUMNS.severity[0],
  IMPORT_COLUMNS.description[0],
  IMPORT_COLUMNS.rule_broken[0],
  IMPORT_COLUMNS.source[0],
  IMPORT_COLUMNS.lng[0],
  IMPORT_COLUMNS.lat[0],
  IMPORT_COLUMNS.address[0],
  IMPORT_COLUMNS.place[0],
  IMPORT_COLUMNS.found_on[0],
  IMPORT_COLUMNS.closed_on[0],
  '状态',
  '领域名称',
  '类别名称',
  '所在单位',
  '所在单位名称',
  '分流镇街',
  '责任部门编号',
  '整改期限',
  '挂牌',
  '版本',
  '更新时间',
];

function localDay(d: Date): string {
  return new Date(d.getTime() + CHINA_UTC_OFFSET_MINUTES * 60_000)
    .toISOString()
    .slice(0, 10)
    .replaceAll('-', '');
}

/** A deadline input: an ISO time, or a local date meaning the end of that day. */
function parseDeadline(s: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(localMidnight(s).getTime() + DAY) : new Date(s);
}

function countsOf(r: repo.MetricsRow | null): MetricsCounts {
  const due = r?.due ?? 0;
  const rate = (n: number) => (due > 0 ? Math.round((n / due) * 10000) / 10000 : null);
  return {
    found: r?.found ?? 0,
    closedOut: r?.closed_out ?? 0,
    due,
    dueClosedOut: r?.due_closed_out ?? 0,
    closedOnTime: r?.closed_on_time ?? 0,
    overdueOpen: due - (r?.due_closed_out ?? 0),
    closeoutRate: rate(r?.due_closed_out ?? 0),
    onTimeRate: rate(r?.closed_on_time ?? 0),
  };
}

/** The fields of an audit entry that say what a step changed (no personal data). */
function auditFields(
  row: repo.HazardRow,
  p: repo.HazardPatch,
  side: 'before' | 'after',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const pick = <K extends keyof repo.HazardPatch>(k: K, name: string) => {
    if (p[k] === undefined) return;
    const v = side === 'before' ? row[k as keyof repo.HazardRow] : p[k];
    out[name] = v instanceof Date ? v.toISOString() : v;
  };
  pick('town_id', 'townId');
  pick('department_id', 'departmentId');
  pick('severity', 'severity');
  pick('merged_into', 'mergedInto');
  pick('batch', 'batch');
  pick('assignee_kind', 'assigneeKind');
  pick('assignee_id', 'assigneeId');
  pick('due_at', 'dueAt');
  pick('escalation', 'escalation');
  return out;
}
