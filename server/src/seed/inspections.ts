// The demo's inspections and listings, so their pages have something to show: a covert campaign (暗访) of
// "three-in-one" places and rental housing under way (drawn with a recorded seed, one visit made, its
// failed item a hazard), a self-inspection (自查) of enterprises open to the grid workers, a blacklisted
// place listed for rectification (挂牌) with an admonition talk (约谈) whose follow-up is pending, and
// another listed, talked to, followed up and taken off again (摘牌). Written through the services as the
// demo safety-office account, at the services' clock (deadlines must lie ahead of it).
import type { Services } from '../services.js';
import { officeActor } from './places.js';

const DAY = 24 * 3600_000;
/** The local (Asia/Shanghai) calendar day of an instant. */
const localDay = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

export interface InspectionSeedSummary {
  campaigns: number;
  listings: number;
  admonitions: number;
}

export async function seedInspections(
  services: Services,
  opts: { seed: number; districtCode: string; officeAccountId: number },
): Promise<InspectionSeedSummary> {
  const office = await officeActor(services, opts.districtCode, opts.officeAccountId);
  const district = await services.units.findByCode(opts.districtCode);
  if (!district) throw new Error(`no unit ${opts.districtCode}`);
  const now = services.clock.now();
  const day = (n: number) => localDay(new Date(now.getTime() + n * DAY));

  // a covert campaign under way: drawn, its first target visited, one item failed
  const covert = await services.inspections.createCampaign(office, {
    name: `${day(0).slice(0, 7).replace('-', ' 年 ')} 月“三合一”场所和出租房暗访`,
    kind: 'covert',
    unitId: district.id,
    startsOn: day(-3),
    endsOn: day(11),
    templates: ['covert_three_in_one', 'covert_rental_housing'],
    sampleSize: 6,
    inspectorIds: [opts.officeAccountId],
  });
  const drawn = await services.inspections.draw(office, covert.id, {
    version: covert.version,
    seed: `anwang-demo-${opts.seed}`,
  });
  let campaigns = 1;
  const first = drawn.targets.find((t) => t.location);
  if (first?.location) {
    const visit = await services.inspections.checkIn(office, first.id, {
      location: { ...first.location, crs: 'wgs84' },
      mediaIds: [],
    });
    const items = visit.template.items.filter((i) => i.active);
    const failing = items.find((i) => !i.photoRequired);
    await services.inspections.submit(office, visit.id, {
      version: visit.version,
      results: items.map((i) =>
        i === failing
          ? { code: i.code, outcome: 'fail', note: '现场发现问题，已告知经营者', mediaIds: [] }
          : { code: i.code, outcome: 'pass', mediaIds: [] },
      ),
    });
  }

  // a self-inspection the enterprises' grid workers fill in
  const self = await services.inspections.createCampaign(office, {
    name: `${day(0).slice(0, 4)} 年冬季企业安全生产自查`,
    kind: 'self',
    unitId: district.id,
    startsOn: day(-1),
    endsOn: day(20),
    templates: ['self_enterprise'],
    sampleSize: 12,
    inspectorIds: [],
  });
  await services.inspections.draw(office, self.id, {
    version: self.version,
    seed: `anwang-demo-self-${opts.seed}`,
  });
  campaigns++;

  // two blacklisted places listed; the second rectified, followed up and taken off again
  const black = await services.places.list(office, { listStatus: ['black'], page: 1, pageSize: 2 });
  let listings = 0;
  let admonitions = 0;
  for (const [i, place] of black.items.entries()) {
    const listing = await services.listing.list(office, {
      subject: { kind: 'place', id: place.id },
      reason: `${place.listReason ?? '存在重大安全隐患'}，经暗访复查仍未整改到位，予以挂牌整治`,
      responsible: { kind: 'place', id: place.id },
      deadline: day(30 - i * 10),
      criteria: '隐患全部整改到位，经属地镇街和行业主管部门联合复查合格，提交整改报告',
    });
    listings++;
    const talk = await services.listing.admonish(office, {
      party: { kind: 'place', id: place.id },
      heldAt: new Date(now.getTime() - (2 + i * 5) * DAY).toISOString(),
      heldBy: '区安委办、属地镇街、区消防救援大队',
      subject: `挂牌整治约谈：${place.name}`,
      hazardIds: [],
      listingId: listing.id,
      commitments: '十五日内完成住人区与经营区物理隔离，清除违规住人，配齐消防器材，并报属地复查',
      followUpDue: day(14 - i * 14),
    });
    admonitions++;
    if (i === 1) {
      await services.listing.followUp(office, talk.id, {
        version: talk.version,
        done: true,
        note: '复查：已物理隔离，消防器材配齐',
      });
      await services.listing.delist(office, listing.id, {
        version: listing.version,
        evidence: '属地镇街与消防救援大队联合复查合格：住人区已隔离，疏散通道畅通，整改报告已归档',
        mediaIds: [],
      });
    }
  }
  return { campaigns, listings, admonitions };
}
