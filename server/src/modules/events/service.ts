// Events: intake (locate, route, idempotency), the loop's transitions (scope, version, timeline, audit),
// supervision (reminders, overdue escalation, auto-close) and the reporters who follow an answer.
// The rules of the loop are the pure state machine in domain/; this file applies them with I/O.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { Batcher, type BatcherStats } from '../../db/batcher.js';
import { type Db, inAmbientTransaction, type Queryable } from '../../db/index.js';
import { deploymentSecret } from '../../db/secrets.js';
import { isStatementRefusal } from '../../db/statement.js';
import { HttpErrors } from '../../http/errors.js';
import type { Page } from '../../http/pagination.js';
import type { JobQueue, Schedules } from '../../jobs/index.js';
import { type Actor, actorId, actorName, type ScopeUnit, SYSTEM } from '../access/actor.js';
import type { AuditEvent, AuditService } from '../access/audit.js';
import { hasRole } from '../access/policy-kit.js';
import type { MediaDto } from '../media/schema.js';
import type { MediaService } from '../media/service.js';
import { chinaWorkCalendar } from '../supervision/calendar-cn.js';
import { dueAt, REMINDER_SHARE, reminderAt, type WorkCalendar } from '../supervision/deadlines.js';
import {
  type NoticeOf,
  type Notifier,
  type Recipients,
  type RecipientsReadAhead,
  withUnits,
} from '../supervision/notifier.js';
import { runSweep, scheduleSweep, sweepStep } from '../supervision/sweep.js';
import type { UnitsService } from '../units/service.js';
import type { CategoryDto } from './categories/schema.js';
import type { CategoriesService } from './categories/service.js';
import { type ChainUnit, type HandlingTarget, nextEscalation, route } from './domain/routing.js';
import {
  type Assignee,
  availableActions,
  type EventRole,
  type EventState,
  isTerminal,
  OPEN_STATES,
  RATING_WINDOW_MS,
  type RefusalCode,
  transition,
} from './domain/state-machine.js';
import { EventErrors as E } from './errors.js';
import { type EventFacts, eventPolicy, isSystemActor } from './policy.js';
import * as repo from './repository.js';
import type {
  CreatedEvent,
  CreateEventBody,
  DailyView,
  EventDetail,
  EventDto,
  EventSource,
  HandlerRef,
  ListQuery,
  MetricsRow,
  TimelineItem,
  TransitionBody,
} from './schema.js';

export interface IntakeContext {
  /** The client address: abuse control for reporters without an account (kept only as a keyed pseudonym). */
  address?: string;
  idempotencyKey?: string;
  source?: EventSource;
  /** The number an outside system gave it (a hotline ticket); a second import of it is refused. */
  externalId?: string;
  /** When it was reported, for imports of past items (default: now). */
  reportedAt?: Date;
}

export interface PublicEvent {
  id: number;
  trackingNo: string;
  state: EventState;
  open: boolean;
  categoryCode: string;
  categoryName: { zh: string; en: string };
  description: string;
  statusNotes: string | null;
  agency: string | null;
  requestedAt: Date;
  updatedAt: Date;
  expectedAt: Date | null;
  address: string | null;
  lat: number;
  lng: number;
  mediaUrls: string[];
}

/** The figures of MetricsRow a caller may ask for alone (reported, perThousand and resolved always come). */
export const METRIC_FIGURES = [
  'resolutionRate',
  'onTimeRate',
  'medianResolveHours',
  'satisfaction',
  'reopenRate',
  'staffQuickShare',
] as const;
export type MetricFigure = (typeof METRIC_FIGURES)[number];

export interface MetricsResult {
  from: string;
  to: string;
  level: string;
  items: MetricsRow[];
}

/** A finished event of the past, for importArchive. */
export interface ArchiveItem {
  categoryCode: string;
  description: string;
  lng: number;
  lat: number;
  source: EventSource;
  reportedAt: Date;
  /** null: it was rejected */
  resolvedAt: Date | null;
  /** null: resolved and never rated */
  rating: number | null;
  reopened: boolean;
}

/** Duplicates: open events of the same category within this distance … */
export const DUPLICATE_RADIUS_M = 50;
/** … reported within this time before. */
export const DUPLICATE_WINDOW_MS = 7 * 24 * 3600 * 1000;
/** Reports one address may file without an account per hour. */
export const ANONYMOUS_REPORTS_PER_HOUR = 20;
/** After an escalation, the next one comes after the allowed time again, within these bounds. */
export const MIN_ESCALATION_INTERVAL_MS = 3600_000;
export const MAX_ESCALATION_INTERVAL_MS = 24 * 3600_000;
/** How long intake reuses a category's current version before reading it again. */
export const CURRENT_CATEGORY_TTL_MS = 30_000;
/** The most reports one intake batch (one statement) takes. */
export const INTAKE_MAX_BATCH = 64;
/**
 * Intake batches written at once: one. The next batch gathers while one is written (a batch is one
 * statement: one round trip that commits). On PGlite a second would only wait for its one connection; on
 * PostgreSQL two batches at once made smaller batches that competed for the same cores: with one, HTTP
 * intake was 5 % faster (bench/README.md, 2026-11-24) at the same p99 at 1,000 req/s.
 */
const INTAKE_IN_FLIGHT = 1;
/**
 * Event ids intake takes ahead of need, in one statement (as a sequence's own cache does: a stop leaves
 * gaps, and with several server processes ids interleave a little across processes).
 */
export const INTAKE_IDS_AHEAD = 128;
/** Idempotency keys are kept this long. */
export const IDEMPOTENCY_TTL_MS = 48 * 3600_000;
/** How coarse public locations are: 3 decimals ≈ 100 m. */
const PUBLIC_DECIMALS = 3;

const E_KEYS: Record<RefusalCode, 'transitionNotAllowed' | 'actionNotYours' | 'invalidTransition'> = {
  forbidden_transition: 'transitionNotAllowed',
  forbidden_actor: 'actionNotYours',
  missing_reason: 'invalidTransition',
  missing_assignee: 'invalidTransition',
  same_assignee: 'invalidTransition',
  missing_note: 'invalidTransition',
  missing_rating: 'invalidTransition',
  invalid_rating: 'invalidTransition',
  missing_target: 'invalidTransition',
  self_merge: 'invalidTransition',
  rating_window_open: 'transitionNotAllowed',
};

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The local (Asia/Shanghai) date of an instant, YYYYMMDD. */
function localDay(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
}

/** The UTC instant of a local (Asia/Shanghai) midnight, from YYYY-MM-DD. */
export function localMidnight(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

function mask(name: string | null, phone: string | null) {
  return {
    name: name ? `${[...name][0]}${'*'.repeat(Math.max(1, [...name].length - 1))}` : null,
    phone: phone ? (phone.length > 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****') : null,
  };
}

/** A report that passed every check, with everything its rows and its answer are made of. */
interface PreparedReport {
  actor: Actor;
  idem: repo.IdempotencyClaim | null;
  event: Omit<repo.NewEvent, 'id' | 'tracking_no'>;
  reporter: repo.NewReport['reporter'];
  /** The submit step's author as shown. */
  byName: string;
  mediaIds: number[];
  /** The client address (media attach checks the uploader of anonymous uploads by it). */
  address: string | undefined;
  followToken: string | null;
  chain: ChainUnit[];
  route: HandlerRef;
  categoryName: { zh: string; en: string };
  /** The county's unit: its center is told of the new event. */
  countyUnitId: number;
}

/**
 * A written report's answer and that answer as JSON (made once: it is kept as the key's answer and sent
 * as the HTTP answer as it is); null when its idempotency key had been taken (the answer is replayed).
 */
type WrittenReport = { event: CreatedEvent; json: string } | { event: null };

export class EventsService {
  private calendar: WorkCalendar = chinaWorkCalendar();
  private readonly categoryCache = new Map<string, Promise<CategoryDto>>();
  private readonly currentCategories = new Map<string, { at: number; value: Promise<CategoryDto | null> }>();
  /** Errors of batches whose COMMIT failed: they may have committed, so they are not written again. */
  private readonly uncertainCommits = new WeakSet<object>();
  /** Intake's group commit (see db/batcher.ts). */
  private readonly intake: Batcher<PreparedReport, WrittenReport>;
  /** Event ids taken ahead, ascending (INTAKE_IDS_AHEAD). */
  private idsAhead: number[] = [];
  /** The reporter keys of accounts (a keyed hash of the account id, the same every time). */
  private readonly accountKeys = new Map<string, string>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly units: UnitsService,
    private readonly categories: CategoriesService,
    private readonly media: MediaService,
    private readonly notifier: Notifier | null,
    private readonly clock: Clock,
    opts: { registerMediaPolicy?: boolean } = {},
  ) {
    this.intake = new Batcher({
      maxBatch: INTAKE_MAX_BATCH,
      maxInFlight: INTAKE_IN_FLIGHT,
      write: (items) => this.writeReports(items),
      rolledBack: (e) => !(e && typeof e === 'object' && this.uncertainCommits.has(e)),
    });
    // a second instance (the demo seed's, on its own clock) leaves the registration to the first
    if (opts.registerMediaPolicy !== false) {
      media.registerOwnerPolicy('event', async (actor, id) => {
        const row = await repo.getEvent(this.db, id);
        if (!row) return false;
        return eventPolicy.view(actor, await this.facts(this.db, actor, row));
      });
    }
  }

  /** Registers the supervision sweep (reminders, escalation, auto-close) with the job system. */
  registerJobs(queue: JobQueue, schedules: Schedules): void {
    scheduleSweep({ queue, schedules }, 'events.supervise', (q, now) => this.supervise(q, now));
    queue.register('events.prune-idempotency', async (_p, ctx) => {
      await repo.pruneIdempotencyKeys(ctx.q, new Date(ctx.now.getTime() - IDEMPOTENCY_TTL_MS));
    });
    schedules.define({
      name: 'events.prune-idempotency',
      cron: '17 3 * * *',
      kind: 'events.prune-idempotency',
    });
  }

  /** Replaces the working calendar (holidays and make-up days a deployment configures). */
  setCalendar(cal: WorkCalendar): void {
    this.calendar = cal;
  }

  // ---------------------------------------------------------------- intake

  async create(
    actor: Actor,
    body: CreateEventBody,
    ctx: IntakeContext = {},
  ): Promise<{ status: number; event: CreatedEvent; replayed: boolean; json?: string }> {
    const idem = ctx.idempotencyKey ? { scope: this.idemScope(actor), key: ctx.idempotencyKey } : null;
    const requestHash = sha256(JSON.stringify(body));
    let report: PreparedReport;
    try {
      report = await this.prepareReport(actor, body, ctx, idem, requestHash);
    } catch (e) {
      // a replay answers before any other check: the first request passed them. The key is read only
      // when a check refuses, so a first request costs no read (a replay that passes the checks finds
      // its key taken when it is claimed, below)
      if (idem) {
        const seen = await repo.findIdempotencyKey(this.db, idem.scope, idem.key);
        if (seen && seen.status !== 0) return this.regranted(this.replay(seen, requestHash));
      }
      throw e;
    }
    // inside a caller's transaction (the hotline import) the report is written in it; otherwise it is
    // group-committed with the reports that arrive at the same time, and answered once that commits
    const written = inAmbientTransaction()
      ? (await this.writeReports([report]))[0]!
      : await this.intake.submit(report);
    if (written.event) return { status: 201, event: written.event, replayed: false, json: written.json };
    // its key was taken: by an earlier request, or a concurrent one that committed first
    const seen = idem ? await repo.findIdempotencyKey(this.db, idem.scope, idem.key) : undefined;
    return this.regranted(this.replay(seen, requestHash));
  }

  /** Every check of a report and everything derived from it before it is written (no writes). */
  private async prepareReport(
    actor: Actor,
    body: CreateEventBody,
    ctx: IntakeContext,
    idem: { scope: string; key: string } | null,
    requestHash: string,
  ): Promise<PreparedReport> {
    if (!eventPolicy.report(actor)) HttpErrors.forbidden.raise();
    if (body.onBehalfOf && !eventPolicy.reportOnBehalf(actor)) E.onBehalfNotAllowed.raise();
    const now = this.clock.now();
    const reportedAt = ctx.reportedAt ?? now;
    const source: EventSource =
      ctx.source ??
      (actor.kind === 'user' && hasRole(actor, 'resident')
        ? 'app'
        : actor.kind === 'anonymous'
          ? 'app'
          : 'staff');

    const category = await this.currentCategory(body.categoryCode);
    // a group with sub-categories takes no reports (its sub-categories do); a group without any does
    if (
      !category?.active ||
      (category.parentCode === null && (await this.categoryAndChildren(category.code)).length > 1)
    ) {
      return E.unknownCategory.raise(`No category ${body.categoryCode} that takes reports`);
    }
    const answers = checkAnswers(category, body.answers);
    const loc =
      body.location ??
      (await this.media
        .exifLocation(body.mediaIds, actor, { address: ctx.address })
        .then((l) => (l ? { ...l, crs: 'wgs84' as const } : null)));
    if (!loc) return E.locationRequired.raise();
    const located = await this.units.resolvePointCached(loc.lng, loc.lat, loc.crs);
    if (!located) return E.outsideDistrict.raise(undefined, { lng: loc.lng, lat: loc.lat });
    const chain: ChainUnit[] = [...located.ancestors, located.unit].map((u) => ({
      id: u.id,
      code: u.code,
      name: u.name,
      level: u.level as ChainUnit['level'],
    }));
    const routed = route(category.handledBy, chain);
    if (!routed.ok) return E.noRoute.raise(routed.message);
    const target = await this.resolveTarget(routed.target);
    const countyCode =
      located.unit.countyCode ??
      chain.find((u) => u.level === 'county')?.code ??
      located.unit.code.slice(0, 6);
    const unitPath = `/${chain.map((u) => u.code).join('/')}/`;
    // WGS84 as stored; a GCJ-02 input was converted by resolvePoint for locating, so convert here too
    const wgs = loc.crs === 'gcj02' ? located.point : { lng: loc.lng, lat: loc.lat };

    const secret = await this.secret();
    let followToken: string | null = null;
    let reporterKey: string;
    let abuseKey: string | null = null;
    if (ctx.source === 'hotline') {
      // the hotline's caller is the reporter; the staff member importing the ticket does not follow it
      reporterKey = hmac(secret, `hotline:${randomBytes(18).toString('base64url')}`);
    } else if (actor.kind === 'user' || actor.kind === 'api_key') reporterKey = this.ownKey(secret, actor)!;
    else {
      followToken = randomBytes(18).toString('base64url');
      reporterKey = hmac(secret, `token:${followToken}`);
      abuseKey = ctx.address ? hmac(secret, `address:${ctx.address}`) : null;
    }
    const anonymous = actor.kind === 'anonymous' || (body.anonymous && !body.onBehalfOf);
    if (abuseKey) {
      const n = await repo.countRecentByAbuseKey(this.db, abuseKey, new Date(now.getTime() - 3600_000));
      if (n >= ANONYMOUS_REPORTS_PER_HOUR) E.tooManyReports.raise();
    }
    const routeRef: HandlerRef =
      target.kind === 'department'
        ? { kind: 'department', id: target.id, code: target.code, name: target.name, level: 'department' }
        : unitHandlerRef(chain.find((u) => u.id === target.id) ?? located.unit);

    return {
      actor,
      idem: idem ? { ...idem, requestHash, at: now } : null,
      event: {
        county_code: countyCode,
        category_id: category.id,
        category_version: category.version,
        category_code: category.code,
        category_group: await this.groupOf(category),
        priority: category.priority,
        state: 'submitted',
        source,
        external_id: ctx.externalId ?? null,
        description: body.description,
        answers,
        address: body.address ?? null,
        lng: wgs.lng,
        lat: wgs.lat,
        unit_id: located.unit.id,
        unit_path: unitPath,
        route_kind: target.kind,
        route_id: target.id,
        route_level: target.level,
        anonymous,
        reporter_account_id: !anonymous && !body.onBehalfOf ? actorId(actor) : null,
        reporter_name:
          body.onBehalfOf?.name ?? (actor.kind === 'user' && !anonymous ? actor.displayName : null),
        reporter_phone: body.onBehalfOf?.phone ?? null,
        abuse_key: abuseKey,
        created_by: actorName(actor),
        created_at: reportedAt,
      },
      reporter: {
        reporter_key: reporterKey,
        account_id: anonymous || ctx.source === 'hotline' ? null : actorId(actor),
      },
      // residents appear as "the reporter" (their name is the reporter's contact, shown to those who need it)
      byName: anonymous || hasRole(actor, 'resident') ? 'reporter' : this.byName(actor, 'handler'),
      mediaIds: body.mediaIds,
      address: ctx.address,
      followToken,
      chain,
      route: routeRef,
      categoryName: category.name,
      countyUnitId: chain.find((u) => u.level === 'county')?.id ?? located.unit.id,
    };
  }

  /**
   * Writes reports (a batch of the group commit, or one report inside a caller's transaction): takes
   * their ids; writes events, first steps, reporters, their keys with the answers, their audit entries
   * and their feed rows in one statement (a key taken already keeps its report, its entry and its feed
   * row out). Without media, that statement is the whole write: it commits on its own, in one round trip,
   * without BEGIN and COMMIT. With media to attach, the keys are claimed first (with the ids) in a
   * transaction, so that only a report that goes ahead attaches them, and get their answers with the
   * events. A report whose key was taken comes back without an event (its first answer is replayed).
   */
  private async writeReports(items: readonly PreparedReport[]): Promise<WrittenReport[]> {
    // on PostgreSQL, who is told is read beside the write (it need not wait for it); PGlite's one
    // connection would only queue the read, and inside a caller's transaction it is read in it
    const ahead =
      this.notifier && this.db.kind === 'postgres' && !inAmbientTransaction()
        ? this.notifier.readRecipients(items.map((it) => this.submittedNoticeTo(it)))
        : undefined;
    if (!inAmbientTransaction() && items.every((it) => it.mediaIds.length === 0)) {
      const progress = { writing: false };
      try {
        return await this.writeReportsIn(this.db, items, ahead, progress);
      } catch (e) {
        // the statement failed without the database refusing it (the connection was lost while it ran):
        // it may have committed, so its reports are never written again
        if (progress.writing && !isStatementRefusal(e) && e && typeof e === 'object')
          this.uncertainCommits.add(e);
        throw e;
      }
    }
    let committing = false;
    try {
      return await this.db.tx(async (q) => {
        const out = await this.writeReportsIn(q, items, ahead);
        committing = true;
        return out;
      });
    } catch (e) {
      // a failure of COMMIT itself may have committed (a connection lost): never written again
      if (committing && e && typeof e === 'object') this.uncertainCommits.add(e);
      throw e;
    }
  }

  /**
   * Who is told of a new report in person: the staff of its county's center when it is urgent. Every new
   * report reaches the live feed (the dispatchers' queue shows it at once); a notification to each of the
   * center's staff for each of a district's ten thousand reports a day would bury the ones that matter.
   */
  private submittedNoticeTo(it: PreparedReport): Recipients {
    return it.event.priority === 'urgent' ? { unitIds: [it.countyUnitId] } : {};
  }

  private async writeReportsIn(
    q: Queryable,
    items: readonly PreparedReport[],
    ahead?: RecipientsReadAhead,
    progress?: { writing: boolean },
  ): Promise<WrittenReport[]> {
    // a key twice in one batch (a retry that caught up with its first request): the later one replays
    const keys = new Set<string>();
    const first = items.map((it) => {
      if (!it.idem) return true;
      const k = `${it.idem.scope}\n${it.idem.key}`;
      if (keys.has(k)) return false;
      keys.add(k);
      return true;
    });
    const sent = items.filter((_, i) => first[i]);
    const withMedia = sent.some((it) => it.mediaIds.length > 0);
    const ids = withMedia
      ? await repo.claimKeysAndTakeIds(
          q,
          sent.map((it) => it.idem),
        )
      : await this.takeEventIds(q, sent.length);
    const idOf = new Map(sent.map((it, i) => [it, ids[i] ?? null]));

    const reports: repo.NewReport[] = [];
    const audits: AuditEvent[] = [];
    const notices: NoticeOf[] = [];
    const out: WrittenReport[] = [];
    for (const it of items) {
      const id = idOf.get(it) ?? null;
      if (id === null) {
        out.push({ event: null });
        continue;
      }
      const trackingNo = `${localDay(it.event.created_at)}-${String(id).padStart(6, '0')}`;
      const media = await this.media.attach(q, it.mediaIds, 'event', id, it.actor, { address: it.address });
      const details = {
        source: it.event.source,
        ...(media.length ? { mediaIds: media.map((m) => m.id) } : {}),
      };
      const row = newEventRow({ ...it.event, id, tracking_no: trackingNo });
      // the answer is made from what was just decided, without reading it back; the filer reads back the
      // contact they typed themselves: not a read of someone's personal data to audit
      const keysOfActor = await this.keysOf(it.actor, []);
      const detail = (await this.present(q, it.actor, row, {
        detail: true,
        audit: false,
        facts: {
          unitPath: row.unit_path,
          assignee: null,
          // an anonymous reporter follows by the token this very answer hands them
          follows: it.followToken !== null || keysOfActor.includes(it.reporter.reporter_key),
        },
        known: {
          chain: it.chain,
          route: it.route,
          media,
          timeline: [
            {
              event_id: id,
              seq: 1,
              at: row.created_at,
              kind: 'submit',
              from_state: null,
              to_state: 'submitted',
              by_name: it.byName,
              as_role: 'reporter',
              details,
            },
          ],
        },
      })) as EventDetail;
      const event: CreatedEvent = { ...detail, followToken: it.followToken };
      const json = JSON.stringify(event);
      reports.push({
        event: { ...it.event, id, tracking_no: trackingNo },
        reporter: it.reporter,
        submit: { by_name: it.byName, details },
        answer: it.idem ? { ...it.idem, status: 201, responseJson: json } : null,
      });
      audits.push({
        actor: it.actor,
        action: 'event.create',
        entityType: 'event',
        entityId: id,
        unitId: row.unit_id,
        unitPath: row.unit_path,
        after: {
          trackingNo,
          category: row.category_code,
          source: row.source,
          anonymous: row.anonymous,
        },
      });
      notices.push(
        this.notice(
          row,
          'events.submitted',
          {
            zh: `新事件 ${trackingNo}（${it.categoryName.zh}）待受理`,
            en: `New event ${trackingNo} (${it.categoryName.en}) awaits acceptance`,
          },
          this.submittedNoticeTo(it),
        ),
      );
      out.push({ event, json });
    }
    const parts = [this.audit.entriesPart(audits)];
    const feed = this.notifier ? await this.notifier.noticesPart(q, notices, ahead) : null;
    if (feed) parts.push(feed);
    if (progress) progress.writing = true;
    const written = await repo.insertReports(q, reports, withMedia ? 'claimed' : 'claim', parts);
    // a key taken meanwhile (by a concurrent batch that committed first): that report is a replay
    return out.map((o) => (o.event !== null && written.has(o.event.id) ? o : { event: null }));
  }

  /** `n` new event ids, ascending, from those taken ahead (taking more when they run short). */
  private async takeEventIds(q: Queryable, n: number): Promise<number[]> {
    if (this.idsAhead.length < n) {
      const more = await repo.takeEventIds(q, Math.max(n, INTAKE_IDS_AHEAD) - this.idsAhead.length);
      // another batch may have taken some meanwhile: ascending again
      this.idsAhead = [...this.idsAhead, ...more].sort((a, b) => a - b);
    }
    return this.idsAhead.splice(0, n);
  }

  /** How intake's group commit has batched so far (for benchmarks and tests). */
  get intakeStats(): BatcherStats {
    return { ...this.intake.stats };
  }

  /**
   * A replayed answer with read grants in its media urls (an anonymous follower's report) gets fresh ones:
   * a phone that retries after a day offline must still see its photos, and the first grants have expired.
   */
  private async regranted<T extends { event: CreatedEvent }>(answer: T): Promise<T> {
    const media = answer.event.media ?? [];
    if (!media.some((m) => m.url.includes('?exp='))) return answer;
    const bare = (url: string) => url.split('?')[0]!;
    const granted = await this.media.withReadGrants(
      media.map((m) => ({
        ...m,
        url: bare(m.url),
        thumbnailUrl: m.thumbnailUrl ? bare(m.thumbnailUrl) : null,
      })),
    );
    return { ...answer, event: { ...answer.event, media: granted } };
  }

  private replay(
    seen: repo.IdempotencyRecord | undefined,
    requestHash: string,
  ): { status: number; event: CreatedEvent; replayed: boolean } {
    if (!seen || seen.status === 0)
      return HttpErrors.conflict.raise('The first request with this key is still running');
    if (seen.request_hash !== requestHash) return E.idempotencyKeyReused.raise();
    return { status: seen.status, event: JSON.parse(seen.response) as CreatedEvent, replayed: true };
  }

  private idemScope(actor: Actor): string {
    if (actor.kind === 'user') return `events.create:user:${actor.id}`;
    if (actor.kind === 'api_key') return `events.create:api_key:${actor.id}`;
    // a phone on a weak network changes address between retries: the key itself (a UUID) is the scope
    return 'events.create:anonymous';
  }

  // ---------------------------------------------------------------- archive

  /**
   * Files finished events of the past in bulk (a migration from an older system, the demo's history):
   * each is located and routed like a report, carries its outcome (resolved on time or not, rating,
   * reopenings) and gets its first and last timeline steps. For administrators and the system only.
   */
  async importArchive(actor: Actor, items: ArchiveItem[]): Promise<number> {
    if (!hasRole(actor, 'admin')) this.deny(actor);
    const rows: repo.ArchiveRow[] = [];
    const chains = new Map<string, ChainUnit[]>();
    const categories = new Map<string, { c: CategoryDto | null; group: string }>();
    for (const it of items) {
      let cat = categories.get(it.categoryCode);
      if (!cat) {
        const c = await this.categories.current(it.categoryCode);
        cat = { c, group: c ? await this.groupOf(c) : '' };
        categories.set(it.categoryCode, cat);
      }
      const category = cat.c;
      if (!category || category.parentCode === null) return E.unknownCategory.raise(it.categoryCode);
      const located = await this.units.resolvePoint(it.lng, it.lat);
      if (!located) return E.outsideDistrict.raise(undefined, { lng: it.lng, lat: it.lat });
      const path = `/${[...located.ancestors, located.unit].map((u) => u.code).join('/')}/`;
      let chain = chains.get(path);
      if (!chain) {
        chain = [...located.ancestors, located.unit].map((u) => ({
          id: u.id,
          code: u.code,
          name: u.name,
          level: u.level as ChainUnit['level'],
        }));
        chains.set(path, chain);
      }
      const routed = route(category.handledBy, chain);
      if (!routed.ok) return E.noRoute.raise(routed.message);
      const t = await this.resolveTarget(routed.target);
      const tPath =
        t.kind === 'unit'
          ? `/${chain
              .slice(0, chain.findIndex((u) => u.id === t.id) + 1)
              .map((u) => u.code)
              .join('/')}/`
          : ((await this.units.getScopeDepartment(t.id))?.unitPath ?? null);
      const mode = category.deadline.workingHours ? 'working' : 'calendar';
      const assignedAt = new Date(it.reportedAt.getTime() + 3600_000);
      const due = dueAt(assignedAt, category.deadline.hours, mode, this.calendar);
      rows.push({
        county_code: located.unit.countyCode ?? chain.find((u) => u.level === 'county')?.code ?? '',
        category_id: category.id,
        category_version: category.version,
        category_code: category.code,
        category_group: cat.group,
        priority: category.priority,
        state: it.resolvedAt === null ? 'rejected' : it.rating === null ? 'resolved' : 'closed',
        source: it.source,
        description: it.description,
        lng: located.point.lng,
        lat: located.point.lat,
        unit_id: located.unit.id,
        unit_path: path,
        assignee_kind: it.resolvedAt === null ? null : t.kind,
        assignee_id: it.resolvedAt === null ? null : t.id,
        assignee_level: it.resolvedAt === null ? null : t.level,
        assignee_path: it.resolvedAt === null ? null : tPath,
        created_at: it.reportedAt,
        assigned_at: it.resolvedAt === null ? null : assignedAt,
        due_at: it.resolvedAt === null ? null : due,
        first_resolved_at: it.resolvedAt,
        resolved_on_time: it.resolvedAt === null ? null : it.resolvedAt.getTime() <= due.getTime(),
        closed_at:
          it.resolvedAt === null || it.rating === null
            ? null
            : new Date(it.resolvedAt.getTime() + 24 * 3600_000),
        rating: it.rating,
        reopen_count: it.reopened ? 1 : 0,
        created_by: actorName(actor),
      });
    }
    return this.db.tx(async (q) => {
      const ids = await repo.insertArchive(q, rows);
      await this.audit.record(q, {
        actor,
        action: 'event.import_archive',
        entityType: 'event',
        entityId: null,
        after: { count: ids.length, from: ids[0] ?? null, to: ids.at(-1) ?? null },
      });
      return ids.length;
    });
  }

  // ---------------------------------------------------------------- reading

  async get(actor: Actor, id: number, followTokens: readonly string[] = []): Promise<EventDetail> {
    const row = await repo.getEvent(this.db, id);
    if (!row) return E.eventNotFound.raise();
    const facts = await this.facts(this.db, actor, row, followTokens);
    if (!eventPolicy.view(actor, facts)) this.deny(actor);
    return (await this.present(this.db, actor, row, { detail: true, facts })) as EventDetail;
  }

  async list(actor: Actor, query: ListQuery): Promise<Page<EventDto>> {
    const f: repo.ListFilter = {};
    if (query.state?.length) f.states = query.state;
    if (query.category) f.categoryCodes = await this.categoryAndChildren(query.category);
    if (query.from) f.from = localMidnight(query.from);
    if (query.to) f.to = new Date(localMidnight(query.to).getTime() + 24 * 3600_000);
    if (query.q) f.text = query.q;
    if (query.view === 'mine') {
      if (actor.kind === 'anonymous') HttpErrors.unauthenticated.raise();
      f.reporterKeys = await this.keysOf(actor, []);
    } else if (query.view === 'queue') {
      if (actor.kind === 'anonymous') return HttpErrors.unauthenticated.raise();
      f.queue = {
        unitPath: hasRole(
          actor,
          'grid_worker',
          'micro_grid_leader',
          'village_staff',
          'town_staff',
          'dispatcher',
        )
          ? (actor.scope.unit?.path ?? null)
          : null,
        departmentId: hasRole(actor, 'department_staff') ? (actor.scope.department?.id ?? null) : null,
      };
    } else {
      if (!eventPolicy.listScope(actor)) this.deny(actor);
      if (actor.kind === 'anonymous') return this.deny(actor);
      const scope = actor.scope.unit?.path ?? actor.scope.department?.unitPath ?? null;
      if (!scope) return this.deny(actor);
      if (hasRole(actor, 'department_staff') && !actor.scope.unit) {
        // department staff see what was assigned to their department, in whatever state it is now
        f.department = actor.scope.department?.id ?? -1;
      }
      f.unitPath = scope;
      if (query.view === 'overdue') f.overdueAt = this.clock.now();
    }
    if (query.unit) {
      const u = await this.units.getScopeUnit(query.unit);
      if (!u) return HttpErrors.validationFailed.raise('unknown unit');
      if (f.unitPath && !u.path.startsWith(f.unitPath) && !f.unitPath.startsWith(u.path)) this.deny(actor);
      if (!f.unitPath || u.path.startsWith(f.unitPath)) f.unitPath = u.path;
    }
    const { rows, total } = await repo.listEvents(
      this.db,
      f,
      query.pageSize,
      (query.page - 1) * query.pageSize,
    );
    const items = await this.presentMany(this.db, actor, rows);
    return { items, total, page: query.page, pageSize: query.pageSize };
  }

  /** The reports a device without an account follows, by the tokens it was given (newest first). */
  async followed(tokens: readonly string[]): Promise<EventDetail[]> {
    const secret = await this.secret();
    const keys = tokens.map((t) => hmac(secret, `token:${t}`));
    const { rows } = await repo.listEvents(this.db, { reporterKeys: keys }, 50, 0);
    const out: EventDetail[] = [];
    for (const row of rows) {
      out.push(
        (await this.present(this.db, { kind: 'anonymous' }, row, {
          detail: true,
          facts: { ...(await this.facts(this.db, { kind: 'anonymous' }, row, tokens)) },
        })) as EventDetail,
      );
    }
    return out;
  }

  // ---------------------------------------------------------------- the loop

  async transition(actor: Actor, id: number, body: TransitionBody): Promise<EventDetail> {
    const now = this.clock.now();
    return this.db.tx(async (q) => {
      const row = await repo.getEvent(q, id, true);
      if (!row) return E.eventNotFound.raise();
      const facts = await this.facts(q, actor, row, body.followToken ? [body.followToken] : []);
      if (!eventPolicy.view(actor, facts)) this.deny(actor);
      if (row.version !== body.version) {
        return E.versionConflict.raise(`The event is at version ${row.version}`, { version: row.version });
      }
      const roles = eventPolicy.roles(actor, facts);
      const result = transition(
        {
          id: row.id,
          state: row.state,
          assignee: row.assignee_kind ? { kind: row.assignee_kind, id: row.assignee_id as number } : null,
          resolvedAt: row.resolved_at,
        },
        body.action,
        body,
        roles,
        now,
      );
      if (!result.ok) {
        return E[E_KEYS[result.refusal.code]].raise(result.refusal.message, { reason: result.refusal.code });
      }
      const { to, entry } = result;
      const patch: repo.EventPatch = { state: to, updated_at: now };
      const details: Record<string, unknown> = {};
      let assigneeRef: HandlerRef | undefined;
      let target: repo.EventRow | undefined;
      switch (body.action) {
        case 'accept':
          patch.accepted_at = now;
          break;
        case 'assign':
        case 'reassign': {
          const a = await this.checkAssignee(actor, row, entry.assignee as Assignee);
          assigneeRef = a.ref;
          const category = await this.categoryOf(row);
          const due = dueAt(
            now,
            category.deadline.hours,
            category.deadline.workingHours ? 'working' : 'calendar',
            this.calendar,
          );
          Object.assign(patch, {
            assignee_kind: a.ref.kind,
            assignee_id: a.ref.id,
            assignee_level: a.ref.level,
            assignee_path: a.path,
            assigned_at: now,
            due_at: due,
            remind_at: reminderAt(
              now,
              category.deadline.hours,
              category.deadline.workingHours ? 'working' : 'calendar',
              this.calendar,
              REMINDER_SHARE,
            ),
            next_escalation_at: due,
            overdue: false,
            escalations: 0,
            supervisor_unit_id: null,
          } satisfies repo.EventPatch);
          details.assignee = a.ref;
          break;
        }
        case 'return':
          Object.assign(patch, { remind_at: null, next_escalation_at: null } satisfies repo.EventPatch);
          break;
        case 'resolve':
          Object.assign(patch, {
            resolved_at: now,
            first_resolved_at: row.first_resolved_at ?? now,
            resolved_on_time: row.due_at ? now.getTime() <= row.due_at.getTime() : true,
            remind_at: null,
            next_escalation_at: null,
          } satisfies repo.EventPatch);
          break;
        case 'rate':
          patch.rating = body.rating as number;
          if (to === 'closed') patch.closed_at = now;
          else patch.reopen_count = row.reopen_count + 1;
          break;
        case 'reopen':
          patch.reopen_count = row.reopen_count + 1;
          break;
        case 'close':
          patch.closed_at = now;
          break;
        case 'merge': {
          target = await repo.getEvent(q, body.targetEventId as number, true);
          const tFacts = target ? await this.facts(q, actor, target) : null;
          if (
            !target ||
            !tFacts ||
            !OPEN_STATES.includes(target.state) ||
            !eventPolicy.roles(actor, tFacts).includes('dispatcher')
          ) {
            return E.unknownTarget.raise();
          }
          patch.merged_into = target.id;
          patch.remind_at = null;
          patch.next_escalation_at = null;
          details.targetTrackingNo = target.tracking_no;
          break;
        }
        default:
          break;
      }
      let mediaIds: number[] = [];
      if (body.mediaIds.length) {
        if (body.action !== 'resolve' && body.action !== 'reopen') {
          return E.invalidTransition.raise('photos go with resolve (the result) or reopen');
        }
        mediaIds = (await this.media.attach(q, body.mediaIds, 'event', row.id, actor)).map((m) => m.id);
      }
      const updated = await repo.updateEvent(q, row.id, row.version, patch);
      if (!updated) return E.versionConflict.raise();
      const by = this.byName(actor, entry.as);
      await repo.appendTimeline(q, {
        event_id: row.id,
        county_code: row.county_code,
        at: now,
        kind: body.action,
        from_state: row.state,
        to_state: to,
        by_name: by,
        as_role: entry.as,
        details: {
          ...details,
          ...(entry.reason ? { reason: entry.reason } : {}),
          ...(entry.note ? { note: entry.note } : {}),
          ...(entry.rating ? { rating: entry.rating } : {}),
          ...(entry.comment ? { comment: entry.comment } : {}),
          ...(entry.targetEventId ? { targetEventId: entry.targetEventId } : {}),
          ...(mediaIds.length ? { mediaIds } : {}),
        },
      });
      if (target) {
        const moved = await repo.copyReporters(q, row.id, target.id, now);
        await repo.appendTimeline(q, {
          event_id: target.id,
          county_code: target.county_code,
          at: now,
          kind: 'follow',
          from_state: null,
          to_state: null,
          by_name: by,
          as_role: 'dispatcher',
          details: { mergedEventId: row.id, mergedTrackingNo: row.tracking_no, reporters: moved },
        });
      }
      await this.audit.record(q, {
        actor,
        action: `event.${body.action}`,
        entityType: 'event',
        entityId: row.id,
        unitId: row.unit_id,
        unitPath: row.unit_path,
        before: { state: row.state, version: row.version },
        after: {
          state: to,
          version: updated.version,
          ...(assigneeRef ? { assignee: `${assigneeRef.kind}:${assigneeRef.id}` } : {}),
          ...(entry.rating ? { rating: entry.rating } : {}),
        },
      });
      await this.notifyTransition(q, updated, body.action, assigneeRef);
      return (await this.present(q, actor, updated, {
        detail: true,
        followTokens: body.followToken ? [body.followToken] : [],
      })) as EventDetail;
    });
  }

  /**
   * One pass of supervision at `now` (the shared sweep, supervision/sweep.ts): reminders for assignments
   * past REMINDER_SHARE of their time, escalation of overdue ones one level up (repeatedly, until the
   * center has them), and closing resolved events nobody rated within the 7-day window. Rows are
   * claimed with SKIP LOCKED, so several processes may sweep at once; each step is on the timeline.
   */
  async supervise(q: Queryable, now: Date): Promise<{ reminded: number; escalated: number; closed: number }> {
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
      sweepStep({
        name: 'closed',
        claim: (q, now, limit) => repo.dueAutoClose(q, new Date(now.getTime() - RATING_WINDOW_MS), limit),
        handle: (q, row, now) => this.autoClose(q, row, now),
      }),
    ]);
    return { reminded: n.reminded ?? 0, escalated: n.escalated ?? 0, closed: n.closed ?? 0 };
  }

  private async remind(q: Queryable, row: repo.EventRow, now: Date): Promise<boolean> {
    await repo.updateEvent(q, row.id, row.version, { remind_at: null, updated_at: now });
    await repo.appendTimeline(q, {
      event_id: row.id,
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
      'events.reminder',
      {
        zh: `事件 ${row.tracking_no} 将于 ${fmtLocal(row.due_at)} 到期`,
        en: `Event ${row.tracking_no} is due ${fmtLocal(row.due_at)}`,
      },
      this.assigneeRecipients(row),
    );
    return true;
  }

  private async escalate(q: Queryable, row: repo.EventRow, now: Date): Promise<boolean> {
    const chain = await this.chainOf(row.unit_path);
    const current = await this.currentTarget(row, chain);
    const next = current ? nextEscalation(current, chain, row.escalations) : null;
    const category = await this.categoryOf(row);
    const interval = Math.min(
      MAX_ESCALATION_INTERVAL_MS,
      Math.max(MIN_ESCALATION_INTERVAL_MS, category.deadline.hours * 3600_000),
    );
    const supervisor = next && next.kind === 'unit' ? next.unit : null;
    await repo.updateEvent(q, row.id, row.version, {
      overdue: true,
      escalations: supervisor ? row.escalations + 1 : row.escalations,
      supervisor_unit_id: supervisor ? supervisor.id : row.supervisor_unit_id,
      next_escalation_at: supervisor ? new Date(now.getTime() + interval) : null,
      updated_at: now,
    });
    const supRef = supervisor ? unitHandlerRef(supervisor) : null;
    await repo.appendTimeline(q, {
      event_id: row.id,
      county_code: row.county_code,
      at: now,
      kind: row.overdue ? 'escalate' : supervisor ? 'escalate' : 'overdue',
      from_state: null,
      to_state: null,
      by_name: 'system',
      as_role: 'system',
      details: { dueAt: iso(row.due_at), overdue: true, ...(supRef ? { supervisor: supRef } : {}) },
    });
    await this.audit.record(q, {
      actor: SYSTEM,
      action: 'event.escalate',
      entityType: 'event',
      entityId: row.id,
      unitId: row.unit_id,
      unitPath: row.unit_path,
      after: {
        escalations: supervisor ? row.escalations + 1 : row.escalations,
        supervisor: supRef?.id ?? null,
      },
    });
    await this.notify(
      q,
      row,
      'events.escalated',
      {
        zh: `事件 ${row.tracking_no} 已超期${supRef ? `，提级至 ${supRef.name} 督办` : ''}`,
        en: `Event ${row.tracking_no} is overdue${supRef ? `; escalated to ${supRef.name}` : ''}`,
      },
      withUnits(this.assigneeRecipients(row), [supervisor?.id]),
      true,
    );
    return true;
  }

  private async autoClose(q: Queryable, row: repo.EventRow, now: Date): Promise<boolean> {
    const r = transition(
      { id: row.id, state: row.state, assignee: null, resolvedAt: row.resolved_at },
      'close',
      {},
      ['system'],
      now,
    );
    if (!r.ok) return false;
    await repo.updateEvent(q, row.id, row.version, { state: 'closed', closed_at: now, updated_at: now });
    await repo.appendTimeline(q, {
      event_id: row.id,
      county_code: row.county_code,
      at: now,
      kind: 'close',
      from_state: 'resolved',
      to_state: 'closed',
      by_name: 'system',
      as_role: 'system',
      details: { reason: 'rating window over' },
    });
    await this.audit.record(q, {
      actor: SYSTEM,
      action: 'event.close',
      entityType: 'event',
      entityId: row.id,
      unitId: row.unit_id,
      unitPath: row.unit_path,
      before: { state: 'resolved' },
      after: { state: 'closed' },
    });
    return true;
  }

  // ---------------------------------------------------------------- overview

  /** The unit subtree an overview covers: the one asked for (within scope) or the viewer's scope. */
  private async overviewUnit(actor: Actor, unitId: number | undefined): Promise<ScopeUnit> {
    if (!eventPolicy.overview(actor) || actor.kind === 'anonymous') return this.deny(actor);
    const scope = actor.scope.unit;
    if (!scope) return this.deny(actor);
    if (unitId === undefined) {
      if (scope.id === 0) {
        // the system actor: the first county
        const [county] = await this.units.unitsAt('county', '/');
        if (!county) return HttpErrors.notFound.raise('No county yet');
        return county;
      }
      return scope;
    }
    const u = await this.units.getScopeUnit(unitId);
    if (!u) return HttpErrors.notFound.raise('No such unit');
    if (!u.path.startsWith(scope.path)) this.deny(actor);
    return u;
  }

  async daily(
    actor: Actor,
    query: { date?: string | undefined; unit?: number | undefined },
  ): Promise<DailyView> {
    const unit = await this.overviewUnit(actor, query.unit);
    const now = this.clock.now();
    const date = query.date ?? new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const start = localMidnight(date);
    const end = new Date(start.getTime() + 24 * 3600_000);
    const path = unit.path;
    const [t, byGroup, byState, byChild, handlers, overdue, points] = await Promise.all([
      repo.dailyTotals(this.db, path, start, end, now),
      repo.dailyCounts(this.db, 'category_group', path, start, end),
      repo.dailyCounts(this.db, 'state', path, start, end),
      repo.dailyByChild(this.db, path, start, end, now),
      repo.dailyHandlers(this.db, path, start, end),
      repo.overdueIn(this.db, path, end < now ? end : now, 100),
      repo.dayPoints(this.db, path, start, end, 5000),
    ]);
    const groups = await this.categories.list(SYSTEM, { includeInactive: true, page: 1, pageSize: 200 });
    const names = new Map(groups.items.map((c) => [c.code, c.name.zh]));
    const childRefs = await this.units.refsByCodes(byChild.map((c) => c.code));
    const round = (x: number | null, d = 2) =>
      x === null ? null : Math.round(Number(x) * 10 ** d) / 10 ** d;
    return {
      date,
      unit: { id: unit.id, code: unit.code, name: unit.name, level: unit.level },
      totals: {
        reported: t.reported,
        accepted: t.accepted,
        assigned: t.assigned,
        resolved: t.resolved,
        closed: t.closed,
        reopened: t.reopened,
        open: t.open,
        overdue: t.overdue,
      },
      byCategory: byGroup.map((g) => ({ key: g.key, name: names.get(g.key) ?? g.key, count: g.count })),
      byState: byState.map((g) => ({ key: g.key, name: g.key, count: g.count })),
      byUnit: byChild
        .flatMap((c) => {
          const u = childRefs.get(c.code);
          return u
            ? [
                {
                  unit: { id: u.id, code: u.code, name: u.name, level: u.level },
                  reported: c.reported,
                  resolved: c.resolved,
                  open: c.open,
                  overdue: c.overdue,
                },
              ]
            : [];
        })
        .sort((a, b) => a.unit.code.localeCompare(b.unit.code)),
      handlers: (
        await Promise.all(
          handlers.map(async (h) => {
            const ref = await this.handlerRef(h.kind, h.id);
            return ref ? [{ handler: ref, open: h.open, resolved: h.resolved }] : [];
          }),
        )
      ).flat(),
      resolveHours: { median: round(t.median_h, 1), p90: round(t.p90_h, 1) },
      onTimeRate: round(t.on_time, 3),
      satisfaction: { average: round(t.rating_avg, 2), ratings: t.ratings },
      overdueList: await Promise.all(
        overdue.map(async (r) => ({
          id: r.id,
          trackingNo: r.tracking_no,
          state: r.state,
          dueAt: iso(r.due_at),
          escalations: r.escalations,
          category: (await this.categoryOf(r)).name.zh,
          assignee: await this.assigneeRef(r),
        })),
      ),
      points: points.map((p) => ({
        id: p.id,
        lng: p.lng,
        lat: p.lat,
        state: p.state,
        category: p.category_code,
        overdue: p.overdue || (!!p.due_at && ['assigned', 'in_progress'].includes(p.state) && p.due_at < now),
      })),
    };
  }

  /**
   * Per-unit metrics of a period for the safety index: reports (and per 1,000 residents), resolution
   * and on-time rates, median hours to the first resolution, satisfaction, reopen rate, reports per
   * top-level category. Units without events are listed with zeros. One set-based query.
   */
  async metrics(
    actor: Actor,
    query: { from: string; to: string; level: 'town' | 'village' | 'grid'; within?: number | undefined },
  ): Promise<MetricsResult> {
    const within = await this.overviewUnit(actor, query.within);
    return this.metricsFor(within.path, query);
  }

  /**
   * The metrics without a permission check, for other services (the safety index's collect step).
   * A caller that reads only some figures names them in `figures` (and the category groups it reads in
   * `groups`): the others come back null (byCategory then holds only those groups), and the query does
   * not compute them. `median: false` leaves out only medianResolveHours, whose sort is most of the
   * query's time. Without either, every figure of every top-level category.
   */
  async metricsFor(
    withinPath: string,
    query: { from: string; to: string; level: 'town' | 'village' | 'grid' },
    opts: { median?: boolean; figures?: readonly MetricFigure[]; groups?: readonly string[] } = {},
  ): Promise<MetricsResult> {
    const from = localMidnight(query.from);
    const to = new Date(localMidnight(query.to).getTime() + 24 * 3600_000);
    if (!(to > from)) HttpErrors.validationFailed.raise('to must not be before from');
    const depth = { town: 3, village: 4, grid: 5 }[query.level];
    const wanted = new Set<MetricFigure>(opts.figures ?? METRIC_FIGURES);
    if (opts.median === false) wanted.delete('medianResolveHours');
    const groups = opts.groups ? [...new Set(opts.groups)] : await this.categoryGroups();
    const ask: repo.MetricsAsk = {
      resolution: wanted.has('resolutionRate'),
      onTime: wanted.has('onTimeRate'),
      satisfaction: wanted.has('satisfaction'),
      reopen: wanted.has('reopenRate'),
      staffQuick: wanted.has('staffQuickShare'),
      median: wanted.has('medianResolveHours'),
      groups,
    };
    const [rows, units] = await Promise.all([
      repo.metrics(this.db, withinPath, depth, from, to, ask),
      this.units.unitsAt(query.level, withinPath),
    ]);
    const byCode = new Map(rows.map((r) => [r.code, r]));
    const ratio = (a: number | null, b: number) =>
      a !== null && b > 0 ? Math.round((a / b) * 10000) / 10000 : null;
    const num = (x: number | null | undefined, d = 4) =>
      x === null || x === undefined ? null : Math.round(Number(x) * 10 ** d) / 10 ** d;
    return {
      from: query.from,
      to: query.to,
      level: query.level,
      items: units.map((u) => {
        const r = byCode.get(u.code);
        const population = u.population ?? 0;
        const byCategory: Record<string, number> = {};
        if (r) for (const [i, g] of groups.entries()) if (r.groups[i]) byCategory[g] = r.groups[i]!;
        return {
          unit: { id: u.id, code: u.code, name: u.name, level: u.level },
          population,
          reported: r?.reported ?? 0,
          perThousand: population > 0 ? num(((r?.reported ?? 0) * 1000) / population) : null,
          resolved: r?.resolved ?? 0,
          resolutionRate: r && r.counted !== null ? ratio(r.resolved, r.counted) : null,
          onTimeRate: num(r?.on_time),
          medianResolveHours: num(r?.median_h, 2),
          satisfaction: num(r?.rating_avg, 3),
          reopenRate: num(r?.reopen_rate),
          staffQuickShare: r ? ratio(r.staff_quick, r.reported) : null,
          byCategory,
        };
      }),
    };
  }

  /** The top-level event categories (an event's category_group is one of them). */
  private async categoryGroups(): Promise<string[]> {
    const all = await this.categories.list(SYSTEM, { includeInactive: true, page: 1, pageSize: 10_000 });
    return all.items.filter((c) => !c.parentCode).map((c) => c.code);
  }

  // ---------------------------------------------------------------- public views (Open311, public pages)

  async publicSearch(query: {
    trackingNos?: string[];
    categoryCodes?: string[];
    from?: Date;
    to?: Date;
    open?: boolean;
    limit: number;
  }): Promise<PublicEvent[]> {
    const f: repo.ListFilter = {};
    if (query.trackingNos?.length) f.trackingNos = query.trackingNos;
    if (query.categoryCodes?.length) f.categoryCodes = query.categoryCodes;
    if (query.from) f.from = query.from;
    if (query.to) f.to = query.to;
    if (query.open !== undefined) {
      // Open311: "closed — it has been resolved"; a reopened event is open again
      f.states = query.open ? [...OPEN_STATES] : ['resolved', 'closed', 'rejected', 'merged'];
    }
    const { rows } = await repo.listEvents(this.db, f, query.limit, 0);
    return Promise.all(rows.map((r) => this.toPublic(r)));
  }

  async publicGet(trackingNo: string): Promise<PublicEvent | null> {
    const row = await repo.getByTrackingNo(this.db, trackingNo);
    return row ? this.toPublic(row) : null;
  }

  private async toPublic(row: repo.EventRow): Promise<PublicEvent> {
    const category = await this.categoryOf(row);
    const chain = await this.chainOf(row.unit_path);
    const coarse = chain.filter((u) => u.level === 'town' || u.level === 'village').map((u) => u.name);
    const tl = await repo.timeline(this.db, row.id);
    const last = [...tl].reverse().find((t) => t.kind === 'resolve' || t.kind === 'reject');
    const notes = last ? ((last.details.note ?? last.details.reason) as string | undefined) : undefined;
    const assignee = await this.assigneeRef(row);
    const round = (x: number) => Number(x.toFixed(PUBLIC_DECIMALS));
    return {
      id: row.id,
      trackingNo: row.tracking_no,
      state: row.state,
      open: OPEN_STATES.includes(row.state),
      categoryCode: row.category_code,
      categoryName: category.name,
      description: row.description,
      statusNotes: notes ?? null,
      agency: assignee?.name ?? null,
      requestedAt: row.created_at,
      updatedAt: row.updated_at,
      expectedAt: row.due_at,
      address: coarse.length ? coarse.join(' · ') : null,
      lat: round(row.lat),
      lng: round(row.lng),
      mediaUrls: [],
    };
  }

  // ---------------------------------------------------------------- helpers

  private deny(actor: Actor): never {
    if (actor.kind === 'anonymous') HttpErrors.unauthenticated.raise();
    return HttpErrors.forbidden.raise('The event lies outside your scope');
  }

  private secret(): Promise<string> {
    return deploymentSecret(this.db, 'events.reporter-key');
  }

  /**
   * The photos of an event as the viewer will fetch them. A resident following a report without an account
   * is recognised by a follow token the browser's <img> cannot send, so their urls carry read grants.
   */
  private async mediaOf(
    q: Queryable,
    actor: Actor,
    row: repo.EventRow,
    facts: EventFacts,
    known: MediaDto[] | undefined,
  ): Promise<MediaDto[]> {
    const media = known ?? (await this.media.listForOwner(q, 'event', row.id));
    return actor.kind === 'anonymous' && facts.follows ? this.media.withReadGrants(media) : media;
  }

  private async keysOf(actor: Actor, tokens: readonly string[]): Promise<string[]> {
    const secret = await this.secret();
    const keys = tokens.map((t) => hmac(secret, `token:${t}`));
    const own = this.ownKey(secret, actor);
    if (own) keys.push(own);
    return keys;
  }

  /** The reporter key of an account or API key (kept: a keyed hash, the same every time); null for others. */
  private ownKey(secret: string, actor: Actor): string | null {
    const name =
      actor.kind === 'user' ? `account:${actor.id}` : actor.kind === 'api_key' ? `api_key:${actor.id}` : null;
    if (name === null) return null;
    let key = this.accountKeys.get(name);
    if (key === undefined) {
      if (this.accountKeys.size >= 10_000) this.accountKeys.clear();
      key = hmac(secret, name);
      this.accountKeys.set(name, key);
    }
    return key;
  }

  private async facts(
    q: Queryable,
    actor: Actor,
    row: repo.EventRow,
    tokens: readonly string[] = [],
  ): Promise<EventFacts> {
    const keys = await this.keysOf(actor, tokens);
    const follows = (await repo.followedAmong(q, [row.id], keys)).has(row.id);
    return { unitPath: row.unit_path, assignee: assigneeFact(row), follows };
  }

  private async checkAssignee(
    actor: Actor,
    row: repo.EventRow,
    a: Assignee,
  ): Promise<{ ref: HandlerRef; path: string }> {
    if (a.kind === 'department') {
      const d = await this.units.getScopeDepartment(a.id);
      // the department must serve the event's place
      if (!d || !row.unit_path.startsWith(d.unitPath)) return E.unknownAssignee.raise();
      return {
        ref: { kind: 'department', id: d.id, code: d.code, name: d.name, level: 'department' },
        path: d.unitPath,
      };
    }
    const u = await this.units.getScopeUnit(a.id);
    // a unit of the event's own chain (its grid, village, town or the county center), within the dispatcher's reach
    if (!u || !row.unit_path.startsWith(u.path) || u.level === 'city') return E.unknownAssignee.raise();
    if (
      !isSystemActor(actor) &&
      actor.kind !== 'anonymous' &&
      actor.scope.unit &&
      !u.path.startsWith(actor.scope.unit.path)
    ) {
      return E.unknownAssignee.raise('The unit lies outside your scope');
    }
    return { ref: unitHandlerRef(u), path: u.path };
  }

  private async resolveTarget(
    t: HandlingTarget,
  ): Promise<{ kind: 'unit' | 'department'; id: number; level: string; code: string; name: string }> {
    if (t.kind === 'department') {
      const d = await this.units.findDepartmentByCode(t.departmentCode);
      if (!d) return E.noRoute.raise(`No department ${t.departmentCode}`);
      return { kind: 'department', id: d.id, level: 'department', code: d.code, name: d.name };
    }
    return { kind: 'unit', id: t.unit.id, level: t.level, code: t.unit.code, name: t.unit.name };
  }

  private async currentTarget(row: repo.EventRow, chain: ChainUnit[]): Promise<HandlingTarget | null> {
    const center = chain.find((u) => u.level === 'county');
    if (!center || !row.assignee_kind || row.assignee_id === null) return null;
    if (row.assignee_kind === 'department') {
      const d = await this.units.getScopeDepartment(row.assignee_id);
      return { kind: 'department', departmentCode: d?.code ?? '', center };
    }
    const unit = chain.find((u) => u.id === row.assignee_id);
    if (!unit) return null;
    const level = unit.level === 'county' ? 'center' : unit.level === 'micro_grid' ? 'grid' : unit.level;
    if (level === 'city') return null;
    return { kind: 'unit', level, unit };
  }

  private async chainOf(path: string): Promise<ChainUnit[]> {
    const codes = path.split('/').filter(Boolean);
    const refs = await this.units.refsByCodes(codes);
    return codes
      .map((c) => refs.get(c))
      .filter((u): u is ScopeUnit => !!u)
      .map((u) => ({ id: u.id, code: u.code, name: u.name, level: u.level as ChainUnit['level'] }));
  }

  private async categoryOf(
    row: Pick<repo.EventRow, 'category_id' | 'category_version'>,
  ): Promise<CategoryDto> {
    const key = `${row.category_id}:${row.category_version}`;
    let c = this.categoryCache.get(key);
    if (!c) {
      // the promise is cached, so a page of events reading one category asks the database once
      c = this.categories.atVersion(row.category_id, row.category_version).then((found) => {
        if (!found) throw new Error(`event category ${key} is missing`);
        return found;
      });
      c.catch(() => this.categoryCache.delete(key));
      this.categoryCache.set(key, c); // versions are immutable
    }
    return c;
  }

  /**
   * A category's current version, kept for CURRENT_CATEGORY_TTL_MS: intake reads it (and its group's) for
   * every report. An edit reaches this process's new reports within that time; each report records the
   * version it was filed under, so they stay consistent either way.
   */
  private currentCategory(code: string): Promise<CategoryDto | null> {
    const hit = this.currentCategories.get(code);
    if (hit && this.clock.now().getTime() - hit.at < CURRENT_CATEGORY_TTL_MS) return hit.value;
    const value = this.categories.current(code);
    value.catch(() => this.currentCategories.delete(code));
    this.currentCategories.set(code, { at: this.clock.now().getTime(), value });
    return value;
  }

  private async groupOf(category: CategoryDto): Promise<string> {
    let c: CategoryDto | null = category;
    for (let i = 0; c?.parentCode && i < 5; i++) {
      const parent: CategoryDto | null = await this.currentCategory(c.parentCode);
      if (!parent) break;
      c = parent;
    }
    return c?.code ?? category.code;
  }

  private async categoryAndChildren(code: string): Promise<string[]> {
    const all = await this.categories.list(SYSTEM, { includeInactive: true, page: 1, pageSize: 200 });
    const out = new Set([code]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const c of all.items) {
        if (c.parentCode && out.has(c.parentCode) && !out.has(c.code)) {
          out.add(c.code);
          grew = true;
        }
      }
    }
    return [...out];
  }

  private async assigneeRef(row: repo.EventRow): Promise<HandlerRef | null> {
    return this.handlerRef(row.assignee_kind, row.assignee_id);
  }

  private async handlerRef(
    kind: 'unit' | 'department' | null,
    id: number | null,
  ): Promise<HandlerRef | null> {
    if (!kind || id === null) return null;
    if (kind === 'department') {
      const d = await this.units.getScopeDepartment(id);
      return d ? { kind, id, code: d.code, name: d.name, level: 'department' } : null;
    }
    const u = await this.units.getScopeUnit(id);
    return u ? unitHandlerRef(u) : null;
  }

  private byName(actor: Actor, as: EventRole): string {
    if (as === 'reporter') return 'reporter';
    if (as === 'system' || isSystemActor(actor)) return 'system';
    return actor.kind === 'user' ? actor.displayName : actorName(actor);
  }

  private assigneeRecipients(row: repo.EventRow): { unitIds?: number[]; departmentIds?: number[] } {
    if (row.assignee_kind === 'unit' && row.assignee_id !== null) return { unitIds: [row.assignee_id] };
    if (row.assignee_kind === 'department' && row.assignee_id !== null)
      return { departmentIds: [row.assignee_id] };
    return {};
  }

  private async notify(
    q: Queryable,
    row: repo.EventRow,
    kind: string,
    title: { zh: string; en: string },
    to: { accountIds?: number[]; unitIds?: number[]; departmentIds?: number[] },
    external = false,
  ): Promise<void> {
    if (!this.notifier) return;
    await this.notifier.publish(q, this.notice(row, kind, title, to, external));
  }

  private notice(
    row: Pick<repo.EventRow, 'id' | 'unit_path'>,
    kind: string,
    title: { zh: string; en: string },
    to: { accountIds?: number[]; unitIds?: number[]; departmentIds?: number[] },
    external = false,
  ): NoticeOf {
    return {
      kind,
      entityType: 'event',
      entityId: row.id,
      title,
      link: `/events/${row.id}`,
      to,
      unitPath: row.unit_path,
      external,
    };
  }

  private async notifyTransition(
    q: Queryable,
    row: repo.EventRow,
    action: string,
    assignee: HandlerRef | undefined,
  ): Promise<void> {
    if (!this.notifier) return;
    const no = row.tracking_no;
    if ((action === 'assign' || action === 'reassign') && assignee) {
      await this.notify(
        q,
        row,
        'events.assigned',
        {
          zh: `事件 ${no} 已派遣给 ${assignee.name}，请及时处置`,
          en: `Event ${no} was assigned to ${assignee.name}`,
        },
        this.assigneeRecipients(row),
        true,
      );
    } else if (action === 'resolve' || action === 'reject' || action === 'merge') {
      const accounts = (await repo.reporterAccounts(q, row.id)).map((r) => r.account_id);
      const word = {
        // neutral wording: the same title also reaches the staff's live feed
        resolve: ['已办结，欢迎评价', 'was resolved; the reporter may rate it'],
        reject: ['未予受理', 'was not accepted'],
        merge: ['已与相同问题合并处理', 'was merged with the same problem'],
      }[action];
      if (accounts.length) {
        await this.notify(
          q,
          row,
          `events.${action === 'resolve' ? 'resolved' : action === 'reject' ? 'rejected' : 'merged'}`,
          {
            zh: `事件 ${no} ${word[0]}`,
            en: `Event ${no} ${word[1]}`,
          },
          { accountIds: accounts },
          action === 'resolve',
        );
      }
    } else if (action === 'return' || action === 'rate' || action === 'reopen') {
      const county = row.unit_path.split('/').filter(Boolean)[1];
      const refs = county ? await this.units.refsByCodes([county]) : new Map<string, ScopeUnit>();
      const center = county ? refs.get(county) : undefined;
      if (center && (action !== 'rate' || row.state === 'reopened')) {
        await this.notify(
          q,
          row,
          `events.${action === 'return' ? 'returned' : 'reopened'}`,
          {
            zh: `事件 ${no} ${action === 'return' ? '被退回，待重新派遣' : '群众不满意，已重启'}`,
            en: `Event ${no} ${action === 'return' ? 'was returned: assign it again' : 'was reopened by the reporter'}`,
          },
          { unitIds: [center.id] },
        );
      }
    }
  }

  // ---------------------------------------------------------------- presenting

  private async presentMany(q: Queryable, actor: Actor, rows: repo.EventRow[]): Promise<EventDto[]> {
    const keys = await this.keysOf(actor, []);
    const followed = await repo.followedAmong(
      q,
      rows.map((r) => r.id),
      keys,
    );
    const out: EventDto[] = [];
    for (const row of rows) {
      const facts: EventFacts = {
        unitPath: row.unit_path,
        assignee: assigneeFact(row),
        follows: followed.has(row.id),
      };
      out.push(await this.present(q, actor, row, { detail: false, facts, audit: false }));
    }
    return out;
  }

  private async present(
    q: Queryable,
    actor: Actor,
    row: repo.EventRow,
    opts: {
      detail: boolean;
      facts?: EventFacts;
      followTokens?: readonly string[];
      audit?: boolean;
      /** What the caller knows already (a report just made), so it is not read again. */
      known?: {
        chain: ChainUnit[];
        route: HandlerRef | null;
        media: MediaDto[];
        timeline: repo.TimelineRow[];
      };
    },
  ): Promise<EventDto | EventDetail> {
    const now = this.clock.now();
    const known = opts.known;
    const facts = opts.facts ?? (await this.facts(q, actor, row, opts.followTokens ?? []));
    const roles = eventPolicy.roles(actor, facts);
    const category = await this.categoryOf(row);
    const chain = known?.chain ?? (await this.chainOf(row.unit_path));
    const mergedInto = row.merged_into ? await repo.getEvent(q, row.merged_into) : undefined;
    const staff =
      roles.includes('dispatcher') ||
      roles.includes('handler') ||
      (actor.kind !== 'anonymous' &&
        hasRole(
          actor,
          'leader',
          'safety_office',
          'town_staff',
          'village_staff',
          'grid_worker',
          'micro_grid_leader',
          'dispatcher',
          'admin',
          'department_staff',
        ));
    let reporter: EventDto['reporter'] = null;
    if (staff && !row.anonymous && (row.reporter_name || row.reporter_phone)) {
      const full = eventPolicy.reporterContact(roles) && opts.detail;
      reporter = full
        ? { name: row.reporter_name, phone: row.reporter_phone, masked: false }
        : { ...mask(row.reporter_name, row.reporter_phone), masked: true };
      if (full && opts.audit !== false) {
        await this.audit.record(q, {
          actor,
          action: 'event.reporter.read',
          entityType: 'event',
          entityId: row.id,
          unitId: row.unit_id,
          unitPath: row.unit_path,
        });
      }
    }
    const dto: EventDto = {
      id: row.id,
      trackingNo: row.tracking_no,
      state: row.state,
      version: row.version,
      priority: row.priority,
      category: { code: row.category_code, version: row.category_version, name: category.name },
      description: row.description,
      answers: row.answers,
      location: { lng: row.lng, lat: row.lat },
      address: row.address,
      place: chain
        .filter((u) => u.level !== 'city' && u.level !== 'county')
        .map((u) => ({ id: u.id, code: u.code, name: u.name, level: u.level })),
      route: known ? known.route : await this.handlerRef(row.route_kind, row.route_id),
      assignee: await this.assigneeRef(row),
      dueAt: iso(row.due_at),
      overdue:
        row.overdue || (!!row.due_at && ['assigned', 'in_progress'].includes(row.state) && row.due_at < now),
      escalations: row.escalations,
      supervisor: await this.handlerRef(row.supervisor_unit_id ? 'unit' : null, row.supervisor_unit_id),
      source: row.source,
      anonymous: row.anonymous,
      reporter,
      rating: row.rating,
      reopenCount: row.reopen_count,
      mergedInto: mergedInto ? { id: mergedInto.id, trackingNo: mergedInto.tracking_no } : null,
      resolvedAt: iso(row.resolved_at),
      closedAt: iso(row.closed_at),
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      media: opts.detail ? await this.mediaOf(q, actor, row, facts, known?.media) : [],
      actions: isTerminal(row.state)
        ? []
        : availableActions(
            { id: row.id, state: row.state, assignee: null, resolvedAt: row.resolved_at },
            roles,
            now,
          ),
      mine: facts.follows,
    };
    if (!opts.detail) return dto;
    const tl = known?.timeline ?? (await repo.timeline(q, row.id));
    const timeline: TimelineItem[] = tl.map((t) => toTimelineItem(t, row.anonymous));
    const duplicates =
      roles.includes('dispatcher') && OPEN_STATES.includes(row.state)
        ? (
            await repo.nearby(q, {
              categoryCode: row.category_code,
              lng: row.lng,
              lat: row.lat,
              meters: DUPLICATE_RADIUS_M,
              since: new Date(row.created_at.getTime() - DUPLICATE_WINDOW_MS),
              until: row.created_at,
              excludeId: row.id,
              states: OPEN_STATES,
            })
          ).map((d) => ({
            id: d.id,
            trackingNo: d.tracking_no,
            state: d.state,
            distanceM: Math.round(d.distance_m * 10) / 10,
            createdAt: d.created_at.toISOString(),
            description: d.description,
          }))
        : [];
    return { ...dto, timeline, duplicates };
  }

  /**
   * For other services (the safety index's safe-village check): per unit at a level of a subtree, how many
   * events of each category (the category or anything under it) were filed in [from, to] (local days),
   * leaving out rejected and merged ones. No permission check: the caller checked its actor.
   */
  async categoryCountsFor(
    withinPath: string,
    query: { from: string; to: string; level: 'town' | 'village'; categories: readonly string[] },
  ): Promise<Map<string, Record<string, number>>> {
    const from = localMidnight(query.from);
    const to = new Date(localMidnight(query.to).getTime() + 24 * 3600_000);
    const depth = { town: 3, village: 4 }[query.level];
    const out = new Map<string, Record<string, number>>();
    if (!query.categories.length) return out;
    for (const r of await repo.categoryCounts(this.db, withinPath, depth, from, to, query.categories)) {
      const counts = out.get(r.code) ?? {};
      counts[r.category] = r.n;
      out.set(r.code, counts);
    }
    return out;
  }
}

function toTimelineItem(t: repo.TimelineRow, anonymous: boolean): TimelineItem {
  const d = t.details as Record<string, unknown>;
  const item: TimelineItem = {
    seq: t.seq,
    at: t.at.toISOString(),
    kind: t.kind as TimelineItem['kind'],
    from: t.from_state,
    to: t.to_state,
    by: anonymous && t.as_role === 'reporter' ? 'reporter' : t.by_name,
    as: t.as_role,
  };
  for (const k of ['reason', 'note', 'comment'] as const)
    if (typeof d[k] === 'string') item[k] = d[k] as string;
  if (typeof d.rating === 'number') item.rating = d.rating;
  if (typeof d.targetEventId === 'number') item.targetEventId = d.targetEventId;
  if (Array.isArray(d.mediaIds)) item.mediaIds = d.mediaIds as number[];
  if (d.assignee) item.assignee = d.assignee as HandlerRef;
  if (d.supervisor) item.supervisor = d.supervisor as HandlerRef;
  return item;
}

function unitHandlerRef(u: { id: number; code: string; name: string; level: string }): HandlerRef {
  const level = u.level === 'county' ? 'center' : u.level;
  return {
    kind: 'unit',
    id: u.id,
    code: u.code,
    name: u.level === 'county' ? `${u.name}社会治理中心` : u.name,
    level,
  };
}

/** The row the database holds for a new event (its defaults filled in), without reading it back. */
function newEventRow(e: repo.NewEvent): repo.EventRow {
  return {
    ...e,
    version: 1,
    assignee_kind: null,
    assignee_id: null,
    assignee_level: null,
    assignee_path: null,
    assigned_at: null,
    due_at: null,
    remind_at: null,
    overdue: false,
    escalations: 0,
    supervisor_unit_id: null,
    next_escalation_at: null,
    accepted_at: null,
    first_resolved_at: null,
    resolved_at: null,
    resolved_on_time: null,
    closed_at: null,
    rating: null,
    reopen_count: 0,
    merged_into: null,
    updated_at: e.created_at,
  };
}

function assigneeFact(row: repo.EventRow): EventFacts['assignee'] {
  if (row.assignee_kind === 'unit' && row.assignee_path) return { kind: 'unit', path: row.assignee_path };
  if (row.assignee_kind === 'department' && row.assignee_id !== null)
    return { kind: 'department', id: row.assignee_id };
  return null;
}

function hmac(secret: string, s: string): string {
  return createHmac('sha256', secret).update(s).digest('base64url');
}

function fmtLocal(d: Date | null): string {
  if (!d) return '';
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** Checks answers against the category's questions; returns them normalised (only known codes). */
export function checkAnswers(
  category: CategoryDto,
  answers: Record<string, string | number | string[]>,
): Record<string, string | number | string[]> {
  const problems: string[] = [];
  const out: Record<string, string | number | string[]> = {};
  const known = new Map(category.questions.map((qq) => [qq.code, qq]));
  for (const code of Object.keys(answers))
    if (!known.has(code)) problems.push(`${code}: not a question of ${category.code}`);
  for (const qq of category.questions) {
    const v = answers[qq.code];
    const empty = v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
    if (empty) {
      if (qq.required) problems.push(`${qq.code}: required`);
      continue;
    }
    const values = new Set((qq.values ?? []).map((x) => x.code));
    switch (qq.type) {
      case 'text':
        if (typeof v !== 'string') problems.push(`${qq.code}: text expected`);
        break;
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${qq.code}: a number expected`);
        break;
      case 'date':
        if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v)))
          problems.push(`${qq.code}: a date YYYY-MM-DD expected`);
        break;
      case 'single_choice':
        if (typeof v !== 'string' || !values.has(v))
          problems.push(`${qq.code}: one of ${[...values].join(', ')}`);
        break;
      case 'multi_choice':
        if (!Array.isArray(v) || v.some((x) => !values.has(x)) || new Set(v).size !== v.length)
          problems.push(`${qq.code}: distinct values of ${[...values].join(', ')}`);
        break;
    }
    out[qq.code] = v;
  }
  if (problems.length) E.invalidAnswers.raise(problems.join('; '), { problems });
  return out;
}
