// Reading a places file (pure): the columns by their Chinese or English headings, and each row's values
// checked for shape (name, credit code with its check character, kind by code or Chinese name,
// coordinates, phone). What needs the database (units, scope, credit codes already registered) is
// checked by PlacesService.importFile. The file itself is read by lib/table-reader.ts.
import {
  type ColumnSpec,
  type ColumnMap as Columns,
  headingIndex,
  mapColumns as mapTableColumns,
  readPoint,
  readRows,
} from '../../../lib/table-columns.js';
import { type Cell, type Crs, cellText, type RowError } from '../../../lib/table-reader.js';
import { checkCreditCode } from './credit-code.js';
import { normalizePhone, PHONE_RE, PLACE_KINDS, type PlaceKind } from './schema.js';

export const FIELDS = [
  'name',
  'credit_code',
  'kind',
  'address',
  'lng',
  'lat',
  'crs',
  'unit',
  'contact_name',
  'contact_phone',
] as const;
export type Field = (typeof FIELDS)[number];

/** Each field's heading as the export writes it (first), and the other headings accepted. */
export const COLUMN_NAMES: Record<Field, readonly string[]> = {
  name: ['名称', '场所名称', '企业名称', '单位名称', '场所(企业)名称', 'name'],
  credit_code: ['统一社会信用代码', '社会信用代码', '信用代码', 'credit_code', 'uscc'],
  kind: ['类型', '场所类型', '类别', 'kind'],
  address: ['地址', '详细地址', '经营地址', '经营场所', 'address'],
  lng: ['经度', 'lng', 'lon', 'longitude'],
  lat: ['纬度', 'lat', 'latitude'],
  crs: ['坐标系', 'crs'],
  unit: ['所属单位', '所属网格', '网格编码', '单位编码', 'unit', 'unit_code'],
  contact_name: ['联系人', '负责人', 'contact_name', 'contact'],
  contact_phone: ['联系电话', '电话', '手机', 'contact_phone', 'phone'],
};
/** The header row is the one naming a name column; without the required columns (coordinates too: there
 * is no geocoder) nothing can be imported. */
const SPEC: ColumnSpec<Field> = {
  fields: FIELDS,
  names: COLUMN_NAMES,
  marker: 'name',
  required: ['name', 'kind', 'lng', 'lat'],
  missingNote: (f) =>
    f === 'lng' || f === 'lat' ? ' (every place needs coordinates: there is no geocoder)' : '',
};

export const MAX_NAME = 200;
export const MAX_ADDRESS = 300;
export const MAX_CONTACT_NAME = 60;

const HEADING_TO_FIELD = headingIndex(SPEC);

/** Kinds as people write them: the code, the Chinese name, and common words for each. */
const KIND_WORDS: Record<PlaceKind, readonly string[]> = {
  enterprise: ['企业', '工业企业', '工厂', '厂房', '公司'],
  shop: ['沿街店铺', '店铺', '商铺', '门店', '小商店'],
  three_in_one: ['三合一场所', '三合一', '三小场所'],
  rental_housing: ['出租房', '出租房屋', '出租屋', '群租房'],
  construction_site: ['建筑工地', '工地', '在建工地', '施工工地'],
  school: ['学校、幼儿园', '学校', '幼儿园', '中小学'],
  market: ['集贸市场、商场', '市场', '集贸市场', '农贸市场', '商场', '超市'],
  hotel: ['宾馆、旅馆', '宾馆', '旅馆', '酒店', '民宿'],
  restaurant: ['餐饮场所', '餐饮', '饭店', '餐馆'],
  entertainment: ['娱乐场所', 'ktv', '网吧', '歌舞厅', '酒吧'],
  medical_elderly: ['医疗、养老机构', '医院', '诊所', '卫生院', '养老院', '养老机构'],
  hazardous_chemicals: ['危险化学品单位', '危化品', '危化品单位', '危险化学品'],
  gas_station: ['加油加气站', '加油站', '加气站'],
  gas_supply: ['燃气供应点', '液化气供应点', '瓶装燃气', '液化气站', '燃气'],
  fishing_vessel: ['渔船', '船舶'],
  port: ['港口码头', '码头', '港口'],
  other: ['其他'],
};
const KIND_BY_WORD = new Map<string, PlaceKind>(
  PLACE_KINDS.flatMap((k) =>
    [k.code, k.en, ...KIND_WORDS[k.code]].map((w) => [w.normalize('NFKC').toLowerCase(), k.code] as const),
  ),
);

/** A kind as written: its code, its Chinese name, or a common word for it; null when unknown. */
export function parseKind(c: Cell): PlaceKind | null {
  const s = cellText(c).normalize('NFKC').trim().toLowerCase();
  return KIND_BY_WORD.get(s) ?? KIND_BY_WORD.get(s.replace(/\s+/g, '')) ?? null;
}

export type ColumnMap = Columns<Field>;

/** Finds the header row (the first of the top rows naming a name column) and maps its columns. */
export function mapColumns(rows: Cell[][]): { map: ColumnMap; errors: RowError[] } {
  return mapTableColumns(rows, SPEC, HEADING_TO_FIELD);
}

/** A row read from the file, each field present only when it was valid (optional ones: and its column exists). */
export interface ParsedRow {
  row: number;
  name?: string;
  creditCode?: string | null;
  kind?: PlaceKind;
  address?: string | null;
  point?: { lng: number; lat: number; crs: Crs };
  unitCode?: string | null;
  contactName?: string | null;
  contactPhone?: string | null;
}

export interface ParsedTable {
  map: ColumnMap;
  rows: ParsedRow[];
  errors: RowError[];
}

/** Reads every data row below the header; rows whose known columns are all empty are skipped. */
export function parseRows(rows: Cell[][]): ParsedTable {
  return readRows(rows, SPEC, HEADING_TO_FIELD, (c) => {
    const { cell, column, fail, has, text } = c;
    const r: ParsedRow = { row: c.row };

    const name = text('name', MAX_NAME);
    if (name === null) fail('name', 'missing_value', `“${column('name')}”为空 / The name is empty`);
    else if (name !== undefined) r.name = name;

    const code = cellText(cell('credit_code'));
    if (!code) {
      if (has('credit_code')) r.creditCode = null;
    } else {
      const c = checkCreditCode(code);
      if (c.ok) r.creditCode = c.code;
      else fail('credit_code', 'invalid_credit_code', `“${code}”：${c.message}`);
    }

    const kindText = cellText(cell('kind'));
    if (!kindText) fail('kind', 'missing_value', `“${column('kind')}”为空 / The kind is empty`);
    else {
      const k = parseKind(cell('kind'));
      if (k) r.kind = k;
      else
        fail(
          'kind',
          'unknown_kind',
          `“${kindText}”不是已知的场所类型（如 三合一场所、出租房、建筑工地、加油加气站）/ Not a kind of place: use a code such as three_in_one or its Chinese name`,
        );
    }

    const address = text('address', MAX_ADDRESS);
    if (address !== undefined && has('address')) r.address = address;
    const contactName = text('contact_name', MAX_CONTACT_NAME);
    if (contactName !== undefined && has('contact_name')) r.contactName = contactName;

    const unit = cellText(cell('unit')).normalize('NFKC');
    if (!unit) r.unitCode = null;
    else if (/^[0-9A-Za-z-]{1,32}$/.test(unit)) r.unitCode = unit;
    else fail('unit', 'unknown_unit', `“${unit}”不是单位编码 / Not a unit code`);

    const phone = normalizePhone(cellText(cell('contact_phone')));
    if (!phone) {
      if (has('contact_phone')) r.contactPhone = null;
    } else if (PHONE_RE.test(phone)) r.contactPhone = phone;
    else
      fail(
        'contact_phone',
        'invalid_phone',
        '联系电话应为一个电话号码（数字、“-”、空格，可带“+”）/ Not one phone number (digits, - and spaces, a leading +)',
      );

    const point = readPoint(c, 'place', true);
    if (point) r.point = point;
    return r;
  });
}
