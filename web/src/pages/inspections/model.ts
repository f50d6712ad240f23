// The inspection pages' pure logic (no I/O): which templates a campaign may use, the campaign form to the
// request, the checklist answers on the phone (what is still missing, the submit body, the draft kept in
// the phone's storage on a weak network), the draw and check-in as the pages summarise them.
import type { Severity } from '../../api/hazards';
import type {
  CampaignKind,
  CreateCampaignInput,
  Outcome,
  ResultInput,
  Target,
  Template,
  TemplateItem,
} from '../../api/inspections';

// ---------------------------------------------------------------- campaigns

export const CAMPAIGN_STATE_COLORS = { planned: 'default', drawn: 'processing', closed: 'success' } as const;
export const KIND_COLORS = { covert: 'purple', self: 'cyan' } as const;

/** The active templates a campaign of this kind may use. */
export function usableTemplates(kind: CampaignKind, templates: readonly Template[]): Template[] {
  return templates.filter((t) => t.active && t.kind === kind);
}

/** Subjects named by more than one chosen template (the server refuses two templates for one subject). */
export function clashingSubjects(chosen: readonly string[], templates: readonly Template[]): string[] {
  const seen = new Map<string, number>();
  for (const code of new Set(chosen)) {
    const t = templates.find((x) => x.code === code);
    if (!t) continue;
    const key = `${t.subjectType}:${t.subject}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k.split(':')[1] ?? k);
}

export interface CampaignValues {
  name?: string;
  kind: CampaignKind;
  unitId?: number;
  /** YYYY-MM-DD */
  startsOn?: string;
  endsOn?: string;
  templates?: string[];
  sampleSize?: number | null;
  inspectorIds?: number[];
}

export type CampaignProblem = 'name' | 'unit' | 'dates' | 'order' | 'templates' | 'inspectors';

/** What the campaign form still lacks, in the order of the form. */
export function campaignProblems(v: CampaignValues): CampaignProblem[] {
  const p: CampaignProblem[] = [];
  if (!v.name?.trim()) p.push('name');
  if (!v.unitId) p.push('unit');
  if (!v.startsOn || !v.endsOn) p.push('dates');
  else if (v.endsOn < v.startsOn) p.push('order');
  if (!v.templates?.length) p.push('templates');
  if (v.kind === 'covert' && !v.inspectorIds?.length) p.push('inspectors');
  return p;
}

/** The request body (call only when campaignProblems is empty). A self-inspection names no inspectors. */
export function campaignBody(v: CampaignValues): CreateCampaignInput {
  return {
    name: (v.name ?? '').trim(),
    kind: v.kind,
    unitId: v.unitId ?? 0,
    startsOn: v.startsOn ?? '',
    endsOn: v.endsOn ?? '',
    templates: [...new Set(v.templates ?? [])],
    ...(v.sampleSize && v.sampleSize > 0 ? { sampleSize: Math.floor(v.sampleSize) } : {}),
    inspectorIds: v.kind === 'covert' ? [...new Set(v.inspectorIds ?? [])] : [],
  };
}

/** Targets done, pending and overdue, as the campaign page counts them. */
export function targetCounts(targets: readonly Target[]): { total: number; done: number; overdue: number } {
  return {
    total: targets.length,
    done: targets.filter((t) => t.state === 'done').length,
    overdue: targets.filter((t) => t.state === 'pending' && t.overdue).length,
  };
}

/** The targets a visitor goes to next: pending ones first (in draw order), then those done. */
export function visitingOrder(targets: readonly Target[]): Target[] {
  return [...targets].sort(
    (a, b) => Number(a.state === 'done') - Number(b.state === 'done') || a.position - b.position,
  );
}

// ---------------------------------------------------------------- the checklist on the phone

export interface Answer {
  outcome?: Outcome;
  note: string;
  severity?: Severity;
  /** Media ids of the item's photos (uploaded). */
  mediaIds: number[];
}
export type Answers = Record<string, Answer>;

export const emptyAnswer = (): Answer => ({ note: '', mediaIds: [] });

export const activeItems = (t: Pick<Template, 'items'>): TemplateItem[] => t.items.filter((i) => i.active);

/** Sets one item's outcome; choosing pass or n/a clears a severity chosen for a failure. */
export function answer(answers: Answers, code: string, outcome: Outcome): Answers {
  const a = answers[code] ?? emptyAnswer();
  const next: Answer = { ...a, outcome };
  if (outcome !== 'fail') delete next.severity;
  return { ...answers, [code]: next };
}

/** "The rest passed": every active item not yet answered becomes pass (one tap for a clean site). */
export function passRest(t: Pick<Template, 'items'>, answers: Answers): Answers {
  const next = { ...answers };
  for (const i of activeItems(t)) {
    if (!next[i.code]?.outcome) next[i.code] = { ...(next[i.code] ?? emptyAnswer()), outcome: 'pass' };
  }
  return next;
}

export interface ChecklistProblems {
  /** Active items with no outcome yet. */
  unanswered: string[];
  /** Failed items whose template requires a photo and that have none. */
  photoMissing: string[];
}

export function checklistProblems(t: Pick<Template, 'items'>, answers: Answers): ChecklistProblems {
  const items = activeItems(t);
  return {
    unanswered: items.filter((i) => !answers[i.code]?.outcome).map((i) => i.code),
    photoMissing: items
      .filter(
        (i) => i.photoRequired && answers[i.code]?.outcome === 'fail' && !answers[i.code]?.mediaIds.length,
      )
      .map((i) => i.code),
  };
}

export const isComplete = (p: ChecklistProblems) => p.unanswered.length === 0 && p.photoMissing.length === 0;

/** The submit body's results: one per active item, severity only on a failure that overrides the default. */
export function buildResults(t: Pick<Template, 'items'>, answers: Answers): ResultInput[] {
  return activeItems(t).map((i) => {
    const a = answers[i.code] ?? emptyAnswer();
    const outcome = a.outcome ?? 'pass';
    const note = a.note.trim();
    return {
      code: i.code,
      outcome,
      ...(note ? { note } : {}),
      ...(outcome === 'fail' && a.severity && a.severity !== i.severity ? { severity: a.severity } : {}),
      mediaIds: [...a.mediaIds],
    };
  });
}

export const failedCount = (answers: Answers) =>
  Object.values(answers).filter((a) => a.outcome === 'fail').length;

// A draft kept in the phone's storage per visit, so a reload on a weak network loses no answer.
const DRAFT_PREFIX = 'anwang.inspection.';
export const draftKey = (inspectionId: number) => `${DRAFT_PREFIX}${inspectionId}`;

export function serializeDraft(answers: Answers): string {
  return JSON.stringify({ v: 1, answers });
}

const OUTCOME_SET = new Set<string>(['pass', 'fail', 'na']);
const SEVERITY_SET = new Set<string>(['general', 'major', 'critical']);

/** Reads a draft back; anything malformed is dropped rather than trusted. */
export function parseDraft(text: string | null): Answers {
  if (!text) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {};
  }
  const answers = (raw as { v?: number; answers?: unknown })?.answers;
  if ((raw as { v?: number })?.v !== 1 || !answers || typeof answers !== 'object') return {};
  const out: Answers = {};
  for (const [code, value] of Object.entries(answers as Record<string, unknown>)) {
    const a = value as Partial<Answer> | null;
    if (!a || typeof a !== 'object') continue;
    const answer: Answer = {
      note: typeof a.note === 'string' ? a.note.slice(0, 1000) : '',
      mediaIds: Array.isArray(a.mediaIds)
        ? a.mediaIds.filter((n): n is number => Number.isSafeInteger(n) && n > 0)
        : [],
    };
    if (typeof a.outcome === 'string' && OUTCOME_SET.has(a.outcome)) answer.outcome = a.outcome as Outcome;
    if (typeof a.severity === 'string' && SEVERITY_SET.has(a.severity))
      answer.severity = a.severity as Severity;
    out[code] = answer;
  }
  return out;
}

/** The first position where a verification's rerun departs from the recorded draw (-1: none). */
export function firstDifference(recorded: readonly string[], recomputed: readonly string[]): number {
  const n = Math.max(recorded.length, recomputed.length);
  for (let i = 0; i < n; i++) if (recorded[i] !== recomputed[i]) return i;
  return -1;
}

/** Metres between two WGS84 points (haversine): how far the phone stands from the target before check-in. */
export function metresBetween(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const R = 6_371_008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The server flags a check-in farther than this from the place (inspections/schema.ts). */
export const CHECK_IN_RADIUS_M = 300;

// ---------------------------------------------------------------- template editing

export type ItemProblem = 'text' | 'aspect' | 'code';

/** What an edited list of items still lacks (the server would answer 422). */
export function itemProblems(items: readonly TemplateItem[]): ItemProblem[] {
  const p = new Set<ItemProblem>();
  const codes = new Set<string>();
  for (const i of items) {
    if (!i.text.zh.trim() || !i.text.en.trim()) p.add('text');
    if (!i.domainCode || !i.aspectCode) p.add('aspect');
    if (codes.has(i.code) || !/^[a-z0-9][a-z0-9_.-]{0,19}$/.test(i.code)) p.add('code');
    codes.add(i.code);
  }
  return [...p];
}

/** A code for a new item: the next free "n<number>" after the items' largest number. */
export function nextItemCode(items: readonly Pick<TemplateItem, 'code'>[]): string {
  const codes = new Set(items.map((i) => i.code));
  let n = items.length + 1;
  while (codes.has(`n${n}`)) n++;
  return `n${n}`;
}
