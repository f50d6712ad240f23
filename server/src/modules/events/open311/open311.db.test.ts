// Open311 GeoReport v2 over HTTP against a real database: every endpoint in JSON and XML checked
// against the spec's published field lists (exact keys, in order), form-encoded and JSON POSTs,
// attributes, the api_key, bad input answered in the spec's error format with nothing stored, the
// filters and the 90-day window of GET requests (with the manual clock), the 1,000 cap, escaping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/context.js';
import type { App } from '../../../http/types.js';
import { SYSTEM } from '../../access/actor.js';
import { buildActor } from '../../units/test-factories.js';
import { type CreateCategoryInput, createBody } from '../categories/schema.js';
import { type EventsDistrict, insertEventsDistrict } from '../testing.js';
import { open311Routes } from './routes.js';
import {
  ATTRIBUTE_FIELDS,
  CREATED_FIELDS,
  DEFINITION_FIELDS,
  DISCOVERY_FIELDS,
  ENDPOINT_FIELDS,
  ERROR_FIELDS,
  REQUEST_FIELDS,
  SERVICE_FIELDS,
  VALUE_FIELDS,
} from './schema.js';
import { child, childNames, parseXml, textsOf } from './xml-testing.js';

const DAY = 24 * 3600 * 1000;
const W3C_BEIJING = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;
const CODE = 'fire.open311_test';

const TEST_CATEGORY: CreateCategoryInput = {
  code: CODE,
  parentCode: 'fire',
  name: { zh: '测试<类别> & “引号”', en: 'Test <category> & "quotes"' },
  description: { zh: '用于 Open311 测试', en: 'For the Open311 tests' },
  handledBy: { level: 'grid' },
  deadline: { hours: 24, workingHours: false },
  questions: [
    {
      code: 'floor',
      label: { zh: '楼层', en: 'Floor' },
      type: 'number',
      required: true,
      order: 2,
      help: { zh: '地面一层为 1', en: 'The ground floor is 1' },
    },
    {
      code: 'where',
      label: { zh: '位置', en: 'Where' },
      type: 'single_choice',
      required: true,
      order: 1,
      values: [
        { code: 'in', label: { zh: '室内', en: 'indoors' } },
        { code: 'out', label: { zh: '室外', en: 'outdoors' } },
      ],
    },
    {
      code: 'kinds',
      label: { zh: '种类', en: 'Kinds' },
      type: 'multi_choice',
      order: 3,
      values: [
        { code: 'a', label: { zh: '甲', en: 'A' } },
        { code: 'b', label: { zh: '乙', en: 'B' } },
        { code: 'c', label: { zh: '丙', en: 'C' } },
      ],
    },
    { code: 'since', label: { zh: '发现日期', en: 'Seen since' }, type: 'date', order: 4 },
    { code: 'note', label: { zh: '补充', en: 'Note' }, type: 'text', order: 5 },
  ],
  keywords: ['测试', 'open311'],
};

let ctx: TestContext;
let app: App;
let d: EventsDistrict;
let key: string;

/** The app with the Open311 routes (registered here until app.ts registers them itself). */
async function open311App(c: TestContext): Promise<App> {
  const a = await c.app();
  if (!a.hasRoute({ method: 'GET', url: '/open311/v2/services.json' })) {
    await open311Routes(a, {
      events: c.services.events,
      categories: c.services.categories,
      access: c.services.access,
      clock: c.clock,
    });
  }
  return a;
}

beforeAll(async () => {
  ctx = await createTestContext();
  ctx.clock.set('2026-11-02T02:00:00Z'); // Monday 10:00 in Beijing
  d = await insertEventsDistrict(ctx);
  await ctx.services.categories.create(SYSTEM, createBody.parse(TEST_CATEGORY));
  key = (await ctx.services.access.createApiKey(SYSTEM, { name: 'open311 client', scopeUnitCode: '330304' }))
    .key;
  app = await open311App(ctx);
});
afterAll(async () => {
  await ctx?.close();
});

type Res = Awaited<ReturnType<App['inject']>>;
const get = (url: string) => app.inject({ method: 'GET', url: `/open311/v2${url}` });
const postForm = (format: 'json' | 'xml', fields: [string, string][], headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: `/open311/v2/requests.${format}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
const postJson = (body: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers, payload: body as object });

const point = () => d.point(0, 0);
/** A valid form: the API key, the service, a point in the district, the required attributes. */
const form = (extra: [string, string][] = [], o: { key?: boolean } = {}): [string, string][] => [
  ...(o.key === false ? [] : [['api_key', key] as [string, string]]),
  ['service_code', CODE],
  ['lat', String(point().lat)],
  ['long', String(point().lng)],
  ['description', '楼道里有电动车在充电'],
  ['attribute[where]', 'in'],
  ['attribute[floor]', '3'],
  ...extra,
];

const count = async () => (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM event'))[0]!.n;

function expectJson(res: Res, status = 200) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  return res.json();
}
function expectXml(res: Res, root: string, status = 200) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  const doc = parseXml(res.body);
  expect(doc.encoding).toBe('utf-8');
  expect(doc.root.name).toBe(root);
  return doc.root;
}
/** The spec's error document, in the format the URL asked for; returns the descriptions. */
function expectErrors(res: Res, status: number, format: 'json' | 'xml' = 'json'): string[] {
  if (format === 'json') {
    const body = expectJson(res, status) as Record<string, unknown>[];
    expect(Array.isArray(body) && body.length > 0).toBe(true);
    for (const e of body) {
      expect(Object.keys(e)).toEqual([...ERROR_FIELDS]);
      expect(e.code).toBe(status);
    }
    return body.map((e) => String(e.description));
  }
  const root = expectXml(res, 'errors', status);
  expect(root.children.length).toBeGreaterThan(0);
  return root.children.map((e) => {
    expect(e.name).toBe('error');
    expect(childNames(e)).toEqual([...ERROR_FIELDS]);
    expect(textsOf(e).code).toBe(String(status));
    return textsOf(e).description!;
  });
}

async function created(res: Res): Promise<string> {
  const body = expectJson(res);
  expect(body).toHaveLength(1);
  expect(Object.keys(body[0])).toEqual([...CREATED_FIELDS]);
  return body[0].service_request_id;
}

describe('discovery', () => {
  it('names the endpoint, its formats and a changeset, in JSON and XML', async () => {
    const json = expectJson(await get('/discovery.json'));
    expect(Object.keys(json)).toEqual([...DISCOVERY_FIELDS]);
    expect(json.changeset).toMatch(W3C_BEIJING);
    expect(json.endpoints).toHaveLength(1);
    expect(Object.keys(json.endpoints[0])).toEqual([...ENDPOINT_FIELDS]);
    expect(json.endpoints[0]).toEqual({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: 'http://localhost:80/open311/v2',
      changeset: json.changeset,
      type: 'production',
      formats: ['application/json', 'text/xml'],
    });
    expect(json.key_service).toMatch(/API/);

    const root = expectXml(await get('/discovery.xml'), 'discovery');
    expect(childNames(root)).toEqual([...DISCOVERY_FIELDS]);
    const endpoint = child(root, 'endpoints').children[0]!;
    expect(endpoint.name).toBe('endpoint');
    expect(childNames(endpoint)).toEqual([...ENDPOINT_FIELDS]);
    expect(child(endpoint, 'formats').children.map((f) => [f.name, f.text])).toEqual([
      ['format', 'application/json'],
      ['format', 'text/xml'],
    ]);
    expect(child(root, 'changeset').text).toBe(json.changeset);
  });

  it('answers the host the client used', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/open311/v2/discovery.json',
      headers: { host: 'open311.example.gov.cn' },
    });
    expect(res.json().endpoints[0].url).toBe('http://open311.example.gov.cn/open311/v2');
  });
});

describe('services', () => {
  it('lists the categories that take reports (not the groups), with the published fields', async () => {
    const json = expectJson(await get('/services.json')) as Record<string, unknown>[];
    const tree = (
      await ctx.services.categories.list(SYSTEM, { includeInactive: false, page: 1, pageSize: 200 })
    ).items;
    const parents = new Set(tree.map((c) => c.parentCode));
    const leaves = tree.filter((c) => c.parentCode !== null && !parents.has(c.code)).map((c) => c.code);
    expect(json.map((s) => s.service_code).sort()).toEqual([...leaves].sort());
    expect(json.some((s) => s.service_code === 'fire')).toBe(false);
    for (const s of json) {
      expect(Object.keys(s)).toEqual([...SERVICE_FIELDS]);
      expect(s.type).toBe('realtime');
      expect(typeof s.metadata).toBe('boolean');
    }
    const mine = json.find((s) => s.service_code === CODE);
    expect(mine).toEqual({
      service_code: CODE,
      service_name: '测试<类别> & “引号”',
      description: '用于 Open311 测试',
      metadata: true,
      type: 'realtime',
      keywords: '测试, open311',
      group: '消防隐患',
    });
    const en = expectJson(await get('/services.json?locale=en')) as Record<string, unknown>[];
    expect(en.find((s) => s.service_code === CODE)).toMatchObject({
      service_name: 'Test <category> & "quotes"',
      group: 'Fire hazards',
    });

    const root = expectXml(await get('/services.xml'), 'services');
    expect(root.children).toHaveLength(json.length);
    for (const s of root.children) {
      expect(s.name).toBe('service');
      expect(childNames(s)).toEqual([...SERVICE_FIELDS]);
    }
    const x = root.children.map(textsOf).find((s) => s.service_code === CODE);
    expect(x).toEqual({ ...mine, metadata: 'true' });
  });

  it('defines a service: its questions as attributes, in order, with values for the lists', async () => {
    const json = expectJson(await get(`/services/${CODE}.json`));
    expect(Object.keys(json)).toEqual([...DEFINITION_FIELDS]);
    expect(json.service_code).toBe(CODE);
    for (const a of json.attributes) expect(Object.keys(a)).toEqual([...ATTRIBUTE_FIELDS]);
    expect(json.attributes).toEqual([
      {
        variable: true,
        code: 'where',
        datatype: 'singlevaluelist',
        required: true,
        datatype_description: null,
        order: 1,
        description: '位置',
        values: [
          { key: 'in', name: '室内' },
          { key: 'out', name: '室外' },
        ],
      },
      {
        variable: true,
        code: 'floor',
        datatype: 'number',
        required: true,
        datatype_description: '地面一层为 1',
        order: 2,
        description: '楼层',
        values: [],
      },
      expect.objectContaining({ code: 'kinds', datatype: 'multivaluelist', required: false, order: 3 }),
      expect.objectContaining({ code: 'since', datatype: 'datetime', order: 4, values: [] }),
      expect.objectContaining({ code: 'note', datatype: 'text', order: 5 }),
    ]);
    expect(json.attributes[2].values.map((v: { key: string }) => v.key)).toEqual(['a', 'b', 'c']);
    const en = expectJson(await get(`/services/${CODE}.json?locale=en`));
    expect(en.attributes[0]).toMatchObject({
      description: 'Where',
      values: [{ key: 'in', name: 'indoors' }, {}],
    });

    const root = expectXml(await get(`/services/${CODE}.xml`), 'service_definition');
    expect(childNames(root)).toEqual([...DEFINITION_FIELDS]);
    const attrs = child(root, 'attributes').children;
    expect(attrs.map((a) => a.name)).toEqual(Array(5).fill('attribute'));
    for (const a of attrs) expect(childNames(a)).toEqual([...ATTRIBUTE_FIELDS]);
    expect(textsOf(attrs[0]!)).toMatchObject({
      variable: 'true',
      code: 'where',
      required: 'true',
      order: '1',
    });
    const values = child(attrs[0]!, 'values').children;
    expect(values.map((v) => [v.name, childNames(v)])).toEqual([
      ['value', [...VALUE_FIELDS]],
      ['value', [...VALUE_FIELDS]],
    ]);
    expect(child(attrs[1]!, 'values').children).toEqual([]);
  });

  it('answers 404 for an unknown code, a group, or no format', async () => {
    expect(expectErrors(await get('/services/nope.json'), 404)[0]).toMatch(/service_code nope was not found/);
    expectErrors(await get('/services/fire.xml'), 404, 'xml');
    expectErrors(await get('/services/fire.csv'), 404, 'xml');
    expectErrors(await get('/services.csv'), 404, 'xml');
    expectErrors(await get('/nothing/here.json'), 404);
  });

  it('is public and readable from any web page; the OpenAPI document lists the routes', async () => {
    const res = await get('/services.json');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/open311/v2/requests.json', '/open311/v2/services/{file}']),
    );
  });
});

describe('POST requests', () => {
  it('creates an event from a form-encoded request, and answers the id and a notice', async () => {
    const before = await count();
    const res = await postForm(
      'json',
      form([
        ['attribute[kinds][]', 'a'],
        ['attribute[kinds][]', 'c'],
        ['attribute[since]', '2026-10-30'],
        ['attribute[note]', '多 行\n说明'],
        ['first_name', '三'],
        ['last_name', '张'],
        ['phone', '138 0000 1234'],
        ['email', 'zhang.san@example.com'],
        ['address_string', '景山街道 1 号楼'],
        ['device_id', 'abc'],
        ['jurisdiction_id', 'ouhai.gov.cn'],
      ]),
    );
    const id = await created(res);
    expect(res.json()[0]).toMatchObject({ account_id: null });
    expect(res.json()[0].service_notice).toContain(id);
    expect(res.json()[0].service_notice).toMatch(/时限 24 小时/);
    expect(await count()).toBe(before + 1);

    const pub = (await ctx.services.events.publicGet(id))!;
    const ev = await ctx.services.events.get(SYSTEM, pub.id);
    expect(ev).toMatchObject({
      source: 'open311',
      anonymous: false,
      description: '楼道里有电动车在充电',
      address: '景山街道 1 号楼',
      category: { code: CODE },
      answers: { where: 'in', floor: 3, kinds: ['a', 'c'], since: '2026-10-30', note: '多 行\n说明' },
      reporter: { name: '张三', phone: '13800001234' },
    });
    expect(ev.location.lat).toBeCloseTo(point().lat, 9);
    // the e-mail address is not kept anywhere
    const rows = await ctx.db.query('SELECT * FROM event WHERE id = $1', [pub.id]);
    expect(JSON.stringify(rows)).not.toContain('zhang.san');
  });

  it('accepts JSON, answers XML, takes the key from the query string or a Bearer header', async () => {
    const body = {
      service_code: CODE,
      lat: point().lat,
      long: point().lng,
      attribute: { where: 'out', floor: 1, kinds: ['b'] },
      first_name: 'John',
      last_name: 'Smith',
      locale: 'en',
    };
    const res = await app.inject({
      method: 'POST',
      url: `/open311/v2/requests.json?api_key=${key}`,
      payload: body,
    });
    const id = await created(res);
    expect(res.json()[0].service_notice).toMatch(/^Received as .* within 24 hours/);
    const ev = await ctx.services.events.get(SYSTEM, (await ctx.services.events.publicGet(id))!.id);
    // no description: the service's name stands in
    expect(ev).toMatchObject({
      description: 'Test <category> & "quotes"',
      answers: { where: 'out', floor: 1, kinds: ['b'] },
      reporter: { name: 'John Smith' },
    });

    const xml = await app.inject({
      method: 'POST',
      url: '/open311/v2/requests.xml',
      headers: { authorization: `Bearer ${key}` },
      payload: { ...body, 'attribute[note]': 'x' },
    });
    const root = expectXml(xml, 'service_requests');
    expect(childNames(root)).toEqual(['request']);
    const r = root.children[0]!;
    expect(childNames(r)).toEqual([...CREATED_FIELDS]);
    expect(textsOf(r).service_request_id).toMatch(/^\d{8}-\d{6}$/);
    expect(textsOf(r).account_id).toBe('');

    const formXml = expectXml(await postForm('xml', form()), 'service_requests');
    expect(childNames(formXml.children[0]!)).toEqual([...CREATED_FIELDS]);
  });

  it('keeps media_url as a line of the description, never fetching it', async () => {
    const id = await created(
      await postForm('json', form([['media_url', 'https://img.example.com/a.jpg?x=1&y=2']])),
    );
    const pub = (await ctx.services.events.publicGet(id))!;
    expect(pub.description).toBe('楼道里有电动车在充电\n附件链接: https://img.example.com/a.jpg?x=1&y=2');
    const bad = await postForm('json', form([['media_url', 'javascript:alert(1)']]));
    expect(expectErrors(bad, 400)).toEqual(['media_url must be an http or https URL']);
  });

  it('answers a retry with the same Idempotency-Key with the first id', async () => {
    const before = await count();
    const h = { 'idempotency-key': '6f1c2a7e-0000-4000-8000-000000000001' };
    const a = await created(await postForm('json', form(), h));
    const b = await created(await postForm('json', form(), h));
    expect(b).toBe(a);
    expect(await count()).toBe(before + 1);
  });

  it('refuses a missing, unknown or revoked api_key with 403, storing nothing', async () => {
    const before = await count();
    expect(expectErrors(await postForm('json', form([], { key: false })), 403)).toEqual([
      'api_key is required to create a service request',
    ]);
    expectErrors(await postForm('xml', form([], { key: false })), 403, 'xml');
    const wrong = await postForm('json', [...form([], { key: false }), ['api_key', `awk_${'x'.repeat(43)}`]]);
    expect(expectErrors(wrong, 403)[0]).toMatch(/Invalid api_key/);
    expectErrors(await postForm('json', form([], { key: false }), { authorization: 'Bearer nope' }), 403);
    const other = await ctx.services.access.createApiKey(SYSTEM, {
      name: 'revoked client',
      scopeUnitCode: '330304',
    });
    await ctx.services.access.revokeApiKey(SYSTEM, other.id);
    expectErrors(await postForm('json', [...form([], { key: false }), ['api_key', other.key]]), 403);
    // the key is checked before anything else
    expectErrors(await postForm('json', [['service_code', 'nope']]), 403);
    expect(await count()).toBe(before);
  });

  it('refuses bad input with 400 (404 for an unknown service), one error per defect, storing nothing', async () => {
    const before = await count();
    const without = (drop: string[], extra: [string, string][] = []) =>
      postForm('json', [...form().filter(([k]) => !drop.includes(k!)), ...extra]);

    expect(expectErrors(await without(['service_code'], [['service_code', 'nope']]), 404)[0]).toMatch(/nope/);
    expectErrors(await without(['service_code'], [['service_code', 'fire']]), 404);
    expect(expectErrors(await without(['service_code']), 400)).toEqual(['service_code is required']);

    // required attributes missing: one error each
    expect(expectErrors(await without(['attribute[where]', 'attribute[floor]']), 400)).toEqual([
      'attribute[where] (位置) is required',
      'attribute[floor] (楼层) is required',
    ]);
    expect(
      expectErrors(
        await without(
          ['attribute[where]', 'attribute[floor]'],
          [
            ['attribute[where]', 'up'],
            ['attribute[floor]', 'three'],
            ['attribute[kinds][]', 'z'],
            ['attribute[since]', '2026-02-30'],
            ['attribute[colour]', 'red'],
          ],
        ),
        400,
      ),
    ).toEqual([
      `attribute[colour] is not an attribute of ${CODE}`,
      'attribute[where] (位置): up is not one of its values',
      'attribute[floor] (楼层) must be a number',
      'attribute[kinds] (种类): z not among its values',
      'attribute[since] (发现日期) must be a date (YYYY-MM-DD) or a date-time with its time zone',
    ]);
    expectErrors(await without([], [['attribute[where][]', 'out']]), 400); // two values for a single choice

    // locations
    expect(expectErrors(await without(['lat']), 400)).toEqual(['lat and long must be sent together']);
    expect(expectErrors(await without(['lat', 'long']), 400)).toEqual([
      'A location is required: lat and long (WGS84)',
    ]);
    const onlyAddress = await without(['lat', 'long'], [['address_string', '景山街道 1 号']]);
    expect(expectErrors(onlyAddress, 400)[0]).toMatch(/no geocoder.*Send lat and long/);
    expect(expectErrors(await without(['lat'], [['lat', 'north']]), 400)[0]).toMatch(
      /lat must be a decimal number/,
    );
    expect(expectErrors(await without(['lat'], [['lat', '95']]), 400)[0]).toMatch(/between -90 and 90/);
    const outside = await without(
      ['lat', 'long'],
      [
        ['lat', '39.9'],
        ['long', '116.4'],
      ],
    );
    expect(expectErrors(outside, 400)[0]).toMatch(/outside the district/);

    // other fields
    expectErrors(await without(['description'], [['description', 'x'.repeat(2001)]]), 400);
    expectErrors(await without(['description'], [['description', 'x'.repeat(4001)]]), 400);
    expect(expectErrors(await without([], [['phone', 'call me']]), 400)[0]).toMatch(/^phone/);

    // malformed bodies, in the spec's format
    const broken = await app.inject({
      method: 'POST',
      url: '/open311/v2/requests.xml',
      headers: { 'content-type': 'application/json' },
      payload: '{"api_key": ',
    });
    expectErrors(broken, 400, 'xml');
    const wrongType = await postJson({ api_key: key, service_code: CODE, lat: true, long: [] });
    expect(expectErrors(wrongType, 400).length).toBeGreaterThanOrEqual(2);

    expect(await count()).toBe(before);
  });
});

describe('GET requests', () => {
  let openId: string;
  let rejectedId: string;

  beforeAll(async () => {
    ctx.clock.set('2026-11-03T02:00:00Z');
    openId = await created(
      await postForm(
        'json',
        form([
          ['description', `门口 <堆放> 杂物 & "纸箱" 'x' \u0001`],
          ['first_name', '四'],
          ['last_name', '李'],
          ['phone', '13900002222'],
        ]),
      ),
    );
    ctx.clock.advance(60_000);
    rejectedId = await created(await postForm('json', form([['description', '重复上报']])));
    const pub = (await ctx.services.events.publicGet(rejectedId))!;
    const ev = await ctx.services.events.get(SYSTEM, pub.id);
    await ctx.services.events.transition(SYSTEM, pub.id, {
      action: 'reject',
      version: ev.version,
      reason: '与前一条重复',
      mediaIds: [],
    });
    ctx.clock.advance(60_000);
  });

  it('lists requests newest first with the published fields, in JSON and XML, with no personal data', async () => {
    const json = expectJson(await get('/requests.json')) as Record<string, unknown>[];
    expect(json.length).toBeGreaterThanOrEqual(2);
    for (const r of json) {
      expect(Object.keys(r)).toEqual([...REQUEST_FIELDS]);
      expect(r.requested_datetime).toMatch(W3C_BEIJING);
      expect(r.updated_datetime).toMatch(W3C_BEIJING);
      expect(['open', 'closed']).toContain(r.status);
      // coarsened to three decimals (about 100 m)
      expect(Math.round((r.lat as number) * 1000) / 1000).toBe(r.lat);
      expect(Math.round((r.long as number) * 1000) / 1000).toBe(r.long);
    }
    const times = json.map((r) => Date.parse(String(r.requested_datetime)));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const secret of ['李四', '13900002222', '张三', '13800001234', 'zhang.san']) {
      expect(JSON.stringify(json)).not.toContain(secret);
    }

    const open = json.find((r) => r.service_request_id === openId)!;
    expect(open).toMatchObject({
      status: 'open',
      status_notes: null,
      service_name: '测试<类别> & “引号”',
      service_code: CODE,
      description: `门口 <堆放> 杂物 & "纸箱" 'x' \u0001`,
      requested_datetime: '2026-11-03T10:00:00+08:00',
      address_id: null,
      zipcode: null,
      media_url: null,
    });
    expect(open.address).toMatch(/景山街道/);
    const rejected = json.find((r) => r.service_request_id === rejectedId)!;
    expect(rejected).toMatchObject({ status: 'closed', status_notes: '与前一条重复' });

    const root = expectXml(await get('/requests.xml'), 'service_requests');
    expect(root.children).toHaveLength(json.length);
    for (const r of root.children) {
      expect(r.name).toBe('request');
      expect(childNames(r)).toEqual([...REQUEST_FIELDS]);
    }
    const x = root.children.map(textsOf).find((r) => r.service_request_id === openId)!;
    // escaped on the way out and read back intact (the control character cannot travel in XML)
    expect(x.description).toBe(`门口 <堆放> 杂物 & "纸箱" 'x' `);
    expect(x).toMatchObject({ status: 'open', lat: String(open.lat), long: String(open.long), zipcode: '' });
  });

  it('filters by id (overriding the rest), service code and status', async () => {
    const ids = (res: Res) =>
      (expectJson(res) as { service_request_id: string }[]).map((r) => r.service_request_id);
    expect(
      ids(await get(`/requests.json?service_request_id=${openId},${rejectedId},20200101-000001`)),
    ).toEqual([rejectedId, openId]);
    // the id list overrides every other filter
    expect(
      ids(await get(`/requests.json?service_request_id=${openId}&status=closed&service_code=fire.gas`)),
    ).toEqual([openId]);
    expect(ids(await get('/requests.json?status=closed'))).toEqual([rejectedId]);
    expect(ids(await get('/requests.json?status=open'))).not.toContain(rejectedId);
    expect(ids(await get('/requests.json?status=open,closed'))).toEqual(ids(await get('/requests.json')));
    expect(ids(await get('/requests.json?service_code=fire.gas,fire.wiring'))).toEqual([]);
    expect(ids(await get(`/requests.json?service_code=${CODE}`))).toContain(openId);
    // "optional" parameters sent empty are as if absent
    expect(ids(await get('/requests.json?status=&service_code=&start_date='))).toEqual(
      ids(await get('/requests.json')),
    );
  });

  it('refuses malformed filters with 400', async () => {
    for (const q of [
      'start_date=yesterday',
      'end_date=2026-11-01',
      'start_date=2026-02-30T00:00:00Z',
      'status=pending',
      'service_code=NOT%20A%20CODE',
    ]) {
      expectErrors(await get(`/requests.json?${q}`), 400);
    }
    expect(
      expectErrors(
        await get('/requests.xml?start_date=2026-11-02T00:00:00Z&end_date=2026-11-01T00:00:00Z'),
        400,
        'xml',
      ),
    ).toEqual(['start_date is after end_date']);
    expect(
      expectErrors(
        await get('/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-05-01T00:00:00Z'),
        400,
      ),
    ).toEqual(['start_date and end_date may not span more than 90 days']);
  });

  it('reads one request by id in JSON and XML; an unknown id is 404', async () => {
    const json = expectJson(await get(`/requests/${openId}.json`));
    expect(json).toHaveLength(1);
    expect(Object.keys(json[0])).toEqual([...REQUEST_FIELDS]);
    expect(json[0].service_request_id).toBe(openId);
    const root = expectXml(await get(`/requests/${rejectedId}.xml?locale=en`), 'service_requests');
    expect(textsOf(root.children[0]!)).toMatchObject({
      service_request_id: rejectedId,
      status: 'closed',
      service_name: 'Test <category> & "quotes"',
    });
    expectErrors(await get('/requests/20200101-000001.json'), 404);
    expectErrors(await get('/requests/20200101-000001.xml'), 404, 'xml');
    expectErrors(await get(`/requests/${openId}`), 404, 'xml');
    expectErrors(await get('/requests/%3Cx%3E.json'), 404);
  });

  it('reads a resolved request as closed (the spec: "closed: it has been resolved")', async () => {
    const id = await created(await postForm('json', form()));
    const pub = (await ctx.services.events.publicGet(id))!;
    let ev = await ctx.services.events.get(SYSTEM, pub.id);
    ev = await ctx.services.events.transition(SYSTEM, pub.id, {
      action: 'accept',
      version: ev.version,
      mediaIds: [],
    });
    ev = await ctx.services.events.transition(SYSTEM, pub.id, {
      action: 'assign',
      version: ev.version,
      assignee: { kind: 'unit', id: ev.route!.id },
      mediaIds: [],
    });
    const assigned = expectJson(await get(`/requests/${id}.json`))[0];
    expect(assigned.status).toBe('open');
    expect(assigned.expected_datetime).toMatch(W3C_BEIJING);
    expect(assigned.agency_responsible).toBe(ev.assignee!.name);
    expect(assigned.service_notice).toMatch(/^预计 .* 前办结。$/);
    const worker = buildActor(['grid_worker'], '/3303/330304/330304001/330304001001/330304001001-G1/');
    ev = await ctx.services.events.transition(worker, pub.id, {
      action: 'start',
      version: ev.version,
      mediaIds: [],
    });
    ev = await ctx.services.events.transition(worker, pub.id, {
      action: 'resolve',
      version: ev.version,
      note: '已清理',
      mediaIds: [],
    });
    expect(ev.state).toBe('resolved');
    const resolved = expectJson(await get(`/requests/${id}.json`))[0];
    expect(resolved).toMatchObject({ status: 'closed', status_notes: '已清理', service_notice: null });
    const closedIds = (
      expectJson(await get('/requests.json?status=closed')) as { service_request_id: string }[]
    ).map((r) => r.service_request_id);
    expect(closedIds).toContain(id);
  });

  it('covers the last 90 days by default, a range when asked', async () => {
    const old = (expectJson(await get('/requests.json')) as { service_request_id: string }[]).map(
      (r) => r.service_request_id,
    );
    expect(old).toContain(openId);
    ctx.clock.advance(91 * DAY);
    const fresh = await created(await postForm('json', form()));
    const now = (expectJson(await get('/requests.json')) as { service_request_id: string }[]).map(
      (r) => r.service_request_id,
    );
    expect(now).toEqual([fresh]);
    const then = (
      expectJson(await get('/requests.json?start_date=2026-11-01T00:00:00%2B08:00')) as {
        service_request_id: string;
      }[]
    ).map((r) => r.service_request_id);
    expect(then.sort()).toEqual([...old].sort());
    // an unencoded '+' arrives as a space and is still read as the offset
    const plain = await get('/requests.json?end_date=2026-11-04T00:00:00+08:00');
    expect((expectJson(plain) as unknown[]).length).toBe(old.length);
  });

  it('answers at most 1,000 requests', async () => {
    const [last] = await ctx.db.query<{ id: number }>('SELECT id FROM event ORDER BY id DESC LIMIT 1');
    const cols = (
      await ctx.db.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'event' AND is_generated = 'NEVER'
            AND column_name NOT IN ('id', 'tracking_no')`,
      )
    ).map((c) => `"${c.column_name}"`);
    await ctx.db.query(
      `INSERT INTO event (${cols.join(', ')}, tracking_no)
       SELECT ${cols.join(', ')}, tracking_no || '-' || g FROM event, generate_series(1, 1000) AS g WHERE id = $1`,
      [last!.id],
    );
    const json = expectJson(await get('/requests.json')) as unknown[];
    expect(json).toHaveLength(1000);
    const root = expectXml(await get('/requests.xml?status=open'), 'service_requests');
    expect(root.children).toHaveLength(1000);
  }, 60_000);
});
