// Listing for rectification (挂牌整治), admonition talks (约谈) and the ranking board (晾晒).
// A listing names a hazard or a place, why, who must rectify it, by when and what must be true to take it
// off; taking it off (摘牌) needs evidence and the safety office's sign-off. The hazard's `listed` flag is
// kept in step inside the same transaction (through HazardsService). Every step is kept in an append-only
// history and the audit log. Admonition records say who was talked to, when, by whom, about what, the
// commitments and the follow-up. The ranking board puts the towns (or departments) side by side for a
// period: the hazards service's close-out metrics with the listings in force and the talks held.
import type { Clock } from '../../../clock.js';
import type { Db, Queryable } from '../../../db/index.js';
import { HttpErrors } from '../../../http/errors.js';
import type { Page } from '../../../http/pagination.js';
import { type Actor, actorName } from '../../access/actor.js';
import type { AuditService } from '../../access/audit.js';
import type { MediaService } from '../../media/service.js';
import type { UnitsService } from '../../units/service.js';
import { CHINA_UTC_OFFSET_MINUTES } from '../domain/deadlines.js';
import type { PlaceFacts } from '../places/service.js';
import type { HazardsService } from '../service.js';
import { ListingErrors as E } from './errors.js';
import { listingPolicy } from './policy.js';
import * as repo from './repository.js';
import type {
  AdmonitionDto,
  AdmonitionListQuery,
  CreateAdmonitionBody,
  CreateListingBody,
  DelistBody,
  FollowUpBody,
  ListingDetail,
  ListingDto,
  ListingListQuery,
  PublicListing,
  RankingQuery,
  RankingResult,
} from './schema.js';

const DAY = 86_400_000;

type RankRow = Omit<RankingResult['items'][number], 'rank'>;
const MEDIA_OWNER = 'hazard_listing';

export interface PlacesFacts {
  facts(id: number): Promise<PlaceFacts | null>;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const codesOf = (path: string) => path.split('/').filter(Boolean);

function localMidnight(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - CHINA_UTC_OFFSET_MINUTES * 60_000);
}
/** A deadline as sent: a local date means the end of that day. */
function deadlineOf(s: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(localMidnight(s).getTime() + DAY) : new Date(s);
}

function deny(actor: Actor, detail: string): never {
  if (actor.kind === 'anonymous') HttpErrors.unauthenticated.raise();
  return HttpErrors.forbidden.raise(detail);
}

/** Where a subject or party lies. */
interface Where {
  unitId: number | null;
  unitPath: string;
  countyCode: string;
  name: string;
}

export class ListingService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly units: UnitsService,
    private readonly hazards: HazardsService,
    private readonly places: PlacesFacts,
    private readonly media: MediaService,
    private readonly clock: Clock,
  ) {
    media.registerOwnerPolicy(MEDIA_OWNER, async (actor, id) => {
      const row = await repo.getListing(this.db, id);
      return !!row && listingPolicy.view(actor, row.unit_path);
    });
  }

  // ---------------------------------------------------------------- listing (挂牌)

  /**
   * Lists a hazard or a place, in one transaction with its first history step, the hazard's flag and the
   * audit entry. 403 outside the lister's reach; 409 when one is in force already; 422 for a subject or
   * responsible party that does not exist (a party must serve the subject's place) or a past deadline.
   */
  async list(
    actor: Actor,
    body: CreateListingBody,
    ctx: { requestId?: string } = {},
  ): Promise<ListingDetail> {
    if (!listingPolicy.staff(actor)) deny(actor, 'Only staff list hazards and places');
    const now = this.clock.now();
    const subject = await this.subjectOf(body.subject.kind, body.subject.id);
    if (!listingPolicy.list(actor, subject.unitPath)) deny(actor, 'The subject lies outside your area');
    const party = await this.partyOf(body.responsible.kind, body.responsible.id, subject.unitPath);
    const deadline = deadlineOf(body.deadline);
    if (!(deadline > now)) E.invalidListingDeadline.raise();
    return this.db.tx(async (q) => {
      let row: repo.ListingRow;
      try {
        row = await repo.insertListing(q, {
          subject_kind: body.subject.kind,
          hazard_id: body.subject.kind === 'hazard' ? body.subject.id : null,
          place_id: body.subject.kind === 'place' ? body.subject.id : null,
          unit_id: subject.unitId!,
          unit_path: subject.unitPath,
          county_code: subject.countyCode,
          title: subject.name,
          reason: body.reason,
          responsible_kind: body.responsible.kind,
          responsible_id: body.responsible.id,
          responsible_name: party.name,
          deadline,
          criteria: body.criteria,
          listed_at: now,
          listed_by: actorName(actor),
        });
      } catch (err) {
        if ((err as { code?: string }).code === '23505') return E.alreadyListed.raise();
        throw err;
      }
      await repo.appendHistory(q, {
        listing_id: row.id,
        at: now,
        kind: 'list',
        by_name: this.byName(actor),
        details: { reason: body.reason, deadline: deadline.toISOString(), criteria: body.criteria },
      });
      if (row.hazard_id !== null) await this.hazards.setListed(q, actor, row.hazard_id, true, row.id);
      await this.audit.record(q, {
        actor,
        action: 'hazard_listing.list',
        entityType: 'hazard_listing',
        entityId: row.id,
        unitId: row.unit_id,
        unitPath: row.unit_path,
        after: {
          subject: `${row.subject_kind}:${row.hazard_id ?? row.place_id}`,
          responsible: `${row.responsible_kind}:${row.responsible_id}`,
          deadline: deadline.toISOString(),
        },
        ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
      });
      return this.detail(q, row);
    });
  }

  /**
   * Takes a listing off (摘牌): the safety office signs off with the evidence (text and photos). A listed
   * hazard must be closed out first (409). Version checked (409); the hazard's flag cleared.
   */
  async delist(
    actor: Actor,
    id: number,
    body: DelistBody,
    ctx: { requestId?: string; address?: string } = {},
  ): Promise<ListingDetail> {
    if (!listingPolicy.staff(actor)) deny(actor, 'Only the safety office takes listings off');
    const now = this.clock.now();
    return this.db.tx(async (q) => {
      const before = await repo.getListing(q, id, true);
      if (!before) return E.listingNotFound.raise();
      if (!listingPolicy.delist(actor, before.unit_path))
        deny(actor, 'Only the safety office of the area signs a delisting off');
      if (before.version !== body.version)
        return E.listingVersionConflict.raise(`The listing is at version ${before.version}`, {
          version: before.version,
        });
      if (before.state !== 'listed') return E.alreadyDelisted.raise();
      if (before.hazard_id !== null) {
        const h = await this.hazards.listingFacts(before.hazard_id);
        if (h && h.state !== 'closed_out') E.hazardNotClosedOut.raise(`The hazard is ${h.state}`);
      }
      const row = await repo.delist(q, id, body.version, actorName(actor), body.evidence, now);
      if (!row) return E.listingVersionConflict.raise();
      const media = await this.media.attach(q, body.mediaIds, MEDIA_OWNER, id, actor, ctx);
      await repo.appendHistory(q, {
        listing_id: id,
        at: now,
        kind: 'delist',
        by_name: this.byName(actor),
        details: { evidence: body.evidence, ...(media.length ? { mediaIds: media.map((m) => m.id) } : {}) },
      });
      if (row.hazard_id !== null) await this.hazards.setListed(q, actor, row.hazard_id, false, row.id);
      await this.audit.record(q, {
        actor,
        action: 'hazard_listing.delist',
        entityType: 'hazard_listing',
        entityId: id,
        unitId: row.unit_id,
        unitPath: row.unit_path,
        before: { state: 'listed', version: before.version },
        after: { state: 'delisted', version: row.version, evidenceMedia: media.length },
        ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
      });
      return this.detail(q, row);
    });
  }

  async get(actor: Actor, id: number): Promise<ListingDetail> {
    if (!listingPolicy.staff(actor)) deny(actor, 'Only staff see listings');
    const row = await repo.getListing(this.db, id);
    if (!row) return E.listingNotFound.raise();
    if (!listingPolicy.view(actor, row.unit_path)) deny(actor, 'The listing lies outside your area');
    return this.detail(this.db, row);
  }

  async listings(actor: Actor, query: ListingListQuery): Promise<Page<ListingDto>> {
    if (!listingPolicy.staff(actor)) deny(actor, 'Only staff see listings');
    const path = this.reachPath(actor);
    const now = this.clock.now();
    const { rows, total } = await repo.listListings(
      this.db,
      {
        pathPrefix: path,
        ...(query.state ? { state: query.state } : {}),
        ...(query.subject ? { subject: query.subject } : {}),
        ...(query.overdue ? { overdueAt: now } : {}),
      },
      query.pageSize,
      (query.page - 1) * query.pageSize,
    );
    return { items: rows.map((r) => this.dto(r, now)), total, page: query.page, pageSize: query.pageSize };
  }

  /** The public list of listings in force (no login): no person's name, no account, no contact. */
  async publicListings(query: { page: number; pageSize: number }): Promise<Page<PublicListing>> {
    const now = this.clock.now();
    const { rows, total } = await repo.listListings(
      this.db,
      { pathPrefix: null, state: 'listed' },
      query.pageSize,
      (query.page - 1) * query.pageSize,
    );
    const towns = await this.units.refsByCodes([
      ...new Set(rows.flatMap((r) => (codesOf(r.unit_path)[2] ? [codesOf(r.unit_path)[2]!] : []))),
    ]);
    return {
      items: rows.map((r) => ({
        id: r.id,
        kind: r.subject_kind,
        title: r.title,
        town: towns.get(codesOf(r.unit_path)[2] ?? '')?.name ?? null,
        reason: r.reason,
        responsible: r.responsible_name,
        deadline: r.deadline.toISOString(),
        criteria: r.criteria,
        listedAt: r.listed_at.toISOString(),
        overdue: r.deadline < now,
      })),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  // ---------------------------------------------------------------- admonition (约谈)

  async admonish(
    actor: Actor,
    body: CreateAdmonitionBody,
    ctx: { requestId?: string } = {},
  ): Promise<AdmonitionDto> {
    if (!listingPolicy.staff(actor)) deny(actor, 'Only staff record admonition talks');
    const party = await this.partyOf(body.party.kind, body.party.id, null);
    if (!listingPolicy.admonish(actor, party.unitPath)) deny(actor, 'The party lies outside your area');
    const now = this.clock.now();
    const heldAt = new Date(body.heldAt);
    if (heldAt > now) HttpErrors.validationFailed.raise('heldAt lies in the future');
    const hazardIds = [...new Set(body.hazardIds)];
    for (const hid of hazardIds) {
      const h = await this.hazards.listingFacts(hid);
      if (!h || !listingPolicy.view(actor, h.unitPath)) E.unknownLinked.raise(`Hazard ${hid}`);
    }
    if (body.listingId !== undefined) {
      const l = await repo.getListing(this.db, body.listingId);
      if (!l || !listingPolicy.view(actor, l.unit_path)) E.unknownLinked.raise(`Listing ${body.listingId}`);
    }
    const codes = codesOf(party.unitPath);
    const town = codes[2] ? (await this.units.refsByCodes([codes[2]])).get(codes[2]) : undefined;
    return this.db.tx(async (q) => {
      const row = await repo.insertAdmonition(q, {
        party_kind: body.party.kind,
        party_id: body.party.id,
        party_name: party.name,
        unit_path: party.unitPath,
        county_code: party.countyCode,
        town_id: town?.level === 'town' ? town.id : null,
        held_at: heldAt,
        held_by: body.heldBy,
        subject: body.subject,
        hazard_ids: hazardIds,
        listing_id: body.listingId ?? null,
        commitments: body.commitments,
        follow_up_due: deadlineOf(body.followUpDue),
        created_by: actorName(actor),
        created_at: now,
      });
      await this.audit.record(q, {
        actor,
        action: 'admonition.record',
        entityType: 'admonition',
        entityId: row.id,
        unitPath: row.unit_path,
        after: {
          party: `${row.party_kind}:${row.party_id}`,
          heldAt: heldAt.toISOString(),
          hazards: hazardIds,
          listingId: row.listing_id,
          followUpDue: row.follow_up_due.toISOString(),
        },
        ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
      });
      return this.admonitionDto(row, now);
    });
  }

  /** Records the follow-up once: done, or not done with a note. Version checked. */
  async followUp(
    actor: Actor,
    id: number,
    body: FollowUpBody,
    ctx: { requestId?: string } = {},
  ): Promise<AdmonitionDto> {
    if (!listingPolicy.staff(actor)) deny(actor, 'Only staff record follow-ups');
    if (!body.done && !body.note) E.followUpNoteRequired.raise();
    const now = this.clock.now();
    return this.db.tx(async (q) => {
      const before = await repo.getAdmonition(q, id, true);
      if (!before) return E.admonitionNotFound.raise();
      if (!listingPolicy.admonish(actor, before.unit_path)) deny(actor, 'The record lies outside your area');
      if (before.version !== body.version)
        return E.admonitionVersionConflict.raise(`The record is at version ${before.version}`, {
          version: before.version,
        });
      if (before.follow_up_state !== 'pending') return E.followUpRecorded.raise();
      const state = body.done ? 'done' : 'not_done';
      const row = await repo.recordFollowUp(
        q,
        id,
        body.version,
        state,
        body.note ?? null,
        actorName(actor),
        now,
      );
      if (!row) return E.admonitionVersionConflict.raise();
      await this.audit.record(q, {
        actor,
        action: 'admonition.follow_up',
        entityType: 'admonition',
        entityId: id,
        unitPath: row.unit_path,
        before: { followUp: 'pending', version: before.version },
        after: { followUp: state, late: now > before.follow_up_due, version: row.version },
        ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
      });
      return this.admonitionDto(row, now);
    });
  }

  async getAdmonition(actor: Actor, id: number): Promise<AdmonitionDto> {
    if (!listingPolicy.staff(actor)) deny(actor, 'Only staff see admonition records');
    const row = await repo.getAdmonition(this.db, id);
    if (!row) return E.admonitionNotFound.raise();
    if (!listingPolicy.view(actor, row.unit_path)) deny(actor, 'The record lies outside your area');
    return this.admonitionDto(row, this.clock.now());
  }

  async admonitions(actor: Actor, query: AdmonitionListQuery): Promise<Page<AdmonitionDto>> {
    if (!listingPolicy.staff(actor)) deny(actor, 'Only staff see admonition records');
    const now = this.clock.now();
    const f: repo.AdmonitionFilter = { pathPrefix: this.reachPath(actor) ?? '/' };
    if (query.followUp === 'overdue') f.overdueAt = now;
    else if (query.followUp) f.followUp = query.followUp;
    if (query.from) f.from = localMidnight(query.from);
    if (query.to) f.to = new Date(localMidnight(query.to).getTime() + DAY);
    if (query.listing) f.listingId = query.listing;
    const { rows, total } = await repo.listAdmonitions(
      this.db,
      f,
      query.pageSize,
      (query.page - 1) * query.pageSize,
    );
    const items: AdmonitionDto[] = [];
    for (const r of rows) items.push(await this.admonitionDto(r, now));
    return { items, total, page: query.page, pageSize: query.pageSize };
  }

  // ---------------------------------------------------------------- the ranking board (晾晒)

  /**
   * Per town of the viewer's area for a period: hazards found, closed out, the close-out and on-time
   * rates and the overdue open ones (HazardsService.metricsFor), the listings in force at the end of the
   * period and the admonition talks held in it (one statement), ranked by close-out rate, then on-time
   * rate, then fewer overdue open (no rate: last).
   */
  async ranking(actor: Actor, query: RankingQuery): Promise<RankingResult> {
    if (!listingPolicy.ranking(actor)) deny(actor, 'Only leaders and offices see the ranking board');
    const path = this.reachPath(actor) ?? '/';
    const from = localMidnight(query.from);
    const to = new Date(localMidnight(query.to).getTime() + DAY);
    if (!(to > from)) HttpErrors.validationFailed.raise('to must not be before from');
    const rows =
      query.by === 'department'
        ? await this.departmentRows(path, query, from, to)
        : await this.townRows(path, query, from, to);
    const key = (v: number | null) => (v === null ? -1 : v);
    rows.sort(
      (a, b) =>
        key(b.closeoutRate) - key(a.closeoutRate) ||
        key(b.onTimeRate) - key(a.onTimeRate) ||
        a.overdueOpen - b.overdueOpen ||
        a.party.code.localeCompare(b.party.code),
    );
    return {
      from: query.from,
      to: query.to,
      by: query.by,
      items: rows.map((r, i) => ({ rank: i + 1, ...r })),
    };
  }

  /** Departments with any hazard routed to them in the area, or a listing or talk in the period. */
  private async departmentRows(path: string, query: RankingQuery, from: Date, to: Date): Promise<RankRow[]> {
    const [metrics, counts] = await Promise.all([
      this.hazards.metricsByDepartment(path, query),
      repo.rankingCountsByDepartment(this.db, path, from, to),
    ]);
    const byId = new Map(metrics.map((m) => [m.departmentId, m]));
    const extra = new Map(counts.map((c) => [Number(c.id), c]));
    const out: RankRow[] = [];
    for (const id of new Set([...byId.keys(), ...extra.keys()])) {
      const d = await this.units.getScopeDepartment(id);
      if (!d) continue;
      const m = byId.get(id);
      out.push({
        party: { kind: 'department', id, code: d.code, name: d.name },
        found: m?.found ?? 0,
        closedOut: m?.closedOut ?? 0,
        closeoutRate: m?.closeoutRate ?? null,
        onTimeRate: m?.onTimeRate ?? null,
        overdueOpen: m?.overdueOpen ?? 0,
        listed: extra.get(id)?.listed ?? 0,
        admonitions: extra.get(id)?.admonitions ?? 0,
      });
    }
    return out;
  }

  private async townRows(path: string, query: RankingQuery, from: Date, to: Date): Promise<RankRow[]> {
    const [metrics, counts] = await Promise.all([
      this.hazards.metricsFor(path, { from: query.from, to: query.to, level: 'town' }),
      repo.rankingCounts(this.db, path, 3, from, to),
    ]);
    const byCode = new Map(counts.map((c) => [c.code, c]));
    return metrics.items.map((m) => ({
      party: { kind: 'unit' as const, id: m.unit.id, code: m.unit.code, name: m.unit.name },
      found: m.found,
      closedOut: m.closedOut,
      closeoutRate: m.closeoutRate,
      onTimeRate: m.onTimeRate,
      overdueOpen: m.overdueOpen,
      listed: byCode.get(m.unit.code)?.listed ?? 0,
      admonitions: byCode.get(m.unit.code)?.admonitions ?? 0,
    }));
  }

  // ---------------------------------------------------------------- helpers

  private reachPath(actor: Actor): string | null {
    if (actor.kind === 'anonymous') return null;
    return actor.scope.unit?.path ?? actor.scope.department?.unitPath ?? null;
  }

  private byName(actor: Actor): string {
    return actor.kind === 'user' ? actor.displayName || actor.username : actorName(actor);
  }

  private async subjectOf(kind: 'hazard' | 'place', id: number): Promise<Where> {
    if (kind === 'hazard') {
      const h = await this.hazards.listingFacts(id);
      if (!h) return E.unknownSubject.raise(`No hazard ${id}`);
      return { unitId: h.unitId, unitPath: h.unitPath, countyCode: h.countyCode, name: h.title };
    }
    const p = await this.places.facts(id);
    if (!p) return E.unknownSubject.raise(`No place ${id}`);
    return { unitId: p.unitId, unitPath: p.unitPath, countyCode: p.countyCode, name: p.name };
  }

  /** A party by kind and id; with `servesPath`, it must serve that place (its subtree or territory holds it). */
  private async partyOf(kind: repo.PartyKind, id: number, servesPath: string | null): Promise<Where> {
    if (kind === 'place') {
      const p = await this.places.facts(id);
      if (!p || (servesPath && !p.unitPath.startsWith(codesPrefix(servesPath, 2))))
        return E.unknownParty.raise();
      return { unitId: p.unitId, unitPath: p.unitPath, countyCode: p.countyCode, name: p.name };
    }
    if (kind === 'department') {
      const d = await this.units.getScopeDepartment(id);
      if (!d || (servesPath && !servesPath.startsWith(d.unitPath))) return E.unknownParty.raise();
      return { unitId: null, unitPath: d.unitPath, countyCode: codesOf(d.unitPath)[1] ?? '', name: d.name };
    }
    const u = await this.units.getScopeUnit(id);
    if (!u || (servesPath && !servesPath.startsWith(u.path))) return E.unknownParty.raise();
    return { unitId: u.id, unitPath: u.path, countyCode: codesOf(u.path)[1] ?? u.code, name: u.name };
  }

  private dto(r: repo.ListingRow, now: Date): ListingDto {
    return {
      id: r.id,
      subject: { kind: r.subject_kind, id: (r.hazard_id ?? r.place_id)!, title: r.title },
      reason: r.reason,
      responsible: { kind: r.responsible_kind, id: r.responsible_id, name: r.responsible_name },
      deadline: r.deadline.toISOString(),
      criteria: r.criteria,
      state: r.state,
      overdue: r.state === 'listed' && r.deadline < now,
      listedAt: r.listed_at.toISOString(),
      listedBy: r.listed_by,
      delistedAt: iso(r.delisted_at),
      delistedBy: r.delisted_by,
      evidence: r.delisting_evidence,
      version: r.version,
    };
  }

  private async detail(q: Queryable, r: repo.ListingRow): Promise<ListingDetail> {
    const [history, media] = await Promise.all([
      repo.history(q, r.id),
      this.media.listForOwner(q, MEDIA_OWNER, r.id),
    ]);
    return {
      ...this.dto(r, this.clock.now()),
      history: history.map((h) => ({
        seq: h.seq,
        at: h.at.toISOString(),
        kind: h.kind,
        by: h.by_name,
        details: h.details,
      })),
      media,
    };
  }

  private async admonitionDto(r: repo.AdmonitionRow, now: Date): Promise<AdmonitionDto> {
    const ids = r.hazard_ids.map(Number);
    const nos = ids.length ? await this.hazards.trackingNos(ids) : new Map<number, string>();
    return {
      id: r.id,
      party: { kind: r.party_kind, id: Number(r.party_id), name: r.party_name },
      heldAt: r.held_at.toISOString(),
      heldBy: r.held_by,
      subject: r.subject,
      hazards: ids.map((id) => ({ id, trackingNo: nos.get(id) ?? `#${id}` })),
      listingId: r.listing_id === null ? null : Number(r.listing_id),
      commitments: r.commitments,
      followUp: {
        due: r.follow_up_due.toISOString(),
        state: r.follow_up_state,
        overdue: r.follow_up_state === 'pending' && r.follow_up_due < now,
        note: r.follow_up_note,
        at: iso(r.follow_up_at),
        by: r.follow_up_by,
      },
      version: r.version,
      createdBy: r.created_by,
      createdAt: r.created_at.toISOString(),
    };
  }
}

/** The first `n` codes of a path as a path prefix: '/3303/330304/…' with n=2 → '/3303/330304/'. */
function codesPrefix(path: string, n: number): string {
  return `/${codesOf(path).slice(0, n).join('/')}/`;
}
