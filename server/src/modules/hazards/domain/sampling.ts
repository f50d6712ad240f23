// Random but reproducible selection of places for covert inspections (暗访, "四不两直": no notice,
// straight to the site, places chosen at random). A campaign records its seed and this algorithm's
// name; anyone can then rerun the draw and get the same places, which is what makes "random" auditable.
//
// Reproducibility is a promise about the future, so this file owns its generator (sfc32 seeded by a
// cyrb128 hash) instead of sharing one that might change for other reasons; a golden test pins it.
// Changing the draw in any way means a new SAMPLING_ALGORITHM name, keeping the old one runnable.
//
// The draw is stratified by (town, kind of place). Each stratum gets its own stream keyed by the seed
// and the stratum, and candidates are sorted by id first, so a stratum's choice depends only on the
// seed and that stratum's candidates — not on the input order or on changes in other strata.

export const SAMPLING_ALGORITHM = 'stratified-sfc32-v1';

export interface Candidate {
  /** The place's or unit's stable id (code). */
  id: string;
  town: string;
  /** Kind of place, e.g. 'rental_housing', 'three_in_one', 'police_station'. */
  kind: string;
}

export interface Quota {
  town: string;
  kind: string;
  n: number;
}

export interface SamplingRequest {
  /** Recorded with the campaign; any non-empty text. */
  seed: string;
  candidates: readonly Candidate[];
  /** Places to draw per stratum; strata not named get none. */
  quotas?: readonly Quota[];
  /** Without quotas: this many places in all, allocated to strata in proportion to their size. */
  total?: number;
  /** With `total`: every stratum gets at least one place before the proportional share. */
  atLeastOnePerStratum?: boolean;
}

export interface StratumDraw {
  town: string;
  kind: string;
  population: number;
  /** Places asked for. */
  quota: number;
  /** Ids in draw order (the order is part of the record: it can serve as the visiting order). */
  selected: string[];
  /** quota − selected: asked for more than the stratum holds. */
  shortfall: number;
}

export interface SamplingResult {
  algorithm: string;
  seed: string;
  strata: StratumDraw[];
  /** Every selected id, stratum by stratum. */
  selected: string[];
}

// ---- the generator ----------------------------------------------------------------------------

/** cyrb128: a well-mixed 128-bit string hash as four 32-bit words. */
function hash128(s: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < s.length; i++) {
    const k = s.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** sfc32: a stream of uniform unsigned 32-bit integers. */
export function uint32Stream(key: string): () => number {
  let [a, b, c, d] = hash128(key);
  const next = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 15; i++) next(); // let the state mix before use
  return next;
}

/** Uniform integer in [0, n) without modulo bias (rejection of the top partial range). */
function below(next: () => number, n: number): number {
  const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
  for (;;) {
    const x = next();
    if (x < limit) return x % n;
  }
}

// ---- allocation and the draw --------------------------------------------------------------------

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const keyOf = (town: string, kind: string) => JSON.stringify([town, kind]);

/**
 * Splits `total` over strata in proportion to their sizes (Hamilton's largest-remainder method):
 * each gets the floor of its exact share, and the places left over go to the largest remainders;
 * ties go to the larger stratum, then to the first in (town, kind) order. Independent of the seed:
 * the plan decides how many per stratum, the seed only which ones.
 */
export function proportionalAllocation(sizes: readonly number[], total: number): number[] {
  const N = sizes.reduce((s, x) => s + x, 0);
  if (!Number.isInteger(total) || total < 0) throw new RangeError('total must be a whole number ≥ 0');
  if (total >= N) return [...sizes];
  const exact = sizes.map((s) => (s * total) / N);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, x) => s + x, 0);
  const order = sizes
    .map((s, i) => ({ i, rem: exact[i]! - out[i]!, s }))
    .sort((x, y) => y.rem - x.rem || y.s - x.s || x.i - y.i);
  for (const o of order) {
    if (left === 0) break;
    out[o.i]! += 1;
    left--;
  }
  return out;
}

function quotasFor(
  strata: { town: string; kind: string; members: Candidate[] }[],
  req: SamplingRequest,
): number[] {
  if (req.quotas) {
    if (req.total !== undefined) throw new RangeError('give quotas or a total, not both');
    const byKey = new Map<string, number>();
    for (const q of req.quotas) {
      if (!Number.isInteger(q.n) || q.n < 0)
        throw new RangeError(`quota for ${q.town}/${q.kind} must be a whole number ≥ 0`);
      const k = keyOf(q.town, q.kind);
      if (byKey.has(k)) throw new RangeError(`two quotas for ${q.town}/${q.kind}`);
      byKey.set(k, q.n);
    }
    return strata.map((s) => byKey.get(keyOf(s.town, s.kind)) ?? 0);
  }
  if (req.total === undefined) throw new RangeError('give quotas or a total');
  const sizes = strata.map((s) => s.members.length);
  if (!req.atLeastOnePerStratum) return proportionalAllocation(sizes, req.total);
  if (req.total < strata.length) {
    throw new RangeError(`at least one per stratum needs a total of at least ${strata.length}`);
  }
  const rest = proportionalAllocation(
    sizes.map((s) => s - 1),
    req.total - strata.length,
  );
  return rest.map((r) => r + 1);
}

/** Draws the places. Same request → same result; throws RangeError on a malformed request. */
export function selectForInspection(req: SamplingRequest): SamplingResult {
  if (typeof req.seed !== 'string' || req.seed.trim() === '') throw new RangeError('a seed is required');
  const seen = new Set<string>();
  const byKey = new Map<string, { town: string; kind: string; members: Candidate[] }>();
  for (const c of req.candidates) {
    if (seen.has(c.id)) throw new RangeError(`candidate ${c.id} appears twice`);
    seen.add(c.id);
    const k = keyOf(c.town, c.kind);
    const s = byKey.get(k) ?? { town: c.town, kind: c.kind, members: [] };
    s.members.push(c);
    byKey.set(k, s);
  }
  const strata = [...byKey.values()].sort((a, b) => cmp(a.town, b.town) || cmp(a.kind, b.kind));
  const quotas = quotasFor(strata, req);
  const draws: StratumDraw[] = strata.map((s, i) => {
    const quota = quotas[i]!;
    const ids = s.members.map((m) => m.id).sort(cmp);
    const k = Math.min(quota, ids.length);
    const next = uint32Stream(`${SAMPLING_ALGORITHM}\u0000${req.seed}\u0000${s.town}\u0000${s.kind}`);
    // partial Fisher–Yates: position j takes a uniform pick from the ids not yet taken
    for (let j = 0; j < k; j++) {
      const r = j + below(next, ids.length - j);
      [ids[j], ids[r]] = [ids[r]!, ids[j]!];
    }
    return {
      town: s.town,
      kind: s.kind,
      population: ids.length,
      quota,
      selected: ids.slice(0, k),
      shortfall: quota - k,
    };
  });
  return {
    algorithm: SAMPLING_ALGORITHM,
    seed: req.seed,
    strata: draws,
    selected: draws.flatMap((d) => d.selected),
  };
}
