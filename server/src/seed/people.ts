// The demo organisation: who is assigned where (定格定人定责定序), the departments (事权单位) of each
// county, and the police beats (警格) of each town's station linked to its grids (双网融合).
// Pure and deterministic from the layout and the seed.
import type { SeedUnit } from './layout.js';
import { demoPhone, personName } from './names.js';
import { rngFor } from './rng.js';

export type Duty =
  | 'head'
  | 'deputy_head'
  | 'grid_worker'
  | 'micro_grid_leader'
  | 'micro_grid_member'
  | 'community_police'
  | 'full_time_staff';

export interface SeedPerson {
  name: string;
  phone: string;
  assignments: { unitCode: string; duty: Duty; rank: number }[];
}
export interface SeedDepartment {
  code: string;
  name: string;
  unitCode: string;
}
export interface SeedPoliceBeat {
  code: string;
  name: string;
  stationName: string;
  unitCode: string;
  gridCodes: string[];
}

export interface Organisation {
  people: SeedPerson[];
  departments: SeedDepartment[];
  policeBeats: SeedPoliceBeat[];
  /** Index in `people` of the person holding a duty in a unit, by `${unitCode}/${duty}/${rank}`. */
  holder: Map<string, number>;
}

/** The departments every county has: code suffix and name after the county's name. */
export const DEPARTMENTS: readonly { suffix: string; name: string; en: string }[] = [
  { suffix: 'GA', name: '公安分局', en: 'public security' },
  { suffix: 'XF', name: '消防救援大队', en: 'fire and rescue' },
  { suffix: 'YJ', name: '应急管理局', en: 'emergency management' },
  { suffix: 'SJ', name: '市场监督管理局', en: 'market regulation' },
  { suffix: 'ZJ', name: '住房和城乡建设局', en: 'housing and construction' },
  { suffix: 'JT', name: '交通运输局', en: 'transport' },
  { suffix: 'ZR', name: '自然资源和规划分局', en: 'natural resources' },
  { suffix: 'ST', name: '生态环境分局', en: 'ecology and environment' },
  { suffix: 'WJ', name: '卫生健康局', en: 'health' },
  { suffix: 'MZ', name: '民政局', en: 'civil affairs' },
  { suffix: 'SF', name: '司法局', en: 'justice' },
  { suffix: 'ZF', name: '综合行政执法局', en: 'urban management (城管)' },
];

export const holderKey = (unitCode: string, duty: Duty, rank = 1) => `${unitCode}/${duty}/${rank}`;

/** 景山街道 → 景山, 泽雅镇 → 泽雅, 青街畲族乡 → 青街畲族 */
const shortTownName = (name: string) => {
  const s = name.replace(/(街道|镇|乡)$/, '');
  return s.length >= 2 ? s : name;
};

export function generateOrganisation(units: SeedUnit[], seed: number): Organisation {
  const people: SeedPerson[] = [];
  const holder = new Map<string, number>();
  const rng = rngFor(seed, 'people');
  const person = (assignments: SeedPerson['assignments']) => {
    const index = people.length;
    people.push({ name: personName(rng), phone: demoPhone(index + 1), assignments });
    for (const a of assignments) holder.set(holderKey(a.unitCode, a.duty, a.rank), index);
    return index;
  };

  const childrenOf = new Map<string, SeedUnit[]>();
  for (const u of units) {
    if (!u.parentCode) continue;
    const list = childrenOf.get(u.parentCode);
    if (list) list.push(u);
    else childrenOf.set(u.parentCode, [u]);
  }

  for (const u of units) {
    const one = (duty: Duty, rank = 1) => person([{ unitCode: u.code, duty, rank }]);
    switch (u.level) {
      case 'town':
        one('head');
        one('deputy_head');
        break;
      case 'village':
        one('head');
        break;
      case 'grid':
        one('grid_worker', 1);
        if (rng.next() < 0.3) one('grid_worker', 2);
        break;
      case 'micro_grid':
        // 2–3 people: the leader and one or two members, in order of succession
        one('micro_grid_leader', 1);
        one('micro_grid_member', 2);
        if (rng.next() < 0.5) one('micro_grid_member', 3);
        break;
    }
  }

  const departments = units
    .filter((u) => u.level === 'county')
    .flatMap((county) =>
      DEPARTMENTS.map((d) => ({
        code: `${county.code}-${d.suffix}`,
        name: `${county.name}${d.name}`,
        unitCode: county.code,
      })),
    );

  // Each town's police station divides its grids, in code order, into beats of 3–6 grids;
  // the beat's community police officer is assigned to each of them.
  const policeBeats: SeedPoliceBeat[] = [];
  for (const town of units.filter((u) => u.level === 'town')) {
    const grids = (childrenOf.get(town.code) ?? [])
      .flatMap((v) => childrenOf.get(v.code) ?? [])
      .map((g) => g.code);
    const stationName = `${shortTownName(town.name)}派出所`;
    const r = rngFor(seed, 'beats', town.code);
    for (let start = 0, n = 1; start < grids.length; n++) {
      const size = r.int(3, 6);
      const gridCodes = grids.slice(start, start + size);
      start += size;
      const code = `${town.code}-JW${String(n).padStart(2, '0')}`;
      policeBeats.push({
        code,
        name: `${stationName}第${n}警格`,
        stationName,
        unitCode: town.code,
        gridCodes,
      });
      person(gridCodes.map((g) => ({ unitCode: g, duty: 'community_police' as const, rank: 1 })));
    }
  }
  return { people, departments, policeBeats, holder };
}
