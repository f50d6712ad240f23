// Reading external values from a spreadsheet's rows, without a database: both layouts, names for codes,
// percentages, a title above the header, and every defect by row and column.
import { describe, expect, it } from 'vitest';
import type { Cell } from '../../lib/table-reader.js';
import { cellNumber, readExternalRows } from './external-file.js';

const names = new Map([
  ['万人刑事治安警情', 'police_incidents'],
  ['Police incidents per 10,000', 'police_incidents'],
  ['平安建设知晓率', 'awareness_rate'],
]);
const read = (rows: Cell[][], defaultSource = '导入文件') =>
  readExternalRows(rows, { indicatorNames: names, defaultSource });

describe('external values from a spreadsheet', () => {
  it('reads numbers, thousands separators and percentages', () => {
    expect(cellNumber(12)).toBe(12);
    expect(cellNumber(' 1,234.5 ')).toBe(1234.5);
    expect(cellNumber('95%')).toBeCloseTo(0.95, 12);
    expect(cellNumber('-3e2')).toBe(-300);
    expect(cellNumber('很高')).toBeNull();
    expect(cellNumber('')).toBeNull();
    expect(cellNumber(Number.NaN)).toBeNull();
  });

  it('reads the long layout, names or codes, with each row’s source or the default', () => {
    const r = read([
      ['单位代码', '指标', '数值', '来源'],
      ['330304001', 'police_incidents', 12, '公安分局'],
      ['330304002', '万人刑事治安警情', '9', ''],
      [null, null, null, null],
      ['330304003', 'Police incidents per 10,000', '7', null],
    ]);
    expect(r.errors).toEqual([]);
    expect(r.layout).toBe('long');
    expect(r.rows).toEqual([
      { unitCode: '330304001', indicator: 'police_incidents', value: 12, source: '公安分局', line: 2 },
      { unitCode: '330304002', indicator: 'police_incidents', value: 9, source: '导入文件', line: 3 },
      { unitCode: '330304003', indicator: 'police_incidents', value: 7, source: '导入文件', line: 5 },
    ]);
  });

  it('reads the wide layout below a title row, skipping blank cells and ignoring other columns', () => {
    const r = read(
      [
        ['2026年10月 统计', null, null, null],
        ['UnitCode', '单位名称', '平安建设知晓率', '万人刑事治安警情', '备注'],
        ['330304001', '景山街道', '93%', 11, '无'],
        ['330304002', '新桥街道', '', 8, null],
      ],
      '统计局',
    );
    expect(r.errors).toEqual([]);
    expect(r.layout).toBe('wide');
    expect(r.rows.map((x) => [x.line, x.unitCode, x.indicator, x.value])).toEqual([
      [3, '330304001', 'awareness_rate', 0.93],
      [3, '330304001', 'police_incidents', 11],
      [4, '330304002', 'police_incidents', 8],
    ]);
    expect(r.rows.every((x) => x.source === '统计局')).toBe(true);
  });

  it('reports every defect with its row and column, and a file without a header', () => {
    const r = read([
      ['单位代码', '指标', '数值'],
      ['33 03', 'police_incidents', 1],
      ['330304001', 'Bad Code', 1],
      ['330304001', 'police_incidents', 'n/a'],
      ['330304001', 'police_incidents', 2],
      ['330304001', 'police_incidents', 3],
      ['330304002', 'police_incidents', ''],
    ]);
    expect(r.errors).toEqual([
      { row: 2, column: '单位代码', code: 'unit_code', message: 'Not a unit code: 33 03' },
      { row: 3, column: '指标', code: 'indicator', message: 'Not an indicator code or name: Bad Code' },
      { row: 4, column: '数值', code: 'value', message: 'Not a number: n/a' },
      {
        row: 6,
        column: '数值',
        code: 'duplicate',
        message: '330304001 / police_incidents is given again (first on row 5)',
      },
      { row: 7, column: '数值', code: 'value', message: 'The value is missing' },
    ]);
    expect(
      read([
        ['a', 'b'],
        ['1', '2'],
      ]).errors[0]?.code,
    ).toBe('no_header');
    expect(
      read([
        ['单位代码', '单位名称'],
        ['330304001', 'x'],
      ]).errors[0]?.code,
    ).toBe('no_header');
    expect(read([['单位代码', '指标', '数值']]).errors[0]?.code).toBe('empty');
  });
});
