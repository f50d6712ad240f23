import { describe, expect, it } from 'vitest';
import { seedCategoryDefs } from '../categories/seed-data.js';
import { type SuggestableCategory, suggestCategories } from './suggest.js';

// The seed set is the realistic vocabulary residents meet, so the suggestions are tested against it.
const seed: SuggestableCategory[] = seedCategoryDefs('330304').map((d) => ({
  code: d.code,
  name: d.name,
  keywords: d.keywords ?? [],
}));
const top = (text: string) => suggestCategories(text, seed)[0]?.code;

describe('suggestCategories on the seed set', () => {
  it.each([
    ['楼道里堆满了电动车在充电', 'fire.ebike_charging'],
    ['路灯坏了', 'city.facilities'],
    ['小区东门门口每天路边摆摊，人车出行都不便', 'city.street_vendors'],
    ['工地老板拖欠工资三个月了，二十几个工人讨薪', 'disputes.labour'],
    ['消防通道被私家车堵塞了', 'fire.blocked_exit'],
    ['楼上邻居家漏水，沟通了几次还是吵架', 'disputes.neighbour'],
    ['河水发黑发臭，好像有工厂偷排污水', 'environment.water'],
    ['晚上十一点还在施工，夜间施工噪音很大', 'construction.night_work'],
    ['闻到很浓的煤气味，怀疑漏气', 'fire.gas'],
    ['电梯故障，有人被困在里面', 'livelihood.elevator'],
    ['The street light outside building 3 is broken', 'city.facilities'],
    ['Someone is charging an e-bike in the stairwell', 'fire.ebike_charging'],
  ])('%s → %s', (text, code) => {
    expect(top(text)).toBe(code);
  });

  it('returns at most three, best first, with the keywords that matched', () => {
    const s = suggestCategories('楼道里堆满了电动车在充电', seed);
    expect(s.length).toBeLessThanOrEqual(3);
    expect(s[0]).toMatchObject({
      code: 'fire.ebike_charging',
      matched: expect.arrayContaining(['电动车', '充电', '楼道']),
    });
    expect(s[0]!.score).toBe(3 + 2 + 2);
    for (let i = 1; i < s.length; i++) expect(s[i - 1]!.score).toBeGreaterThanOrEqual(s[i]!.score);
  });

  it('keeps the right category among the three when the words mislead (电动车 outweighs 大坑)', () => {
    const s = suggestCategories('马路中间有个大坑，电动车骑过去差点摔倒', seed).map((x) => x.code);
    expect(s[0]).toBe('fire.ebike_charging');
    expect(s).toContain('traffic.road_damage');
  });

  it('returns nothing when nothing matches', () => {
    expect(suggestCategories('今天天气不错', seed)).toEqual([]);
    expect(suggestCategories('', seed)).toEqual([]);
  });
});

describe('scoring', () => {
  const cats: SuggestableCategory[] = [
    { code: 'a', name: { zh: '甲类', en: 'A' }, keywords: ['充电', '飞线充电'] },
    { code: 'b', name: { zh: '乙类', en: 'B' }, keywords: ['充电', 'fire lane'] },
    { code: 'c', name: { zh: '丙类', en: 'C' }, keywords: ['lift'] },
  ];

  it('weighs a Chinese keyword by its length, so a specific one outranks a general one', () => {
    expect(suggestCategories('有人飞线充电', cats).map((s) => [s.code, s.score])).toEqual([
      ['a', 6],
      ['b', 2],
    ]);
  });

  it('matches English as whole lowercase words, 2 points a word', () => {
    expect(suggestCategories('The FIRE LANE is blocked', cats)).toEqual([
      { code: 'b', score: 4, matched: ['fire lane'] },
    ]);
    expect(suggestCategories('a lifting platform', cats)).toEqual([]);
    expect(suggestCategories('the lift is stuck', cats)[0]).toMatchObject({ code: 'c', score: 2 });
  });

  it('counts the Chinese name as a keyword and breaks ties by code', () => {
    expect(suggestCategories('这是乙类问题', cats)).toEqual([{ code: 'b', score: 2, matched: ['乙类'] }]);
    expect(suggestCategories('充电', cats).map((s) => s.code)).toEqual(['a', 'b']);
  });

  it('normalises full-width characters', () => {
    expect(suggestCategories('ＦＩＲＥ　ＬＡＮＥ', cats)[0]?.code).toBe('b');
  });

  it('honours the limit', () => {
    expect(suggestCategories('充电 lift', cats, 1)).toHaveLength(1);
  });
});
