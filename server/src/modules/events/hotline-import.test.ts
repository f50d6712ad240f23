// Reading hotline files without a database: content sniffing, encodings (UTF-8, BOM, GBK, UTF-16), CSV
// quoting, .xlsx with date cells (made with write-excel-file), the ZIP-bomb guard, headings, times,
// coordinates, answers and category names.
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { AppError } from '../../http/errors.js';
import type { CategoryDto } from './categories/schema.js';
import {
  answerValue,
  type Cell,
  categoryIndex,
  checkXlsxArchive,
  decodeText,
  MAX_IMPORT_BYTES,
  mapColumns,
  normalizeHeading,
  parseRows,
  parseTicket,
  parseTime,
  readTable,
  sniff,
} from './hotline-import.js';

/** GBK bytes of a text, from the platform's own GB18030 decoder run backwards (no encoder library). */
let gbkTable: Map<string, number[]> | undefined;
function encodeGbk(text: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const dec = new TextDecoder('gb18030');
    for (let a = 0x81; a <= 0xfe; a++)
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const ch = dec.decode(new Uint8Array([a, b]));
        if (ch.length === 1 && ch !== '\ufffd' && !gbkTable.has(ch)) gbkTable.set(ch, [a, b]);
      }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else {
      const bytes = gbkTable.get(ch);
      if (!bytes) throw new Error(`no GBK code for ${ch}`);
      out.push(...bytes);
    }
  }
  return Buffer.from(out);
}

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const NOW = new Date('2026-11-23T02:00:00Z'); // 10:00 in Shanghai
const HEADER = '工单编号,来电时间,事件类别,诉求内容,事发地址,经度,纬度,来电人,联系电话';
const ROW = 'WZ001,2026-11-23 09:15,fire.ebike_charging,楼道充电,某小区3幢,120.605,27.955,张三,13800000001';

describe('reading the file', () => {
  it('recognises the type from the content, not the name', () => {
    expect(sniff(Buffer.from('PK\x03\x04rest'))).toBe('xlsx');
    expect(sniff(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]))).toBe('xls');
    expect(sniff(Buffer.from('a,b\n1,2\n'))).toBe('text');
    expect(sniff(Buffer.from([0xff, 0xfe, 0x41, 0]))).toBe('text'); // UTF-16LE with BOM
    expect(sniff(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]))).toBe('binary');
  });

  it('decodes UTF-8, UTF-8 with a BOM, GBK and UTF-16LE to the same text', async () => {
    const text = `${HEADER}\n${ROW}\n`;
    const utf8 = Buffer.from(text, 'utf8');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    const gbk = encodeGbk(text);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(gbk.length).toBeLessThan(utf8.length); // two bytes per Chinese character, not three
    expect(decodeText(utf8)).toEqual({ text, encoding: 'utf-8' });
    expect(decodeText(bom)).toEqual({ text, encoding: 'utf-8-bom' });
    expect(decodeText(gbk)).toEqual({ text, encoding: 'gb18030' });
    expect(decodeText(utf16)).toEqual({ text, encoding: 'utf-16le' });
    for (const b of [utf8, bom, gbk, utf16]) {
      const t = await readTable(b);
      expect(t.format).toBe('csv');
      expect(t.rows[0]?.[0]).toBe('工单编号'); // no BOM left on the first heading
      expect(t.rows[1]).toEqual(ROW.split(','));
    }
  });

  it('refuses text that is neither UTF-8 nor GB18030, binaries, legacy .xls, and files over the limit', async () => {
    expect((await refusal(() => decodeText(Buffer.from([0x41, 0x80, 0x20, 0xff, 0xff])))).code).toBe(
      'events.import_unsupported_type',
    );
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    expect((await refusal(readTable(png))).code).toBe('events.import_unsupported_type');
    const xls = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(512),
    ]);
    const e = await refusal(readTable(xls));
    expect(e.code).toBe('events.import_unsupported_type');
    expect(e.detail).toMatch(/\.xls/);
    expect((await refusal(readTable(Buffer.alloc(MAX_IMPORT_BYTES + 1, 0x41)))).status).toBe(413);
    expect((await refusal(readTable(Buffer.alloc(0)))).code).toBe('events.import_empty');
  });

  it('reads quoted fields with commas, quotes and line breaks, keeping spreadsheet row numbers', async () => {
    const csv =
      `${HEADER}\r\n` +
      'WZ001,2026-11-23 09:15,fire.ebike_charging,"楼道充电, 很危险\r\n第二行 ""引号""",某小区,120.605,27.955,,\r\n' +
      '\r\n' + // an empty row: still row 3 in a spreadsheet
      'WZ002,2026-11-23 09:20,fire.ebike_charging,门厅,,120.606,27.956,,\r\n';
    const t = await readTable(Buffer.from(csv));
    const p = parseRows(t.rows, NOW);
    expect(p.errors).toEqual([]);
    expect(p.rows.map((r) => [r.row, r.ticketNo])).toEqual([
      [2, 'WZ001'],
      [4, 'WZ002'],
    ]);
    expect(p.rows[0]?.description).toBe('楼道充电, 很危险\r\n第二行 "引号"');
  });

  it('reads tab-separated text and reports malformed quoting with its row', async () => {
    const tsv = `${HEADER.replaceAll(',', '\t')}\n${ROW.replaceAll(',', '\t')}\n`;
    const t = await readTable(Buffer.from(tsv));
    expect(t.rows[1]).toEqual(ROW.split(','));
    const bad = `${HEADER}\n${ROW}\nWZ002,"2026-11-23"x,a,b,,1,2,,\n`;
    const e = await refusal(readTable(Buffer.from(bad)));
    expect(e.code).toBe('events.import_invalid');
    expect(e.extras.errors).toEqual([expect.objectContaining({ row: 3, code: 'malformed_csv' })]);
  });

  it('reads the first sheet of an .xlsx: date cells, numbers, text, a title row above the header', async () => {
    const at = new Date(Date.UTC(2026, 10, 23, 9, 15)); // the cell shows 2026-11-23 09:15
    const xlsx = await writeXlsxFile([
      ['12345热线工单导出', null, null, null, null, null, null],
      ['工单编号', '来电时间', '事件类别', '诉求内容', '经度', '纬度', 'answer:count'],
      [
        { value: 'WZ001', type: String },
        { value: at, type: Date, format: 'yyyy-mm-dd hh:mm' },
        '电动自行车违规停放充电',
        '楼道充电',
        120.605,
        27.955,
        3,
      ],
      [2026112300123, 46349.40625, 'fire.ebike_charging', '门厅充电', '120.606', '27.956', null],
    ]).toBuffer();
    const t = await readTable(xlsx);
    expect(t.format).toBe('xlsx');
    const p = parseRows(t.rows, NOW);
    expect(p.errors).toEqual([]);
    expect(p.map.headerRow).toBe(2);
    expect(p.rows.map((r) => r.row)).toEqual([3, 4]);
    expect(p.rows[0]).toMatchObject({
      ticketNo: 'WZ001',
      reportedAt: new Date('2026-11-23T01:15:00Z'),
      category: '电动自行车违规停放充电',
      point: { lng: 120.605, lat: 27.955, crs: 'wgs84' },
      answers: [{ code: 'count', heading: 'answer:count', value: 3 }],
    });
    // a ticket stored as a number keeps its digits; a serial number in a General cell is a time too
    expect(p.rows[1]).toMatchObject({
      ticketNo: '2026112300123',
      reportedAt: new Date('2026-11-23T01:45:00Z'),
      point: { lng: 120.606, lat: 27.956 },
    });
  });

  it('refuses a ZIP that is no workbook, and one that unpacks beyond the limit even when it lies about it', async () => {
    const docx = zip([{ name: 'word/document.xml', data: Buffer.from('<w/>') }]);
    expect((await refusal(readTable(docx))).code).toBe('events.import_unsupported_type');
    const zeros = Buffer.alloc(3 * 1024 * 1024);
    const bomb = zip([
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/worksheets/sheet1.xml', data: zeros, declaredSize: 1000 },
    ]);
    expect(bomb.length).toBeLessThan(10_000);
    const e = await refusal(() => checkXlsxArchive(bomb, 1024 * 1024));
    expect(e.status).toBe(413);
    expect(checkXlsxArchive(bomb, 4 * 1024 * 1024)).toBe(zeros.length + 11);
    expect((await refusal(readTable(Buffer.from('PK\x03\x04 not really a zip')))).code).toBe(
      'events.import_unreadable',
    );
  });
});

describe('columns and values', () => {
  it('maps Chinese and English headings, tolerating marks, notes and full-width forms', () => {
    expect(normalizeHeading(' *工单编号 ')).toBe('工单编号');
    expect(normalizeHeading('经度（WGS84）')).toBe('经度');
    expect(normalizeHeading('Answer：Where')).toBe('answer:where');
    const { map, errors } = mapColumns([
      ['ticket_no', 'Reported_At', 'category', 'description', 'lng', 'lat', '办理状态', 'answer:where'],
    ]);
    expect(errors).toEqual([]);
    expect(map.fields.reported_at).toEqual({ index: 1, heading: 'Reported_At' });
    expect(map.answers).toEqual([{ code: 'where', index: 7, heading: 'answer:where' }]);
    expect(map.ignored).toEqual(['办理状态']);
  });

  it('reports missing and doubled columns on the header row', () => {
    const { errors } = mapColumns([['工单编号', '工单号', '来电时间', '事件类别', '诉求内容']]);
    expect(errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [1, '工单号', 'duplicate_column'],
      [1, '经度', 'missing_column'],
      [1, '纬度', 'missing_column'],
    ]);
  });

  it('reads call times in the forms hotline exports use, as Beijing time', () => {
    const t = (c: Cell) => parseTime(c)?.toISOString() ?? null;
    expect(t('2026-11-23 09:15')).toBe('2026-11-23T01:15:00.000Z');
    expect(t('2026/11/23 9:15:00')).toBe('2026-11-23T01:15:00.000Z');
    expect(t('2026年11月23日 9时15分')).toBe('2026-11-23T01:15:00.000Z');
    expect(t('2026-11-23')).toBe('2026-11-22T16:00:00.000Z');
    expect(t('2026-11-23T09:15:00+08:00')).toBe('2026-11-23T01:15:00.000Z');
    expect(t('2026-11-23T01:15:00Z')).toBe('2026-11-23T01:15:00.000Z');
    expect(t(46349.385416666664)).toBe('2026-11-23T01:15:00.000Z'); // an Excel serial
    expect(t(new Date(Date.UTC(2026, 10, 23, 9, 14, 59, 999)))).toBe('2026-11-23T01:15:00.000Z');
    for (const bad of ['2026-02-30 10:00', '2026-11-23 25:00', 'yesterday', '23/11/2026', 12, true])
      expect(t(bad)).toBeNull();
  });

  it('keeps ticket numbers as text, and refuses a numeric cell that lost digits', () => {
    expect(parseTicket(' WZ-2026-001 ')).toEqual({ ok: true, value: 'WZ-2026-001' });
    expect(parseTicket(2026112300123)).toEqual({ ok: true, value: '2026112300123' });
    expect(parseTicket(2.0261123001234567e19).ok).toBe(false);
    expect(parseTicket('has space').ok).toBe(false);
  });

  it('reports every row defect with its row and column: no coordinates, bad values, the future', () => {
    const rows = [
      [...HEADER.split(','), '坐标系'],
      ROW.split(',').concat('gcj02'),
      ['WZ002', '2026-11-23 09:20', 'x', '门厅', '', '', '', '', '', ''],
      ['', '明天', 'x', '', '', 'abc', '27.9', '', '12345abc', 'bd09'],
      ['WZ004', '2026-11-24 09:00', 'x', 'y', '', '120.6', '27.9', '', '', 'mercator'],
      ['', '', '', '', '', '', '', '', '', ''], // empty: skipped
      ['WZ005', '2026-11-23 10:05', 'x', 'y', '', '120.6', '27.9', '', '', ''], // within the tolerance
    ];
    const p = parseRows(rows, NOW);
    expect(p.rows.map((r) => r.row)).toEqual([2, 3, 4, 5, 7]);
    expect(p.rows[0]?.point).toEqual({ lng: 120.605, lat: 27.955, crs: 'gcj02' });
    expect(p.rows[0]).toMatchObject({ callerName: '张三', phone: '13800000001', address: '某小区3幢' });
    expect(p.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [3, '经度', 'missing_coordinates'],
      [4, '工单编号', 'missing_value'],
      [4, '来电时间', 'invalid_time'],
      [4, '诉求内容', 'missing_value'],
      [4, '联系电话', 'invalid_phone'],
      [4, '经度', 'invalid_coordinates'],
      [5, '来电时间', 'future_time'],
      [5, '坐标系', 'invalid_crs'],
    ]);
    expect(p.errors[0]?.message).toMatch(/cannot be located/);
  });

  it('converts answers by the question type, choices by code or label', () => {
    const where = {
      code: 'where',
      label: { zh: '位置', en: 'Where' },
      type: 'single_choice' as const,
      required: true,
      order: 1,
      values: [
        { code: 'stairwell', label: { zh: '楼道', en: 'stairwell' } },
        { code: 'lobby', label: { zh: '门厅', en: 'lobby' } },
      ],
    };
    expect(answerValue(where, '楼道')).toEqual({ ok: true, value: 'stairwell' });
    expect(answerValue(where, 'Lobby')).toEqual({ ok: true, value: 'lobby' });
    expect(answerValue(where, '地下室').ok).toBe(false);
    expect(answerValue({ ...where, type: 'multi_choice' }, '楼道、lobby,楼道')).toEqual({
      ok: true,
      value: ['stairwell', 'lobby'],
    });
    const num = { ...where, type: 'number' as const, values: undefined };
    expect(answerValue(num, '３')).toEqual({ ok: true, value: 3 });
    expect(answerValue(num, 'three').ok).toBe(false);
    const date = { ...num, type: 'date' as const };
    expect(answerValue(date, '2026/11/3')).toEqual({ ok: true, value: '2026-11-03' });
    expect(answerValue(date, new Date(Date.UTC(2026, 10, 3)))).toEqual({ ok: true, value: '2026-11-03' });
  });

  it('finds categories by code, Chinese or English name, or a path; and says when a name is ambiguous', () => {
    const cat = (code: string, zh: string, en: string) => ({ code, name: { zh, en } }) as CategoryDto;
    const a = cat('fire.ebike_charging', '电动自行车违规停放充电', 'E-bikes parked or charged indoors');
    const b = cat('x.one', '其他', 'Other');
    const c = cat('y.one', '其他', 'Something else');
    const find = categoryIndex([a, b, c]);
    expect(find('fire.ebike_charging')).toEqual([a]);
    expect(find(' 电动自行车违规停放充电 ')).toEqual([a]);
    expect(find('e-bikes parked or charged indoors')).toEqual([a]);
    expect(find('消防隐患/电动自行车违规停放充电')).toEqual([a]);
    expect(find('其他')).toEqual([b, c]);
    expect(find('nothing')).toEqual([]);
  });
});

/** A ZIP archive (deflated entries), with an optional false declared size to imitate a crafted file. */
function zip(entries: { name: string; data: Buffer; declaredSize?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const comp = deflateRawSync(e.data);
    const size = e.declaredSize ?? e.data.length;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(comp.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(comp.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, comp);
    centrals.push(ch, name);
    offset += lh.length + name.length + comp.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
