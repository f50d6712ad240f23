import { describe, expect, it } from 'vitest';
import {
  admonitionBody,
  admonitionProblems,
  defaultResponsible,
  followUpProblem,
  listingBody,
  listingProblems,
  rateTone,
} from './model';

describe('listing form', () => {
  it('reports what is missing and builds the body trimmed', () => {
    expect(listingProblems({ subjectKind: 'place', responsibleKind: 'place' })).toEqual([
      'subject',
      'reason',
      'responsible',
      'deadline',
      'criteria',
    ]);
    const v = {
      subjectKind: 'place' as const,
      subjectId: 4,
      reason: ' 重大火灾隐患 ',
      responsibleKind: 'unit' as const,
      responsibleId: 9,
      deadline: '2026-12-31',
      criteria: ' 复查合格 ',
    };
    expect(listingProblems(v)).toEqual([]);
    expect(listingProblems({ ...v, reason: '  ' })).toEqual(['reason']);
    expect(listingBody(v)).toEqual({
      subject: { kind: 'place', id: 4 },
      reason: '重大火灾隐患',
      responsible: { kind: 'unit', id: 9 },
      deadline: '2026-12-31',
      criteria: '复查合格',
    });
  });

  it('proposes the listed place itself as the party that rectifies', () => {
    expect(defaultResponsible('place', 4)).toEqual({ kind: 'place', id: 4 });
    expect(defaultResponsible('place', undefined)).toBeNull();
    expect(defaultResponsible('hazard', 4)).toBeNull();
  });
});

describe('admonition form', () => {
  const v = {
    partyKind: 'place' as const,
    partyId: 4,
    heldAt: '2026-11-20T10:00:00+08:00',
    heldBy: ' 区安委办 ',
    subject: ' 挂牌整治 ',
    hazardIds: [3, 3, 5],
    listingId: 8,
    commitments: ' 十日内整改 ',
    followUpDue: '2026-12-01',
  };
  it('reports what is missing, and a follow-up before the talk', () => {
    expect(admonitionProblems({ partyKind: 'unit' })).toEqual([
      'party',
      'heldAt',
      'heldBy',
      'subject',
      'commitments',
      'followUpDue',
    ]);
    expect(admonitionProblems(v)).toEqual([]);
    expect(admonitionProblems({ ...v, followUpDue: '2026-11-19' })).toEqual(['dueOrder']);
    expect(admonitionProblems({ ...v, followUpDue: '2026-11-20' })).toEqual([]);
  });
  it('builds the body trimmed, hazards once, the listing only when there is one', () => {
    expect(admonitionBody(v)).toEqual({
      party: { kind: 'place', id: 4 },
      heldAt: '2026-11-20T10:00:00+08:00',
      heldBy: '区安委办',
      subject: '挂牌整治',
      hazardIds: [3, 5],
      listingId: 8,
      commitments: '十日内整改',
      followUpDue: '2026-12-01',
    });
    expect(admonitionBody({ ...v, listingId: null })).not.toHaveProperty('listingId');
  });
  it('asks for a note when the commitments were not kept', () => {
    expect(followUpProblem(undefined, '')).toBe('choose');
    expect(followUpProblem(false, ' ')).toBe('note');
    expect(followUpProblem(false, '未清理')).toBeNull();
    expect(followUpProblem(true, '')).toBeNull();
  });
});

describe('ranking board', () => {
  it('colours a close-out rate by band', () => {
    expect(rateTone(null)).toBe('none');
    expect(rateTone(0.95)).toBe('good');
    expect(rateTone(0.9)).toBe('good');
    expect(rateTone(0.75)).toBe('fair');
    expect(rateTone(0.2)).toBe('poor');
  });
});
