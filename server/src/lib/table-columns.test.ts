// The shared column reading of the importers: the header row, headings to fields, the row checks.
import { describe, expect, it } from 'vitest';
import { type ColumnSpec, headingIndex, mapColumns, readPoint, readRows } from './table-columns.js';

type F = 'name' | 'note' | 'lng' | 'lat' | 'crs';
const SPEC: ColumnSpec<F> = {
  fields: ['name', 'note', 'lng', 'lat', 'crs'],
  names: {
    name: ['名称', 'name'],
    note: ['备注', 'note'],
    lng: ['经度', 'lng'],
    lat: ['纬度', 'lat'],
    crs: ['坐标系', 'crs'],
  },
  marker: 'name',
  required: ['name', 'lng', 'lat'],
  missingNote: (f) => (f === 'lat' ? ' (needed)' : ''),
};
const H = headingIndex(SPEC);

describe('table columns', () => {
  it('finds the header below a title row, maps headings, reports missing and duplicate columns', () => {
    const { map, errors } = mapColumns([['某镇台账'], ['名称', 'Name', '经度', '其他']], SPEC, H);
    expect(map.headerRow).toBe(2);
    expect(map.fields.name).toEqual({ index: 0, heading: '名称' });
    expect(map.ignored).toEqual(['其他']);
    expect(errors.map((e) => [e.code, e.column])).toEqual([
      ['duplicate_column', 'Name'],
      ['missing_column', '纬度'],
    ]);
    expect(errors[1]!.message).toContain('No column lat (needed)');
  });

  it('reads each non-empty row with its checks, and the coordinates with the swap hint when asked', () => {
    const rows = [
      ['名称', '备注', '经度', '纬度'],
      ['甲', 'x'.repeat(6), 120.6, 27.9],
      [null, null, null, null],
      ['乙', '', 27.9, 120.6],
    ];
    const t = readRows(rows, SPEC, H, (c) => ({
      row: c.row,
      note: c.text('note', 5),
      hasCrs: c.has('crs'),
      point: readPoint(c, 'place', c.row === 4),
    }));
    expect(t.rows).toEqual([
      { row: 2, note: undefined, hasCrs: false, point: { lng: 120.6, lat: 27.9, crs: 'wgs84' } },
      { row: 4, note: null, hasCrs: false, point: undefined },
    ]);
    expect(t.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [2, '备注', 'too_long'],
      [4, '纬度', 'invalid_coordinates'],
    ]);
    expect(t.errors[1]!.message).toContain('look swapped');
  });
});
