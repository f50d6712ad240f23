// The Open311 pieces that need no database: the XML writer (read back by a conforming parser), the
// W3C date-time reader, the one shape of form-encoded and JSON bodies, and the HTTP status mapping.
import { describe, expect, it } from 'vitest';
import { open311Status } from './routes.js';
import { normalisePostBody, parseW3cDateTime, postBody, requestsQuery } from './schema.js';
import { w3c } from './service.js';
import { escapeXml, toXml } from './xml.js';
import { childNames, parseXml, textsOf } from './xml-testing.js';

describe('XML writer', () => {
  it('escapes markup and quotes, and the parser reads back exactly the text', () => {
    const nasty = `<script>alert("x") & 'y'</script> ]]> 一切正常\n第二行`;
    const xml = toXml('service_requests', [{ service_request_id: '1', description: nasty }]);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n')).toBe(true);
    expect(xml).not.toContain('<script>');
    const { root, encoding } = parseXml(xml);
    expect(encoding).toBe('utf-8');
    expect(root.name).toBe('service_requests');
    expect(childNames(root)).toEqual(['request']);
    expect(textsOf(root.children[0]!)).toEqual({ service_request_id: '1', description: nasty });
  });

  it('drops characters XML 1.0 cannot carry and keeps carriage returns and astral characters', () => {
    const text = `a\u0000b\u0008c\u000bd\u001fe\ud800f\uffffg\r\nh😀`;
    const { root } = parseXml(toXml('x', { t: text }));
    expect(textsOf(root).t).toBe('abcdefg\r\nh😀');
    expect(escapeXml('\u0001')).toBe('');
  });

  it('writes lists with the item names of the spec, null as an empty element, booleans and numbers', () => {
    const xml = toXml('service_definition', {
      service_code: 'a.b',
      attributes: [
        {
          variable: true,
          code: 'c',
          datatype_description: null,
          order: 1,
          values: [
            { key: 'k1', name: 'n1' },
            { key: 'k2', name: 'n2' },
          ],
        },
      ],
    });
    expect(xml).toContain('<datatype_description/>');
    const { root } = parseXml(xml);
    expect(childNames(root)).toEqual(['service_code', 'attributes']);
    const attr = root.children[1]!.children[0]!;
    expect(attr.name).toBe('attribute');
    expect(textsOf(attr)).toMatchObject({
      variable: 'true',
      code: 'c',
      datatype_description: '',
      order: '1',
    });
    const values = attr.children.find((c) => c.name === 'values')!;
    expect(childNames(values)).toEqual(['value', 'value']);
    expect(values.children.map(textsOf)).toEqual([
      { key: 'k1', name: 'n1' },
      { key: 'k2', name: 'n2' },
    ]);
    expect(toXml('errors', [])).toBe('<?xml version="1.0" encoding="utf-8"?>\n<errors></errors>\n');
  });

  it('refuses element names and lists it does not know', () => {
    expect(() => toXml('x', { 'a b': 1 })).toThrow(/element name/);
    expect(() => toXml('things', [1])).toThrow(/no item element/);
  });
});

describe('W3C date-times', () => {
  it.each([
    ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T08:00:00+08:00', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T08:00+08:00', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T08:00:00.5+0800', '2026-01-01T00:00:00.500Z'],
    ['1994-11-05T08:15:30-05:00', '1994-11-05T13:15:30.000Z'],
    // an unencoded '+' in a query string arrives as a space
    ['2026-01-01T08:00:00 08:00', '2026-01-01T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('reads %s', (input, iso) => {
    expect(parseW3cDateTime(input)?.toISOString()).toBe(iso);
  });

  it.each([
    '2026-01-01',
    '2026-01-01T00:00:00',
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:60:00Z',
    '2026-01-01T00:00:00+15:00',
    'yesterday',
    '',
  ])('refuses %j', (input) => {
    expect(parseW3cDateTime(input)).toBeNull();
  });

  it('writes Beijing time with its offset', () => {
    expect(w3c(new Date('2026-11-23T16:30:05.123Z'))).toBe('2026-11-24T00:30:05+08:00');
  });
});

describe('request bodies', () => {
  it('reads form pairs: attribute[code], attribute[code][] repeated, the last of a repeated field', () => {
    const pairs = [
      ...new URLSearchParams(
        'api_key=k&service_code=fire.x&lat=28.1&long=120.6&description=a+b%26c' +
          '&attribute[where]=in&attribute[kinds][]=x&attribute[kinds][]=y&attribute[one][]=z&phone=1&phone=2',
      ),
    ];
    expect(normalisePostBody(pairs)).toEqual({
      api_key: 'k',
      service_code: 'fire.x',
      lat: '28.1',
      long: '120.6',
      description: 'a b&c',
      phone: '2',
      attribute: { where: 'in', kinds: ['x', 'y'], one: ['z'] },
    });
  });

  it('ignores keys that would reach an object prototype', () => {
    const body = normalisePostBody(
      new URLSearchParams('__proto__=x&attribute[__proto__][]=y&attribute[__proto__]=z&service_code=a'),
    );
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(body.attribute)).toBe(Object.prototype);
    expect(postBody.parse(body).attribute).toEqual({});
  });

  it('reads JSON: an attribute object or attribute[code] keys, numbers as text', () => {
    const body = normalisePostBody(
      Object.entries({
        service_code: 'fire.x',
        lat: 28.1,
        long: 120.6,
        attribute: { count: 3, kinds: ['x', 'y'] },
        'attribute[where]': 'in',
      }),
    );
    const parsed = postBody.parse(body);
    expect(parsed).toMatchObject({
      service_code: 'fire.x',
      lat: 28.1,
      long: 120.6,
      locale: 'zh',
      attribute: { count: '3', kinds: ['x', 'y'], where: 'in' },
    });
  });

  it('treats empty fields as absent and checks coordinates', () => {
    expect(postBody.parse({ service_code: 'a', lat: '', long: ' ', email: '' })).toEqual({
      service_code: 'a',
      locale: 'zh',
      attribute: {},
    });
    expect(postBody.safeParse({ service_code: 'a', lat: '28.1.2' }).success).toBe(false);
    expect(postBody.safeParse({ service_code: 'a', lat: '91' }).success).toBe(false);
    expect(postBody.safeParse({ service_code: 'a', long: -180.5 }).success).toBe(false);
    expect(postBody.safeParse({}).error?.issues[0]?.message).toBe('service_code is required');
  });

  it('reads the list filters of GET requests', () => {
    const q = requestsQuery.parse({
      service_request_id: '20261101-000001, 20261101-000002,',
      service_code: 'fire.gas,fire.wiring',
      status: 'open,closed',
      start_date: '2026-11-01T00:00:00+08:00',
      end_date: '',
    });
    expect(q).toMatchObject({
      service_request_id: ['20261101-000001', '20261101-000002'],
      service_code: ['fire.gas', 'fire.wiring'],
      status: ['open', 'closed'],
      locale: 'zh',
    });
    expect(q.start_date?.toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(q.end_date).toBeUndefined();
    expect(requestsQuery.safeParse({ status: 'pending' }).success).toBe(false);
    expect(requestsQuery.safeParse({ start_date: '2026-11-01' }).success).toBe(false);
    const many = Array.from({ length: 1001 }, (_, i) => `20261101-${String(i).padStart(6, '0')}`).join(',');
    expect(requestsQuery.safeParse({ service_request_id: many }).success).toBe(false);
  });
});

describe('HTTP statuses', () => {
  it('maps to what the spec asks: 404 missing, 403 api_key, 400 the rest', () => {
    expect([400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503].map(open311Status)).toEqual([
      400, 403, 403, 404, 400, 413, 415, 400, 429, 500, 503,
    ]);
  });
});
