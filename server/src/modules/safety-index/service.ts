// The safety index: schemes (versioned), external values, and the monthly run — collect (snapshot every
// input with its source, list what is missing, flag anomalies) → compute (the pure engine) → confirm
// (corrections with a written reason, the original kept, recomputed) → publish (immutable, public) — then
// the accountability ladder. The engine (engine/) does the arithmetic; this file does the I/O and rules.
import type { Clock } from '../../clock.js';
import type { Db, Queryable } from '../../db/index.js';
import { HttpErrors } from '../../http/errors.js';
import type { Page } from '../../http/pagination.js';
import type { JobQueue, Schedules } from '../../jobs/index.js';
import { readTable, refuseRows } from '../../lib/table-reader.js';
import { type Actor, actorName, type ScopeUnit, SYSTEM } from '../access/actor.js';
import type { AuditService } from '../access/audit.js';
import { hasRole, unitInScope } from '../access/policy-kit.js';
import { type EventsService, METRIC_FIGURES, type MetricFigure } from '../events/service.js';
import type { MediaDto } from '../media/schema.js';
import type { MediaService } from '../media/service.js';
import type { Notifier } from '../supervision/notifier.js';
import type { UnitsService } from '../units/service.js';
import { DEFAULT_SCHEME } from './domain/default-scheme.js';
import { answerDays, type LadderAction, ladderAction, ladderDepth } from './domain/ladder.js';
import {
  type CheckResult,
  checkVillage,
  SAFE_VILLAGE_CHECKS,
  SAFE_VILLAGE_EXTERNAL,
} from './domain/safe-village.js';
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
  runUncertainty,
  type UncertaintyResult,
} from './engine/index.js';
import { IndexErrors as E, ExternalImportErrors } from './errors.js';
import { readExternalRows } from './external-file.js';
import { type AnalysisReport, analyse, type ReportInput } from './report/analysis.js';
import * as repo from './repository.js';

export const DEFAULT_SCHEME_CODE = 'default';
/** A unit is flagged when more than this share of at least SELF_CLOSED_MIN reports were staff-filed and closed within minutes. */
const SELF_CLOSED_SHARE = 0.5;
const SELF_CLOSED_MIN = 5;
/** Largest external-data file accepted (bytes). */
export const MAX_EXTERNAL_FILE_BYTES = 10 * 1024 * 1024;
/** At most this many defects are listed (problemCount says how many there were). */
const MAX_REPORTED_PROBLEMS = 1000;
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
  uncertainty: repo.RunUncertainty | null;
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
  rankInterval: RankInterval | null;
}

export interface RankInterval {
  median: number;
  p05: number;
  p95: number;
}

const intervalOf = (r: repo.ResultBrief): RankInterval | null =>
  r.rank_median === null || r.rank_p05 === null || r.rank_p95 === null
    ? null
    : { median: r.rank_median, p05: r.rank_p05, p95: r.rank_p95 };

export interface UnitExplanation {
  runId: number;
  period: string;
  unit: { id: number; code: string; name: string };
  score: number | null;
  rank: number | null;
  rankInterval: RankInterval | null;
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

export interface SafeVillages {
  year: number;
  /** The last day counted (today for the current year). */
  to: string;
  within: { id: number; name: string };
  checks: { code: string; name: { zh: string; en: string }; sources: string[] }[];
  villages: number;
  candidates: number;
  waitingForData: number;
  items: {
    unit: { id: number; code: string; name: string };
    town: { id: number; code: string; name: string } | null;
    candidate: boolean;
    checks: CheckResult[];
    publishedMonths: number;
    worstColor: Color | null;
  }[];
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
  /** The superior unit an overdue item was escalated to. */
  escalatedTo: number | null;
}

export interface ItemDetail extends ItemDto {
  unit: { id: number; code: string; name: string };
  documents: MediaDto[];
  history: {
    at: string;
    kind: repo.HistoryRow['kind'];
    by: string;
    note: string | null;
    details: Record<string, unknown>;
  }[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** The local (UTC+8) day `days` after `from`, YYYY-MM-DD. */
const fmtDay = (from: Date, days: number) =>
  new Date(from.getTime() + days * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
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
    private readonly collaborators: { media?: MediaService; notifier?: Notifier } = {},
  ) {
    // rectification reports' documents are readable by whoever may read the item
    collaborators.media?.registerOwnerPolicy('accountability_item', async (actor, id) => {
      const item = await repo.findItem(this.db, id);
      return !!item && this.mayReadItem(actor, item);
    });
  }

  registerJobs(queue: JobQueue, schedules: Schedules): void {
    // on the 3rd of each month at 02:00 the run of the month before is collected and computed for review
    queue.register<{ occurrence?: string }>('safety-index.monthly', async (p) => {
      const at = p.occurrence ? new Date(p.occurrence) : this.clock.now();
      const period = previousPeriod(new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 7));
      // the system acts for the whole installation: a run covers its top unit (the city, or the county
      // of a one-county installation), never just the first county of a city
      for (const root of await this.roots())
        for (const level of ['town', 'village'] as const) {
          try {
            await this.startRunWithin(SYSTEM, { period, level }, root);
          } catch (e) {
            // no scheme yet: nothing to run
            if (!(e instanceof Error && /no_(county|scheme)/.test(String((e as { code?: string }).code))))
              throw e;
          }
        }
    });
    schedules.define({ name: 'safety-index.monthly', cron: '0 2 3 * *', kind: 'safety-index.monthly' });
    queue.register('safety-index.overdue', async (_p, ctx) => {
      await this.markOverdue(ctx.q, ctx.now);
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
        rankInterval: null,
      })),
      warnings: computed.warnings,
      missing: collected.missing.length,
    };
  }

  // ------------------------------------------------------------ external values

  /**
   * Imports external values for a period, all or nothing: every row names a unit (by code, within the
   * actor's scope), an indicator some scheme takes from external data, and a finite value. A dry run
   * checks everything and writes nothing. Returns how many were (or would be) written.
   */
  async importExternal(
    actor: Actor,
    period: string,
    rows: readonly { unitCode: string; indicator: string; value: number; source: string; line?: number }[],
    opts: { dryRun?: boolean; fromFile?: boolean } = {},
  ): Promise<{ imported: number; dryRun: boolean }> {
    if (!indexPolicy.manage(actor)) this.deny(actor);
    if (!PERIOD_RE.test(period)) return HttpErrors.validationFailed.raise('period must be YYYY-MM');
    const known = (await this.externalIndicators()).codes;
    const refs = await this.units.refsByCodes(rows.map((r) => r.unitCode));
    const problems: { row: number; column?: string; code: string; message: string }[] = [];
    const out: Parameters<typeof repo.upsertExternal>[1] = [];
    for (const [i, r] of rows.entries()) {
      const row = r.line ?? i + 1;
      const u = refs.get(r.unitCode);
      if (!u)
        problems.push({
          row,
          column: 'unitCode',
          code: 'unknown_unit',
          message: `unknown unit ${r.unitCode}`,
        });
      else if (!unitInScope(actor, u.path))
        problems.push({
          row,
          column: 'unitCode',
          code: 'outside_scope',
          message: `unit ${r.unitCode} is outside your scope`,
        });
      else if (!known.has(r.indicator))
        problems.push({
          row,
          column: 'indicator',
          code: 'unknown_indicator',
          message: `no index scheme takes ${r.indicator} from external data (known: ${[...known].join(', ')})`,
        });
      else if (!Number.isFinite(r.value))
        problems.push({ row, column: 'value', code: 'invalid_number', message: 'the value is not a number' });
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
    // a wide file's unknown unit is one defect, not one per value
    const distinct = new Map(problems.map((p) => [`${p.row}\u0000${p.column}\u0000${p.message}`, p]));
    problems.splice(0, problems.length, ...distinct.values());
    if (problems.length && opts.fromFile) return refuseRows(ExternalImportErrors, problems, rows.length);
    if (problems.length)
      return E.invalidExternal.raise(`${problems.length} rows cannot be imported`, {
        problems: problems.slice(0, MAX_REPORTED_PROBLEMS).map(({ code: _code, ...p }) => p),
        problemCount: problems.length,
      });
    if (opts.dryRun) return { imported: out.length, dryRun: true };
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
    return { imported: out.length, dryRun: false };
  }

  /**
   * Imports external values from a CSV (UTF-8, GBK/GB18030, UTF-16) or Excel .xlsx file, in the long
   * layout (one value per row) or the wide one (one column per indicator, headed by its code or name);
   * all or nothing, every defect reported with its spreadsheet row and column.
   */
  async importExternalFile(
    actor: Actor,
    period: string,
    bytes: Buffer,
    opts: { source?: string | undefined; dryRun?: boolean } = {},
  ): Promise<{
    imported: number;
    dryRun: boolean;
    layout: 'long' | 'wide';
    format: 'csv' | 'xlsx';
    encoding: string | null;
    indicators: string[];
    units: number;
  }> {
    if (!indexPolicy.manage(actor)) this.deny(actor);
    if (!PERIOD_RE.test(period)) return HttpErrors.validationFailed.raise('period must be YYYY-MM');
    const table = await readTable(bytes, { errors: ExternalImportErrors, maxBytes: MAX_EXTERNAL_FILE_BYTES });
    const { names } = await this.externalIndicators();
    const parsed = readExternalRows(table.rows, {
      indicatorNames: names,
      defaultSource: opts.source?.trim() || '导入文件',
    });
    if (parsed.errors.length || !parsed.layout)
      return refuseRows(
        ExternalImportErrors,
        parsed.errors.map((e) => ({
          row: e.row,
          ...(e.column ? { column: e.column } : {}),
          code: e.code,
          message: e.message,
        })),
        table.rows.length,
      );
    const done = await this.importExternal(actor, period, parsed.rows, {
      dryRun: opts.dryRun ?? false,
      fromFile: true,
    });
    return {
      ...done,
      layout: parsed.layout,
      format: table.format,
      encoding: table.encoding,
      indicators: [...new Set(parsed.rows.map((r) => r.indicator))],
      units: new Set(parsed.rows.map((r) => r.unitCode)).size,
    };
  }

  /** The external codes the current versions of the schemes read, and their names (both languages) → code. */
  private async externalIndicators(): Promise<{ codes: Set<string>; names: Map<string, string> }> {
    const codes = new Set<string>(SAFE_VILLAGE_EXTERNAL.keys());
    const names = new Map<string, string>();
    for (const [code, name] of SAFE_VILLAGE_EXTERNAL) {
      names.set(name.zh, code);
      names.set(name.en, code);
    }
    for (const row of await repo.listSchemes(this.db)) {
      const parsed = schemeBodySchema.safeParse(row.body);
      if (!parsed.success) continue;
      for (const ind of parsed.data.indicators) {
        if (!ind.source.startsWith('external:')) continue;
        const code = ind.source.slice('external:'.length);
        codes.add(code);
        names.set(ind.name.zh, code);
        names.set(ind.name.en, code);
        names.set(ind.code, code);
      }
    }
    return { codes, names };
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

  /** Starts a run of the actor's county (or city): collect and compute, ready for review (state computed). */
  async startRun(
    actor: Actor,
    opts: { period: string; level: 'town' | 'village'; scheme?: string | undefined },
  ): Promise<RunDto> {
    if (!indexPolicy.manage(actor)) this.deny(actor);
    return this.startRunWithin(actor, opts, await this.county(actor));
  }

  private async startRunWithin(
    actor: Actor,
    opts: { period: string; level: 'town' | 'village'; scheme?: string | undefined },
    county: ScopeUnit,
  ): Promise<RunDto> {
    if (!indexPolicy.manage(actor)) this.deny(actor);
    if (!PERIOD_RE.test(opts.period)) return HttpErrors.validationFailed.raise('period must be YYYY-MM');
    if (opts.period >= this.localMonth()) return E.periodNotOver.raise(`${opts.period} is not over yet`);
    const scheme = await repo.schemeByCode(this.db, opts.scheme ?? DEFAULT_SCHEME_CODE);
    if (!scheme) return E.noScheme.raise();
    const body = schemeBodySchema.parse(scheme.body);
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
      await this.computeRun(q, updated!, body, collected.values);
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
      if (to === 'published') {
        const scheme = await repo.schemeById(q, run.scheme_id, run.scheme_version);
        await this.applyLadder(q, run, schemeBodySchema.parse(scheme!.body), now);
      }
    });
    return this.getRun(actor, runId);
  }

  /**
   * The accountability items the published run triggers under its scheme's ladder, one per unit at most.
   * Set-based: the look-back colors of every unit in one query, who is listed in another.
   */
  private async applyLadder(q: Queryable, run: repo.RunRow, scheme: SchemeBody, now: Date): Promise<void> {
    const results = await repo.resultBriefs(q, run.id);
    if (results.length === 0) return;
    const depth = ladderDepth(scheme.ladder);
    const periods: string[] = [];
    for (let p = run.period, k = 0; k < depth; k++, p = previousPeriod(p)) periods.unshift(p);
    const ids = results.map((r) => r.unit_id);
    const colors = new Map<string, Color | null>();
    for (const h of await repo.colorHistories(q, ids, run.level, periods))
      colors.set(`${h.unit_id}:${h.period}`, h.color as Color | null);
    const listed = await repo.listedAmong(q, ids);
    const units = await this.units.refsByCodes(results.map((r) => r.code));
    const due = (action: LadderAction) =>
      new Date(now.getTime() + answerDays(action, scheme.ladder) * 86_400_000);
    const triggered: { r: repo.ResultBrief; action: LadderAction; unit: ScopeUnit }[] = [];
    for (const r of results) {
      // consecutive months ending with this run's (a month without a published run breaks a streak)
      const history = periods.map((p) => colors.get(`${r.unit_id}:${p}`) ?? null);
      const action = ladderAction(history, listed.has(r.unit_id), scheme.ladder);
      const unit = units.get(r.code);
      if (action && unit) triggered.push({ r, action, unit });
    }
    if (triggered.length === 0) return;
    const made = await repo.insertItems(
      q,
      triggered.map(({ r, action, unit }) => ({
        county_code: run.county_code,
        unit_id: r.unit_id,
        unit_path: unit.path,
        action,
        run_id: run.id,
        period: run.period,
        due_at: due(action),
        created_at: now,
      })),
    );
    const fresh = triggered.flatMap((t) => {
      const itemId = made.get(t.r.unit_id);
      return itemId === undefined ? [] : [{ ...t, itemId }];
    });
    await repo.appendHistories(
      q,
      fresh.map(({ r, itemId }) => ({
        item_id: itemId,
        at: now,
        kind: 'created' as const,
        by_name: 'system',
        note: null,
        details: { period: run.period, color: r.color, runId: run.id },
      })),
    );
    // a warning goes to the unit; the higher rungs also to its superior; a delisting is the superior's to sign off
    const superiors = await this.units.refsByCodes(fresh.flatMap(({ unit }) => parentCode(unit.path) ?? []));
    await this.collaborators.notifier?.publishMany(
      q,
      fresh.map(({ action, unit, itemId }) => {
        const superior = parentCode(unit.path);
        const superiorUnit = superior ? superiors.get(superior) : undefined;
        const to =
          action === 'warning'
            ? [unit.id]
            : action === 'delisting'
              ? superiorUnit
                ? [superiorUnit.id]
                : [unit.id]
              : [unit.id, ...(superiorUnit ? [superiorUnit.id] : [])];
        return {
          kind: `safety_index.${action}`,
          entityType: 'accountability_item',
          entityId: itemId,
          title: {
            zh: `${unit.name}：${run.period} 平安指数${ACTION_NAMES[action]!.zh}，请于 ${fmtDay(now, answerDays(action, scheme.ladder))} 前答复`,
            en: `${unit.name}: ${ACTION_NAMES[action]!.en} after the ${run.period} safety index; answer within ${answerDays(action, scheme.ladder)} days`,
          },
          link: `/index/accountability?item=${itemId}`,
          to: { unitIds: to },
          unitPath: unit.path,
          external: action !== 'warning',
        };
      }),
    );
    await this.audit.recordMany(
      q,
      fresh.map(({ r, action, itemId }) => ({
        actor: SYSTEM,
        action: `safety_index.accountability.${action}`,
        entityType: 'accountability_item',
        entityId: itemId,
        unitId: r.unit_id,
        after: { period: run.period, color: r.color },
      })),
    );
  }

  /**
   * 六无平安村社: every village in the actor's scope (or under `within`) checked for a year (to date for the
   * current one) against the six "no"s, with the months of data behind each external check and the worst
   * color the village was published at that year. Candidates are the villages passing all six.
   */
  async safeVillages(
    actor: Actor,
    query: { year: number; within?: number | undefined },
  ): Promise<SafeVillages> {
    if (!indexPolicy.view(actor)) this.deny(actor);
    const own = actor.kind !== 'anonymous' ? actor.scope.unit : null;
    const scope = query.within
      ? await this.units.getScopeUnit(query.within)
      : own && (own.level === 'town' || own.level === 'village')
        ? own
        : await this.county(actor);
    if (!scope) return E.unitNotFound.raise();
    if (!unitInScope(actor, scope.path)) return this.deny(actor);
    const today = this.localDay();
    const thisYear = Number(today.slice(0, 4));
    if (query.year > thisYear) return HttpErrors.validationFailed.raise(`${query.year} has not begun`);
    const to = query.year === thisYear ? today : `${query.year}-12-31`;
    const villages = await this.units.unitsAt('village', scope.path);
    const ids = villages.map((v) => v.id);
    const externalCodes = [
      ...new Set(
        SAFE_VILLAGE_CHECKS.flatMap((c) => c.sources)
          .filter((s) => s.startsWith('external:'))
          .map((s) => s.slice('external:'.length)),
      ),
    ];
    const categories = [
      ...new Set(
        SAFE_VILLAGE_CHECKS.flatMap((c) => c.sources)
          .filter((s) => s.startsWith('events:'))
          .map((s) => s.slice('events:'.length)),
      ),
    ];
    const [external, events, colors] = await Promise.all([
      repo.externalYear(this.db, ids, query.year, externalCodes),
      this.events.categoryCountsFor(scope.path, {
        from: `${query.year}-01-01`,
        to,
        level: 'village',
        categories,
      }),
      repo.yearColors(this.db, ids, query.year, 'village'),
    ]);
    // a village's path is /city/county/town/village/: its town is the third code
    const townOf = (path: string) => path.split('/').filter(Boolean)[2] ?? '';
    const towns = await this.units.refsByCodes(villages.map((v) => townOf(v.path)));
    const ext = new Map<number, Map<string, { sum: number; months: number }>>();
    for (const e of external) {
      const m = ext.get(Number(e.unit_id)) ?? new Map();
      m.set(e.indicator, { sum: Number(e.sum), months: e.months });
      ext.set(Number(e.unit_id), m);
    }
    const color = new Map(colors.map((c) => [Number(c.unit_id), c]));
    const items = villages.map((v) => {
      const r = checkVillage({ external: ext.get(v.id) ?? new Map(), events: events.get(v.code) ?? {} });
      const town = towns.get(townOf(v.path));
      const c = color.get(v.id);
      return {
        unit: { id: v.id, code: v.code, name: v.name },
        town: town ? { id: town.id, code: town.code, name: town.name } : null,
        candidate: r.candidate,
        checks: r.checks,
        publishedMonths: c?.months ?? 0,
        worstColor: (c?.worst ?? null) as Color | null,
      };
    });
    return {
      year: query.year,
      to,
      within: { id: scope.id, name: scope.name },
      checks: SAFE_VILLAGE_CHECKS.map((c) => ({ code: c.code, name: c.name, sources: [...c.sources] })),
      villages: items.length,
      candidates: items.filter((i) => i.candidate).length,
      waitingForData: items.filter((i) => i.checks.some((c) => c.status === 'no_data')).length,
      items,
    };
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
      rankInterval: intervalOf(r),
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

  /** One item with its documents and history. */
  async getItem(actor: Actor, id: number): Promise<ItemDetail> {
    const item = await repo.findItem(this.db, id);
    if (!item || !this.mayReadItem(actor, item)) return E.itemNotFound.raise();
    return this.itemDetail(this.db, item);
  }

  /**
   * The unit answers (its rectification report, with documents); the safety office — or, for a delisting,
   * the superior unit — accepts the answer or returns it for more work with a reason and a new deadline.
   */
  async actOnItem(
    actor: Actor,
    id: number,
    body: {
      action: 'answer' | 'accept' | 'return';
      version: number;
      text?: string | undefined;
      mediaIds?: number[] | undefined;
      days?: number | undefined;
    },
  ): Promise<ItemDetail> {
    const now = this.clock.now();
    return this.db.tx(async (q) => {
      const item = await repo.getItem(q, id);
      if (!item || !this.mayReadItem(actor, item)) return E.itemNotFound.raise();
      if (actor.kind === 'anonymous' || !actor.scope.unit || !unitInScope(actor, item.unit_path))
        return this.deny(actor);
      if (item.version !== body.version) return E.itemVersionConflict.raise();
      const text = body.text?.trim() ?? '';
      let patch: Parameters<typeof repo.updateItem>[3];
      let kind: repo.HistoryRow['kind'];
      const details: Record<string, unknown> = {};
      if (body.action === 'answer') {
        if (!['open', 'overdue'].includes(item.state)) return E.itemNotOpen.raise();
        if (!text) return E.reasonRequired.raise('The answer needs its text');
        patch = { state: 'answered', answer: text, answered_at: now, answered_by: actorName(actor) };
        kind = 'answered';
        if (body.mediaIds?.length) {
          if (!this.collaborators.media)
            return HttpErrors.validationFailed.raise('Documents cannot be kept here');
          // a rectification report: photos of its pages, a signed PDF, or a short video of the site
          const docs = await this.collaborators.media.attach(
            q,
            body.mediaIds,
            'accountability_item',
            id,
            actor,
            {
              kinds: ['image', 'document', 'video'],
            },
          );
          details.documents = docs.map((d) => d.id);
        }
      } else {
        if (!this.mayJudgeItem(actor, item)) return this.deny(actor);
        if (body.action === 'accept') {
          if (item.state !== 'answered' && item.action !== 'delisting')
            return E.itemNotOpen.raise('Accept an answered item');
          patch = { state: 'accepted', accepted_at: now, accepted_by: actorName(actor) };
          kind = 'accepted';
        } else {
          if (item.state !== 'answered') return E.itemNotOpen.raise('Only an answered item can be returned');
          if (!text) return E.reasonRequired.raise('Say what is still missing');
          const days = body.days ?? 10;
          patch = { state: 'open', due_at: new Date(now.getTime() + days * 86_400_000) };
          kind = 'returned';
          details.dueAt = patch.due_at!.toISOString();
        }
      }
      const updated = await repo.updateItem(q, id, item.version, patch);
      if (!updated) return E.itemVersionConflict.raise();
      await repo.appendHistory(q, {
        item_id: id,
        at: now,
        kind,
        by_name: actorName(actor),
        note: text || null,
        details,
      });
      await this.audit.record(q, {
        actor,
        action: `safety_index.accountability.${body.action}`,
        entityType: 'accountability_item',
        entityId: id,
        unitId: item.unit_id,
        unitPath: item.unit_path,
        before: { state: item.state },
        after: { state: updated.state },
      });
      const unit = await this.units.getScopeUnit(item.unit_id);
      const name = ACTION_NAMES[item.action] ?? { zh: item.action, en: item.action };
      await this.collaborators.notifier?.publish(q, {
        kind: `safety_index.item_${kind}`,
        entityType: 'accountability_item',
        entityId: id,
        title:
          kind === 'answered'
            ? {
                zh: `${unit?.name ?? ''} 已答复${name.zh}`,
                en: `${unit?.name ?? ''} answered the ${name.en}`,
              }
            : kind === 'returned'
              ? { zh: `${name.zh}答复被退回：${text}`, en: `${name.en} answer returned: ${text}` }
              : { zh: `${name.zh}已销号`, en: `${name.en} accepted` },
        link: `/index/accountability?item=${id}`,
        to: { unitIds: [item.unit_id] },
        unitPath: item.unit_path,
      });
      this.publicCache.clear();
      return this.itemDetail(q, updated);
    });
  }

  /**
   * The daily overdue pass: open items past their deadline become overdue and are escalated to the
   * superior unit (told, and named on the item), each step on the item's history.
   */
  async markOverdue(q: Queryable, now: Date): Promise<number> {
    const rows = await repo.markOverdueItems(q, now);
    for (const item of rows) {
      await repo.appendHistory(q, {
        item_id: item.id,
        at: now,
        kind: 'overdue',
        by_name: 'system',
        note: null,
        details: { dueAt: item.due_at.toISOString() },
      });
      const code = parentCode(item.unit_path);
      const superior = code ? (await this.units.refsByCodes([code])).get(code) : undefined;
      if (!superior) continue;
      const v = await repo.updateItem(q, item.id, item.version, { escalated_to: superior.id });
      if (!v) continue;
      await repo.appendHistory(q, {
        item_id: item.id,
        at: now,
        kind: 'escalated',
        by_name: 'system',
        note: null,
        details: { to: { id: superior.id, name: superior.name } },
      });
      const unit = await this.units.getScopeUnit(item.unit_id);
      const name = ACTION_NAMES[item.action] ?? { zh: item.action, en: item.action };
      await this.collaborators.notifier?.publish(q, {
        kind: 'safety_index.item_overdue',
        entityType: 'accountability_item',
        entityId: item.id,
        title: {
          zh: `${unit?.name ?? ''} 的${name.zh}（${item.period}）逾期未答复，请督促`,
          en: `${unit?.name ?? ''} has not answered the ${name.en} (${item.period}) in time`,
        },
        link: `/index/accountability?item=${item.id}`,
        to: { unitIds: [superior.id, item.unit_id] },
        unitPath: item.unit_path,
        external: true,
      });
    }
    return rows.length;
  }

  /** Staff who see the index, within the item's unit or above it; the public sees listings through the unit page. */
  private mayReadItem(actor: Actor, item: repo.ItemRow): boolean {
    if (actor.kind === 'anonymous' || !indexPolicy.view(actor) || !actor.scope.unit) return false;
    return unitInScope(actor, item.unit_path);
  }

  /** The safety office, or (for a delisting, or any item of a unit below them) the superior's staff and leaders. */
  private mayJudgeItem(actor: Actor, item: repo.ItemRow): boolean {
    if (indexPolicy.manage(actor)) return true;
    if (actor.kind === 'anonymous' || !actor.scope.unit) return false;
    return actor.scope.unit.path !== item.unit_path && hasRole(actor, 'town_staff', 'leader');
  }

  private async itemDetail(q: Queryable, item: repo.ItemRow): Promise<ItemDetail> {
    const [unit, documents, history] = await Promise.all([
      this.units.getScopeUnit(item.unit_id),
      this.collaborators.media
        ? this.collaborators.media.listForOwner(q, 'accountability_item', item.id)
        : [],
      repo.history(q, item.id),
    ]);
    return {
      ...itemDto(item),
      unit: { id: item.unit_id, code: unit?.code ?? '', name: unit?.name ?? '' },
      documents,
      history: history.map((h) => ({
        at: h.at.toISOString(),
        kind: h.kind,
        by: h.by_name,
        note: h.note,
        details: h.details,
      })),
    };
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

  private localDay(): string {
    return new Date(this.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  }

  private localMonth(): string {
    return new Date(this.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 7);
  }

  /**
   * The unit a run covers: the actor's county; a city's safety office covers the city; the system (the
   * command line, the monthly job) covers the installation's top unit.
   */
  private async county(actor: Actor): Promise<ScopeUnit> {
    if (actor.kind !== 'anonymous' && actor.scope.unit && actor.scope.unit.id !== 0) {
      if (actor.scope.unit.level === 'city') return actor.scope.unit;
      const codes = actor.scope.unit.path.split('/').filter(Boolean);
      const refs = await this.units.refsByCodes(codes);
      const county = codes.map((c) => refs.get(c)).find((u) => u?.level === 'county');
      if (county) return county;
    }
    const [first] = await this.roots();
    return first ?? E.noCounty.raise();
  }

  /**
   * The installation's top units: its cities, or its counties when no city is above them. Normally one
   * (the city, or the one county a district runs); the monthly job runs each.
   */
  private async roots(): Promise<ScopeUnit[]> {
    const cities = await this.units.unitsAt('city', '/');
    return cities.length > 0 ? cities : this.units.unitsAt('county', '/');
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

  /**
   * Every input of every unit at the level, with its source; what is missing. The units are those the
   * event metrics list (every unit of the level in the subtree, with its population); the metrics and
   * the month's external values are read at the same time.
   */
  private async collect(
    scheme: SchemeBody,
    period: string,
    level: 'town' | 'village',
    county: ScopeUnit,
  ): Promise<{
    units: { id: number; code: string; name: string; level: string; population: number }[];
    values: { unit_id: number; indicator: string; value: number | null; source: string }[];
    missing: { unitId: number; indicator: string }[];
    flags: repo.RunRow['anomalies'];
  }> {
    const days = periodDays(period);
    // only what the scheme's indicators read (and the share the self-closed flag reads): a figure no
    // indicator names is not computed (the median is a sort of every resolved event)
    const figures = new Set<MetricFigure>(['staffQuickShare']);
    const groups: string[] = [];
    for (const ind of scheme.indicators) {
      if (ind.source.startsWith('events.group:')) groups.push(ind.source.slice(13));
      else if (ind.source.startsWith('events:')) {
        const figure = ind.source.slice(7);
        if ((METRIC_FIGURES as readonly string[]).includes(figure)) figures.add(figure as MetricFigure);
      }
    }
    const [metrics, externalRows] = await Promise.all([
      this.events.metricsFor(county.path, { ...days, level }, { figures: [...figures], groups }),
      repo.externalValues(
        this.db,
        period,
        scheme.indicators.filter((i) => i.source.startsWith('external:')).map((i) => i.source.slice(9)),
      ),
    ]);
    const units = metrics.items.map((m) => ({ ...m.unit, population: m.population }));
    // how each indicator reads a unit's value, decided once (a city's villages × indicators are 70,000 cells)
    const eventsSource = `events ${days.from}..${days.to}`;
    const groupSource = `${eventsSource} per 1,000 residents`;
    const sourceNames = new Map<string, string>();
    const external = new Map<string, Map<number, { value: number; source: string }>>();
    for (const e of externalRows) {
      const source = sourceNames.get(e.source) ?? `external: ${e.source}`;
      sourceNames.set(e.source, source);
      const byUnit = external.get(e.indicator) ?? new Map<number, { value: number; source: string }>();
      external.set(e.indicator, byUnit);
      byUnit.set(e.unit_id, { value: e.value, source });
    }
    type Item = (typeof metrics.items)[number];
    const readers = scheme.indicators.map((ind): ((m: Item) => { value: number | null; source: string }) => {
      if (ind.source.startsWith('events:')) {
        const figure = ind.source.slice(7) as keyof Item;
        return (m) => {
          const v = m[figure];
          return { value: typeof v === 'number' ? v : null, source: eventsSource };
        };
      }
      if (ind.source.startsWith('events.group:')) {
        const group = ind.source.slice(13);
        return (m) => ({
          value:
            m.population > 0
              ? Math.round((((m.byCategory[group] ?? 0) * 1000) / m.population) * 10000) / 10000
              : null,
          source: groupSource,
        });
      }
      const byUnit = external.get(ind.source.slice(9));
      return (m) => byUnit?.get(m.unit.id) ?? { value: null, source: 'external: not imported' };
    });
    const values: { unit_id: number; indicator: string; value: number | null; source: string }[] = [];
    const missing: { unitId: number; indicator: string }[] = [];
    for (const m of metrics.items) {
      for (const [k, ind] of scheme.indicators.entries()) {
        const { value, source } = readers[k]!(m);
        if (value === null) missing.push({ unitId: m.unit.id, indicator: ind.code });
        values.push({ unit_id: m.unit.id, indicator: ind.code, value, source });
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
    units: readonly { id: number }[],
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

  /**
   * Computes a run from its saved inputs (or from `saved`, the ones just saved, not read back) and saves
   * the results. Units in id order, however the inputs came.
   */
  private async computeRun(
    q: Queryable,
    run: repo.RunRow,
    scheme: SchemeBody,
    saved?: readonly { unit_id: number; indicator: string; value: number | null }[],
  ): Promise<void> {
    const inputs = saved ?? (await repo.inputs(q, run.id));
    const unitIds = [...new Set(inputs.map((i) => i.unit_id))].sort((a, b) => a - b);
    const refs = await this.units.scopeUnitsByIds(unitIds);
    const units = unitIds.flatMap((id) => refs.get(id) ?? []);
    const c = this.compute(scheme, units, inputs);
    const contrib = contributions(c.result, 'index');
    const norm = c.result.normalised;
    const mc = this.uncertainty(c.result, scheme);
    const ranks = mc?.result ?? null;
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
      ...(ranks && c.scores[i] !== null
        ? {
            rank_median: ranks.medianRank[i] ?? null,
            rank_p05: ranks.rankP05[i] ?? null,
            rank_p95: ranks.rankP95[i] ?? null,
          }
        : { rank_median: null, rank_p05: null, rank_p95: null }),
    }));
    await repo.replaceResults(q, run.id, rows);
    const fresh = await repo.getRun(q, run.id);
    await repo.updateRun(q, run.id, fresh!.version, {
      state: 'computed',
      computed_at: this.clock.now(),
      warnings: mc?.warning ? [...c.warnings, mc.warning] : c.warnings,
      uncertainty: mc?.summary ?? null,
    });
  }

  /**
   * The scheme's Monte Carlo analysis over the computed result (each unit's rank interval, each input's
   * sensitivity), or null when the scheme turns it off. An analysis that cannot run (too few scored units)
   * is reported as a warning instead of failing the run.
   */
  private uncertainty(
    result: IndexResult,
    scheme: SchemeBody,
  ): {
    result: UncertaintyResult | null;
    summary: repo.RunUncertainty | null;
    warning?: { code: string; message: string };
  } | null {
    const u = scheme.uncertainty;
    if (u.runs === 0) return null;
    const scored = result.ranks.index ? Array.from(result.ranks.index).filter((r) => r > 0).length : 0;
    if (scored < 2) return null;
    try {
      const mc = runUncertainty(result, {
        runs: u.runs,
        weightNoise: u.weightNoise,
        seed: u.seed,
        ...(u.normalise ? { normalise: u.normalise } : {}),
        ...(u.aggregate ? { aggregate: u.aggregate } : {}),
      });
      const mean = mc.rankShift.reduce((a, x) => a + x, 0) / Math.max(1, mc.rankShift.length);
      return {
        result: mc,
        summary: {
          runs: mc.runs,
          weightNoise: u.weightNoise,
          seed: u.seed,
          meanRankShift: round(mean, 3) ?? 0,
          sensitivity: mc.sensitivity
            .map((x) => ({ input: x.input, kind: x.kind, firstOrder: round(x.firstOrder, 4) ?? 0 }))
            .sort((a, b) => b.firstOrder - a.firstOrder),
        },
      };
    } catch (e) {
      return {
        result: null,
        summary: null,
        warning: {
          code: 'uncertainty_failed',
          message: `Monte Carlo analysis skipped: ${(e as Error).message}`,
        },
      };
    }
  }

  private async runDto(r: repo.RunRow, withResults: boolean): Promise<RunDto> {
    const scheme = await repo.schemeById(this.db, r.scheme_id, r.scheme_version);
    const within = await this.units.getScopeUnit(r.within_unit_id);
    let results: ResultDto[] = [];
    let corrections: RunDto['corrections'] = [];
    if (withResults) {
      const prev = await repo.publishedRun(this.db, previousPeriod(r.period), r.level);
      const prevScores = new Map(
        (prev ? await repo.scores(this.db, prev.id) : []).map((x) => [x.unit_id, x.score]),
      );
      results = (await repo.resultBriefs(this.db, r.id)).map((x) => {
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
          rankInterval: intervalOf(x),
        };
      });
      corrections = (await repo.corrections(this.db, r.id)).map((i) => ({
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
      uncertainty: withResults ? r.uncertainty : null,
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
    escalatedTo: i.escalated_to === null ? null : Number(i.escalated_to),
  };
}

const ACTION_NAMES: Record<string, { zh: string; en: string }> = {
  warning: { zh: '预警', en: 'Warning' },
  copy_notice: { zh: '抄告', en: 'Copy-notice' },
  supervision: { zh: '督办', en: 'Supervised rectification' },
  listing: { zh: '挂牌整治', en: 'Public listing' },
  delisting: { zh: '摘牌审核', en: 'Delisting sign-off' },
};

/** The superior unit of a unit: the last code before its own in its path. */
function parentCode(path: string): string | null {
  const codes = path.split('/').filter(Boolean);
  return codes.length >= 2 ? codes[codes.length - 2]! : null;
}
