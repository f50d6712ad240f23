// The hazard list file's pure reading: headings, severities, sources and dates as people write them.
import { describe, expect, it } from 'vitest';
import { mapColumns, parseLocalDate, parseRows, parseSeverity, parseSource } from './bulk.js';

describe('reading a hazard list', () => {
  it('reads severities, sources and dates as written', () => {
    expect(['一般', '较大隐患', ' 重大 ', 'major', 'x'].map(parseSeverity)).toEqual([
      'general',
      'major',
      'critical',
      'major',
      null,
    ]);
    expect(['暗访', '企业自查', 'inspection', '路过'].map(parseSource)).toEqual([
      'covert',
      'self',
      'inspection',
      null,
    ]);
    expect(parseLocalDate('2026/1/5')).toBe('2026-01-05');
    expect(parseLocalDate('2026年11月23日')).toBe('2026-11-23');
    expect(parseLocalDate('2026-02-30')).toBeNull();
    expect(parseLocalDate(new Date('2026-03-04T00:00:00Z'))).toBe('2026-03-04');
  });

  it('finds the header below a title row and names missing columns', () => {
    const { map, errors } = mapColumns([['某镇隐患台账'], ['领域', '等级', '隐患描述', '备注']]);
    expect(map.headerRow).toBe(2);
    expect(map.ignored).toEqual(['备注']);
    expect(errors.map((e) => `${e.column}:${e.code}`)).toEqual([
      '类别:missing_column',
      '经度:missing_column',
      '纬度:missing_column',
    ]);
  });

  it('checks each row and defaults the source', () => {
    const t = parseRows([
      ['domain', 'aspect', 'severity', 'description', 'lng', 'lat'],
      ['fire', 'blocked_exits', '一般', 'ok', '120.6', '27.9'],
      ['fire', 'blocked_exits', '一般', 'ok', '27.9', '120.6'],
    ]);
    expect(t.rows[0]).toMatchObject({ source: 'report', point: { lng: 120.6, lat: 27.9, crs: 'wgs84' } });
    expect(t.errors).toEqual([
      expect.objectContaining({ row: 3, column: 'lat', code: 'invalid_coordinates' }),
    ]);
  });
});
