// Where an event goes, from its category's rule and the place it was located in (pure).
// "小事不出网格、大事不出村社、难事不出镇街": small matters stay in the grid, larger ones in the
// village, hard ones in the town; matters that belong to a department (事权单位) go to it; the
// county's social-governance center (the dispatch) is the last resort and the top of escalation.

export const HANDLING_LEVELS = ['grid', 'village', 'town', 'center', 'department'] as const;
export type HandlingLevel = (typeof HANDLING_LEVELS)[number];

/** A category's handled-by rule. `center` is for matters the dispatchers themselves sort out. */
export type HandledBy =
  | { level: 'grid' | 'village' | 'town' | 'center' }
  | { level: 'department'; departmentCode: string };

/** A unit of the located place's chain, as the units service describes it. */
export interface ChainUnit {
  id: number;
  code: string;
  name: string;
  level: 'city' | 'county' | 'town' | 'village' | 'grid' | 'micro_grid';
}

/** Who handles it: a unit at a level (the center is the county unit's dispatch), or a department. */
export type HandlingTarget =
  | { kind: 'unit'; level: 'grid' | 'village' | 'town' | 'center'; unit: ChainUnit }
  | { kind: 'department'; departmentCode: string; center: ChainUnit };

export type RouteResult =
  | { ok: true; target: HandlingTarget /** the rule asked for a level the chain lacks */; fellBack: boolean }
  | { ok: false; code: 'no_center'; message: string };

/** The unit levels a handling level sits at, bottom-up. */
const UNIT_LEVEL_OF = { grid: 'grid', village: 'village', town: 'town', center: 'county' } as const;
const LADDER = ['grid', 'village', 'town', 'center'] as const;
type Rung = (typeof LADDER)[number];

/** The county unit of the chain: where the center sits. */
function centerOf(chain: readonly ChainUnit[]): ChainUnit | undefined {
  return chain.find((u) => u.level === 'county');
}

function unitAt(chain: readonly ChainUnit[], rung: Rung): ChainUnit | undefined {
  const level = UNIT_LEVEL_OF[rung];
  return chain.find((u) => u.level === level);
}

/**
 * The handling target for a rule and a place. `chain` is the located unit with its ancestors, in
 * any order (normally root first, ending with the micro-grid). When the chain does not reach the
 * rule's level (the point located only to a village, say), the matter goes to the nearest level above
 * that exists, never below: a grid matter in a place without grids goes to the village.
 */
export function route(rule: HandledBy, chain: readonly ChainUnit[]): RouteResult {
  const center = centerOf(chain);
  if (!center) {
    return { ok: false, code: 'no_center', message: 'the place lies in no county: no center to route to' };
  }
  if (rule.level === 'department') {
    return {
      ok: true,
      target: { kind: 'department', departmentCode: rule.departmentCode, center },
      fellBack: false,
    };
  }
  const start = LADDER.indexOf(rule.level);
  for (let i = start; i < LADDER.length; i++) {
    const rung = LADDER[i]!;
    const unit = rung === 'center' ? center : unitAt(chain, rung);
    if (unit) return { ok: true, target: { kind: 'unit', level: rung, unit }, fellBack: i !== start };
  }
  /* c8 ignore next */
  return { ok: false, code: 'no_center', message: 'unreachable' };
}

/**
 * The supervision (督办) chain above a target, nearest first: grid → village → town → center; a
 * department answers to the center. The center itself has nobody above it in the platform.
 * Levels the chain lacks are skipped.
 */
export function escalationChain(target: HandlingTarget, chain: readonly ChainUnit[]): HandlingTarget[] {
  const center = target.kind === 'department' ? target.center : (centerOf(chain) ?? target.unit);
  if (target.kind === 'department') return [{ kind: 'unit', level: 'center', unit: center }];
  const out: HandlingTarget[] = [];
  for (let i = LADDER.indexOf(target.level) + 1; i < LADDER.length; i++) {
    const rung = LADDER[i]!;
    const unit = rung === 'center' ? center : unitAt(chain, rung);
    if (unit) out.push({ kind: 'unit', level: rung, unit });
  }
  return out;
}

/**
 * Who supervises an overdue event after `escalations` earlier escalations: the next rung up, or null
 * once the center has it (the center keeps it, flagged, and the daily view lists it).
 */
export function nextEscalation(
  target: HandlingTarget,
  chain: readonly ChainUnit[],
  escalations: number,
): HandlingTarget | null {
  return escalationChain(target, chain)[escalations] ?? null;
}

/** A stable key for a target, for comparing and storing ("unit:123", "department:330304-GA"). */
export function targetKey(t: HandlingTarget): string {
  return t.kind === 'department' ? `department:${t.departmentCode}` : `unit:${t.unit.id}`;
}
