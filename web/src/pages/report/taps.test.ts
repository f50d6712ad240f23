import { describe, expect, it } from 'vitest';
import type { Category } from '../../api/events';
import {
  categoryGroups,
  cleanAnswers,
  isEmptyAnswer,
  isReportable,
  localSuggest,
  missingRequired,
  preselect,
  type Question,
  quickChoices,
  resolveLocation,
} from './taps';

function cat(code: string, zh: string, keywords: string[] = [], active = true): Category {
  const dot = code.lastIndexOf('.');
  return {
    id: 1,
    code,
    version: 1,
    parentCode: dot < 0 ? null : code.slice(0, dot),
    depth: dot < 0 ? 0 : 1,
    name: { zh, en: code },
    handledBy: { level: 'grid' },
    deadline: { hours: 24, workingHours: true },
    priority: 'normal',
    questions: [],
    keywords,
    active,
  };
}

const TREE = [
  cat('fire', '消防隐患'),
  cat('fire.ebike_charging', '电动自行车违规停放充电', [
    '电动车',
    '电瓶车',
    '充电',
    '飞线充电',
    '楼道',
    'e-bike',
  ]),
  cat('fire.blocked_exit', '消防通道堵塞占用', ['消防通道', '堵塞', '楼道']),
  cat('city', '市容环境'),
  cat('city.garbage', '垃圾堆积清运不及时', ['垃圾', '垃圾桶', '没人清理', 'rubbish']),
  cat('city.old', '旧的类别', ['垃圾'], false),
  cat('other', '其他事项', ['其他']),
];

describe('the preselected category', () => {
  it('is the best suggestion until the reporter picks one', () => {
    expect(preselect({ code: null, byUser: false }, [{ code: 'city.garbage' }, { code: 'fire' }])).toBe(
      'city.garbage',
    );
    expect(preselect({ code: 'fire', byUser: false }, [{ code: 'city.garbage' }])).toBe('city.garbage');
  });

  it('stays what the reporter picked, whatever the description says later', () => {
    expect(preselect({ code: 'other', byUser: true }, [{ code: 'city.garbage' }])).toBe('other');
  });

  it('keeps the last guess when nothing matches any more', () => {
    expect(preselect({ code: 'city.garbage', byUser: false }, [])).toBe('city.garbage');
    expect(preselect({ code: null, byUser: false }, [])).toBeNull();
  });
});

describe('the category chips', () => {
  it('are the top three, with a choice from the full list put in front', () => {
    const s = [{ code: 'a' }, { code: 'b' }, { code: 'c' }, { code: 'd' }];
    expect(quickChoices('a', s)).toEqual(['a', 'b', 'c']);
    expect(quickChoices('x', s)).toEqual(['x', 'a', 'b', 'c']);
    expect(quickChoices(null, [])).toEqual([]);
    expect(quickChoices('x', [])).toEqual(['x']);
  });
});

describe('the offline suggestion', () => {
  it('follows the server rule: longer Chinese keywords weigh more', () => {
    const r = localSuggest('楼道里有人飞线充电', TREE);
    expect(r[0]?.code).toBe('fire.ebike_charging');
    expect(r.map((x) => x.code)).toContain('fire.blocked_exit'); // 楼道 matches there too
  });

  it('matches English keywords as whole words, and skips retired categories', () => {
    expect(localSuggest('Rubbish everywhere', TREE)[0]?.code).toBe('city.garbage');
    expect(localSuggest('rubbishy', TREE)).toEqual([]);
    expect(localSuggest('门口垃圾没人清理', TREE).map((x) => x.code)).toEqual(['city.garbage']);
    expect(localSuggest('an e-bike in the hall', TREE)[0]?.code).toBe('fire.ebike_charging');
  });

  it('counts the category name itself, offers sub-categories only, and returns at most three', () => {
    expect(localSuggest('垃圾堆积清运不及时', TREE)[0]?.code).toBe('city.garbage');
    expect(localSuggest('消防隐患', TREE)).toEqual([]); // a group: the server files nothing under it
    expect(localSuggest('楼道 垃圾 充电 其他', TREE).length).toBeLessThanOrEqual(3);
  });
});

describe('the location', () => {
  const gps = { lng: 120.1, lat: 28.1 };
  const photo = { lng: 120.2, lat: 28.2 };
  const pin = { lng: 120.3, lat: 28.3 };
  it('prefers a pin, then the device, then the first photo with one', () => {
    expect(resolveLocation({ pin, gps, photos: [photo] })).toEqual({ ...pin, source: 'pin' });
    expect(resolveLocation({ gps, photos: [photo] })).toEqual({ ...gps, source: 'gps' });
    expect(resolveLocation({ gps: null, photos: [undefined, null, photo] })).toEqual({
      ...photo,
      source: 'photo',
    });
    expect(resolveLocation({ photos: [undefined] })).toBeNull();
  });
});

describe('answers', () => {
  const q = (code: string, type: Question['type'], required = false): Question => ({
    code,
    type,
    required,
    order: 1,
    label: { zh: code, en: code },
  });
  const QS = [
    q('where', 'single_choice', true),
    q('count', 'number'),
    q('smell', 'multi_choice'),
    q('note', 'text'),
  ];

  it('names the required questions left empty', () => {
    expect(missingRequired(QS, {})).toEqual(['where']);
    expect(missingRequired(QS, { where: '' })).toEqual(['where']);
    expect(missingRequired(QS, { where: 'stairwell' })).toEqual([]);
  });

  it('sends only what this category asks, without empty values, numbers as numbers', () => {
    expect(
      cleanAnswers(QS, {
        where: 'stairwell',
        count: '3',
        smell: [],
        note: '  ',
        stale: 'from another category',
      }),
    ).toEqual({ where: 'stairwell', count: 3 });
    expect(cleanAnswers(QS, { smell: ['burnt'], note: ' 3 幢 ', count: 'x' })).toEqual({
      smell: ['burnt'],
      note: '3 幢',
    });
  });

  it('knows an empty answer', () => {
    expect(isEmptyAnswer(undefined)).toBe(true);
    expect(isEmptyAnswer(Number.NaN)).toBe(true);
    expect(isEmptyAnswer(0)).toBe(false);
    expect(isEmptyAnswer([])).toBe(true);
  });
});

describe('the full list', () => {
  it('groups the sub-categories under their top-level category, without retired ones; a group without any is its own choice', () => {
    const g = categoryGroups(TREE);
    expect(g.map((x) => [x.group.code, x.choices.map((c) => c.code)])).toEqual([
      ['fire', ['fire.ebike_charging', 'fire.blocked_exit']],
      ['city', ['city.garbage']],
      ['other', ['other']],
    ]);
    expect(isReportable(TREE.find((c) => c.code === 'other')!, TREE)).toBe(true);
    expect(isReportable(TREE.find((c) => c.code === 'fire')!, TREE)).toBe(false);
  });
});
