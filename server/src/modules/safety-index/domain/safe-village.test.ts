import { describe, expect, it } from 'vitest';
import { checkVillage, SAFE_VILLAGE_CHECKS } from './safe-village.js';

const all = (sum: number, months = 10) =>
  new Map(['major_cases', 'traffic_deaths', 'irregular_petitions'].map((c) => [c, { sum, months }] as const));

describe('六无平安村社', () => {
  it('checks six "no"s', () => {
    expect(SAFE_VILLAGE_CHECKS.map((c) => c.name.zh)).toEqual([
      '无重大刑事案件',
      '无亡人安全事故',
      '无群体性事件',
      '无越级上访',
      '无黄赌毒',
      '无邪教活动',
    ]);
  });

  it('a village with data and nothing against it is a candidate', () => {
    const r = checkVillage({ external: all(0), events: {} });
    expect(r.candidate).toBe(true);
    expect(r.checks.every((c) => c.status === 'pass')).toBe(true);
    expect(r.checks.find((c) => c.code === 'no_major_crime')).toEqual({
      code: 'no_major_crime',
      status: 'pass',
      count: 0,
      months: 10,
    });
    expect(r.checks.find((c) => c.code === 'no_cult')?.months).toBeNull();
  });

  it('one gambling report or one road death fails its check; sources of a check add up', () => {
    const r = checkVillage({ external: all(0), events: { 'public_order.gambling': 1 } });
    expect(r.candidate).toBe(false);
    expect(r.checks.find((c) => c.code === 'no_vice')).toMatchObject({ status: 'fail', count: 1 });
    const deaths = new Map(all(0));
    deaths.set('accident_deaths', { sum: 2, months: 3 });
    const d = checkVillage({ external: deaths, events: {} });
    expect(d.checks.find((c) => c.code === 'no_fatal_accident')).toMatchObject({
      status: 'fail',
      count: 2,
      months: 10,
    });
  });

  it('an external check without any imported value waits for data, and is no candidate', () => {
    const r = checkVillage({ external: new Map(), events: {} });
    expect(r.candidate).toBe(false);
    expect(r.checks.filter((c) => c.status === 'no_data').map((c) => c.code)).toEqual([
      'no_major_crime',
      'no_fatal_accident',
      'no_irregular_petition',
    ]);
    // but a failure shows even without the rest of the data
    const f = checkVillage({ external: new Map([['major_cases', { sum: 1, months: 1 }]]), events: {} });
    expect(f.checks[0]?.status).toBe('fail');
  });
});
