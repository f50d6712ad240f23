// The listing pages' pure logic (no I/O): the listing and admonition forms to their requests, what a
// follow-up still lacks, and how the ranking board shows a rate.
import type { CreateAdmonitionInput, CreateListingInput, PartyKind, SubjectKind } from '../../api/listing';

export interface ListingValues {
  subjectKind: SubjectKind;
  subjectId?: number;
  reason?: string;
  responsibleKind: PartyKind;
  responsibleId?: number;
  /** YYYY-MM-DD: the end of that local day. */
  deadline?: string;
  criteria?: string;
}

export type ListingProblem = 'subject' | 'reason' | 'responsible' | 'deadline' | 'criteria';

export function listingProblems(v: ListingValues): ListingProblem[] {
  const p: ListingProblem[] = [];
  if (!v.subjectId) p.push('subject');
  if (!v.reason?.trim()) p.push('reason');
  if (!v.responsibleId) p.push('responsible');
  if (!v.deadline) p.push('deadline');
  if (!v.criteria?.trim()) p.push('criteria');
  return p;
}

export function listingBody(v: ListingValues): CreateListingInput {
  return {
    subject: { kind: v.subjectKind, id: v.subjectId ?? 0 },
    reason: (v.reason ?? '').trim(),
    responsible: { kind: v.responsibleKind, id: v.responsibleId ?? 0 },
    deadline: v.deadline ?? '',
    criteria: (v.criteria ?? '').trim(),
  };
}

/**
 * Listing a place makes the place itself the party that rectifies it unless another is chosen: the form
 * proposes it.
 */
export function defaultResponsible(
  subjectKind: SubjectKind,
  subjectId: number | undefined,
): { kind: PartyKind; id: number } | null {
  return subjectKind === 'place' && subjectId ? { kind: 'place', id: subjectId } : null;
}

export interface AdmonitionValues {
  partyKind: PartyKind;
  partyId?: number;
  /** ISO instant with its offset. */
  heldAt?: string;
  heldBy?: string;
  subject?: string;
  hazardIds?: number[];
  listingId?: number | null;
  commitments?: string;
  /** YYYY-MM-DD */
  followUpDue?: string;
}

export type AdmonitionProblem =
  | 'party'
  | 'heldAt'
  | 'heldBy'
  | 'subject'
  | 'commitments'
  | 'followUpDue'
  | 'dueOrder';

export function admonitionProblems(v: AdmonitionValues): AdmonitionProblem[] {
  const p: AdmonitionProblem[] = [];
  if (!v.partyId) p.push('party');
  if (!v.heldAt) p.push('heldAt');
  if (!v.heldBy?.trim()) p.push('heldBy');
  if (!v.subject?.trim()) p.push('subject');
  if (!v.commitments?.trim()) p.push('commitments');
  if (!v.followUpDue) p.push('followUpDue');
  else if (v.heldAt && v.followUpDue < v.heldAt.slice(0, 10)) p.push('dueOrder');
  return p;
}

export function admonitionBody(v: AdmonitionValues): CreateAdmonitionInput {
  return {
    party: { kind: v.partyKind, id: v.partyId ?? 0 },
    heldAt: v.heldAt ?? '',
    heldBy: (v.heldBy ?? '').trim(),
    subject: (v.subject ?? '').trim(),
    hazardIds: [...new Set(v.hazardIds ?? [])],
    ...(v.listingId ? { listingId: v.listingId } : {}),
    commitments: (v.commitments ?? '').trim(),
    followUpDue: v.followUpDue ?? '',
  };
}

/** A follow-up not done must say why (the server answers 422 otherwise). */
export function followUpProblem(done: boolean | undefined, note: string): 'choose' | 'note' | null {
  if (done === undefined) return 'choose';
  if (!done && !note.trim()) return 'note';
  return null;
}

/** The board's colour for a close-out rate: the top band green, the bottom red, between them amber. */
export function rateTone(rate: number | null): 'good' | 'fair' | 'poor' | 'none' {
  if (rate === null) return 'none';
  if (rate >= 0.9) return 'good';
  if (rate >= 0.7) return 'fair';
  return 'poor';
}
