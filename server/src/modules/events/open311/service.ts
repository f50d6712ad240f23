// Open311 GeoReport v2 over the events module: how categories become services, a POSTed service
// request becomes an event, and an event becomes a public service request. The rules:
// - services are the active categories below the groups that have no active sub-categories;
//   service_code = category code, `group` = the parent's name, attributes = the category's questions.
// - service_request_id = the event's tracking number. status: closed when the event is resolved,
//   closed, rejected or merged (the spec: "closed: it has been resolved"; a reopened event is open again).
// - POST needs an API key (api_key field or query parameter, or an Authorization: Bearer header) and a
//   point: lat/long in WGS84. There is no geocoder, so address_string or address_id alone is refused
//   with 400; address_string with a point is kept as the event's address. email is accepted and not
//   kept (the platform has no e-mail channel); first_name/last_name/phone become "reported on behalf
//   of". media_url is never fetched (no requests to addresses a client names): it is kept as a line of
//   the description. A missing description becomes the service's name (events need one).
// - GET requests: the last 90 days by default, a range of at most 90 days (end_date included), at most
//   1,000, newest first; no personal data, locations coarsened by the events module. Times are
//   ISO 8601 in +08:00. Names and notices in Chinese, or English with locale=en (an extension).
import type { Clock } from '../../../clock.js';
import { type Actor, ANONYMOUS } from '../../access/actor.js';
import type { AccessService } from '../../access/service.js';
import type { CategoryDto } from '../categories/schema.js';
import type { CategoriesService } from '../categories/service.js';
import { type CreatedEvent, type CreateEventBody, MAX_DESCRIPTION } from '../schema.js';
import type { EventsService, PublicEvent } from '../service.js';
import { Open311Errors as E } from './errors.js';
import {
  type Attribute,
  type CreatedRequest,
  type Datatype,
  type Discovery,
  type Locale,
  MAX_REQUESTS,
  type PostBody,
  parseW3cDateTime,
  type RequestsQuery,
  type ServiceDefinition,
  type ServiceItem,
  type ServiceRequest,
  SPECIFICATION,
  WINDOW_DAYS,
  WINDOW_MS,
} from './schema.js';

/** What this endpoint needs of the events service. */
export type Open311Events = Pick<EventsService, 'create' | 'publicSearch' | 'publicGet'>;

export interface Open311Deps {
  events: Open311Events;
  categories: Pick<CategoriesService, 'list'>;
  access: Pick<AccessService, 'authenticate'>;
  clock: Clock;
  /** discovery's `contact` and `key_service` (human-readable; defaults below). */
  contact?: string;
  keyService?: string;
}

const DEFAULT_CONTACT =
  '安网（基层平安治理平台）Open311 接口，由区社会治理中心维护。Open311 GeoReport v2 endpoint of Anwang, ' +
  "run by the district's social-governance center.";
const DEFAULT_KEY_SERVICE =
  'API 密钥由区系统管理员在“管理 → API 密钥”中签发，创建服务请求时必须提供。API keys are issued by the ' +
  "district's administrators; one is required to create service requests.";

const DATATYPE: Record<CategoryDto['questions'][number]['type'], Datatype> = {
  text: 'text',
  number: 'number',
  date: 'datetime',
  single_choice: 'singlevaluelist',
  multi_choice: 'multivaluelist',
};

const HOUR = 3600 * 1000;
const BEIJING_OFFSET = 8 * HOUR; // Asia/Shanghai: UTC+8 all year

/** ISO 8601 (the W3C subset) in Beijing time: 2026-11-23T09:05:00+08:00. */
export function w3c(d: Date): string {
  return `${new Date(d.getTime() + BEIJING_OFFSET).toISOString().slice(0, 19)}+08:00`;
}
const localMinute = (d: Date) => w3c(d).slice(0, 16).replace('T', ' ');

/** A service: an active category below a group, with no active sub-categories. */
interface Service {
  category: CategoryDto;
  parent: CategoryDto | null;
}

type Answer = CreateEventBody['answers'][string];

export class Open311Service {
  constructor(private readonly deps: Open311Deps) {}

  // ---- services

  async discovery(baseUrl: string): Promise<Discovery> {
    const tree = await this.tree();
    // changeset moves whenever a service or its definition changes: the newest category version
    const changeset = w3c(new Date(Math.max(0, ...tree.map((c) => Date.parse(c.createdAt)))));
    return {
      changeset,
      contact: this.deps.contact ?? DEFAULT_CONTACT,
      key_service: this.deps.keyService ?? DEFAULT_KEY_SERVICE,
      endpoints: [
        {
          specification: SPECIFICATION,
          url: baseUrl,
          changeset,
          type: 'production',
          formats: ['application/json', 'text/xml'],
        },
      ],
    };
  }

  async services(locale: Locale): Promise<ServiceItem[]> {
    return (await this.serviceList()).map(({ category: c, parent }) => ({
      service_code: c.code,
      service_name: c.name[locale],
      description: c.description?.[locale] ?? c.name[locale],
      metadata: c.questions.length > 0,
      type: 'realtime',
      keywords: c.keywords.join(', '),
      group: (parent ?? c).name[locale],
    }));
  }

  async definition(code: string, locale: Locale): Promise<ServiceDefinition> {
    const { category } = await this.service(code);
    return { service_code: category.code, attributes: attributesOf(category, locale) };
  }

  // ---- POST requests

  /** The API key's actor: `key` (sent as api_key), else a key the request's Authorization header named. */
  async apiKeyActor(key: string | undefined, fromHeader: Actor): Promise<Actor> {
    if (key === undefined) {
      if (fromHeader.kind === 'api_key') return fromHeader;
      return E.apiKeyMissing.raise('api_key is required to create a service request');
    }
    const actor = await this.deps.access.authenticate({ authorization: `Bearer ${key}` });
    if (actor.kind !== 'api_key') E.apiKeyInvalid.raise('Invalid api_key received: unknown or revoked');
    return actor;
  }

  async create(
    actor: Actor,
    body: PostBody,
    ctx: { ip?: string; idempotencyKey?: string },
  ): Promise<CreatedRequest[]> {
    const { category } = await this.service(body.service_code);
    const locale = body.locale;
    const problems: string[] = [];

    let location: CreateEventBody['location'];
    if (body.lat !== undefined && body.long !== undefined) {
      location = { lat: body.lat, lng: body.long, crs: 'wgs84' };
    } else if (body.lat !== undefined || body.long !== undefined) {
      problems.push('lat and long must be sent together');
    } else if (body.address_string !== undefined || body.address_id !== undefined) {
      problems.push(
        'This server has no geocoder: address_string and address_id cannot be located. Send lat and long (WGS84).',
      );
    } else {
      problems.push('A location is required: lat and long (WGS84)');
    }

    const { answers, problems: attributeProblems } = readAttributes(category, body.attribute, locale);
    problems.push(...attributeProblems);

    let description = body.description?.trim() || category.name[locale];
    if (body.media_url !== undefined) {
      if (isHttpUrl(body.media_url))
        description += `\n${locale === 'zh' ? '附件链接' : 'Media'}: ${body.media_url}`;
      else problems.push('media_url must be an http or https URL');
    }
    if (description.length > MAX_DESCRIPTION) {
      problems.push(
        `description is too long: at most ${MAX_DESCRIPTION.toLocaleString('en')} characters here` +
          (body.media_url ? ' (media_url included)' : ''),
      );
    }

    const onBehalfOf = reporterOf(body, problems);
    if (problems.length > 0) E.invalidRequest.raise(problems.join('; '), { errors: problems });

    const created = await this.deps.events.create(
      actor,
      {
        categoryCode: category.code,
        description,
        ...(location ? { location } : {}),
        ...(body.address_string ? { address: body.address_string } : {}),
        answers,
        mediaIds: [],
        anonymous: false,
        ...(onBehalfOf ? { onBehalfOf } : {}),
      },
      {
        source: 'open311',
        ...(ctx.ip ? { address: ctx.ip } : {}),
        ...(ctx.idempotencyKey ? { idempotencyKey: ctx.idempotencyKey } : {}),
      },
    );
    const ev = created.event;
    return [
      {
        service_request_id: ev.trackingNo,
        service_notice: createdNotice(ev, category, locale),
        account_id: null,
      },
    ];
  }

  // ---- GET requests

  async search(q: RequestsQuery, origin: string): Promise<ServiceRequest[]> {
    const limit = MAX_REQUESTS;
    let events: PublicEvent[];
    if (q.service_request_id) {
      // "This overrides all other arguments."
      events = await this.deps.events.publicSearch({ trackingNos: q.service_request_id, limit });
    } else {
      const { from, to } = this.window(q.start_date, q.end_date);
      const statuses = new Set(q.status ?? []);
      const open = statuses.size === 1 ? statuses.has('open') : undefined;
      events = await this.deps.events.publicSearch({
        ...(q.service_code ? { categoryCodes: q.service_code } : {}),
        from,
        // end_date is "the latest datetime to include"; publicSearch's `to` excludes itself
        to: new Date(to.getTime() + 1),
        ...(open === undefined ? {} : { open }),
        limit,
      });
    }
    return events.slice(0, limit).map((e) => toServiceRequest(e, q.locale, origin));
  }

  async get(id: string, locale: Locale, origin: string): Promise<ServiceRequest[]> {
    const ev = await this.deps.events.publicGet(id);
    if (!ev) return E.requestNotFound.raise(`service_request_id ${id} was not found`);
    return [toServiceRequest(ev, locale, origin)];
  }

  /** The requested_datetime range: 90 days by default, never more. */
  private window(start: Date | undefined, end: Date | undefined): { from: Date; to: Date } {
    if (start && end) {
      if (start > end) E.invalidRequest.raise('start_date is after end_date');
      if (end.getTime() - start.getTime() > WINDOW_MS)
        E.invalidRequest.raise(`start_date and end_date may not span more than ${WINDOW_DAYS} days`);
      return { from: start, to: end };
    }
    if (start) return { from: start, to: new Date(start.getTime() + WINDOW_MS) };
    if (end) return { from: new Date(end.getTime() - WINDOW_MS), to: end };
    const now = this.deps.clock.now();
    return { from: new Date(now.getTime() - WINDOW_MS), to: now };
  }

  // ---- the category tree

  private async tree(): Promise<CategoryDto[]> {
    const all: CategoryDto[] = [];
    for (let page = 1; ; page++) {
      const p = await this.deps.categories.list(ANONYMOUS, { includeInactive: false, page, pageSize: 200 });
      all.push(...p.items);
      if (p.items.length === 0 || all.length >= p.total) return all;
    }
  }

  private async serviceList(): Promise<Service[]> {
    const tree = await this.tree();
    const byCode = new Map(tree.map((c) => [c.code, c]));
    const parents = new Set(tree.map((c) => c.parentCode));
    // groups (top level) take no reports, even while they have no categories under them
    return tree
      .filter((c) => c.parentCode !== null && !parents.has(c.code))
      .map((c) => ({ category: c, parent: c.parentCode ? (byCode.get(c.parentCode) ?? null) : null }));
  }

  private async service(code: string): Promise<Service> {
    const found = (await this.serviceList()).find((s) => s.category.code === code);
    return found ?? E.serviceNotFound.raise(`service_code ${code} was not found`);
  }
}

function attributesOf(c: CategoryDto, locale: Locale): Attribute[] {
  return [...c.questions]
    .sort((a, b) => a.order - b.order)
    .map((q) => ({
      variable: true,
      code: q.code,
      datatype: DATATYPE[q.type],
      required: q.required,
      datatype_description: q.help?.[locale] ?? null,
      order: q.order,
      description: q.label[locale],
      values: (q.values ?? []).map((v) => ({ key: v.code, name: v.label[locale] })),
    }));
}

/** attribute[code] values read against the category's questions: typed answers, or what is wrong. */
export function readAttributes(
  c: CategoryDto,
  given: PostBody['attribute'],
  locale: Locale,
): { answers: Record<string, Answer>; problems: string[] } {
  const answers: Record<string, Answer> = {};
  const problems: string[] = [];
  const questions = new Map(c.questions.map((q) => [q.code, q]));
  for (const code of Object.keys(given)) {
    if (!questions.has(code)) problems.push(`attribute[${code}] is not an attribute of ${c.code}`);
  }
  for (const q of [...c.questions].sort((a, b) => a.order - b.order)) {
    const name = `attribute[${q.code}] (${q.label[locale]})`;
    const raw = given[q.code];
    const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (list.length === 0) {
      if (q.required) problems.push(`${name} is required`);
      continue;
    }
    if (q.type !== 'multi_choice' && list.length > 1) {
      problems.push(`${name} takes one value`);
      continue;
    }
    const one = list[0]!;
    const keys = new Set((q.values ?? []).map((v) => v.code));
    switch (q.type) {
      case 'text':
        answers[q.code] = one;
        break;
      case 'number': {
        if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(one)) problems.push(`${name} must be a number`);
        else answers[q.code] = Number(one);
        break;
      }
      case 'date': {
        const day = /^\d{4}-\d{2}-\d{2}$/.test(one) ? parseW3cDateTime(`${one}T00:00:00+08:00`) : null;
        const at = day ?? parseW3cDateTime(one);
        if (!at) problems.push(`${name} must be a date (YYYY-MM-DD) or a date-time with its time zone`);
        else answers[q.code] = w3c(at).slice(0, 10);
        break;
      }
      case 'single_choice':
        if (!keys.has(one)) problems.push(`${name}: ${one} is not one of its values`);
        else answers[q.code] = one;
        break;
      case 'multi_choice': {
        const bad = list.filter((v) => !keys.has(v));
        if (bad.length > 0) problems.push(`${name}: ${bad.join(', ')} not among its values`);
        else answers[q.code] = [...new Set(list)];
        break;
      }
    }
  }
  return { answers, problems };
}

const CJK_RE = /[\u3400-\u9fff]/;

/** first_name/last_name/phone as "reported on behalf of"; email is not kept. */
function reporterOf(body: PostBody, problems: string[]): CreateEventBody['onBehalfOf'] {
  const first = body.first_name ?? '';
  const last = body.last_name ?? '';
  // Chinese names read family name first with no space; Latin ones given name first
  const name = CJK_RE.test(first + last) ? `${last}${first}` : [first, last].filter(Boolean).join(' ');
  let phone: string | undefined;
  if (body.phone !== undefined) {
    phone = body.phone.replace(/[\s().]/g, '');
    if (!/^\+?[0-9-]{5,20}$/.test(phone)) {
      problems.push('phone must hold 5 to 20 digits (with - and an optional leading +)');
      return undefined;
    }
  }
  if (!name && !phone) return undefined;
  return { name: name || '未留姓名', ...(phone ? { phone } : {}) };
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function createdNotice(ev: CreatedEvent, c: CategoryDto, locale: Locale): string {
  const { hours, workingHours } = c.deadline;
  const due = ev.dueAt ? new Date(ev.dueAt) : null;
  if (locale === 'en') {
    return (
      `Received as ${ev.trackingNo}, category "${c.name.en}": to be resolved within ${hours} ` +
      `${workingHours ? 'working ' : ''}hours${due ? `, by ${localMinute(due)} (UTC+8)` : ' of assignment'}.`
    );
  }
  return (
    `已受理，受理编号 ${ev.trackingNo}，按“${c.name.zh}”办理，时限 ${hours} 小时` +
    `${workingHours ? '（工作时间）' : ''}${due ? `，预计 ${localMinute(due)} 前办结` : '，自交办时起算'}。`
  );
}

function openNotice(ev: PublicEvent, locale: Locale): string | null {
  if (!ev.open || !ev.expectedAt) return null;
  return locale === 'en'
    ? `Expected to be resolved by ${localMinute(ev.expectedAt)} (UTC+8).`
    : `预计 ${localMinute(ev.expectedAt)} 前办结。`;
}

function toServiceRequest(ev: PublicEvent, locale: Locale, origin: string): ServiceRequest {
  const media = ev.mediaUrls[0];
  return {
    service_request_id: ev.trackingNo,
    status: ev.open ? 'open' : 'closed',
    status_notes: ev.statusNotes,
    service_name: ev.categoryName[locale],
    service_code: ev.categoryCode,
    description: ev.description,
    agency_responsible: ev.agency,
    service_notice: openNotice(ev, locale),
    requested_datetime: w3c(ev.requestedAt),
    updated_datetime: w3c(ev.updatedAt),
    expected_datetime: ev.expectedAt ? w3c(ev.expectedAt) : null,
    address: ev.address,
    address_id: null,
    zipcode: null,
    lat: ev.lat,
    long: ev.lng,
    media_url: media === undefined ? null : /^https?:\/\//.test(media) ? media : `${origin}${media}`,
  };
}
