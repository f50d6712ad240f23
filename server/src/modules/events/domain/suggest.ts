// Category suggestion from a free-text description (pure). Chinese has no spaces, so a Chinese
// keyword matches as a substring; English keywords match whole lowercase words. A keyword scores its
// length in characters for Chinese (a longer keyword is a more specific match: 飞线充电 says more than
// 充电) and 2 per word for English; a category's own Chinese name counts as a keyword. No segmenter,
// no model: the point is a good first guess on a phone, which the reporter confirms with one tap.

export interface SuggestableCategory {
  code: string;
  name: { zh: string; en: string };
  keywords: readonly string[];
}

export interface Suggestion {
  code: string;
  score: number;
  /** The keywords that matched, longest first: why the category was suggested. */
  matched: string[];
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** Lowercase English words of a text (letters and digits), for whole-word matching. */
function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

function containsWords(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0) return false;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return true;
  }
  return false;
}

/** How much a keyword scores when it matches; 0 when it does not. */
function keywordScore(k: string, text: string, textWords: readonly string[]): number {
  const kw = k.trim();
  if (!kw) return 0;
  if (CJK.test(kw)) return text.includes(kw) ? [...kw].length : 0;
  const w = words(kw);
  return containsWords(textWords, w) ? 2 * w.length : 0;
}

/**
 * The `limit` (default 3) best categories for a description, best first; categories with no match
 * are left out. Ties go to the more specific category (more keywords matched), then by code.
 */
export function suggestCategories(
  description: string,
  categories: readonly SuggestableCategory[],
  limit = 3,
): Suggestion[] {
  const text = description.normalize('NFKC').toLowerCase();
  const textWords = words(text);
  const out: Suggestion[] = [];
  for (const c of categories) {
    const seen = new Set<string>();
    let score = 0;
    const matched: string[] = [];
    for (const k of [c.name.zh, ...c.keywords]) {
      const key = k.normalize('NFKC').toLowerCase().trim();
      if (!key || seen.has(key)) continue;
      seen.add(key);
      const s = keywordScore(key, text, textWords);
      if (s > 0) {
        score += s;
        matched.push(k.trim());
      }
    }
    if (score > 0) {
      matched.sort((a, b) => b.length - a.length);
      out.push({ code: c.code, score, matched });
    }
  }
  out.sort(
    (a, b) => b.score - a.score || b.matched.length - a.matched.length || a.code.localeCompare(b.code),
  );
  return out.slice(0, limit);
}
