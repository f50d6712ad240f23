import { describe, expect, it } from 'vitest';
import type { Ladder, SchemeBody } from '../../api/safetyIndex';
import { en } from '../../i18n/en';
import { zh } from '../../i18n/zh';
import { sensitivityOption } from './charts';
import {
  addRung,
  compareWithPublished,
  DEFAULT_LADDER,
  delistingSentence,
  fileFormatText,
  formatChange,
  formatDateTime,
  groupMissing,
  isMonthOver,
  isOverdue,
  itemActions,
  ladderOf,
  lastMonth,
  localMonth,
  newIndicator,
  parseCsv,
  previousPeriod,
  problemLines,
  readExternalCsv,
  rowProblem,
  runActions,
  rungSentence,
  runStepper,
  sameScheme,
  sensitivityLabel,
  serverIssuePaths,
  uncertaintyOf,
  validateScheme,
} from './model';

/** The app's own dictionaries and interpolation, without React. */
const tr =
  (dict: Record<string, string>) =>
  (key: string, vars?: Record<string, string | number>): string =>
    (dict[key] ?? key).replace(/\{(\w+)\}/g, (m, k: string) => String(vars?.[k] ?? m));
const tZh = tr(zh);
const tEn = tr(en);

describe('months in Beijing time', () => {
  it('takes the month of UTC+8', () => {
    expect(localMonth(new Date('2026-11-30T15:59:00Z'))).toBe('2026-11');
    expect(localMonth(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12');
  });
  it('steps back over a year end', () => {
    expect(previousPeriod('2027-01')).toBe('2026-12');
    expect(previousPeriod('2026-10')).toBe('2026-09');
  });
  it('runs only months that are over', () => {
    const now = new Date('2026-11-23T04:00:00Z');
    expect(lastMonth(now)).toBe('2026-10');
    expect(isMonthOver('2026-10', now)).toBe(true);
    expect(isMonthOver('2026-11', now)).toBe(false);
    expect(isMonthOver('2027-01', now)).toBe(false);
    expect(isMonthOver('2026-13', now)).toBe(false);
  });
  it('formats times in Beijing time', () => {
    expect(formatDateTime('2026-11-23T04:05:00Z')).toBe('2026-11-23 12:05');
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('nonsense')).toBe('—');
  });
});

describe('the run stepper', () => {
  it('finishes the steps up to the state and marks the next one in progress', () => {
    expect(runStepper('collected')).toEqual({ current: 1, statuses: ['finish', 'process', 'wait', 'wait'] });
    expect(runStepper('computed')).toEqual({ current: 2, statuses: ['finish', 'finish', 'process', 'wait'] });
    expect(runStepper('confirmed')).toEqual({
      current: 3,
      statuses: ['finish', 'finish', 'finish', 'process'],
    });
    expect(runStepper('published')).toEqual({
      current: 3,
      statuses: ['finish', 'finish', 'finish', 'finish'],
    });
  });
  it('shows a discarded run stopped before confirmation', () => {
    expect(runStepper('discarded').statuses).toEqual(['finish', 'finish', 'error', 'wait']);
  });
  it('allows corrections and confirmation while computed, publication once confirmed, nothing after', () => {
    expect(runActions('computed')).toEqual({ correct: true, confirm: true, publish: false });
    expect(runActions('confirmed')).toEqual({ correct: false, confirm: false, publish: true });
    expect(runActions('published')).toEqual({ correct: false, confirm: false, publish: false });
    expect(runActions('discarded')).toEqual({ correct: false, confirm: false, publish: false });
  });
});

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and drops a BOM', () => {
    const text = '\uFEFFa,b,c\r\n1,"x, ""y""",3\r\n2,"two\nlines",4\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, "y"', '3'] },
      { line: 3, fields: ['2', 'two\nlines', '4'] },
    ]);
  });
  it('skips blank lines but keeps their numbering, and reads a last line without a line end', () => {
    expect(parseCsv('a,1\n\n   \nb,2')).toEqual([
      { line: 1, fields: ['a', '1'] },
      { line: 4, fields: ['b', '2'] },
    ]);
  });
  it('reads CR-only line ends and empty fields', () => {
    expect(parseCsv('a,,c\rd,e,')).toEqual([
      { line: 1, fields: ['a', '', 'c'] },
      { line: 2, fields: ['d', 'e', ''] },
    ]);
  });
  it('reads cells pasted from Excel (tabs)', () => {
    expect(parseCsv('330304001\tpolice_incidents\t12\t公安分局\n')).toEqual([
      { line: 1, fields: ['330304001', 'police_incidents', '12', '公安分局'] },
    ]);
  });
  it('keeps a comma inside a tab-separated cell when the first line has commas (then it is CSV)', () => {
    expect(parseCsv('a,b\tc')[0]?.fields).toEqual(['a', 'b\tc']);
  });
});

describe('readExternalCsv', () => {
  it('reads a header in any order and a default source', () => {
    const r = readExternalCsv(
      'value,unitCode,indicator,source\n12,330304001,police_incidents,公安分局\n0.95,330304002,awareness_rate,',
      '统计局',
    );
    expect(r.header).toBe(true);
    expect(r.problems).toEqual([]);
    expect(r.rows).toEqual([
      { unitCode: '330304001', indicator: 'police_incidents', value: 12, source: '公安分局' },
      { unitCode: '330304002', indicator: 'awareness_rate', value: 0.95, source: '统计局' },
    ]);
    expect(r.lines).toEqual([2, 3]);
  });
  it('reads columns in order without a header', () => {
    const r = readExternalCsv('330304001,fire_incidents,2,消防');
    expect(r.header).toBe(false);
    expect(r.rows).toEqual([
      { unitCode: '330304001', indicator: 'fire_incidents', value: 2, source: '消防' },
    ]);
  });
  it('names every bad line: unit code, indicator, value, source, duplicates, short lines', () => {
    const r = readExternalCsv(
      [
        'unitCode,indicator,value,source',
        '330304001,police_incidents,12,公安',
        '3303 04,police_incidents,1,公安',
        '330304002,Police,1,公安',
        '330304003,police_incidents,12a,公安',
        '330304004,police_incidents,,公安',
        '330304005,police_incidents,3,',
        '330304001,police_incidents,13,公安',
        'only-one-column',
      ].join('\n'),
    );
    expect(r.problems.map((p) => [p.line, p.code])).toEqual([
      [3, 'unitCode'],
      [4, 'indicator'],
      [5, 'value'],
      [6, 'value'],
      [7, 'source'],
      [8, 'duplicate'],
      [9, 'columns'],
    ]);
    expect(r.problems.find((p) => p.code === 'duplicate')?.text).toContain('(2)');
    expect(r.rows).toHaveLength(1);
  });
  it('accepts signs, decimals and exponents, refuses words that Number() would accept', () => {
    const r = readExternalCsv('a1,x,-1.5,s\na2,x,1e3,s\na3,x,Infinity,s\na4,x,0x10,s');
    expect(r.rows.map((x) => x.value)).toEqual([-1.5, 1000]);
    expect(r.problems.map((p) => p.line)).toEqual([3, 4]);
  });
  it('says so when there is nothing to import', () => {
    expect(readExternalCsv('').problems).toEqual([{ line: 1, code: 'empty' }]);
    expect(readExternalCsv('unitCode,indicator,value,source\n').problems[0]?.code).toBe('empty');
  });
  it("reads the server's words for a refused row back into codes", () => {
    expect(rowProblem('unknown unit 999')).toEqual({ code: 'unknownUnit', arg: '999' });
    expect(rowProblem('unit 330304001 is outside your scope')).toEqual({
      code: 'outsideScope',
      arg: '330304001',
    });
    expect(rowProblem('bad indicator code X')).toEqual({ code: 'badIndicator', arg: 'X' });
    expect(rowProblem('the value is not a number')).toEqual({ code: 'notNumber', arg: '' });
    expect(rowProblem('something new')).toBeNull();
  });
  it("reads the file import's defects back into codes, with their argument", () => {
    expect(rowProblem('Not a number: 很高')).toEqual({ code: 'notNumberText', arg: '很高' });
    expect(rowProblem('330304001 / police_incidents is given again (first on row 3)')).toEqual({
      code: 'duplicate',
      arg: '330304001 / police_incidents',
    });
    expect(rowProblem('Not a unit code: 3303-04?')).toEqual({ code: 'badUnitCode', arg: '3303-04?' });
    expect(rowProblem('The unit code is missing')).toEqual({ code: 'unitCodeMissing', arg: '' });
    expect(rowProblem('Not an indicator code or name: 警情数')).toEqual({
      code: 'badIndicatorName',
      arg: '警情数',
    });
    expect(rowProblem('The value is missing')).toEqual({ code: 'valueMissing', arg: '' });
    expect(
      rowProblem('No header row naming the unit code column (单位代码 / unitCode) in the first 10 rows'),
    ).toEqual({ code: 'noHeader', arg: '' });
    expect(rowProblem('At most 50000 values in one file')).toEqual({ code: 'tooMany', arg: '50000' });
    expect(
      rowProblem('no index scheme takes polce_incidents from external data (known: police_incidents)'),
    ).toEqual({ code: 'notRead', arg: 'polce_incidents' });
    // every code has its words in both languages
    for (const code of [
      'notNumberText',
      'duplicate',
      'badUnitCode',
      'unitCodeMissing',
      'badIndicatorName',
      'valueMissing',
      'noHeader',
      'tooMany',
      'notRead',
      'noColumns',
      'indicatorMissing',
      'noValues',
    ]) {
      expect(zh).toHaveProperty(`indexadmin.import.server.${code}`);
      expect(en).toHaveProperty(`indexadmin.import.server.${code}`);
    }
  });
  it('names the format the server recognised', () => {
    expect(fileFormatText('xlsx', null)).toBe('Excel .xlsx');
    expect(fileFormatText('csv', 'gb18030')).toBe('CSV · GBK / GB18030');
    expect(fileFormatText('csv', 'utf-8-bom')).toBe('CSV · UTF-8 (BOM)');
    expect(fileFormatText('csv', 'utf-16le')).toBe('CSV · UTF-16LE');
  });
  it("maps the server's refused rows back to the file's lines", () => {
    expect(problemLines([{ row: 2, message: 'unknown unit 9' }], [2, 5, 6])).toEqual([
      { row: 2, line: 5, message: 'unknown unit 9' },
    ]);
    expect(problemLines([{ row: 1, column: 'unitCode', message: 'unknown unit 9' }], [4])).toEqual([
      { row: 1, line: 4, column: 'unitCode', message: 'unknown unit 9' },
    ]);
  });
});

const scheme = (): SchemeBody => ({
  name: { zh: '测试方案', en: 'Test scheme' },
  dimensionWeights: { problems: 40, needs: 20, effects: 40 },
  bands: { mode: 'thresholds', thresholds: [85, 75, 65, 55] },
  indicators: [
    {
      code: 'police',
      name: { zh: '警情', en: 'Police' },
      dimension: 'problems',
      direction: -1,
      weight: 3,
      source: 'external:police_incidents',
    },
    {
      code: 'help',
      name: { zh: '求助', en: 'Help' },
      dimension: 'needs',
      direction: -1,
      weight: 1,
      source: 'events.group:livelihood',
    },
    {
      code: 'resolved',
      name: { zh: '办结率', en: 'Resolved' },
      dimension: 'effects',
      direction: 1,
      weight: 2,
      source: 'events:resolutionRate',
      target: 1,
    },
  ],
});

describe('validateScheme (the server schema mirrored)', () => {
  it('accepts the valid scheme', () => {
    expect(validateScheme(scheme())).toEqual([]);
  });
  it('wants every dimension to have an indicator', () => {
    const s = scheme();
    s.indicators = s.indicators.filter((i) => i.dimension !== 'needs');
    expect(validateScheme(s)).toEqual([
      { path: 'indicators', code: 'dimensionEmpty', vars: { dimension: 'needs' } },
    ]);
  });
  it('wants positive weights, of indicators and of dimensions', () => {
    const s = scheme();
    s.indicators[0]!.weight = 0;
    s.indicators[1]!.weight = Number.NaN;
    s.dimensionWeights.effects = -1;
    expect(validateScheme(s).map((i) => i.path)).toEqual([
      'indicators.0.weight',
      'indicators.1.weight',
      'dimensionWeights.effects',
    ]);
  });
  it('wants unique, well-formed, unreserved codes', () => {
    const s = scheme();
    s.indicators[1]!.code = 'police';
    s.indicators[2]!.code = 'Resolved';
    s.indicators.push({ ...s.indicators[0]!, code: 'needs' });
    expect(validateScheme(s).map((i) => [i.path, i.code])).toEqual([
      ['indicators.1.code', 'codeDuplicate'],
      ['indicators.2.code', 'codePattern'],
      ['indicators.3.code', 'codeDuplicate'],
    ]);
  });
  it('wants thresholds descending and shares positive below 1', () => {
    const s = scheme();
    s.bands = { mode: 'thresholds', thresholds: [85, 75, 75, 55] };
    expect(validateScheme(s).map((i) => i.code)).toEqual(['thresholdsDescending']);
    s.bands = { mode: 'quantiles', shares: [0.4, 0.3, 0.3, 0.1] };
    expect(validateScheme(s).map((i) => i.code)).toEqual(['sharesInvalid']);
    s.bands = { mode: 'quantiles', shares: [0.2, 0.3, 0.3, 0.1] };
    expect(validateScheme(s)).toEqual([]);
  });
  it('checks sources, names and targets', () => {
    const s = scheme();
    s.indicators[0]!.source = 'external:';
    s.indicators[1]!.source = 'events:count';
    s.indicators[2]!.name.en = '  ';
    s.indicators[2]!.target = Number.NaN;
    s.name.zh = '';
    expect(validateScheme(s).map((i) => [i.path, i.code])).toEqual([
      ['name.zh', 'nameRequired'],
      ['indicators.0.source', 'source'],
      ['indicators.1.source', 'source'],
      ['indicators.2.name.en', 'nameRequired'],
      ['indicators.2.target', 'target'],
    ]);
  });
  it('adds a blank indicator with a fresh code, invalid until named and sourced', () => {
    const s = scheme();
    const added = newIndicator(s.indicators);
    expect(added.code).toBe('indicator_4');
    s.indicators.push(added);
    expect(validateScheme(s).map((i) => i.code)).toEqual(['nameRequired', 'nameRequired', 'source']);
  });
  it('tells an edited scheme from an unchanged one, whatever the key order', () => {
    const a = scheme();
    const b = JSON.parse(JSON.stringify({ ...a, name: { en: a.name.en, zh: a.name.zh } })) as SchemeBody;
    expect(sameScheme(a, b)).toBe(true);
    b.indicators[0]!.weight = 4;
    expect(sameScheme(a, b)).toBe(false);
  });
});

describe('preview against the published month', () => {
  it('puts the published rank, score and color beside the new ones, with the rank move', () => {
    const rows = compareWithPublished(
      [
        {
          unitId: 1,
          code: 'a',
          name: 'A',
          score: 70,
          rank: 2,
          color: 'yellow',
          change: null,
          dimensions: {},
          rankInterval: null,
        },
        {
          unitId: 2,
          code: 'b',
          name: 'B',
          score: 80,
          rank: 1,
          color: 'green',
          change: null,
          dimensions: {},
          rankInterval: null,
        },
        {
          unitId: 3,
          code: 'c',
          name: 'C',
          score: null,
          rank: null,
          color: null,
          change: null,
          dimensions: {},
          rankInterval: null,
        },
      ],
      [
        { unitId: 1, score: 78.5, rank: 1, color: 'green' },
        { unitId: 2, score: 77, rank: 2, color: 'green' },
      ],
    );
    expect(rows.map((r) => [r.unitId, r.rankMove, r.scoreChange])).toEqual([
      [2, 1, 3],
      [1, -1, -8.5],
      [3, null, null],
    ]);
    expect(rows[1]?.before).toEqual({ score: 78.5, rank: 1, color: 'green' });
    expect(rows[2]?.before).toBeNull();
  });
});

describe('missing inputs and accountability items', () => {
  it('groups missing inputs by unit, in name order', () => {
    const names = new Map([
      [1, '梧田街道'],
      [2, '景山街道'],
    ]);
    expect(
      groupMissing(
        [
          { unitId: 1, indicator: 'x' },
          { unitId: 2, indicator: 'y' },
          { unitId: 1, indicator: 'z' },
          { unitId: 9, indicator: 'x' },
        ],
        names,
      ),
    ).toEqual([
      { unitId: 9, name: '#9', indicators: ['x'] },
      { unitId: 2, name: '景山街道', indicators: ['y'] },
      { unitId: 1, name: '梧田街道', indicators: ['x', 'z'] },
    ]);
  });
  it('calls an item overdue when marked so, or open past its due time', () => {
    const now = new Date('2026-12-10T00:00:00Z');
    expect(isOverdue({ state: 'overdue', dueAt: '2027-01-01T00:00:00Z' }, now)).toBe(true);
    expect(isOverdue({ state: 'open', dueAt: '2026-12-03T00:00:00Z' }, now)).toBe(true);
    expect(isOverdue({ state: 'open', dueAt: '2026-12-13T00:00:00Z' }, now)).toBe(false);
    expect(isOverdue({ state: 'answered', dueAt: '2026-12-03T00:00:00Z' }, now)).toBe(false);
  });
  it('lets the unit answer and the safety office accept; a delisting is signed off without an answer', () => {
    const office = { roles: ['safety_office'], scopeUnitId: 1 };
    const village = { roles: ['village_staff'], scopeUnitId: 7 };
    const town = { roles: ['town_staff'], scopeUnitId: 3 };
    const open = { state: 'open', action: 'warning', unitId: 7 } as const;
    const answered = { state: 'answered', action: 'warning', unitId: 7 } as const;
    const delisting = { state: 'open', action: 'delisting', unitId: 7 } as const;
    const none = { answer: false, accept: false, giveBack: false };
    expect(itemActions(open, village)).toEqual({ ...none, answer: true });
    expect(itemActions(open, office)).toEqual(none);
    expect(itemActions({ ...open, state: 'overdue' }, village)).toEqual({ ...none, answer: true });
    expect(itemActions(answered, village)).toEqual(none);
    expect(itemActions(answered, office)).toEqual({ ...none, accept: true, giveBack: true });
    expect(itemActions(answered, town)).toEqual({ ...none, accept: true, giveBack: true });
    expect(itemActions({ ...answered, unitId: 3 }, town)).toEqual(none);
    // a delisting is signed off, not answered, so there is no answer to give back
    expect(itemActions(delisting, office)).toEqual({ ...none, accept: true });
    expect(itemActions(delisting, village)).toEqual(none);
    expect(itemActions({ ...answered, state: 'accepted' }, office)).toEqual(none);
  });
  it('signs score changes with a real minus', () => {
    expect(formatChange(1.254)).toBe('+1.25');
    expect(formatChange(-0.5)).toBe('−0.50');
    expect(formatChange(0)).toBe('0.00');
    expect(formatChange(-0.001)).toBe('0.00');
    expect(formatChange(null)).toBe('—');
  });
});

describe('the accountability ladder and the Monte Carlo settings in the scheme', () => {
  it('says each rung as one sentence, in Chinese and in English', () => {
    const l = DEFAULT_LADDER;
    expect(rungSentence(l.rungs[1]!, tZh)).toBe(
      '连续 2 个月红色 或 连续 3 个月橙色及以下 → 抄告，10 天内答复',
    );
    expect(rungSentence(l.rungs[0]!, tZh)).toBe('当月红色 → 预警，10 天内答复');
    expect(rungSentence(l.rungs[1]!, tEn)).toBe(
      'Red 2 months in a row or orange or worse 3 months in a row → Copy-notice, answer within 10 days',
    );
    expect(delistingSentence(l.delisting, tZh)).toBe(
      '挂牌后连续 2 个月黄色及以上 → 摘牌（上级签批），10 天内办理',
    );
  });

  it('falls back to the default rules and settings for a scheme saved without them', () => {
    const s = scheme();
    expect(ladderOf(s)).toEqual(DEFAULT_LADDER);
    expect(uncertaintyOf(s)).toEqual({ runs: 1000, weightNoise: 0.25, seed: 1 });
    expect(uncertaintyOf({ uncertainty: { runs: 0, weightNoise: 0.1, seed: 7 } })).toEqual({
      runs: 0,
      weightNoise: 0.1,
      seed: 7,
    });
    expect(validateScheme({ ...s, ladder: DEFAULT_LADDER, uncertainty: uncertaintyOf(s) })).toEqual([]);
  });

  it('refuses what the server refuses: rung order, streak lengths, answer days, settings out of range', () => {
    const l: Ladder = structuredClone(DEFAULT_LADDER);
    l.rungs = [l.rungs[2]!, l.rungs[0]!]; // supervision before warning
    l.rungs[0]!.when[0]!.periods = 13;
    l.rungs[1]!.answerDays = 0;
    l.delisting.periods = 1.5;
    const issues = validateScheme({
      ...scheme(),
      ladder: l,
      uncertainty: { runs: 20_000, weightNoise: 0.95, seed: 0 },
    });
    expect(issues.map((i) => `${i.path}:${i.code}`).sort()).toEqual(
      [
        'ladder.delisting.periods:ladderPeriods',
        'ladder.rungs.0.when.0.periods:ladderPeriods',
        'ladder.rungs.1.action:ladderOrder',
        'ladder.rungs.1.answerDays:ladderAnswerDays',
        'uncertainty.runs:mcRuns',
        'uncertainty.seed:mcSeed',
        'uncertainty.weightNoise:mcNoise',
      ].sort(),
    );
    const empty = validateScheme({ ...scheme(), ladder: { ...DEFAULT_LADDER, rungs: [] } });
    expect(empty.map((i) => i.code)).toEqual(['ladderRungs']);
  });

  it('puts a dropped rung back in its place', () => {
    const l: Ladder = {
      ...DEFAULT_LADDER,
      rungs: DEFAULT_LADDER.rungs.filter((r) => r.action !== 'copy_notice'),
    };
    expect(addRung(l, 'copy_notice').rungs.map((r) => r.action)).toEqual([
      'warning',
      'copy_notice',
      'supervision',
      'listing',
    ]);
    expect(addRung(DEFAULT_LADDER, 'warning')).toBe(DEFAULT_LADDER);
  });

  it("reads the paths out of the server's 422 detail", () => {
    expect(
      serverIssuePaths(
        'ladder.rungs.1.action: each rung once, in the order warning → copy_notice → supervision → listing; uncertainty.runs: Too big',
      ),
    ).toEqual(['ladder.rungs.1.action', 'uncertainty.runs']);
    expect(serverIssuePaths(null)).toEqual([]);
    expect(serverIssuePaths('something went wrong')).toEqual([]);
  });
});

describe('rank robustness', () => {
  const names = {
    indicator: (c: string) => ({ police_incidents: '万人刑事治安警情' })[c],
    dimension: (c: string) => ({ problems: '问题' })[c],
  };
  it("names the sensitivity inputs by the scheme's names", () => {
    expect(sensitivityLabel('weight:police_incidents', names, tZh)).toBe('万人刑事治安警情权重');
    expect(sensitivityLabel('weight:problems', names, tZh)).toBe('问题维度权重');
    expect(sensitivityLabel('weight:unknown_code', names, tZh)).toBe('unknown_code权重');
    expect(sensitivityLabel('normalisation', names, tZh)).toBe('标准化方法');
    expect(sensitivityLabel('aggregation', names, tEn)).toBe('aggregation');
  });
  it('draws the most influential input on top, at most the number asked', () => {
    const rows = [
      { label: 'a', value: 0.1 },
      { label: 'b', value: 0.5 },
      { label: 'c', value: 0.02 },
      { label: 'd', value: 0.3 },
    ];
    const o = sensitivityOption(rows, { title: '一阶敏感度' }, { max: 3 });
    // ECharts draws the first category at the bottom
    expect(o.yAxis.data).toEqual(['a', 'd', 'b']);
    expect(o.series[0]!.data.map((d) => d.value)).toEqual([0.1, 0.3, 0.5]);
    expect(o.xAxis.max({ max: 0.5 })).toBe(0.5);
    expect(o.xAxis.max({ max: 0.01 })).toBe(0.1);
    expect(o.tooltip.formatter({ dataIndex: 2 })).toBe('<strong>b</strong><br/>一阶敏感度: 0.500');
  });
});
