// Helpers that save the reporter taps (pure, tested on their own): the category guessed from the
// description (the server's guess, or the same rule on the cached tree when offline), the location
// taken from wherever it is known, and the answers reduced to what the category asks.
import type { AnswerValue, Category } from '../../api/events';

export type Question = Category['questions'][number];

/** The category to show as chosen: the reporter's own pick stays; otherwise the best suggestion. */
export function preselect(
  current: { code: string | null; byUser: boolean },
  suggestions: readonly { code: string }[],
): string | null {
  if (current.byUser && current.code) return current.code;
  return suggestions[0]?.code ?? current.code;
}

/** The chips to tap: the top suggestions, with the chosen category in front when it is not among them. */
export function quickChoices(
  chosen: string | null,
  suggestions: readonly { code: string }[],
  max = 3,
): string[] {
  const codes = suggestions.slice(0, max).map((s) => s.code);
  return chosen && !codes.includes(chosen) ? [chosen, ...codes] : codes;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const words = (s: string) => s.toLowerCase().match(/[a-z0-9]+/g) ?? [];

function hasWords(hay: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0) return false;
  for (let i = 0; i + needle.length <= hay.length; i++) {
    if (needle.every((w, j) => hay[i + j] === w)) return true;
  }
  return false;
}

/**
 * The server's suggestion rule (events/domain/suggest.ts) on the category tree the page already has,
 * for when the network is gone (sub-categories only: those take reports): a Chinese keyword scores its length when it occurs in the text, an
 * English one 2 per word when its words occur in order; the category's Chinese name counts too.
 */
export function localSuggest(
  description: string,
  categories: readonly Pick<Category, 'code' | 'name' | 'keywords' | 'active' | 'parentCode'>[],
  limit = 3,
): { code: string; score: number }[] {
  const text = description.normalize('NFKC').toLowerCase();
  const textWords = words(text);
  const out: { code: string; score: number; n: number }[] = [];
  for (const c of categories) {
    if (!isReportable(c)) continue;
    const seen = new Set<string>();
    let score = 0;
    let n = 0;
    for (const k of [c.name.zh, ...c.keywords]) {
      const key = k.normalize('NFKC').toLowerCase().trim();
      if (!key || seen.has(key)) continue;
      seen.add(key);
      const s = CJK.test(key)
        ? text.includes(key)
          ? [...key].length
          : 0
        : hasWords(textWords, words(key))
          ? 2 * words(key).length
          : 0;
      if (s > 0) {
        score += s;
        n++;
      }
    }
    if (score > 0) out.push({ code: c.code, score, n });
  }
  out.sort((a, b) => b.score - a.score || b.n - a.n || a.code.localeCompare(b.code));
  return out.slice(0, limit).map(({ code, score }) => ({ code, score }));
}

export interface LngLat {
  lng: number;
  lat: number;
}
export type LocationSource = 'pin' | 'gps' | 'photo';

/**
 * Where the report is: a pin the reporter placed (a deliberate correction) wins, then the device's
 * position, then the first photo that carries one in its EXIF; null when nothing is known.
 */
export function resolveLocation(known: {
  pin?: LngLat | null;
  gps?: LngLat | null;
  photos?: readonly (LngLat | null | undefined)[];
}): (LngLat & { source: LocationSource }) | null {
  if (known.pin) return { ...known.pin, source: 'pin' };
  if (known.gps) return { ...known.gps, source: 'gps' };
  const photo = known.photos?.find((p): p is LngLat => !!p);
  return photo ? { ...photo, source: 'photo' } : null;
}

/** An answer left empty: nothing typed, nothing chosen. */
export function isEmptyAnswer(v: AnswerValue | undefined | null): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (typeof v === 'number') return !Number.isFinite(v);
  return v.length === 0;
}

/** The codes of required questions still unanswered. */
export function missingRequired(
  questions: readonly Question[],
  answers: Readonly<Record<string, AnswerValue | undefined>>,
): string[] {
  return questions.filter((q) => q.required && isEmptyAnswer(answers[q.code])).map((q) => q.code);
}

/**
 * The answers to send: only this category's questions (answers typed for a category chosen before stay
 * behind), nothing empty, numbers as numbers, a single choice as its code, a multiple choice as codes.
 */
export function cleanAnswers(
  questions: readonly Question[],
  answers: Readonly<Record<string, AnswerValue | undefined>>,
): Record<string, AnswerValue> {
  const out: Record<string, AnswerValue> = {};
  for (const q of questions) {
    const v = answers[q.code];
    if (v === undefined || isEmptyAnswer(v)) continue;
    if (q.type === 'number') {
      const n = typeof v === 'number' ? v : Number(String(v).trim());
      if (Number.isFinite(n)) out[q.code] = n;
    } else if (q.type === 'multi_choice') {
      out[q.code] = Array.isArray(v) ? v : [String(v)];
    } else {
      out[q.code] = Array.isArray(v) ? (v[0] ?? '') : typeof v === 'string' ? v.trim() : String(v);
    }
  }
  return out;
}

/**
 * Reports are filed under a sub-category; a group takes reports itself only when it has none (其他事项),
 * as the server rules. Without the list, a group counts as not reportable.
 */
export function isReportable(
  c: Pick<Category, 'code' | 'parentCode' | 'active'>,
  all: readonly Pick<Category, 'parentCode' | 'active'>[] = [],
): boolean {
  if (!c.active) return false;
  if (c.parentCode !== null) return true;
  return all.length > 0 && !all.some((x) => x.parentCode === c.code);
}

/** The category tree as groups with their choices, for the full list; groups without choices are left out. */
export function categoryGroups<C extends Pick<Category, 'code' | 'parentCode' | 'active'>>(
  categories: readonly C[],
): { group: C; choices: C[] }[] {
  const children = new Map<string, C[]>();
  for (const c of categories) {
    if (c.parentCode && isReportable(c))
      children.set(c.parentCode, [...(children.get(c.parentCode) ?? []), c]);
  }
  return categories
    .filter((c) => c.active && !c.parentCode && (children.has(c.code) || isReportable(c, categories)))
    .map((group) => ({ group, choices: children.get(group.code) ?? [group] }));
}
