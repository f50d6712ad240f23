// 六无平安村社 (pure): a village or community is a safe-village candidate for a year when none of six kinds
// of serious trouble happened there: no major criminal case, no fatal accident, no mass incident, no
// petition bypassing levels, no drugs, gambling or prostitution, no cult activity. Each "no" is checked
// from data the platform has: imported external values (the police's major cases, the traffic police's
// road deaths, the petition bureau's bypassing petitions) summed over the year's months, or the platform's
// own events of the categories named (filed that year, rejected and merged ones left out). A check without
// any imported value for the year cannot pass: it waits for data.
export interface SafeVillageCheck {
  code: string;
  name: { zh: string; en: string };
  /** `external:<code>` (summed over the months imported) or `events:<category code>` (itself and below). */
  sources: readonly string[];
}

export const SAFE_VILLAGE_CHECKS: readonly SafeVillageCheck[] = [
  {
    code: 'no_major_crime',
    name: { zh: '无重大刑事案件', en: 'No major criminal case' },
    sources: ['external:major_cases'],
  },
  {
    code: 'no_fatal_accident',
    name: { zh: '无亡人安全事故', en: 'No fatal accident' },
    sources: ['external:traffic_deaths', 'external:accident_deaths'],
  },
  {
    code: 'no_mass_incident',
    name: { zh: '无群体性事件', en: 'No mass incident' },
    sources: ['events:disputes.collective'],
  },
  {
    code: 'no_irregular_petition',
    name: { zh: '无越级上访', en: 'No petition bypassing levels' },
    sources: ['external:irregular_petitions'],
  },
  {
    code: 'no_vice',
    name: { zh: '无黄赌毒', en: 'No drugs, gambling or prostitution' },
    sources: ['events:public_order.drugs', 'events:public_order.gambling'],
  },
  {
    code: 'no_cult',
    name: { zh: '无邪教活动', en: 'No cult activity' },
    sources: ['events:public_order.cult'],
  },
];

/** External codes the checks read, with their names (for the import, which refuses codes nobody reads). */
export const SAFE_VILLAGE_EXTERNAL: ReadonlyMap<string, { zh: string; en: string }> = new Map([
  ['major_cases', { zh: '重大案事件', en: 'Major cases' }],
  ['traffic_deaths', { zh: '道路交通亡人', en: 'Road deaths' }],
  ['accident_deaths', { zh: '安全事故亡人', en: 'Deaths in accidents' }],
  ['irregular_petitions', { zh: '越级上访', en: 'Petitions bypassing levels' }],
]);

export type CheckStatus = 'pass' | 'fail' | 'no_data';

export interface CheckResult {
  code: string;
  status: CheckStatus;
  /** What was counted against the "no" (events, cases, deaths …). */
  count: number;
  /** Months of the year with an imported value (external sources only; null for events). */
  months: number | null;
}

/** The facts of one village for the year: external sums with the months they cover, event counts by category. */
export interface VillageFacts {
  external: ReadonlyMap<string, { sum: number; months: number }>;
  events: Readonly<Record<string, number>>;
}

export function checkVillage(
  facts: VillageFacts,
  checks: readonly SafeVillageCheck[] = SAFE_VILLAGE_CHECKS,
): { checks: CheckResult[]; candidate: boolean } {
  const results = checks.map((c): CheckResult => {
    let count = 0;
    let months: number | null = null;
    let external = false;
    let anyExternalData = false;
    for (const s of c.sources) {
      const [kind, code] = [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1)];
      if (kind === 'external') {
        external = true;
        const v = facts.external.get(code);
        if (v) {
          anyExternalData = true;
          count += v.sum;
          months = Math.max(months ?? 0, v.months);
        }
      } else count += facts.events[code] ?? 0;
    }
    const status: CheckStatus = count > 0 ? 'fail' : external && !anyExternalData ? 'no_data' : 'pass';
    return { code: c.code, status, count, months: external ? (months ?? 0) : null };
  });
  return { checks: results, candidate: results.every((r) => r.status === 'pass') };
}
