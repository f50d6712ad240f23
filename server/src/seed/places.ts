// The demo's places and enterprises (场所/企业): a few hundred registered in the micro-grids of the
// district — street shops, "three-in-one" places, rental housing, factories, construction sites, schools,
// markets, fuel stations … with valid credit codes where such places have one, invented contacts with the
// demo's fake phone numbers, and a handful on the black or white list with their reasons. Written
// through the places service (each point located to its micro-grid, each change audited) on a
// ManualClock, so registrations lie in the past half year and listings in the last three months.
import { ManualClock } from '../clock.js';
import type { Actor, ScopeDepartment, ScopeUnit } from '../modules/access/actor.js';
import { SYSTEM } from '../modules/access/actor.js';
import { CREDIT_CODE_ALPHABET, withCheckChar } from '../modules/hazards/places/credit-code.js';
import { createBody, type PlaceKind } from '../modules/hazards/places/schema.js';
import { PlacesService } from '../modules/hazards/places/service.js';
import type { Services } from '../services.js';
import { centroid, type Pt, type Ring } from './geometry.js';
import type { SeedUnit } from './layout.js';
import { shortName } from './layout.js';
import { demoPhone, personName } from './names.js';
import { type Rng, rngFor } from './rng.js';

export interface PlaceSeedOptions {
  seed: number;
  /** The district whose micro-grids hold the places, e.g. 330304. */
  districtCode: string;
  /** How many places (default 400). */
  count?: number;
  /** The end of the history (default: now). */
  now?: Date;
  onProgress?: (done: number, total: number) => void;
}

const DAY = 24 * 3600_000;
/** Demo phone numbers of places: 170-0090-0000 onwards, clear of the roster's. */
const PHONE_BASE = 900_000;

/** Relative weights of the kinds in a district like Ouhai (shops and rental housing are most of it). */
const MIX: readonly [PlaceKind, number][] = [
  ['shop', 26],
  ['rental_housing', 20],
  ['three_in_one', 11],
  ['enterprise', 13],
  ['restaurant', 6],
  ['construction_site', 4],
  ['school', 3],
  ['market', 2],
  ['hotel', 2.5],
  ['entertainment', 2],
  ['medical_elderly', 2],
  ['gas_station', 2],
  ['gas_supply', 1.5],
  ['hazardous_chemicals', 1.2],
  ['port', 0.5],
  ['fishing_vessel', 0.8],
  ['other', 0.5],
];

const ROADS = [
  '人民路',
  '建设路',
  '振兴路',
  '兴业路',
  '育英路',
  '文化路',
  '东风路',
  '新华街',
  '南塘路',
  '工业路',
  '前进路',
  '商贸街',
  '滨河路',
  '学院路',
];
const GOODS = [
  '五金',
  '水果',
  '副食品',
  '日用百货',
  '电动车',
  '烟酒',
  '服装',
  '小超市',
  '手机',
  '建材',
  '理发',
  '洗衣',
];
const INDUSTRIES = ['眼镜', '鞋业', '锁具', '汽摩配件', '阀门', '服饰', '包装', '电器', '塑料制品', '印刷'];
const WORDS = [
  '精工',
  '华瓯',
  '鑫达',
  '宏远',
  '瓯江',
  '泰丰',
  '永盛',
  '金海',
  '博远',
  '东升',
  '恒通',
  '明辉',
];

interface Cell {
  code: string;
  ring: Ring;
  village: string;
  town: string;
}

/** A point inside a convex cell: a random point of a triangle of its fan, pulled towards the centroid. */
function pointIn(cell: Cell, rng: Rng): { lng: number; lat: number } {
  const ring = cell.ring;
  const c = centroid(ring);
  const k = rng.int(0, ring.length - 1);
  const a = ring[k] as Pt;
  const b = ring[(k + 1) % ring.length] as Pt;
  let u = rng.next();
  let v = rng.next();
  if (u + v > 1) {
    u = 1 - u;
    v = 1 - v;
  }
  const s = 0.8; // away from the edges
  return {
    lng: c[0] + s * (u * (a[0] - c[0]) + v * (b[0] - c[0])),
    lat: c[1] + s * (u * (a[1] - c[1]) + v * (b[1] - c[1])),
  };
}

/** A valid credit code: registration authority and kind (e.g. 91 enterprise, 92 sole trader), division, 9 random. */
function creditCode(prefix: string, division: string, rng: Rng): string {
  let org = 'MA';
  for (let i = 0; i < 7; i++) org += CREDIT_CODE_ALPHABET[rng.int(0, CREDIT_CODE_ALPHABET.length - 1)];
  return withCheckChar(`${prefix}${division}${org}`);
}

interface Plan {
  name: string;
  kind: PlaceKind;
  creditPrefix: string | null;
  address: string;
}

function plan(kind: PlaceKind, cell: Cell, n: number, rng: Rng): Plan {
  const road = rng.pick(ROADS);
  const address = `${cell.town}${road}${rng.int(1, 480)}号`;
  const v = shortName(cell.village);
  const surname = personName(rng)[0]!;
  switch (kind) {
    case 'shop':
      return { kind, name: `${surname}记${rng.pick(GOODS)}店`, creditPrefix: '92', address };
    case 'rental_housing': {
      const block = rng.int(1, 60);
      return { kind, name: `${v}${block}幢出租房`, creditPrefix: null, address: `${cell.village}${block}幢` };
    }
    case 'three_in_one':
      return {
        kind,
        name: `${v}${rng.pick(['鞋料加工', '服装加工', '眼镜配件', '五金加工', '小作坊'])}（三合一）`,
        creditPrefix: '92',
        address,
      };
    case 'enterprise':
      return {
        kind,
        name: `温州${rng.pick(WORDS)}${rng.pick(INDUSTRIES)}有限公司`,
        creditPrefix: '91',
        address: `${cell.town}${road}${rng.int(1, 480)}号厂区`,
      };
    case 'restaurant':
      return {
        kind,
        name: `${v}${rng.pick(['小吃店', '土菜馆', '面馆', '快餐店', '大排档'])}`,
        creditPrefix: '92',
        address,
      };
    case 'construction_site':
      return {
        kind,
        name: `${cell.town}${rng.pick(['安置房', '旧改', '学校新建', '道路提升', '商住楼'])}项目${rng.int(1, 3)}期工地`,
        creditPrefix: null,
        address,
      };
    case 'school':
      return { kind, name: `${v}${rng.pick(['幼儿园', '小学', '中心幼儿园'])}`, creditPrefix: '12', address };
    case 'market':
      return {
        kind,
        name: `${shortName(cell.town.replace(/(街道|镇)$/, ''))}${rng.pick(['农贸市场', '综合市场', '购物广场'])}`,
        creditPrefix: '91',
        address,
      };
    case 'hotel':
      return {
        kind,
        name: `${rng.pick(WORDS)}${rng.pick(['宾馆', '商务酒店', '旅馆', '民宿'])}`,
        creditPrefix: '92',
        address,
      };
    case 'entertainment':
      return {
        kind,
        name: `${rng.pick(WORDS)}${rng.pick(['KTV', '网咖', '棋牌室', '足浴店'])}`,
        creditPrefix: '92',
        address,
      };
    case 'medical_elderly':
      return {
        kind,
        name: `${v}${rng.pick(['卫生服务站', '诊所', '居家养老服务照料中心'])}`,
        creditPrefix: '52',
        address,
      };
    case 'gas_station':
      return {
        kind,
        name: `${rng.pick(['中国石化', '中国石油', '中海油'])}${v}加油站`,
        creditPrefix: '91',
        address,
      };
    case 'gas_supply':
      return { kind, name: `${v}瓶装液化气供应点`, creditPrefix: '91', address };
    case 'hazardous_chemicals':
      return { kind, name: `温州${rng.pick(WORDS)}化工贸易有限公司`, creditPrefix: '91', address };
    case 'port':
      return { kind, name: `${v}码头`, creditPrefix: null, address };
    case 'fishing_vessel':
      return {
        kind,
        name: `浙瓯渔${String(10_000 + n * 37).slice(-5)}`,
        creditPrefix: null,
        address: `${v}码头`,
      };
    case 'other':
      return {
        kind,
        name: `${v}${rng.pick(['文化礼堂', '祠堂', '老年活动中心'])}`,
        creditPrefix: null,
        address,
      };
  }
}

/** The demo's black and white lists: which kinds, the reasons, and who lists them (safety office or a department). */
const BLACK: readonly { kind: PlaceKind; reason: string; by: string }[] = [
  { kind: 'three_in_one', reason: '暗访发现仓储区住人，疏散通道堵塞，逾期未整改', by: 'safety_office' },
  { kind: 'three_in_one', reason: '两次检查均发现电动车室内充电，拒不整改', by: 'XF' },
  { kind: 'rental_housing', reason: '群租且未落实消防设施，经约谈仍未整改', by: 'safety_office' },
  { kind: 'entertainment', reason: '消防设施损坏，应急照明缺失，限期整改未完成', by: 'XF' },
  { kind: 'hazardous_chemicals', reason: '危化品超量储存、台账不全，被责令停业整顿', by: 'YJ' },
  { kind: 'shop', reason: '违规经营瓶装液化气，多次查处', by: 'SJ' },
];
const WHITE: readonly { kind: PlaceKind; reason: string; by: string }[] = [
  { kind: 'gas_station', reason: '安全生产标准化二级达标，连续一年检查无隐患', by: 'YJ' },
  { kind: 'school', reason: '平安校园示范单位，消防设施完好', by: 'safety_office' },
  { kind: 'enterprise', reason: '安全生产标准化达标，隐患自查自改到位', by: 'YJ' },
  { kind: 'enterprise', reason: '连续两年无安全事故，主动开展隐患自查', by: 'safety_office' },
  { kind: 'market', reason: '消防“四个能力”建设达标，物防技防齐全', by: 'XF' },
  { kind: 'hotel', reason: '治安消防检查全部合格，入住登记规范', by: 'GA' },
  { kind: 'restaurant', reason: '燃气安全“瓶改管”完成，安装报警切断装置', by: 'SJ' },
];

/** Seeds the places; answers how many were registered and how many listed. */
export async function seedPlaces(
  services: Services,
  units: readonly SeedUnit[],
  opts: PlaceSeedOptions,
): Promise<{ places: number; listed: number }> {
  const count = opts.count ?? 400;
  const now = opts.now ?? new Date();
  const rng = rngFor(opts.seed, 'places');
  const byCode = new Map(units.map((u) => [u.code, u]));
  const cells: Cell[] = [];
  for (const u of units) {
    if (u.level !== 'micro_grid' || !u.code.startsWith(opts.districtCode) || !u.boundary) continue;
    const grid = byCode.get(u.parentCode ?? '');
    const village = byCode.get(grid?.parentCode ?? '');
    const town = byCode.get(village?.parentCode ?? '');
    if (!village || !town) continue;
    cells.push({
      code: u.code,
      ring: u.boundary.coordinates[0]!.slice(0, -1) as Ring,
      village: village.name,
      town: town.name,
    });
  }
  if (!cells.length || count <= 0) return { places: 0, listed: 0 };

  const clock = new ManualClock(new Date(now.getTime() - 180 * DAY));
  const places = new PlacesService(services.db, services.audit, services.units, clock);
  const total = MIX.reduce((s, [, w]) => s + w, 0);
  const pickKind = (): PlaceKind => {
    let x = rng.next() * total;
    for (const [k, w] of MIX) {
      x -= w;
      if (x < 0) return k;
    }
    return 'other';
  };

  const made: { id: number; kind: PlaceKind; version: number }[] = [];
  for (let i = 0; i < count; i++) {
    // registrations spread over the half year, in order
    clock.set(new Date(now.getTime() - 180 * DAY + Math.floor(((i + rng.next()) / count) * 170 * DAY)));
    const cell = rng.pick(cells);
    const kind = pickKind();
    const p = plan(kind, cell, i, rng);
    const withContact = kind !== 'port' && kind !== 'other' ? true : rng.next() < 0.5;
    const body = createBody.parse({
      name: p.name,
      kind,
      creditCode: p.creditPrefix ? creditCode(p.creditPrefix, opts.districtCode, rng) : null,
      address: p.address,
      location: pointIn(cell, rng),
      ...(withContact ? { contactName: personName(rng), contactPhone: demoPhone(PHONE_BASE + i) } : {}),
    });
    const created = await places.create(SYSTEM, body).catch(async (err) => {
      // a point the district's outline does not hold after all: the cell's centroid does
      const [lng, lat] = centroid(cell.ring);
      if ((err as { code?: string }).code !== 'hazards.place_outside_district') throw err;
      return places.create(SYSTEM, { ...body, location: { lng, lat, crs: 'wgs84' } });
    });
    made.push({ id: created.id, kind, version: created.version });
    opts.onProgress?.(i + 1, count);
  }

  // the lists, within the last three months
  const safetyOffice = await officeActor(services, opts.districtCode);
  const departments = new Map<string, Actor>();
  const actorFor = async (by: string): Promise<Actor> => {
    if (by === 'safety_office') return safetyOffice;
    if (!departments.has(by))
      departments.set(by, await departmentActor(services, `${opts.districtCode}-${by}`));
    return departments.get(by)!;
  };
  let listed = 0;
  const used = new Set<number>();
  const listings = [
    ...BLACK.map((b) => ({ ...b, status: 'black' as const })),
    ...WHITE.map((w) => ({ ...w, status: 'white' as const })),
  ];
  for (const [i, l] of listings.entries()) {
    const candidate = made.find((m) => m.kind === l.kind && !used.has(m.id));
    if (!candidate) continue;
    used.add(candidate.id);
    clock.set(new Date(now.getTime() - (90 - i * 5) * DAY));
    const after = await places.setListStatus(await actorFor(l.by), candidate.id, {
      status: l.status,
      reason: l.reason,
      version: candidate.version,
    });
    candidate.version = after.version;
    listed++;
  }
  // one that came off the black list after rectification: a history of two steps
  const reformed = made.find((m) => m.kind === 'three_in_one' && used.has(m.id));
  if (reformed) {
    clock.set(new Date(now.getTime() - 10 * DAY));
    await places.setListStatus(safetyOffice, reformed.id, {
      status: 'none',
      reason: '复查整改到位：住人区与经营区已物理隔离，移出黑名单',
      version: reformed.version,
    });
  }
  return { places: made.length, listed };
}

/**
 * The district's safety office as the seed acts for it (named like the demo account; `accountId` when
 * the work must be the account's own, e.g. a covert visit by a campaign's named inspector).
 */
export async function officeActor(services: Services, districtCode: string, accountId = -1): Promise<Actor> {
  const u = await services.units.findByCode(districtCode);
  if (!u) throw new Error(`no unit ${districtCode}`);
  const unit: ScopeUnit = { id: u.id, code: u.code, name: u.name, level: u.level, path: u.path };
  return {
    kind: 'user',
    id: accountId,
    username: 'safety_office',
    displayName: '平安办',
    roles: ['safety_office'],
    scope: { unit, department: null },
  };
}

async function departmentActor(services: Services, code: string): Promise<Actor> {
  const d = await services.units.findDepartmentByCode(code);
  const dep: ScopeDepartment | null = d ? await services.units.getScopeDepartment(d.id) : null;
  if (!dep) throw new Error(`no department ${code}`);
  return {
    kind: 'user',
    id: -1,
    username: `department:${code}`,
    displayName: dep.name,
    roles: ['department_staff'],
    scope: { unit: null, department: dep },
  };
}
