// Data checks (OECD/JRC Handbook step 3 and 6; COINr's get_data_avail and get_corr_flags): availability
// per unit and per indicator, the share of zeros, and correlation flags within the tree.
import type { Matrix } from './matrix.js';
import type { Method } from './method.js';
import { pearson } from './stats.js';
import type { Tree } from './tree.js';

export type CheckKind =
  | 'unit_availability'
  | 'indicator_availability'
  | 'zero_share'
  | 'collinear'
  | 'negative_with_parent';

export interface CheckFlag {
  kind: CheckKind;
  unit?: string;
  indicator?: string;
  /** The other code of a correlated pair, or the parent. */
  other?: string;
  value: number;
  message: string;
}

export interface DataChecks {
  /** Per unit: share of indicators present (0–1), units order. */
  unitAvailability: Float64Array;
  /** Per indicator: share of units present (0–1) and share of present values that are exactly zero. */
  indicatorAvailability: Float64Array;
  zeroShare: Float64Array;
  flags: CheckFlag[];
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** Availability and zeros, on the data as given (before imputation). */
export function checkData(raw: Matrix, units: readonly string[], c: Method['checks']): DataChecks {
  const n = raw.nUnits;
  const k = raw.nCols;
  const perUnit = new Float64Array(n);
  const indicatorAvailability = new Float64Array(k);
  const zeroShare = new Float64Array(k);
  const flags: CheckFlag[] = [];
  for (let j = 0; j < k; j++) {
    const x = raw.col(j);
    let present = 0;
    let zeros = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      if (!Number.isNaN(v)) {
        present++;
        perUnit[i]!++;
        if (v === 0) zeros++;
      }
    }
    const code = raw.codes[j]!;
    indicatorAvailability[j] = n ? present / n : 0;
    zeroShare[j] = present ? zeros / present : 0;
    if (indicatorAvailability[j]! < c.availability)
      flags.push({
        kind: 'indicator_availability',
        indicator: code,
        value: indicatorAvailability[j]!,
        message: `indicator '${code}' has data for ${pct(indicatorAvailability[j]!)} of units (below ${pct(c.availability)})`,
      });
    if (zeroShare[j]! > c.zeroShare)
      flags.push({
        kind: 'zero_share',
        indicator: code,
        value: zeroShare[j]!,
        message: `indicator '${code}' is zero for ${pct(zeroShare[j]!)} of units with data (above ${pct(c.zeroShare)})`,
      });
  }
  const unitAvailability = perUnit.map((v) => (k ? v / k : 0));
  for (let i = 0; i < n; i++)
    if (unitAvailability[i]! < c.availability)
      flags.push({
        kind: 'unit_availability',
        unit: units[i]!,
        value: unitAvailability[i]!,
        message: `unit '${units[i]}' has data for ${pct(unitAvailability[i]!)} of indicators (below ${pct(c.availability)})`,
      });
  return { unitAvailability, indicatorAvailability, zeroShare, flags };
}

/**
 * Correlation flags on normalised data (directions applied, so a negative correlation is a real
 * conflict): siblings correlated above the threshold in absolute value, and children that correlate
 * negatively with their own parent.
 */
export function correlationFlags(tree: Tree, ind: Matrix, agg: Matrix, threshold: number): CheckFlag[] {
  const flags: CheckFlag[] = [];
  const colOf = (id: number) => {
    const node = tree.nodes[id]!;
    return node.type === 'Indicator' ? ind.col(node.col) : agg.col(node.col);
  };
  for (const pid of tree.aggregates) {
    const parent = tree.nodes[pid]!;
    const kids = parent.children;
    const pcol = agg.col(parent.col);
    for (let a = 0; a < kids.length; a++) {
      const ca = colOf(kids[a]!);
      const codeA = tree.nodes[kids[a]!]!.code;
      for (let b = a + 1; b < kids.length; b++) {
        const r = pearson(ca, colOf(kids[b]!));
        if (Math.abs(r) > threshold) {
          const codeB = tree.nodes[kids[b]!]!.code;
          flags.push({
            kind: 'collinear',
            indicator: codeA,
            other: codeB,
            value: r,
            message: `'${codeA}' and '${codeB}' (both in '${parent.code}') correlate at r = ${r.toFixed(3)} (|r| > ${threshold})`,
          });
        }
      }
      const rp = pearson(ca, pcol);
      if (rp < 0)
        flags.push({
          kind: 'negative_with_parent',
          indicator: codeA,
          other: parent.code,
          value: rp,
          message: `'${codeA}' correlates negatively with its parent '${parent.code}' (r = ${rp.toFixed(3)})`,
        });
    }
  }
  return flags;
}
