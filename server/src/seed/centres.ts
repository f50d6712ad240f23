// Approximate centres for the illustrative boundaries. They place the cells roughly where the real
// places are; the boundaries themselves are invented (the UI labels them 示意).
import gcoordModule from 'gcoord';
import type { Pt } from './geometry.js';

// gcoord is CommonJS whose typings declare a default export; at run time the module object is that export
const gcoord = gcoordModule as unknown as (typeof gcoordModule)['default'];

/** Ouhai's towns/streets, by the name in the division data: GCJ-02 (as a phone map shows them). */
const OUHAI_TOWNS_GCJ02: Record<string, Pt> = {
  景山街道: [120.6271, 28.0075],
  娄桥街道: [120.6098, 27.9573],
  仙岩街道: [120.6776, 27.8843],
  郭溪街道: [120.5437, 28.0162],
  新桥街道: [120.628, 27.9895],
  梧田街道: [120.657, 27.9721],
  潘桥街道: [120.5588, 27.938],
  丽岙街道: [120.6313, 27.9052],
  南白象街道: [120.6764, 27.9406],
  瞿溪街道: [120.5097, 27.9838],
  茶山街道: [120.715, 27.9201],
  泽雅镇: [120.4138, 28.0205],
  三垟街道: [120.7073, 27.9638],
};

/** Ouhai's town centres in WGS84 (stored boundaries are WGS84). */
export const OUHAI_TOWN_CENTRES: Record<string, Pt> = Object.fromEntries(
  Object.entries(OUHAI_TOWNS_GCJ02).map(([name, p]) => [
    name,
    gcoord.transform(p, gcoord.GCJ02, gcoord.WGS84) as Pt,
  ]),
);

/**
 * Wenzhou's counties and districts (WGS84): a rough centre, and the radius (km) the city outline keeps
 * around it, chosen so each gets a plausible share of a Voronoi partition: 鹿城 centre-north, 龙湾
 * east, 瓯海 south-west of the centre, 洞头 the islands, 永嘉 north, 乐清 north-east, 瑞安 south,
 * 平阳/苍南/龙港 further south, 文成/泰顺 south-west.
 */
export const WENZHOU_COUNTIES: Record<string, { centre: Pt; radiusKm: number }> = {
  '330302': { centre: [120.6, 28.06], radiusKm: 8 }, // 鹿城区
  '330303': { centre: [120.78, 27.95], radiusKm: 7 }, // 龙湾区
  '330304': { centre: [120.56, 27.95], radiusKm: 10 }, // 瓯海区
  '330305': { centre: [121.05, 27.86], radiusKm: 8 }, // 洞头区
  '330324': { centre: [120.66, 28.33], radiusKm: 28 }, // 永嘉县
  '330326': { centre: [120.45, 27.6], radiusKm: 14 }, // 平阳县
  '330327': { centre: [120.4, 27.36], radiusKm: 15 }, // 苍南县
  '330328': { centre: [120.08, 27.82], radiusKm: 20 }, // 文成县
  '330329': { centre: [119.75, 27.52], radiusKm: 22 }, // 泰顺县
  '330381': { centre: [120.45, 27.79], radiusKm: 14 }, // 瑞安市
  '330382': { centre: [121.0, 28.22], radiusKm: 18 }, // 乐清市
  '330383': { centre: [120.63, 27.52], radiusKm: 7 }, // 龙港市
};

/** Rough resident populations (2020 census, rounded) for the Wenzhou scale. */
export const WENZHOU_COUNTY_POPULATION: Record<string, number> = {
  '330302': 1_200_000,
  '330303': 770_000,
  '330304': 1_000_000,
  '330305': 160_000,
  '330324': 870_000,
  '330326': 860_000,
  '330327': 840_000,
  '330328': 290_000,
  '330329': 270_000,
  '330381': 1_520_000,
  '330382': 1_450_000,
  '330383': 470_000,
};
