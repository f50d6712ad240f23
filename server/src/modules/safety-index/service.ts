// The safety index: schemes (versioned), external values, and the monthly run — collect (snapshot every
// input with its source, list what is missing, flag anomalies) → compute (the pure engine) → confirm
// (corrections with a written reason, the original kept, recomputed) → publish (immutable, public) — then
// the accountability ladder. The engine (engine/) does the arithmetic; this file does the I/O and rules.
import type { Clock } from '../../clock.js';
import type { Db, Queryable } from '../../db/index.js';
import { HttpErrors } from '../../http/errors.js';
import type { Page } from '../../http/pagination.js';
import type { JobQueue, Schedules } from '../../jobs/index.js';
import { type Actor, actorName, type ScopeUnit, SYSTEM } from '../access/actor.js';
import type { AuditService } from '../access/audit.js';
import { hasRole, unitInScope } from '../access/policy-kit.js';
import type { EventsService } from '../events/service.js';
import type { UnitsService } from '../units/service.js';
import { DEFAULT_SCHEME } from './domain/default-scheme.js';
import { ANSWER_DAYS, type LadderAction, ladderAction } from './domain/ladder.js';
import {
  type Color,
  colorsOf,
  DIMENSIONS,
  PERIOD_RE,
  periodDays,
  previousPeriod,
  type SchemeBody,
  schemeBodySchema,
  toMeta,
} from './domain/scheme.js';
import {
  computeIndex,
  contributions,
  EngineInputError,
  type IndexResult,
  type Matrix,
} from './engine/index.js';
import { IndexErrors as E } from './errors.js';
import { type AnalysisReport, analyse, type ReportInput } from './report/analysis.js';
import * as repo from './repository.js';

export const DEFAULT_SCHEME_CODE = 'default';
/** A unit is flagged when more than this share of at least SELF_CLOSED_MIN reports were staff-filed and closed within minutes. */
const SELF_CLOSED_SHARE = 0.5;
const SELF_CLOSED_MIN = 5;
/** Published periods an input is compared with for the anomaly flags. */
const HISTORY_PERIODS = 6;

export interface SchemeDto {
  code: string;
  version: number;
  currentVersion: number;
  body: SchemeBody;
  createdAt: string;
  createdBy: string;
}

export interface RunDto {
  id: number;
  period: string;
  level: 'town' | 'village';
  scheme: { code: string; version: number };
  state: repo.RunRow['state'];
  version: number;
  within: { id: number; name: string };
  missing: repo.RunRow['missing'];
  warnings: repo.RunRow['warnings'];
  anomalies: repo.RunRow['anomalies'];
  createdAt: string;
  createdBy: string;
  computedAt: string | null;
  confirmedAt: string | null;
  publishedAt: string | null;
  results: ResultDto[];
  corrections: {
    unitId: number;
    indicator: string;
    original: number | null;
    value: number | null;
    reason: string;
    by: string;
    at: string;
  }[];
}

export interface ResultDto {
  unitId: number;
  code: string;
  name: string;
  score: number | null;
  rank: number | null;
  color: Color | null;
  change: number | null;
  dimensions: Record<string, number | null>;
}

export interface UnitExplanation {
  runId: number;
  period: string;
  unit: { id: number; code: string; name: string };
  score: number | null;
  rank: number | null;
  of: number;
  color: Color | null;
  dimensions: Record<string, number | null>;
  indicators: {
    code: string;
    name: { zh: string; en: string };
    dimension: string;
    input: number | null;
    source: string;
    normalised: number | null;
    contribution: number;
    corrected: boolean;
  }[];
  trend: { period: string; score: number | null; rank: number | null; color: string | null }[];
  accountability: ItemDto[];
}

export interface ItemDto {
  id: number;
  unitId: number;
  action: string;
  period: string;
  state: string;
  version: number;
  dueAt: string;
  answer: string | null;
  answeredAt: string | null;
  acceptedAt: string | null;
  createdAt: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const round = (x: number | null, d = 4) =>
  x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d;

export const indexPolicy = {
  manage: (a: Actor) => hasRole(a, 'safety_office', 'admin'),
  view: (a: Actor) =>
    hasRole(a, 'safety_office', 'admin', 'leader', 'dispatcher', 'town_staff', 'village_staff'),
};

export class SafetyIndexService {
  private publicCache = new Map<string, { at: number; value: unknown }>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly units: UnitsService,
    private readonly events: EventsService,
    private readonly clock: Clock,
  ) {}

  registerJobs(queue: JobQueue, schedules: Schedules): void {
    // on the 3rd of each month at 02:00 the run of the month before is collected and computed for review
    queue.register<{ occurrence?: string }>('safety-index.monthly', async (p) => {
      const at = p.occurrence ? new Date(p.occurrence) : this.clock.now();
      const period = previousPeriod(new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 7));
      for (const level of ['town', 'village'] as const) {
        try {
          await this.startRun(SYSTEM, { period, level });
        } catch (e) {
          // no county or no scheme yet: nothing to run
          if (!(e instanceof Error && /no_(county|scheme)/.test(String((e as { code?: string }).code))))
            throw e;
        }
      }
    });
    schedules.define({ name: 'safety-index.monthly', cron: '0 2 3 * *', kind: 'safety-index.monthly' });
    queue.register('safety-index.overdue', async (_p, ctx) => {
      await repo.markOverdueItems(ctx.q, ctx.now);
    });
    schedules.define({ name: 'safety-index.overdue', cron: '30 1 * * *', kind: 'safety-index.overdue' });
  }

  // ------------------------------------------------------------ schemes

  async listSchemes(actor: Actor): Promise<SchemeDto[]> {
    if (!indexPolicy.view(actor)) this.deny(actor);
    return (await repo.listSchemes(this.db)).map(schemeDto);
  }

  async getScheme(actor: Actor, code: string, version?: number): Promise<SchemeDto> {
    if (!indexPolicy.view(actor)) this.deny(actor);
    const row = await repo.schemeByCode(this.db, code, version);
    return row ? schemeDto(row) : E.schemeNotFound.raise();
  }

  /** Creates a scheme (version 1) or writes the next version of it; `version` is the one read (409 if stale). */
  async saveScheme(actor: Actor, code: string, body: unknown, version: number | null): Promise<SchemeDto> {
    if (!indexPolicy.manage(actor)) this.deny(actor);
    const parsed = schemeBodySchema.safeParse(body);
    if (!parsed.success) {
      return E.invalidScheme.raise(
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        {
          issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
      );
    }
    this.checkComputes(parsed.data);
    const now = this.clock.now();
    return this.db.tx(async (q) => {
      const existing = await repo.schemeByCode(q, code);
      let id: number;
      let next: number;
      if (!existing) {
        if (version !== null) return E.schemeNotFound.raise();
        id = await repo.insertScheme(q, code, now);
        next = 1;
      } else {
        if (version === null) return E.schemeExists.raise();
        if (!(await repo.bumpScheme(q, existing.id, version))) return E.schemeVersionConflict.raise();
        id = existing.id;
        next = version + 1;
      }
      await repo.insertSchemeVersion(q, id, next, parsed.data, now, actorName(actor));
      await this.audit.record(q, {
        actor,
        action: next === 1 ? 'safety_index.scheme.create' : 'safety_index.scheme.update',
        entityType: 'index_scheme',
        entityId: id,
        after: { code, version: next },
      });
      return schemeDto((await repo.schemeByCode(q, code, next))!);
    });
  }

  /** Seeds the default scheme when there is none. */
  async seedDefaultScheme(): Promise<SchemeDto | null> {
    if (await repo.schemeByCode(this.db, DEFAULT_SCHEME_CODE)) return null;
    return this.saveScheme(SYSTEM, DEFAULT_SCHEME_CODE, DEFAULT_SCHEME, null);
  }

  /** Computes a scheme on a period's data without saving anything (the editor's preview). */
  async preview(
    actor: Actor,
    body: unknown,
    opts: { period?: string | undefined; level: 'town' | 'village' },
  ): Promise<{
    period: string;
    results: ResultDto[];
    warnings: { code: string; message: string }[];
    missing: number;
  }> {
    if (!indexPolicy.manage(actor)) this.deny(actor);
    const parsed = schemeBodySchema.safeParse(body);
    if (!parsed.success) {
      return E.invalidScheme.raise(
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    }
    const period = opts.period ?? previousPeriod(this.localMonth());
    const county = await this.county(actor);
    const collected = await this.collect(parsed.data, period, opts.level, county);
    const computed = this.compute(parsed.data, collected.units, collected.values);
    return {
      period,
      results: collected.units.map((u, i) => ({
        unitId: u.id,
        code: u.code,
        name: u.name,
        score: computed.scores[i] ?? null,
        rank: computed.ranks[i] ?? null,
        color: computed.colors[i] ?? null,
        change: null,
        dimensions: computed.dimensions[i] ?? {},
      })),
      warnings: computed.warnings,
      missing: collected.missing.length,
    };
  }

  // ------------------------------------------------------------ external values

  /**
   * Imports external values for a period, all or nothing: every row names a unit (by code, within the
   * actor's scope), an indicator code and a finite value. Returns how many were written.
   */
  async importExternal(
    actor: Actor,
    period: string,
    rows: { unitCode: string; indicator: string; value: number; source: string }[],
  ): Promise<{ imported: number }> {
    if (!indexPolicy.manage(actor)) this.deny(actor);
    if (!PERIOD_RE.test(period)) return HttpErrors.validationFailed.raise('period must be YYYY-MM');
    const refs = await this.units.refsByCodes(rows.map((r) => r.unitCode));
    const problems: { row: number; message: string }[] = [];
    const out: Parameters<typeof repo.upsertExternal>[1] = [];
    for (const [i, r] of rows.entries()) {
      const u = refs.get(r.unitCode);
      if (!u) problems.push({ row: i + 1, message: `unknown unit ${r.unitCode}` });
      else if (!unitInScope(actor, u.path))
        problems.push({ row: i + 1, message: `unit ${r.unitCode} is outside your scope` });
      else if (!/^[a-z][a-z0-9_]{0,39}$/.test(r.indicator))
        problems.push({ row: i + 1, message: `bad indicator code ${r.indicator}` });
      else if (!Number.isFinite(r.value)) problems.push({ row: i + 1, message: 'the value is not a number' });
      else
        out.push({
          county_code: u.path.split('/').filter(Boolean)[1] ?? u.code,
          period,
          unit_id: u.id,
          indicator: r.indicator,
          value: r.value,
          source: r.source,
        });
    }
    if (problems.length)
      return E.invalidExternal.raise(`${problems.length} rows cannot be imported`, { problems });
    await this.db.tx(async (q) => {
      await repo.upsertExternal(q, out, this.clock.now(), actorName(actor));
      await this.audit.record(q, {
        actor,
        action: 'safety_index.external.import',
        entityType: 'index_external_value',
        entityId: null,
        after: { period, rows: out.length, indicators: [...new Set(out.map((r) => r.indicator))] },
      });
    });
    return { imported: out.length };
  }

  // ------------------------------------------------------------ runs

  async listRuns(
    actor: Actor,
    page: { page: number; pageSize: number },
  ): Promise<Page<Omit<RunDto, 'results' | 'corrections'>>> {
    if (!indexPolicy.view(actor)) this.deny(actor);
    const [rows, total] = await Promise.all([
      repo.listRuns(this.db, page.pageSize, (page.page - 1) * page.pageSize),
      repo.countRuns(this.db),
    ]);
    const items = [];
    for (const r of rows) {
      const { results: _r, corrections: _c, ...rest } = await this.runDto(r, false);
      items.push(rest);
    }
    return { items, total, page: page.page, pageSize: page.pageSize };
  }

  async getRun(actor: Actor, id: number): Promise<RunDto> {
    if (!indexPolicy.view(actor)) this.deny(actor);
    const row = await repo.getRun(this.db, id);
    if (!row) return E.runNotFound.raise();
    return this.runDto(row, true);
  }

  /** Starts a run: collect and compute, ready for review (state computed). */
  async startRun(
    actor: Actor,
    opts: { period: string; level: 'town' | 'village'; scheme?: string | undefined },
  ): Promise<RunDto> {
    if (!indexPolicy.manage(actor)) this.deny(actor);
    if (!PERIOD_RE.test(opts.period)) return HttpErrors.validationFailed.raise('period must be YYYY-MM');
    if (opts.period >= this.localMonth()) return E.periodNotOver.raise(`${opts.period} is not over yet`);
    const scheme = await repo.schemeByCode(this.db, opts.scheme ?? DEFAULT_SCHEME_CODE);
    if (!scheme) return E.noScheme.raise();
    const body = schemeBodySchema.parse(scheme.body);
    const county = await this.county(actor);
    const collected = await this.collect(body, opts.period, opts.level, county);
    const anomalies = [
      ...collected.flags,
      ...(await this.anomalies(opts.level, opts.period, collected.values)),
    ];
    const now = this.clock.now();
    const id = await this.db.tx(async (q) => {
      const run = await repo.insertRun(q, {
        county_code: county.code,
        period: opts.period,
        scheme_id: scheme.id,
        scheme_version: scheme.version,
        level: opts.level,
        within_unit_id: county.id,
        created_at: now,
        created_by: actorName(actor),
      });
      await repo.insertInputs(q, run.id, collected.values);
      const updated = await repo.updateRun(q, run.id, run.version, { missing: collected.missing, anomalies });
      await this.computeRun(q, updated!, body);
      await this.audit.record(q, {
        actor,
        action: 'safety_index.run.start',
        entityType: 'index_run',
        entityId: run.id,
        unitId: county.id,
        after: { period: opts.period, level: opts.level, scheme: `${scheme.code}@${scheme.version}` },
      });
      return run.id;
    });
    return this.getRun(actor, id);
  }

  /** Corrects one input with a written reason (the original is kept) and recomputes. */
  async correctInput(
    actor: Actor,
    runId: number,
    body: { unitId: number; indicator: string; value: number | null; reason: string; version: number },
  ): Promise<RunDto> {
    if (!indexPolicy.manage(actor)) this.deny(actor);
    if (!body.reason.trim()) return E.reasonRequired.raise();
    await this.db.tx(async (q) => {
      const run = await this.lockRun(q, runId, body.version);
      if (run.state !== 'computed') return E.runNotEditable.raise(`The run is ${run.state}`);
      const before = (await repo.inputs(q, runId)).find(
        (i) => i.unit_id === body.unitId && i.indicator === body.indicator,
      );
      const changed = await repo.correctInput(
        q,
        runId,
        body.unitId,
        body.indicator,
        body.value,
        body.reason.trim(),
        actorName(actor),
        this.clock.now(),
      );
      if (!changed) return E.inputNotFound.raise();
      const scheme = await repo.schemeById(q, run.scheme_id, run.scheme_version);
      const bumped = await repo.updateRun(q, run.id, run.version, {});
      await this.computeRun(q, bumped!, schemeBodySchema.parse(scheme!.body));
      await this.audit.record(q, {
        actor,
        action: 'safety_index.input.correct',
        entityType: 'index_run',
        entityId: runId,
        unitId: body.unitId,
        before: {
          indicator: body.indicator,
          value: before?.value ?? null,
          original: before?.original_value ?? null,
        },
        after: { indicator: body.indicator, value: body.value, reason: body.reason.trim() },
      });
    });
    return this.getRun(actor, runId);
  }

  async confirm(actor: Actor, runId: number, version: number): Promise<RunDto> {
    return this.advance(actor, runId, version, 'computed', 'confirmed');
  }

  /** Publishes a confirmed run: immutable from then on, public, and the accountability ladder follows. */
  async publish(actor: Actor, runId: number, version: number): Promise<RunDto> {
    const dto = await this.advance(actor, runId, version, 'confirmed', 'published');
    this.publicCache.clear();
    return dto;
  }

  private async advance(
    actor: Actor,
    runId: number,
    version: number,
    from: repo.RunRow['state'],
    to: 'confirmed' | 'published',
  ): Promise<RunDto> {
    if (!indexPolicy.manage(actor)) this.deny(actor);
    const now = this.clock.now();
    await this.db.tx(async (q) => {
      const run = await this.lockRun(q, runId, version);
      if (run.state !== from)
        return E.runNotEditable.raise(`Only a ${from} run can be ${to}; this one is ${run.state}`);
      if (to === 'published') {
        const other = await repo.publishedRun(q, run.period, run.level);
        if (other) return E.alreadyPublished.raise(`Run ${other.id} is published for ${run.period}`);
      }
      await repo.updateRun(
        q,
        run.id,
        run.version,
        to === 'confirmed' ? { state: to, confirmed_at: now } : { state: to, published_at: now },
      );
      await this.audit.record(q, {
        actor,
        action: `safety_index.run.${to === 'confirmed' ? 'confirm' : 'publish'}`,
        entityType: 'index_run',
        entityId: run.id,
        before: { state: run.state },
        after: { state: to },
      });
      if (to === 'published') await this.applyLadder(q, run, now);
    });
    return this.getRun(actor, runId);
  }

  /** The accountability items the published run triggers, one per unit at most. */
  private async applyLadder(q: Queryable, run: repo.RunRow, now: Date): Promise<void> {
    for (const r of await repo.results(q, run.id)) {
      // consecutive months ending with this run's (a month without a published run breaks a streak)
      const byPeriod = new Map(
        (await repo.unitHistory(q, r.unit_id, run.level)).map((h) => [h.period, h.color as Color | null]),
      );
      const history: (Color | null)[] = [];
      for (let p = run.period, k = 0; k < 12; k++, p = previousPeriod(p))
        history.unshift(byPeriod.get(p) ?? null);
      const action = ladderAction(history, await repo.isListed(q, r.unit_id));
      if (!action) continue;
      const unit = await this.units.getScopeUnit(r.unit_id);
      if (!unit) continue;
      await repo.insertItem(q, {
        county_code: run.county_code,
        unit_id: r.unit_id,
        unit_path: unit.path,
        action,
        run_id: run.id,
        period: run.period,
        due_at: new Date(now.getTime() + ANSWER_DAYS[action as LadderAction] * 86_400_000),
        created_at: now,
      });
      await this.audit.record(q, {
        actor: SYSTEM,
        action: `safety_index.accountability.${action}`,
        entityType: 'accountability_item',
        entityId: null,
        unitId: r.unit_id,
        after: { period: run.period, color: r.color },
      });
    }
  }

  /** Why a unit's score is what it is: inputs, normalised values, contributions, trend, accountability. */
  async explainUnit(actor: Actor | null, runId: number, unitId: number): Promise<UnitExplanation> {
    const run = await repo.getRun(this.db, runId);
    if (!run) return E.runNotFound.raise();
    if (actor === null ? run.state !== 'published' : !indexPolicy.view(actor)) return E.runNotFound.raise();
    const scheme = schemeBodySchema.parse(
      (await repo.schemeById(this.db, run.scheme_id, run.scheme_version))!.body,
    );
    const results = await repo.results(this.db, runId);
    const r = results.find((x) => x.unit_id === unitId);
    if (!r) return E.unitNotInRun.raise();
    const inputs = (await repo.inputs(this.db, runId)).filter((i) => i.unit_id === unitId);
    const byCode = new Map(inputs.map((i) => [i.indicator, i]));
    const items = await repo.items(this.db, { unitPath: '/', unitId }, 50, 0);
    return {
      runId,
      period: run.period,
      unit: { id: r.unit_id, code: r.code, name: r.name },
      score: r.score,
      rank: r.rank,
      of: results.filter((x) => x.score !== null).length,
      color: r.color as Color | null,
      dimensions: r.dimensions,
      indicators: scheme.indicators.map((ind) => ({
        code: ind.code,
        name: ind.name,
        dimension: ind.dimension,
        input: byCode.get(ind.code)?.value ?? null,
        source: ind.source,
        normalised: r.indicators[ind.code] ?? null,
        contribution: r.contributions[ind.code] ?? 0,
        corrected: byCode.get(ind.code)?.corrected ?? false,
      })),
      trend: (await repo.unitHistory(this.db, unitId, run.level)).map((h) => ({
        period: h.period,
        score: h.score,
        rank: h.rank,
        color: h.color,
      })),
      accountability:
        actor === null ? items.filter((i) => i.action === 'listing').map(itemDto) : items.map(itemDto),
    };
  }

  /** The monthly analysis report of a run (published, or under review for the safety office). */
  async analysisReport(actor: Actor, runId: number): Promise<{ input: ReportInput; report: AnalysisReport }> {
    if (!indexPolicy.view(actor)) this.deny(actor);
    const run = await repo.getRun(this.db, runId);
    if (!run) return E.runNotFound.raise();
    if (run.state !== 'published' && !indexPolicy.manage(actor)) return E.runNotFound.raise();
    const scheme = schemeBodySchema.parse(
      (await repo.schemeById(this.db, run.scheme_id, run.scheme_version))!.body,
    );
    const prev = await repo.publishedRun(this.db, previousPeriod(run.period), run.level);
    const prevScores = new Map(
      (prev ? await repo.results(this.db, prev.id) : []).map((x) => [x.unit_id, x.score]),
    );
    const results = await repo.results(this.db, runId);
    const names = new Map(results.map((r) => [r.unit_id, r.name]));
    const items = (await repo.items(this.db, { unitPath: '/' }, 10_000, 0)).filter((i) => i.run_id === runId);
    const input: ReportInput = {
      period: run.period,
      level: run.level,
      state: run.state,
      schemeName: scheme.name.zh,
      units: results.map((r) => {
        const before = prevScores.get(r.unit_id);
        return {
          id: r.unit_id,
          name: r.name,
          score: r.score,
          rank: r.rank,
          color: r.color as Color | null,
          change: r.score !== null && before !== undefined && before !== null ? r.score - before : null,
          contributions: r.contributions,
          normalised: r.indicators,
        };
      }),
      indicators: scheme.indicators.map((i) => ({
        code: i.code,
        name: i.name.zh,
        dimension: i.dimension,
        weight: i.weight,
      })),
      accountability: items.map((i) => ({
        unitName: names.get(i.unit_id) ?? String(i.unit_id),
        action: i.action,
        state: i.state,
        dueAt: i.due_at.toISOString(),
      })),
    };
    return { input, report: analyse(input) };
  }

  // ------------------------------------------------------------ accountability

  async listItems(
    actor: Actor,
    f: { unit?: number | undefined; state?: string | undefined; page: number; pageSize: number },
  ): Promise<Page<ItemDto>> {
    if (!indexPolicy.view(actor) || actor.kind === 'anonymous' || !actor.scope.unit) return this.deny(actor);
    const filter = {
      unitPath: actor.scope.unit.path,
      ...(f.unit ? { unitId: f.unit } : {}),
      ...(f.state ? { state: f.state } : {}),
    };
    const [rows, total] = await Promise.all([
      repo.items(this.db, filter, f.pageSize, (f.page - 1) * f.pageSize),
      repo.countItems(this.db, filter),
    ]);
    return { items: rows.map(itemDto), total, page: f.page, pageSize: f.pageSize };
  }

  /** The unit answers (its rectification report); the safety office accepts it (for delisting: the superior's sign-off). */
  async actOnItem(
    actor: Actor,
    id: number,
    body: { action: 'answer' | 'accept'; version: number; text?: string | undefined },
  ): Promise<ItemDto> {
    const now = this.clock.now();
    return this.db.tx(async (q) => {
      const item = await repo.getItem(q, id);
      if (!item) return E.itemNotFound.raise();
      if (actor.kind === 'anonymous' || !actor.scope.unit || !unitInScope(actor, item.unit_path))
        return this.deny(actor);
      if (item.version !== body.version) return E.itemVersionConflict.raise();
      let patch: Parameters<typeof repo.updateItem>[3];
      if (body.action === 'answer') {
        if (!['open', 'overdue'].includes(item.state)) return E.itemNotOpen.raise();
        if (!body.text?.trim()) return E.reasonRequired.raise('The answer needs its text');
        patch = {
          state: 'answered',
          answer: body.text.trim(),
          answered_at: now,
          answered_by: actorName(actor),
        };
      } else {
        if (
          !indexPolicy.manage(actor) &&
          !(actor.scope.unit.path !== item.unit_path && hasRole(actor, 'town_staff', 'leader'))
        ) {
          return this.deny(actor);
        }
        if (item.state !== 'answered' && item.action !== 'delisting')
          return E.itemNotOpen.raise('Accept an answered item');
        patch = { state: 'accepted', accepted_at: now, accepted_by: actorName(actor) };
      }
      const updated = await repo.updateItem(q, id, item.version, patch);
      await this.audit.record(q, {
        actor,
        action: `safety_index.accountability.${body.action}`,
        entityType: 'accountability_item',
        entityId: id,
        unitId: item.unit_id,
        unitPath: item.unit_path,
        before: { state: item.state },
        after: { state: updated!.state },
      });
      this.publicCache.clear();
      return itemDto(updated!);
    });
  }

  // ------------------------------------------------------------ public

  async publicPeriods(): Promise<{ periods: string[] }> {
    return this.cached('periods', async () => ({
      periods: (await repo.publishedPeriods(this.db)).map((p) => p.period),
    }));
  }

  async publicIndex(period: string, level: 'town' | 'village') {
    return this.cached(`index:${period}:${level}`, async () => {
      const run = await repo.publishedRun(this.db, period, level);
      if (!run) return E.runNotFound.raise(`Nothing published for ${period} (${level})`);
      const prev = await repo.publishedRun(this.db, previousPeriod(period), level);
      const prevScores = new Map(
        (prev ? await repo.results(this.db, prev.id) : []).map((r) => [r.unit_id, r.score]),
      );
      const rows = await repo.results(this.db, run.id);
      return {
        period,
        level,
        runId: run.id,
        items: rows.map((r) => {
          const before = prevScores.get(r.unit_id);
          return {
            unitId: r.unit_id,
            code: r.code,
            name: r.name,
            score: round(r.score, 2),
            rank: r.rank,
            color: r.color as Color | null,
            change:
              r.score !== null && before !== undefined && before !== null ? round(r.score - before, 2) : null,
          };
        }),
      };
    });
  }

  // ------------------------------------------------------------ internals

  private async cached<T>(key: string, make: () => Promise<T>): Promise<T> {
    const hit = this.publicCache.get(key);
    if (hit && Date.now() - hit.at < 60_000) return hit.value as T;
    const value = await make();
    this.publicCache.set(key, { at: Date.now(), value });
    return value;
  }

  private deny(actor: Actor): never {
    if (actor.kind === 'anonymous') HttpErrors.unauthenticated.raise();
    return HttpErrors.forbidden.raise();
  }

  private localMonth(): string {
    return new Date(this.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 7);
  }

  /** The county a run covers: the actor's, or the first one for the system; a city's safety office covers the city. */
  private async county(actor: Actor): Promise<ScopeUnit> {
    if (actor.kind !== 'anonymous' && actor.scope.unit && actor.scope.unit.id !== 0) {
      if (actor.scope.unit.level === 'city') return actor.scope.unit;
      const codes = actor.scope.unit.path.split('/').filter(Boolean);
      const refs = await this.units.refsByCodes(codes);
      const county = codes.map((c) => refs.get(c)).find((u) => u?.level === 'county');
      if (county) return county;
    }
    const [first] = await this.units.unitsAt('county', '/');
    return first ?? E.noCounty.raise();
  }

  private async lockRun(q: Queryable, id: number, version: number): Promise<repo.RunRow> {
    const run = await repo.getRun(q, id, true);
    if (!run) return E.runNotFound.raise();
    if (run.version !== version)
      return E.runVersionConflict.raise(`The run is at version ${run.version}`, { version: run.version });
    return run;
  }

  private checkComputes(body: SchemeBody): void {
    try {
      const units = ['a', 'b', 'c'];
      computeIndex(
        {
          meta: toMeta(body),
          units,
          data: Object.fromEntries(body.indicators.map((i) => [i.code, [1, 2, 3]])),
        },
        body.method ?? {},
      );
    } catch (e) {
      if (e instanceof EngineInputError) E.invalidScheme.raise(e.message);
      throw e;
    }
  }

  /** Every input of every unit at the level, with its source; what is missing. */
  private async collect(
    scheme: SchemeBody,
    period: string,
    level: 'town' | 'village',
    county: ScopeUnit,
  ): Promise<{
    units: (ScopeUnit & { population: number | null })[];
    values: { unit_id: number; indicator: string; value: number | null; source: string }[];
    missing: { unitId: number; indicator: string }[];
    flags: repo.RunRow['anomalies'];
  }> {
    const units = await this.units.unitsAt(level, county.path);
    const days = periodDays(period);
    const metrics = await this.events.metricsFor(county.path, { ...days, level });
    const byUnit = new Map(metrics.items.map((m) => [m.unit.id, m]));
    const external = await repo.externalValues(
      this.db,
      period,
      units.map((u) => u.id),
      scheme.indicators.filter((i) => i.source.startsWith('external:')).map((i) => i.source.slice(9)),
    );
    const ext = new Map(external.map((e) => [`${e.unit_id}:${e.indicator}`, e]));
    const values: { unit_id: number; indicator: string; value: number | null; source: string }[] = [];
    const missing: { unitId: number; indicator: string }[] = [];
    for (const u of units) {
      const m = byUnit.get(u.id);
      for (const ind of scheme.indicators) {
        let value: number | null = null;
        let source = ind.source;
        if (ind.source.startsWith('events:')) {
          const key = ind.source.slice(7) as keyof NonNullable<typeof m>;
          const v = m ? m[key] : null;
          value = typeof v === 'number' ? v : null;
          source = `events ${days.from}..${days.to}`;
        } else if (ind.source.startsWith('events.group:')) {
          const group = ind.source.slice(13);
          const pop = m?.population ?? u.population ?? 0;
          value = pop > 0 ? Math.round((((m?.byCategory[group] ?? 0) * 1000) / pop) * 10000) / 10000 : null;
          source = `events ${days.from}..${days.to} per 1,000 residents`;
        } else {
          const e = ext.get(`${u.id}:${ind.source.slice(9)}`);
          value = e ? e.value : null;
          source = e ? `external: ${e.source}` : 'external: not imported';
        }
        if (value === null) missing.push({ unitId: u.id, indicator: ind.code });
        values.push({ unit_id: u.id, indicator: ind.code, value, source });
      }
    }
    // reports filed by a unit's own staff and closed within minutes, month after month, are how quotas
    // get met with invented events: flag them for review before confirming
    const flags: repo.RunRow['anomalies'] = [];
    for (const m of metrics.items) {
      if (m.reported >= SELF_CLOSED_MIN && (m.staffQuickShare ?? 0) > SELF_CLOSED_SHARE) {
        flags.push({
          unitId: m.unit.id,
          indicator: 'events',
          kind: 'self_closed',
          message: `${Math.round((m.staffQuickShare ?? 0) * 100)}% of ${m.reported} reports were filed by staff and resolved within 10 minutes`,
        });
      }
    }
    return { units, values, missing, flags };
  }

  /** Inputs far outside the unit's own published history, and sudden drops to zero. */
  private async anomalies(
    level: string,
    period: string,
    values: { unit_id: number; indicator: string; value: number | null }[],
  ): Promise<repo.RunRow['anomalies']> {
    const history = await repo.historyInputs(this.db, level, period, HISTORY_PERIODS);
    const past = new Map<string, number[]>();
    for (const h of history) {
      if (h.value === null) continue;
      const k = `${h.unit_id}:${h.indicator}`;
      const list = past.get(k) ?? [];
      list.push(h.value);
      past.set(k, list);
    }
    const out: repo.RunRow['anomalies'] = [];
    for (const v of values) {
      if (v.value === null) continue;
      const xs = past.get(`${v.unit_id}:${v.indicator}`);
      if (!xs || xs.length < 3) continue;
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
      if (v.value === 0 && Math.min(...xs) > 0) {
        out.push({
          unitId: v.unit_id,
          indicator: v.indicator,
          kind: 'drop_to_zero',
          message: `0 after ${xs.length} months at ${round(Math.min(...xs), 2)} or more`,
        });
      } else if (sd > 0 && Math.abs(v.value - mean) / sd > 3) {
        out.push({
          unitId: v.unit_id,
          indicator: v.indicator,
          kind: 'outside_history',
          message: `${round(v.value, 2)} against ${round(mean, 2)} ± ${round(sd, 2)} over ${xs.length} months`,
        });
      }
    }
    return out;
  }

  private compute(
    scheme: SchemeBody,
    units: readonly ScopeUnit[],
    values: readonly { unit_id: number; indicator: string; value: number | null }[],
  ): {
    result: IndexResult;
    scores: (number | null)[];
    ranks: (number | null)[];
    colors: (Color | null)[];
    dimensions: Record<string, number | null>[];
    warnings: { code: string; message: string }[];
  } {
    const index = new Map(units.map((u, i) => [u.id, i]));
    const data: Record<string, (number | null)[]> = Object.fromEntries(
      scheme.indicators.map((i) => [i.code, units.map(() => null)]),
    );
    for (const v of values) {
      const i = index.get(v.unit_id);
      const col = data[v.indicator];
      if (i !== undefined && col) col[i] = v.value;
    }
    const result = computeIndex(
      { meta: toMeta(scheme), units: units.map((u) => String(u.id)), data },
      scheme.method ?? {},
    );
    const agg = result.aggregated;
    const col = (code: string) => {
      const j = agg.codes.indexOf(code);
      return units.map((_, i) => {
        const x = j < 0 ? Number.NaN : (agg.data[j * agg.nUnits + i] as number);
        return Number.isFinite(x) ? x : null;
      });
    };
    const scores = col('index');
    const ranks = Array.from(result.ranks.index ?? new Int32Array(units.length), (r) => (r > 0 ? r : null));
    const dims = DIMENSIONS.map((d) => [d, col(d)] as const);
    return {
      result,
      scores,
      ranks,
      colors: colorsOf(scores, scheme.bands),
      dimensions: units.map((_, i) => Object.fromEntries(dims.map(([d, xs]) => [d, round(xs[i] ?? null)]))),
      warnings: result.warnings.map((w) => ({ code: w.code, message: w.message })),
    };
  }

  private async computeRun(q: Queryable, run: repo.RunRow, scheme: SchemeBody): Promise<void> {
    const inputs = await repo.inputs(q, run.id);
    const unitIds = [...new Set(inputs.map((i) => i.unit_id))];
    // one at a time: inside a transaction the queries share one connection
    const units: ScopeUnit[] = [];
    for (const id of unitIds) {
      const u = await this.units.getScopeUnit(id);
      if (u) units.push(u);
    }
    const c = this.compute(scheme, units, inputs);
    const contrib = contributions(c.result, 'index');
    const norm = c.result.normalised;
    const rows = units.map((u, i) => ({
      unit_id: u.id,
      code: u.code,
      name: u.name,
      score: c.scores[i] ?? null,
      rank: c.ranks[i] ?? null,
      color: c.colors[i] ?? null,
      dimensions: c.dimensions[i] ?? {},
      indicators: Object.fromEntries(
        norm.codes.map((code, j) => {
          const x = norm.data[j * norm.nUnits + i] as number;
          return [code, Number.isFinite(x) ? round(x) : null];
        }),
      ),
      contributions: contributionRow(contrib, i),
    }));
    await repo.replaceResults(q, run.id, rows);
    const fresh = await repo.getRun(q, run.id);
    await repo.updateRun(q, run.id, fresh!.version, {
      state: 'computed',
      computed_at: this.clock.now(),
      warnings: c.warnings,
    });
  }

  private async runDto(r: repo.RunRow, withResults: boolean): Promise<RunDto> {
    const scheme = await repo.schemeById(this.db, r.scheme_id, r.scheme_version);
    const within = await this.units.getScopeUnit(r.within_unit_id);
    let results: ResultDto[] = [];
    let corrections: RunDto['corrections'] = [];
    if (withResults) {
      const prev = await repo.publishedRun(this.db, previousPeriod(r.period), r.level);
      const prevScores = new Map(
        (prev ? await repo.results(this.db, prev.id) : []).map((x) => [x.unit_id, x.score]),
      );
      results = (await repo.results(this.db, r.id)).map((x) => {
        const before = prevScores.get(x.unit_id);
        return {
          unitId: x.unit_id,
          code: x.code,
          name: x.name,
          score: round(x.score, 2),
          rank: x.rank,
          color: x.color as Color | null,
          change:
            x.score !== null && before !== undefined && before !== null ? round(x.score - before, 2) : null,
          dimensions: x.dimensions,
        };
      });
      corrections = (await repo.inputs(this.db, r.id))
        .filter((i) => i.corrected)
        .map((i) => ({
          unitId: i.unit_id,
          indicator: i.indicator,
          original: i.original_value,
          value: i.value,
          reason: i.reason ?? '',
          by: i.corrected_by ?? '',
          at: iso(i.corrected_at) ?? '',
        }));
    }
    return {
      id: r.id,
      period: r.period,
      level: r.level,
      scheme: { code: scheme?.code ?? '?', version: r.scheme_version },
      state: r.state,
      version: r.version,
      within: { id: r.within_unit_id, name: within?.name ?? '' },
      missing: r.missing,
      warnings: r.warnings,
      anomalies: r.anomalies,
      createdAt: r.created_at.toISOString(),
      createdBy: r.created_by,
      computedAt: iso(r.computed_at),
      confirmedAt: iso(r.confirmed_at),
      publishedAt: iso(r.published_at),
      results,
      corrections,
    };
  }
}

function contributionRow(c: Matrix, unit: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [j, code] of c.codes.entries()) {
    const x = c.data[j * c.nUnits + unit] as number;
    out[code] = Number.isFinite(x) ? Math.round(x * 10000) / 10000 : 0;
  }
  return out;
}

function schemeDto(r: repo.SchemeRow): SchemeDto {
  return {
    code: r.code,
    version: r.version,
    currentVersion: r.current_version,
    body: r.body as SchemeBody,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
  };
}

function itemDto(i: repo.ItemRow): ItemDto {
  return {
    id: i.id,
    unitId: i.unit_id,
    action: i.action,
    period: i.period,
    state: i.state,
    version: i.version,
    dueAt: i.due_at.toISOString(),
    answer: i.answer,
    answeredAt: iso(i.answered_at),
    acceptedAt: iso(i.accepted_at),
    createdAt: i.created_at.toISOString(),
  };
}
