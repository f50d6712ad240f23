// Inspections (检查): covert inspections (暗访, "四不两直") and self-inspections (自查) that feed the hazard
// loop. Checklist templates are versioned like the taxonomy; a campaign keeps the versions it was planned
// with. Its draw is reproducible (hazards/domain/sampling.ts): the seed, the algorithm and the candidate
// list are recorded, so the draw can be rerun and compared. A visit checks in with a location (a warning
// flag when far from the place, never a refusal) and its form's failed items become hazards through the
// HazardsService, all in the submit's one transaction.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../clock.js';
import type { Db, Queryable } from '../../../db/index.js';
import { HttpErrors } from '../../../http/errors.js';
import type { Page } from '../../../http/pagination.js';
import { canonicalJson } from '../../../lib/canonical-json.js';
import { type Actor, actorId, actorName, SYSTEM } from '../../access/actor.js';
import type { AuditService } from '../../access/audit.js';
import type { AccessService } from '../../access/service.js';
import type { MediaService } from '../../media/service.js';
import type { UnitsService } from '../../units/service.js';
import { CHINA_UTC_OFFSET_MINUTES } from '../domain/deadlines.js';
import { type Candidate, SAMPLING_ALGORITHM, selectForInspection } from '../domain/sampling.js';
import type { HazardState } from '../domain/state-machine.js';
import { PLACE_KIND_CODES } from '../places/schema.js';
import type { PlacesService } from '../places/service.js';
import type { HazardsService } from '../service.js';
import type { HazardTaxonomyService } from '../taxonomy/service.js';
import { InspectionErrors as E } from './errors.js';
import { type CampaignFacts, inspectionPolicy } from './policy.js';
import * as repo from './repository.js';
import {
  type CampaignDetail,
  type CampaignDto,
  type CampaignListQuery,
  CHECK_IN_RADIUS_M,
  type CheckInBody,
  type CreateCampaign,
  type DrawBody,
  type InspectionDto,
  type ProgressDto,
  type ResultItem,
  type SubmitBody,
  type TargetDto,
  type TemplateDef,
  type TemplateDefInput,
  type TemplateDto,
  type TemplateListQuery,
  templateDef,
  UNIT_SUBJECTS,
  type UpdateTemplate,
} from './schema.js';

const DAY = 86_400_000;
/** Most candidates one draw takes from (the snapshot is kept with the campaign). */
export const MAX_CANDIDATES = 50_000;
const OWNER = 'inspection';

type Rules = Omit<TemplateDef, 'code'>;

function toTemplateDto(r: repo.TemplateRow): TemplateDto {
  return {
    id: r.id,
    code: r.code,
    version: r.version,
    currentVersion: r.current_version,
    name: { zh: r.name_zh, en: r.name_en },
    kind: r.kind,
    subjectType: r.subject_type,
    subject: r.subject,
    items: r.items.map((i) => ({
      code: i.code,
      text: i.text,
      domainCode: i.domainCode,
      aspectCode: i.aspectCode,
      severity: i.severity,
      photoRequired: i.photoRequired,
      active: i.active,
    })),
    active: r.active,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
  };
}

function rulesOf(t: TemplateDto): Rules {
  return {
    name: t.name,
    kind: t.kind,
    subjectType: t.subjectType,
    subject: t.subject,
    items: t.items,
    active: t.active,
  };
}

/** Great-circle distance in metres (WGS84 points; a sphere is plenty for a 300 m check). */
export function distanceMeters(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const R = 6_371_008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The UTC instant a local (Asia/Shanghai) day ends, from YYYY-MM-DD. */
function endOfLocalDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - CHINA_UTC_OFFSET_MINUTES * 60_000 + DAY);
}

const codesOf = (path: string) => path.split('/').filter(Boolean);
/** The town code of a unit path (/city/county/town/…), or the county's when it lies above a town. */
const townOf = (path: string) => codesOf(path)[2] ?? codesOf(path).at(-1) ?? '';

function factsOf(c: repo.CampaignRow): CampaignFacts {
  return { kind: c.kind, state: c.state, unitPath: c.unit_path, inspectorIds: c.inspector_ids };
}

function deny(actor: Actor, detail: string): never {
  if (actor.kind === 'anonymous') HttpErrors.unauthenticated.raise();
  return HttpErrors.forbidden.raise(detail);
}

export class InspectionsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly units: UnitsService,
    private readonly access: AccessService,
    private readonly taxonomy: HazardTaxonomyService,
    private readonly places: PlacesService,
    private readonly hazards: HazardsService,
    private readonly media: MediaService,
    private readonly clock: Clock,
  ) {
    media.registerOwnerPolicy(OWNER, async (actor, id) => {
      const i = await repo.getInspection(this.db, id);
      const c = i && (await repo.getCampaign(this.db, i.campaign_id));
      return !!c && inspectionPolicy.view(actor, factsOf(c));
    });
  }

  // ---------------------------------------------------------------- templates

  async listTemplates(actor: Actor, q: TemplateListQuery): Promise<Page<TemplateDto>> {
    if (!inspectionPolicy.readTemplates(actor)) deny(actor, 'Only staff read checklist templates');
    const { rows, total } = await repo.listTemplates(this.db, {
      kind: q.kind,
      includeInactive: q.includeInactive,
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    return { items: rows.map(toTemplateDto), total, page: q.page, pageSize: q.pageSize };
  }

  async getTemplate(actor: Actor, code: string, version?: number): Promise<TemplateDto> {
    if (!inspectionPolicy.readTemplates(actor)) deny(actor, 'Only staff read checklist templates');
    return this.findTemplate(this.db, code, version);
  }

  async createTemplate(actor: Actor, body: TemplateDef): Promise<TemplateDto> {
    if (!inspectionPolicy.manageTemplates(actor))
      deny(actor, 'Only the safety office writes checklist templates');
    const { code, ...rules } = body;
    await this.checkRules(rules);
    return this.db.tx(async (q) => {
      const id = await repo.insertTemplate(q, code, this.clock.now());
      if (id === undefined) return E.templateExists.raise(`A checklist template ${code} exists`);
      await repo.insertTemplateVersion(q, this.versionRow(actor, id, 1, rules));
      const dto = await this.findTemplate(q, code);
      await this.audit.record(q, {
        actor,
        action: 'inspection_template.create',
        entityType: 'inspection_template',
        entityId: code,
        after: { ...rulesOf(dto), version: 1 },
      });
      return dto;
    });
  }

  /** Writes a new version; `body.version` must be the current one (409). An unchanged body writes nothing. */
  async updateTemplate(actor: Actor, code: string, body: UpdateTemplate): Promise<TemplateDto> {
    if (!inspectionPolicy.manageTemplates(actor))
      deny(actor, 'Only the safety office writes checklist templates');
    const { version: expected, ...rules } = body;
    return this.db.tx(async (q) => {
      const before = await this.findTemplate(q, code);
      if (before.version !== expected) {
        return E.templateVersionConflict.raise(
          `The template is at version ${before.version}, not ${expected}`,
          {
            version: before.version,
          },
        );
      }
      if (canonicalJson(rulesOf(before)) === canonicalJson(rules)) return before;
      const kept = new Set(rules.items.map((i) => i.code));
      const gone = before.items.filter((i) => !kept.has(i.code)).map((i) => i.code);
      if (gone.length) E.itemRemoved.raise(`Missing items: ${gone.join(', ')}`, { items: gone });
      await this.checkRules(rules);
      if (!(await repo.bumpTemplateVersion(q, before.id, expected))) {
        return E.templateVersionConflict.raise('The template changed while this edit was being saved');
      }
      await repo.insertTemplateVersion(q, this.versionRow(actor, before.id, expected + 1, rules));
      const after = await this.findTemplate(q, code);
      await this.audit.record(q, {
        actor,
        action: 'inspection_template.update',
        entityType: 'inspection_template',
        entityId: code,
        before: { ...rulesOf(before), version: before.version },
        after: { ...rulesOf(after), version: after.version },
      });
      return after;
    });
  }

  /** Creates the templates whose codes are missing (the seed); existing ones are left as they are. */
  async importMissing(
    actor: Actor,
    defs: TemplateDefInput[],
  ): Promise<{ created: number; existing: number }> {
    let created = 0;
    for (const d of defs) {
      const parsed = templateDef.parse(d);
      if (await repo.templateByCode(this.db, parsed.code)) continue;
      await this.createTemplate(actor, parsed);
      created++;
    }
    return { created, existing: defs.length - created };
  }

  private versionRow(actor: Actor, id: number, version: number, r: Rules): repo.NewTemplateVersion {
    return {
      templateId: id,
      version,
      nameZh: r.name.zh,
      nameEn: r.name.en,
      kind: r.kind,
      subjectType: r.subjectType,
      subject: r.subject,
      items: r.items,
      active: r.active,
      createdAt: this.clock.now(),
      createdBy: actorName(actor),
    };
  }

  /** The subject exists, and every active item maps to a domain and aspect that take hazards. */
  private async checkRules(r: Rules): Promise<void> {
    const subjects: readonly string[] = r.subjectType === 'place' ? PLACE_KIND_CODES : UNIT_SUBJECTS;
    if (!subjects.includes(r.subject)) {
      E.unknownSubject.raise(`No ${r.subjectType === 'place' ? 'kind of place' : 'unit level'} ${r.subject}`);
    }
    const bad: string[] = [];
    for (const i of r.items) {
      if (!i.active) continue;
      const d = await this.taxonomy.current(i.domainCode);
      const a = d?.active ? d.aspects.find((x) => x.code === i.aspectCode) : undefined;
      if (!a?.active) bad.push(`${i.code}: ${i.domainCode}/${i.aspectCode}`);
    }
    if (bad.length) E.unknownAspect.raise(bad.join('; '), { items: bad });
  }

  private async findTemplate(q: Queryable, code: string, version?: number): Promise<TemplateDto> {
    const row = await repo.templateByCode(q, code, version);
    if (row) return toTemplateDto(row);
    if (version !== undefined && (await repo.templateByCode(q, code))) {
      return E.templateVersionNotFound.raise(`${code} has no version ${version}`);
    }
    return E.templateNotFound.raise(`No checklist template ${code}`);
  }

  private async templateAt(q: Queryable, id: number, version: number): Promise<TemplateDto> {
    const row = await repo.templateAt(q, id, version);
    if (!row) throw new Error(`inspection template ${id}@${version} is missing`);
    return toTemplateDto(row);
  }

  // ---------------------------------------------------------------- campaigns

  async createCampaign(actor: Actor, body: CreateCampaign): Promise<CampaignDetail> {
    const unit = await this.units.getScopeUnit(body.unitId);
    if (!unit) return E.invalidPlan.raise(`No unit ${body.unitId}`);
    if (!inspectionPolicy.plan(actor, unit.path))
      deny(actor, 'Only the safety office plans campaigns in its area');
    if (body.endsOn < body.startsOn) E.invalidPlan.raise('endsOn comes before startsOn');
    const templates: repo.CampaignTemplateRef[] = [];
    for (const code of new Set(body.templates)) {
      const t = await repo.templateByCode(this.db, code);
      if (!t?.active || t.kind !== body.kind) {
        return E.templateUnusable.raise(`${code}: unknown, inactive, or not for ${body.kind} campaigns`);
      }
      if (templates.some((x) => x.subjectType === t.subject_type && x.subject === t.subject)) {
        return E.templateUnusable.raise(`Two templates for ${t.subject}`);
      }
      templates.push({ id: t.id, code, version: t.version, subjectType: t.subject_type, subject: t.subject });
    }
    const inspectors = [...new Set(body.inspectorIds)];
    if (body.kind === 'covert' && !inspectors.length)
      E.invalidPlan.raise('A covert campaign names its inspectors');
    if (body.kind === 'self' && inspectors.length) E.invalidPlan.raise('A self-inspection has no inspectors');
    for (const id of inspectors) {
      const a = await this.access.getAccount(SYSTEM, id).catch(() => null);
      if (!a || a.disabled || !a.roles.some((r) => r === 'safety_office' || r === 'admin')) {
        return E.unknownInspector.raise(`Account ${id} may not make covert visits`, { accountId: id });
      }
    }
    const county = codesOf(unit.path)[1] ?? unit.code;
    return this.db.tx(async (q) => {
      const row = await repo.insertCampaign(q, {
        countyCode: county,
        name: body.name,
        kind: body.kind,
        unitId: unit.id,
        unitPath: unit.path,
        startsOn: body.startsOn,
        endsOn: body.endsOn,
        templates,
        sampleSize: body.sampleSize ?? null,
        inspectorIds: inspectors,
        createdBy: actorName(actor),
        at: this.clock.now(),
      });
      await this.audit.record(q, {
        actor,
        action: 'inspection_campaign.create',
        entityType: 'inspection_campaign',
        entityId: row.id,
        unitId: unit.id,
        unitPath: unit.path,
        after: {
          name: row.name,
          kind: row.kind,
          templates: templates.map((t) => `${t.code}@${t.version}`),
          sampleSize: row.sample_size,
          inspectorIds: inspectors,
        },
      });
      return this.detail(q, actor, row);
    });
  }

  async listCampaigns(actor: Actor, query: CampaignListQuery): Promise<Page<CampaignDto>> {
    if (actor.kind === 'anonymous') return HttpErrors.unauthenticated.raise();
    if (!inspectionPolicy.readTemplates(actor)) deny(actor, 'Only staff see inspection campaigns');
    const path = actor.scope.unit?.path ?? null;
    const planner = inspectionPolicy.plan(actor, path ?? '\u0000');
    const { rows, total } = await repo.listCampaigns(this.db, {
      planPath: planner ? path : null,
      accountId: actorId(actor),
      overlapPath: path,
      kind: query.kind,
      state: query.state,
      limit: query.pageSize,
      offset: (query.page - 1) * query.pageSize,
    });
    const items: CampaignDto[] = [];
    for (const r of rows) items.push(await this.present(actor, r));
    return { items, total, page: query.page, pageSize: query.pageSize };
  }

  async getCampaign(actor: Actor, id: number): Promise<CampaignDetail> {
    const row = await this.visibleCampaign(actor, id);
    return this.detail(this.db, actor, row);
  }

  /**
   * The draw, in one transaction with its audit entry: the candidates in the scope (places of the
   * templates' kinds, units of their levels) are snapshotted, the seed is taken or made, and the targets
   * are chosen by the recorded algorithm, stratified by (town, kind). Only once per campaign.
   */
  async draw(actor: Actor, id: number, body: DrawBody): Promise<CampaignDetail> {
    return this.db.tx(async (q) => {
      const c = await this.lockForPlanner(q, actor, id, body.version);
      if (c.state !== 'planned') return E.campaignState.raise('The campaign was drawn already');
      const snaps: repo.CandidateSnap[] = [];
      const byKind = new Map<string, repo.CampaignTemplateRef>();
      for (const t of c.templates) {
        byKind.set(t.subject, t);
        if (t.subjectType === 'place') {
          const ps = await this.places.candidates(c.unit_path, [t.subject], MAX_CANDIDATES + 1);
          for (const p of ps) {
            snaps.push({
              id: `p:${p.id}`,
              town: townOf(p.unitPath),
              kind: p.kind,
              name: p.name,
              unitId: p.unitId,
              unitPath: p.unitPath,
              countyCode: p.countyCode,
              lng: p.lng,
              lat: p.lat,
            });
          }
        } else {
          const us = await this.units.unitsAt(t.subject as (typeof UNIT_SUBJECTS)[number], c.unit_path);
          for (const u of us) {
            snaps.push({
              id: `u:${u.id}`,
              town: townOf(u.path),
              kind: t.subject,
              name: u.name,
              unitId: u.id,
              unitPath: u.path,
              countyCode: codesOf(u.path)[1] ?? c.county_code,
              lng: null,
              lat: null,
            });
          }
        }
      }
      if (!snaps.length) return E.noCandidates.raise();
      if (snaps.length > MAX_CANDIDATES)
        E.invalidPlan.raise(`More than ${MAX_CANDIDATES} candidates: narrow the scope`);
      const seed = body.seed ?? randomBytes(12).toString('hex');
      const result = selectForInspection({
        seed,
        candidates: snaps.map(({ id, town, kind }): Candidate => ({ id, town, kind })),
        total: Math.min(c.sample_size ?? snaps.length, snaps.length),
      });
      const snapById = new Map(snaps.map((s) => [s.id, s]));
      const targets: repo.NewTarget[] = result.selected.map((sid, i) => {
        const s = snapById.get(sid)!;
        const t = byKind.get(s.kind)!;
        const isPlace = sid.startsWith('p:');
        return {
          position: i + 1,
          type: isPlace ? 'place' : 'unit',
          placeId: isPlace ? Number(sid.slice(2)) : null,
          unitId: s.unitId,
          unitPath: s.unitPath,
          countyCode: s.countyCode,
          name: s.name,
          kind: s.kind,
          lng: s.lng,
          lat: s.lat,
          templateId: t.id,
          templateVersion: t.version,
        };
      });
      const now = this.clock.now();
      const draw = { strata: result.strata, selected: result.selected };
      if (
        !(await repo.recordDraw(q, c.id, c.version, {
          seed,
          algorithm: result.algorithm,
          candidates: snaps,
          draw,
          by: actorName(actor),
          at: now,
        }))
      ) {
        return E.campaignVersionConflict.raise();
      }
      await repo.insertTargets(q, c.id, targets);
      await this.audit.record(q, {
        actor,
        action: 'inspection_campaign.draw',
        entityType: 'inspection_campaign',
        entityId: c.id,
        unitId: c.unit_id,
        unitPath: c.unit_path,
        before: { state: c.state, version: c.version },
        after: {
          state: 'drawn',
          version: c.version + 1,
          seed,
          algorithm: result.algorithm,
          candidates: snaps.length,
          selected: result.selected,
        },
      });
      return this.detail(q, actor, (await repo.getCampaign(q, c.id))!);
    });
  }

  /** Reruns the recorded draw from its snapshot and seed, and says whether it chooses the same targets. */
  async verifyDraw(actor: Actor, id: number): Promise<import('./schema.js').VerifyResult> {
    const c = await this.visibleCampaign(actor, id, true);
    if (!inspectionPolicy.seesAllTargets(actor, factsOf(c)))
      deny(actor, 'Only those who see the whole draw verify it');
    if (!c.seed || !c.candidates || !c.draw || !c.algorithm)
      return E.campaignState.raise('The campaign was not drawn yet');
    if (c.algorithm !== SAMPLING_ALGORITHM) {
      return E.campaignState.raise(`The draw used ${c.algorithm}, which this version does not run`);
    }
    const again = selectForInspection({
      seed: c.seed,
      candidates: c.candidates.map(({ id: cid, town, kind }) => ({ id: cid, town, kind })),
      total: Math.min(c.sample_size ?? c.candidates.length, c.candidates.length),
    });
    // the targets as they stand, in draw order, must be the recorded draw and the rerun alike
    const recorded = (await repo.targets(this.db, c.id, null)).map((t) =>
      t.place_id !== null ? `p:${t.place_id}` : `u:${t.unit_id}`,
    );
    return {
      algorithm: c.algorithm,
      seed: c.seed,
      candidates: c.candidates.length,
      recorded,
      recomputed: again.selected,
      matches:
        canonicalJson(recorded) === canonicalJson(again.selected) &&
        canonicalJson(c.draw.selected) === canonicalJson(again.selected),
    };
  }

  async close(actor: Actor, id: number, version: number): Promise<CampaignDetail> {
    return this.db.tx(async (q) => {
      const c = await this.lockForPlanner(q, actor, id, version);
      if (c.state !== 'drawn') return E.campaignState.raise('Only a drawn campaign closes');
      const now = this.clock.now();
      if (!(await repo.closeCampaign(q, c.id, c.version, now))) return E.campaignVersionConflict.raise();
      const ts = await repo.targets(q, c.id, null);
      await this.audit.record(q, {
        actor,
        action: 'inspection_campaign.close',
        entityType: 'inspection_campaign',
        entityId: c.id,
        unitId: c.unit_id,
        unitPath: c.unit_path,
        before: { state: c.state, version: c.version },
        after: {
          state: 'closed',
          version: c.version + 1,
          done: ts.filter((t) => t.state === 'done').length,
          total: ts.length,
        },
      });
      return this.detail(q, actor, (await repo.getCampaign(q, c.id))!);
    });
  }

  /** Targets done and not, the findings, the hazards they became and where those stand. */
  async progress(actor: Actor, id: number): Promise<ProgressDto> {
    const c = await this.visibleCampaign(actor, id);
    const all = inspectionPolicy.seesAllTargets(actor, factsOf(c));
    const within = all ? null : ((actor.kind !== 'anonymous' ? actor.scope.unit?.path : null) ?? '\u0000');
    const ts = await repo.targets(this.db, c.id, within);
    const seen = new Set(ts.map((t) => t.id));
    const inspections = (await repo.campaignInspections(this.db, c.id)).filter((i) => seen.has(i.target_id));
    const hazardTargets = new Map<number, number>();
    let findings = 0;
    for (const i of inspections) {
      for (const r of i.results ?? []) {
        if (r.outcome !== 'fail') continue;
        findings++;
        if (r.hazardId !== null) hazardTargets.set(r.hazardId, i.target_id);
      }
    }
    const states = await this.hazards.statesOf([...hazardTargets.keys()]);
    const byState: Partial<Record<HazardState, number>> = {};
    let overdueHazards = 0;
    for (const s of states.values()) {
      byState[s.state] = (byState[s.state] ?? 0) + 1;
      if (s.overdue) overdueHazards++;
    }
    const closedOut = byState.closed_out ?? 0;
    const finished = closedOut + (byState.rejected ?? 0) + (byState.merged ?? 0);
    const now = this.clock.now();
    const dtos = ts.map((t) => this.presentTarget(c, t, now));
    const overdueTargets = dtos.filter((t) => t.overdue);
    return {
      campaignId: c.id,
      state: c.state,
      total: ts.length,
      done: ts.filter((t) => t.state === 'done').length,
      pending: ts.filter((t) => t.state === 'pending').length,
      overdue: overdueTargets.length,
      locationFlags: inspections.filter((i) => i.location_flag !== null).length,
      findings,
      hazards: {
        total: states.size,
        open: states.size - finished,
        closedOut,
        overdue: overdueHazards,
        byState,
        items: [...states.entries()].map(([hid, s]) => ({
          id: hid,
          trackingNo: s.trackingNo,
          state: s.state,
          targetId: hazardTargets.get(hid)!,
        })),
      },
      overdueTargets,
    };
  }

  // ---------------------------------------------------------------- visits and forms

  /**
   * Checks in at a target (a covert visit: with the location it was made at; a self-inspection form: a
   * location is optional). Farther than CHECK_IN_RADIUS_M from the place, or outside the unit, is flagged
   * and recorded, never refused: GPS is unreliable. Check-in photos are attached to the inspection.
   */
  async checkIn(
    actor: Actor,
    targetId: number,
    body: CheckInBody,
    ctx: { address?: string } = {},
  ): Promise<InspectionDto> {
    const pre = await repo.getTarget(this.db, targetId);
    const pc = pre && (await repo.getCampaign(this.db, pre.campaign_id));
    if (!pre || !pc || !inspectionPolicy.view(actor, factsOf(pc))) return E.targetNotFound.raise();
    if (!inspectionPolicy.fill(actor, factsOf(pc), pre.unit_path)) {
      if (pc.state !== 'drawn') E.campaignState.raise('The campaign is not under way');
      deny(actor, 'You do not inspect this target');
    }
    if (pc.kind === 'covert' && !body.location) E.locationRequired.raise();
    let point: { lng: number; lat: number } | null = null;
    let distance: number | null = null;
    let flag: repo.InspectionRow['location_flag'] = null;
    if (body.location) {
      const located = await this.units.resolvePoint(body.location.lng, body.location.lat, body.location.crs);
      point = located
        ? located.point
        : body.location.crs === 'wgs84'
          ? { lng: body.location.lng, lat: body.location.lat }
          : null;
      if (pre.lng !== null && pre.lat !== null && point) {
        distance = Math.round(distanceMeters(point, { lng: pre.lng, lat: pre.lat }));
        if (distance > CHECK_IN_RADIUS_M) flag = 'too_far';
      } else if (pre.target_type === 'unit') {
        const path = located
          ? `/${[...located.ancestors, located.unit].map((u) => u.code).join('/')}/`
          : null;
        if (!path?.startsWith(pre.unit_path)) flag = 'outside_unit';
      }
    } else flag = 'no_location';
    return this.db.tx(async (q) => {
      const c = (await repo.getCampaign(q, pre.campaign_id, { lock: true }))!;
      if (c.state !== 'drawn') return E.campaignState.raise('The campaign is not under way');
      const t = (await repo.getTarget(q, targetId, true))!;
      if (t.inspection_id !== null)
        return E.alreadyStarted.raise(undefined, { inspectionId: t.inspection_id });
      const now = this.clock.now();
      const row = await repo.insertInspection(q, {
        campaign_id: c.id,
        target_id: t.id,
        county_code: t.county_code,
        template_id: t.template_id,
        template_version: t.template_version,
        account_id: actorId(actor),
        by_name: actor.kind === 'user' ? actor.displayName : actorName(actor),
        checked_in_at: now,
        lng: point?.lng ?? null,
        lat: point?.lat ?? null,
        distance_m: distance,
        location_flag: flag,
      });
      if (!row) return E.alreadyStarted.raise();
      await this.media.attach(q, body.mediaIds, OWNER, row.id, actor, ctx);
      await this.audit.record(q, {
        actor,
        action: 'inspection.check_in',
        entityType: 'inspection',
        entityId: row.id,
        unitId: t.unit_id,
        unitPath: t.unit_path,
        after: { campaignId: c.id, targetId: t.id, distanceM: distance, locationFlag: flag },
      });
      return this.presentInspection(q, row);
    });
  }

  async getInspection(actor: Actor, id: number): Promise<InspectionDto> {
    const row = await repo.getInspection(this.db, id);
    const c = row && (await repo.getCampaign(this.db, row.campaign_id));
    const t = row && (await repo.getTarget(this.db, row.target_id));
    if (!row || !c || !t || !inspectionPolicy.view(actor, factsOf(c))) return E.inspectionNotFound.raise();
    if (!inspectionPolicy.seesAllTargets(actor, factsOf(c)) && !this.inSubtree(actor, t.unit_path)) {
      return E.inspectionNotFound.raise();
    }
    return this.presentInspection(this.db, row);
  }

  /**
   * Submits the form: one result per active item of the checklist at the campaign's version. Every failed
   * item becomes a hazard through the HazardsService (source covert or self, at the place, with the item's
   * domain, aspect and severity, its photos as evidence and the item as the rule broken); the results, the
   * target's completion and the audit entry commit in the same transaction, or nothing does.
   */
  async submit(
    actor: Actor,
    id: number,
    body: SubmitBody,
    ctx: { address?: string } = {},
  ): Promise<InspectionDto> {
    return this.db.tx(async (q) => {
      const row = await repo.getInspection(q, id, true);
      const c = row && (await repo.getCampaign(q, row.campaign_id, { lock: true }));
      const t = row && (await repo.getTarget(q, row.target_id));
      if (!row || !c || !t || !inspectionPolicy.view(actor, factsOf(c))) return E.inspectionNotFound.raise();
      if (!inspectionPolicy.fill(actor, factsOf(c), t.unit_path)) {
        if (c.state !== 'drawn') E.campaignState.raise('The campaign is not under way');
        deny(actor, 'You do not inspect this target');
      }
      if (row.state === 'submitted') return E.alreadySubmitted.raise();
      if (row.version !== body.version) {
        return E.inspectionVersionConflict.raise(`The inspection is at version ${row.version}`, {
          version: row.version,
        });
      }
      const template = await this.templateAt(q, row.template_id, row.template_version);
      const items = new Map(template.items.filter((i) => i.active).map((i) => [i.code, i]));
      const problems: string[] = [];
      const given = new Set<string>();
      for (const r of body.results) {
        const item = items.get(r.code);
        if (!item) problems.push(`${r.code}: not an item of ${template.code}@${template.version}`);
        else if (given.has(r.code)) problems.push(`${r.code}: given twice`);
        else if (r.outcome === 'fail' && item.photoRequired && !r.mediaIds.length) {
          problems.push(`${r.code}: a failed item needs a photo`);
        } else if (r.outcome !== 'fail' && r.severity)
          problems.push(`${r.code}: a severity goes with a failed item`);
        given.add(r.code);
      }
      for (const code of items.keys()) if (!given.has(code)) problems.push(`${code}: missing`);
      if (problems.length) return E.invalidResults.raise(problems.join('; '), { errors: problems });

      const source = c.kind === 'covert' ? 'covert' : 'self';
      const location =
        t.lng !== null && t.lat !== null
          ? { lng: t.lng, lat: t.lat, crs: 'wgs84' as const }
          : row.lng !== null && row.lat !== null
            ? { lng: row.lng, lat: row.lat, crs: 'wgs84' as const }
            : undefined;
      const results: ResultItem[] = [];
      const keep: number[] = [];
      for (const r of body.results) {
        const item = items.get(r.code)!;
        let hazardId: number | null = null;
        if (r.outcome === 'fail') {
          const text = `${item.text.zh}：不符合（${c.name}）`;
          const h = await this.hazards.record(
            actor,
            {
              domainCode: item.domainCode,
              aspectCode: item.aspectCode,
              severity: r.severity ?? item.severity,
              description: (r.note ? `${text}。${r.note}` : text).slice(0, 2000),
              ruleBroken:
                `检查表 ${template.name.zh}（${template.code} 第 ${template.version} 版）第 ${item.code} 项：${item.text.zh}`.slice(
                  0,
                  500,
                ),
              ...(t.place_id !== null ? { placeId: t.place_id } : {}),
              ...(location ? { location } : {}),
              source,
              mediaIds: r.mediaIds,
            },
            ctx,
          );
          hazardId = h.id;
        } else keep.push(...r.mediaIds);
        results.push({
          code: r.code,
          outcome: r.outcome,
          note: r.note ?? null,
          severity: r.outcome === 'fail' ? (r.severity ?? item.severity) : null,
          mediaIds: r.mediaIds,
          hazardId,
        });
      }
      await this.media.attach(q, keep, OWNER, row.id, actor, ctx);
      const now = this.clock.now();
      const updated = await repo.submitInspection(q, row.id, row.version, results, now);
      if (!updated) return E.inspectionVersionConflict.raise();
      await repo.markTargetDone(q, t.id, now);
      const failed = results.filter((r) => r.outcome === 'fail');
      await this.audit.record(q, {
        actor,
        action: 'inspection.submit',
        entityType: 'inspection',
        entityId: row.id,
        unitId: t.unit_id,
        unitPath: t.unit_path,
        before: { state: row.state, version: row.version },
        after: {
          state: 'submitted',
          version: updated.version,
          template: `${template.code}@${template.version}`,
          failed: failed.length,
          hazardIds: failed.map((r) => r.hazardId),
        },
      });
      return this.presentInspection(q, updated);
    });
  }

  // ---------------------------------------------------------------- helpers

  private inSubtree(actor: Actor, path: string): boolean {
    return actor.kind !== 'anonymous' && !!actor.scope.unit && path.startsWith(actor.scope.unit.path);
  }

  /** A campaign the actor may see; 404 otherwise, so a covert campaign's existence is not told. */
  private async visibleCampaign(actor: Actor, id: number, snapshot = false): Promise<repo.CampaignRow> {
    if (actor.kind === 'anonymous') return HttpErrors.unauthenticated.raise();
    const c = await repo.getCampaign(this.db, id, { snapshot });
    if (!c || !inspectionPolicy.view(actor, factsOf(c))) return E.campaignNotFound.raise();
    return c;
  }

  private async lockForPlanner(
    q: Queryable,
    actor: Actor,
    id: number,
    version: number,
  ): Promise<repo.CampaignRow> {
    const c = await repo.getCampaign(q, id, { lock: true });
    if (!c || !inspectionPolicy.view(actor, factsOf(c))) return E.campaignNotFound.raise();
    if (!inspectionPolicy.plan(actor, c.unit_path))
      deny(actor, 'Only the safety office that plans it runs the campaign');
    if (c.version !== version) {
      return E.campaignVersionConflict.raise(`The campaign is at version ${c.version}`, {
        version: c.version,
      });
    }
    return c;
  }

  private async present(actor: Actor, c: repo.CampaignRow): Promise<CampaignDto> {
    const unit = await this.units.getScopeUnit(c.unit_id);
    const all = inspectionPolicy.seesAllTargets(actor, factsOf(c));
    type Stratum = {
      town: string;
      kind: string;
      population: number;
      quota: number;
      selected: string[];
      shortfall: number;
    };
    return {
      id: c.id,
      name: c.name,
      kind: c.kind,
      state: c.state,
      unit: { id: c.unit_id, code: unit?.code ?? '', name: unit?.name ?? '', level: unit?.level ?? '' },
      startsOn: c.starts_on,
      endsOn: c.ends_on,
      templates: c.templates.map((t) => ({
        code: t.code,
        version: t.version,
        subjectType: t.subjectType,
        subject: t.subject,
      })),
      sampleSize: c.sample_size,
      inspectorIds: c.inspector_ids,
      draw:
        all && c.seed && c.draw && c.algorithm && c.drawn_at
          ? {
              seed: c.seed,
              algorithm: c.algorithm,
              drawnAt: c.drawn_at.toISOString(),
              drawnBy: c.drawn_by ?? '',
              candidates:
                c.candidates?.length ?? (c.draw.strata as Stratum[]).reduce((n, s) => n + s.population, 0),
              strata: (c.draw.strata as Stratum[]).map((s) => ({
                town: s.town,
                kind: s.kind,
                population: s.population,
                quota: s.quota,
                selected: s.selected.length,
                shortfall: s.shortfall,
              })),
            }
          : null,
      closedAt: c.closed_at ? c.closed_at.toISOString() : null,
      version: c.version,
      createdAt: c.created_at.toISOString(),
      createdBy: c.created_by,
    };
  }

  private async detail(q: Queryable, actor: Actor, c: repo.CampaignRow): Promise<CampaignDetail> {
    const all = inspectionPolicy.seesAllTargets(actor, factsOf(c));
    const within = all ? null : ((actor.kind !== 'anonymous' ? actor.scope.unit?.path : null) ?? '\u0000');
    const now = this.clock.now();
    const ts = await repo.targets(q, c.id, within);
    return { ...(await this.present(actor, c)), targets: ts.map((t) => this.presentTarget(c, t, now)) };
  }

  private presentTarget(c: repo.CampaignRow, t: repo.TargetRow, now: Date): TargetDto {
    const tpl = c.templates.find((x) => x.id === t.template_id);
    return {
      id: t.id,
      position: t.position,
      type: t.target_type,
      placeId: t.place_id,
      unitId: t.unit_id,
      unitPath: t.unit_path,
      name: t.name,
      kind: t.kind,
      location: t.lng !== null && t.lat !== null ? { lng: t.lng, lat: t.lat } : null,
      template: { code: tpl?.code ?? '', version: t.template_version },
      state: t.state,
      doneAt: t.done_at ? t.done_at.toISOString() : null,
      overdue: t.state === 'pending' && now.getTime() >= endOfLocalDay(c.ends_on).getTime(),
      inspectionId: t.inspection_id,
    };
  }

  private async presentInspection(q: Queryable, r: repo.InspectionRow): Promise<InspectionDto> {
    return {
      id: r.id,
      campaignId: r.campaign_id,
      targetId: r.target_id,
      state: r.state,
      template: await this.templateAt(q, r.template_id, r.template_version),
      by: r.by_name,
      checkedInAt: r.checked_in_at.toISOString(),
      location: r.lng !== null && r.lat !== null ? { lng: r.lng, lat: r.lat } : null,
      distanceM: r.distance_m,
      locationFlag: r.location_flag,
      results: r.results,
      submittedAt: r.submitted_at ? r.submitted_at.toISOString() : null,
      version: r.version,
      media: await this.media.listForOwner(q, OWNER, r.id),
    };
  }
}
