// The places registry without a database: the GB 32100-2015 credit code (published codes pass, a changed
// character fails with the check character it calls for), phone masking, and reading a places file
// (headings in Chinese or English, kinds by code or Chinese word, every defect with its row and column).
import { describe, expect, it } from 'vitest';
import { checkCreditCode, creditCheckChar, normalizeCreditCode, withCheckChar } from './credit-code.js';
import { mapColumns, parseKind, parseRows } from './import.js';
import { maskPhone } from './service.js';

describe('unified social credit code (GB 32100-2015)', () => {
  // published codes: the standard's own example, and four well-known companies' codes
  const published = [
    '91350100M000100Y43',
    '9144030071526726XG',
    '91330100716105852F',
    '91110000802100433B',
    '91330000142913112M',
  ];

  it.each(published)('accepts the published code %s', (code) => {
    expect(checkCreditCode(code)).toEqual({ ok: true, code });
    expect(creditCheckChar(code.slice(0, 17))).toBe(code[17]);
  });

  it('refuses every single-character change of a valid code by its check character', () => {
    const code = published[0]!;
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    let refused = 0;
    for (let i = 0; i < 17; i++) {
      for (const c of alphabet) {
        if (c === code[i] || (i >= 2 && i < 8 && !/[0-9]/.test(c))) continue;
        const changed = code.slice(0, i) + c + code.slice(i + 1);
        const r = checkCreditCode(changed);
        expect(r.ok, changed).toBe(false);
        if (!r.ok) expect(r.reason).toBe('check');
        refused++;
      }
    }
    expect(refused).toBe(2 * 30 + 6 * 9 + 9 * 30);
  });

  it('names what is wrong: length, characters, the division digits, the check character', () => {
    expect(checkCreditCode('9135010')).toMatchObject({ ok: false, reason: 'length' });
    expect(checkCreditCode('91350100M000100I43')).toMatchObject({ ok: false, reason: 'characters' });
    expect(checkCreditCode('9135A100M000100Y43')).toMatchObject({ ok: false, reason: 'division' });
    const r = checkCreditCode('91350100M000100Y44');
    expect(r).toMatchObject({ ok: false, reason: 'check', expected: '3' });
    if (!r.ok)
      expect(r.message).toMatch(/^统一社会信用代码校验位错误（应为 3）.*\/ The check character is wrong/);
  });

  it('reads codes as people write them: lower case, full-width, spaces and hyphens', () => {
    expect(normalizeCreditCode(' 9135 0100-m000 100y43 ')).toBe('91350100M000100Y43');
    expect(checkCreditCode('９１３５０１００Ｍ０００１００Ｙ４３')).toEqual({
      ok: true,
      code: '91350100M000100Y43',
    });
  });

  it('completes 17 characters with their check character (and a check character of 0 when 31 − 0)', () => {
    expect(withCheckChar('91350100M000100Y4')).toBe('91350100M000100Y43');
    expect(() => withCheckChar('91350100M000100I4')).toThrow();
    // find a prefix whose sum is divisible by 31: its check character is 0, not the 32nd character
    let found = false;
    for (let n = 0; n < 1000 && !found; n++) {
      const first = `913303040000${String(n).padStart(5, '0')}`;
      if (creditCheckChar(first) === '0') found = checkCreditCode(`${first}0`).ok;
    }
    expect(found).toBe(true);
  });
});

describe('maskPhone', () => {
  it('keeps the first three and last four digits', () => {
    expect(maskPhone('170-0000-0001')).toBe('170****0001');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('12345')).toBe('****');
    expect(maskPhone(null)).toBeNull();
  });
});

describe('reading a places file', () => {
  const header = [
    '名称',
    '统一社会信用代码',
    '类型',
    '地址',
    '经度',
    '纬度',
    '坐标系',
    '联系人',
    '联系电话',
    '备注',
  ];

  it('maps Chinese and English headings, below a title row, and lists the columns it ignores', () => {
    const { map, errors } = mapColumns([['某镇场所台账'], header]);
    expect(errors).toEqual([]);
    expect(map.headerRow).toBe(2);
    expect(map.fields.credit_code).toEqual({ index: 1, heading: '统一社会信用代码' });
    expect(map.ignored).toEqual(['备注']);
    const en = mapColumns([['Name', 'KIND', 'lng', 'lat', ' Credit_Code ']]);
    expect(en.errors).toEqual([]);
    expect(en.map.fields.credit_code?.index).toBe(4);
  });

  it('refuses a header without the required columns or with a column twice', () => {
    const { errors } = mapColumns([['名称', '地址', '经度']]);
    expect(errors.map((e) => [e.code, e.column])).toEqual([
      ['missing_column', '类型'],
      ['missing_column', '纬度'],
    ]);
    const dup = mapColumns([['名称', '企业名称', '类型', '经度', '纬度']]);
    expect(dup.errors).toMatchObject([{ row: 1, column: '企业名称', code: 'duplicate_column' }]);
  });

  it('reads kinds by code, Chinese name or a common word', () => {
    expect(parseKind('three_in_one')).toBe('three_in_one');
    expect(parseKind('三合一场所')).toBe('three_in_one');
    expect(parseKind('出租房屋')).toBe('rental_housing');
    expect(parseKind('加油站')).toBe('gas_station');
    expect(parseKind('KTV')).toBe('entertainment');
    expect(parseKind('飞机场')).toBeNull();
  });

  it('reads good rows and reports every defect of the bad ones with its row and column', () => {
    const t = parseRows([
      header,
      [
        '瓯海某机械厂',
        '91350100m000100y43',
        '企业',
        '景山路1号',
        '120.605',
        '27.955',
        '',
        '陈伟',
        '170 0000 0001',
        'x',
      ],
      ['', '91350100M000100Y44', '飞机场', '', '', '27.9', '', '', 'abc', ''],
      [],
      ['出租房A', '', '出租房', '', 120.61, '27.96', '百度', '', '', ''],
      ['某店', '', '店铺', '', '27.96', '120.61', 'mars', '', '', ''],
    ]);
    expect(t.rows[0]).toEqual({
      row: 2,
      name: '瓯海某机械厂',
      creditCode: '91350100M000100Y43',
      kind: 'enterprise',
      address: '景山路1号',
      unitCode: null,
      contactName: '陈伟',
      contactPhone: '170 0000 0001',
      point: { lng: 120.605, lat: 27.955, crs: 'wgs84' },
    });
    expect(t.rows[2]).toMatchObject({
      row: 5,
      kind: 'rental_housing',
      point: { lng: 120.61, lat: 27.96, crs: 'bd09' },
    });
    expect(t.rows.map((r) => r.row)).toEqual([2, 3, 5, 6]);
    expect(t.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [3, '名称', 'missing_value'],
      [3, '统一社会信用代码', 'invalid_credit_code'],
      [3, '类型', 'unknown_kind'],
      [3, '联系电话', 'invalid_phone'],
      [3, '经度', 'missing_coordinates'],
      [6, '纬度', 'invalid_coordinates'],
      [6, '坐标系', 'invalid_crs'],
    ]);
    expect(t.errors[1]!.message).toContain('校验位');
  });

  it('leaves optional fields out when the file has no such column (an update keeps them)', () => {
    const t = parseRows([
      ['名称', '类型', '经度', '纬度'],
      ['某店', 'shop', '120.6', '27.9'],
    ]);
    expect(t.rows[0]).toEqual({
      row: 2,
      name: '某店',
      kind: 'shop',
      unitCode: null,
      point: { lng: 120.6, lat: 27.9, crs: 'wgs84' },
    });
  });
});
