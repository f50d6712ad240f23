import { describe, expect, it } from 'vitest';
import type { Target, Template, TemplateItem } from '../../api/inspections';
import {
  answer,
  buildResults,
  type CampaignValues,
  campaignBody,
  campaignProblems,
  checklistProblems,
  clashingSubjects,
  draftKey,
  failedCount,
  firstDifference,
  isComplete,
  itemProblems,
  metresBetween,
  nextItemCode,
  parseDraft,
  passRest,
  serializeDraft,
  targetCounts,
  usableTemplates,
  visitingOrder,
} from './model';

const item = (code: string, extra: Partial<TemplateItem> = {}): TemplateItem => ({
  code,
  text: { zh: `问题${code}`, en: `Question ${code}` },
  domainCode: 'fire',
  aspectCode: 'blocked_exits',
  severity: 'general',
  photoRequired: false,
  active: true,
  ...extra,
});

const template = (code: string, extra: Partial<Template> = {}): Template => ({
  id: 1,
  code,
  version: 1,
  currentVersion: 1,
  name: { zh: code, en: code },
  kind: 'covert',
  subjectType: 'place',
  subject: 'three_in_one',
  items: [item('a1'), item('a2', { photoRequired: true }), item('a3'), item('old', { active: false })],
  active: true,
  createdAt: '2026-11-01T00:00:00Z',
  createdBy: 'seed',
  ...extra,
});

const target = (id: number, position: number, extra: Partial<Target> = {}): Target => ({
  id,
  position,
  type: 'place',
  placeId: id,
  unitId: 1,
  unitPath: '/33/',
  name: `T${id}`,
  kind: 'three_in_one',
  location: null,
  template: { code: 'x', version: 1 },
  state: 'pending',
  doneAt: null,
  overdue: false,
  inspectionId: null,
  ...extra,
});

describe('campaign form', () => {
  const full: CampaignValues = {
    name: ' 12 月暗访 ',
    kind: 'covert',
    unitId: 7,
    startsOn: '2026-12-01',
    endsOn: '2026-12-15',
    templates: ['a', 'a', 'b'],
    sampleSize: 12.7,
    inspectorIds: [3, 3],
  };

  it('reports what is missing, in the order of the form', () => {
    expect(campaignProblems({ kind: 'covert' })).toEqual([
      'name',
      'unit',
      'dates',
      'templates',
      'inspectors',
    ]);
    expect(campaignProblems({ ...full, endsOn: '2026-11-30' })).toEqual(['order']);
    expect(campaignProblems({ ...full, kind: 'self', inspectorIds: [] })).toEqual([]);
    expect(campaignProblems(full)).toEqual([]);
  });

  it('builds the body: trimmed, templates and inspectors once, a whole sample, no inspectors for self', () => {
    expect(campaignBody(full)).toEqual({
      name: '12 月暗访',
      kind: 'covert',
      unitId: 7,
      startsOn: '2026-12-01',
      endsOn: '2026-12-15',
      templates: ['a', 'b'],
      sampleSize: 12,
      inspectorIds: [3],
    });
    const self = campaignBody({ ...full, kind: 'self', sampleSize: null });
    expect(self.inspectorIds).toEqual([]);
    expect(self).not.toHaveProperty('sampleSize');
  });

  it('offers the active templates of the kind and finds two chosen for one subject', () => {
    const ts = [
      template('c1'),
      template('c2', { subject: 'rental_housing' }),
      template('c3'),
      template('s1', { kind: 'self' }),
      template('off', { active: false }),
    ];
    expect(usableTemplates('covert', ts).map((t) => t.code)).toEqual(['c1', 'c2', 'c3']);
    expect(usableTemplates('self', ts).map((t) => t.code)).toEqual(['s1']);
    expect(clashingSubjects(['c1', 'c2'], ts)).toEqual([]);
    expect(clashingSubjects(['c1', 'c2', 'c3'], ts)).toEqual(['three_in_one']);
    expect(clashingSubjects(['c1', 'c1'], ts)).toEqual([]);
  });
});

describe('targets', () => {
  it('counts done and overdue, and orders the pending ones first in draw order', () => {
    const ts = [
      target(1, 1, { state: 'done' }),
      target(2, 2, { overdue: true }),
      target(3, 3),
      target(4, 4, { state: 'done', overdue: true }),
    ];
    expect(targetCounts(ts)).toEqual({ total: 4, done: 2, overdue: 1 });
    expect(visitingOrder(ts).map((t) => t.id)).toEqual([2, 3, 1, 4]);
  });
});

describe('the checklist on the phone', () => {
  const t = template('c1');

  it('answers items, and "the rest pass" answers only the unanswered active ones', () => {
    let a = answer({}, 'a2', 'fail');
    a = { ...a, a2: { ...a.a2!, severity: 'major', note: '堵塞' } };
    a = passRest(t, a);
    expect(a.a1?.outcome).toBe('pass');
    expect(a.a2).toMatchObject({ outcome: 'fail', severity: 'major', note: '堵塞' });
    expect(a.a3?.outcome).toBe('pass');
    expect(a.old).toBeUndefined();
    expect(failedCount(a)).toBe(1);
    // changing a failure to pass drops the severity chosen for it
    expect(answer(a, 'a2', 'pass').a2).toEqual({ outcome: 'pass', note: '堵塞', mediaIds: [] });
  });

  it('knows what is missing: unanswered items and photos for failures that need one', () => {
    expect(checklistProblems(t, {})).toEqual({ unanswered: ['a1', 'a2', 'a3'], photoMissing: [] });
    const failed = passRest(t, answer({}, 'a2', 'fail'));
    const p = checklistProblems(t, failed);
    expect(p).toEqual({ unanswered: [], photoMissing: ['a2'] });
    expect(isComplete(p)).toBe(false);
    const withPhoto = { ...failed, a2: { ...failed.a2!, mediaIds: [41] } };
    expect(isComplete(checklistProblems(t, withPhoto))).toBe(true);
  });

  it('builds one result per active item: notes trimmed, severity only when it overrides a failure', () => {
    const a = passRest(t, {
      a1: { outcome: 'na', note: '  ', mediaIds: [] },
      a2: { outcome: 'fail', note: ' 安全出口上锁 ', severity: 'major', mediaIds: [5, 6] },
      a3: { outcome: 'fail', note: '', severity: 'general', mediaIds: [] },
    });
    expect(buildResults(t, a)).toEqual([
      { code: 'a1', outcome: 'na', mediaIds: [] },
      { code: 'a2', outcome: 'fail', note: '安全出口上锁', severity: 'major', mediaIds: [5, 6] },
      { code: 'a3', outcome: 'fail', mediaIds: [] },
    ]);
  });

  it('keeps a draft that survives a reload, and drops what is malformed', () => {
    const a = answer(answer({}, 'a1', 'pass'), 'a2', 'fail');
    const withPhoto = { ...a, a2: { ...a.a2!, mediaIds: [9], severity: 'critical' as const } };
    expect(parseDraft(serializeDraft(withPhoto))).toEqual(withPhoto);
    expect(draftKey(12)).toBe('anwang.inspection.12');
    expect(parseDraft(null)).toEqual({});
    expect(parseDraft('{not json')).toEqual({});
    expect(parseDraft(JSON.stringify({ v: 2, answers: { a1: { outcome: 'pass' } } }))).toEqual({});
    expect(
      parseDraft(
        JSON.stringify({
          v: 1,
          answers: {
            a1: { outcome: 'maybe', note: 3, mediaIds: [1, -2, 'x', 2.5] },
            a2: null,
            a3: { outcome: 'fail', severity: 'huge', note: 'ok', mediaIds: [4] },
          },
        }),
      ),
    ).toEqual({ a1: { note: '', mediaIds: [1] }, a3: { outcome: 'fail', note: 'ok', mediaIds: [4] } });
  });
});

describe('the draw and check-in', () => {
  it('finds where a rerun departs from the record', () => {
    expect(firstDifference(['p:1', 'p:2'], ['p:1', 'p:2'])).toBe(-1);
    expect(firstDifference(['p:1', 'p:2'], ['p:1', 'p:3'])).toBe(1);
    expect(firstDifference(['p:1'], ['p:1', 'p:2'])).toBe(1);
  });

  it('measures metres between two points (about 111 km a degree of latitude)', () => {
    const a = { lng: 120.6, lat: 28.0 };
    expect(metresBetween(a, a)).toBe(0);
    expect(metresBetween(a, { lng: 120.6, lat: 29.0 })).toBeCloseTo(111_195, -2);
    expect(metresBetween(a, { lng: 120.603, lat: 28.0 })).toBeCloseTo(294.6, 0);
  });
});

describe('template editing', () => {
  it('requires both texts, a domain and aspect, distinct valid codes', () => {
    expect(itemProblems([item('a1'), item('a2')])).toEqual([]);
    expect(
      itemProblems([item('a1', { text: { zh: ' ', en: 'x' } }), item('a1', { aspectCode: '' }), item('Bad')]),
    ).toEqual(['text', 'aspect', 'code']);
  });
  it('proposes the next free code for a new item', () => {
    expect(nextItemCode([item('a1'), item('a2')])).toBe('n3');
    expect(nextItemCode([item('a1'), item('n2')])).toBe('n3');
    expect(nextItemCode([item('n2'), item('n3')])).toBe('n4');
  });
});
