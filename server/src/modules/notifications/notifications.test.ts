// The notifications module without a database: the policy (whose notifications, which feed entries),
// SSE ids, error codes kept from channels, the channel registry, and the hub's stream handling (the first
// message, heartbeats, a client that cannot keep up, the end of a stream's lifetime) over a stub database
// that holds no feed rows.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '../../db/index.js';
import { recordingLogger } from '../../jobs/testing.js';
import { type Actor, ANONYMOUS, type Role, SYSTEM } from '../access/actor.js';
import { ChannelError, ChannelRegistry, errorCodeOf, LogChannel } from './channels.js';
import { comparePos, FeedHub, formatEventId, parseEventId, type StreamSink } from './feed.js';
import { feedFilterOf, notificationPolicy } from './policy.js';
import { countyCodeOf } from './service.js';

const town1 = { id: 2, code: 'T1', name: '甲', level: 'town', path: '/C1/T1/' };
const dept = { id: 9, code: 'D1', name: '市场监管局', unitPath: '/C1/' };

const user = (roles: Role[], scope: { unit?: typeof town1; department?: typeof dept } = {}, id = 100) =>
  ({
    kind: 'user',
    id,
    username: 'u',
    displayName: 'u',
    roles,
    scope: { unit: scope.unit ?? null, department: scope.department ?? null },
  }) as Extract<Actor, { kind: 'user' }>;

const apiKey: Actor = {
  kind: 'api_key',
  id: 7,
  name: 'bridge',
  roles: ['dispatcher'],
  scope: { unit: town1, department: null },
};

describe('policy', () => {
  it('an inbox for logged-in accounts only; one notification for its own account only', () => {
    expect(notificationPolicy.useInbox(user(['resident']))).toBe(true);
    expect(notificationPolicy.useInbox(user(['town_staff'], { unit: town1 }))).toBe(true);
    for (const a of [ANONYMOUS, apiKey, SYSTEM]) expect(notificationPolicy.useInbox(a)).toBe(false);
    expect(notificationPolicy.readOne(user(['resident'], {}, 5), { accountId: 5 })).toBe(true);
    expect(notificationPolicy.readOne(user(['admin'], { unit: town1 }, 5), { accountId: 6 })).toBe(false);
    expect(notificationPolicy.readOne(SYSTEM, { accountId: 0 })).toBe(false);
  });

  it('feed entries: the unit subtree, or the department addressed; never for residents', () => {
    const inT1 = { unitPath: '/C1/T1/V1/', departmentIds: [] };
    const inT2 = { unitPath: '/C1/T2/', departmentIds: [] };
    const toD1 = { unitPath: '/C1/T2/', departmentIds: [3, 9] };
    const staff = user(['town_staff'], { unit: town1 });
    const depStaff = user(['department_staff'], { department: dept });
    const resident = user(['resident']);
    expect([inT1, inT2, toD1].map((e) => notificationPolicy.viewFeedEntry(staff, e))).toEqual([
      true,
      false,
      false,
    ]);
    // a department's staff see what is addressed to the department, not its whole territory
    expect([inT1, inT2, toD1].map((e) => notificationPolicy.viewFeedEntry(depStaff, e))).toEqual([
      false,
      false,
      true,
    ]);
    expect([inT1, inT2, toD1].map((e) => notificationPolicy.viewFeedEntry(resident, e))).toEqual([
      false,
      false,
      false,
    ]);
    expect(notificationPolicy.viewFeedEntry(ANONYMOUS, inT1)).toBe(false);
    expect(feedFilterOf(staff)).toEqual({ unitPrefix: '/C1/T1/', departmentId: null });
    expect(feedFilterOf(depStaff)).toEqual({ unitPrefix: null, departmentId: 9 });
    expect(feedFilterOf(resident)).toBeNull();
    expect(feedFilterOf(user(['town_staff']))).toBeNull(); // staff without a scope see nothing
  });
});

describe('SSE ids and county codes', () => {
  it('parses what it formats, and refuses anything else', () => {
    const p = { tx: '18446744073709551615', id: 9_007_199_254_740_991 };
    expect(parseEventId(formatEventId(p))).toEqual(p);
    expect(parseEventId(' 12.34 ')).toEqual({ tx: '12', id: 34 });
    for (const bad of [
      undefined,
      '',
      'x',
      '1',
      '1.',
      '.1',
      '-1.2',
      '1.2.3',
      '18446744073709551616.1',
      '1.99999999999999999',
    ])
      expect(parseEventId(bad)).toBeUndefined();
  });

  it('orders by transaction, then id, with transactions beyond 2^53', () => {
    expect(comparePos({ tx: '9007199254740993', id: 1 }, { tx: '9007199254740992', id: 5 })).toBeGreaterThan(
      0,
    );
    expect(comparePos({ tx: '10', id: 1 }, { tx: '9', id: 5 })).toBeGreaterThan(0);
    expect(comparePos({ tx: '10', id: 1 }, { tx: '10', id: 5 })).toBeLessThan(0);
    expect(comparePos({ tx: '10', id: 5 }, { tx: '10', id: 5 })).toBe(0);
  });

  it('takes the county from the unit path’s second code', () => {
    expect(countyCodeOf('/3303/330304/330304001/')).toBe('330304');
    expect(countyCodeOf('/3303/')).toBeNull();
  });
});

describe('channels', () => {
  it('keeps codes, not messages', () => {
    expect(errorCodeOf(new ChannelError('rejected'))).toBe('rejected');
    expect(errorCodeOf(new TypeError('fetch failed for 13912345678'))).toBe('TypeError');
    expect(errorCodeOf(new ChannelError('13912345678 unreachable'))).toBe('error');
    expect(errorCodeOf('a string')).toBe('string');
    expect(new ChannelError('no_phone', { permanent: true }).permanent).toBe(true);
  });

  it('registers each name once, well-formed', () => {
    const r = new ChannelRegistry();
    r.register({ name: 'sms', send: async () => {} });
    expect(() => r.register({ name: 'sms', send: async () => {} })).toThrow(/already registered/);
    expect(() => r.register({ name: 'SMS gateway', send: async () => {} })).toThrow(/invalid channel name/);
    expect(r.names()).toEqual(['sms']);
  });

  it('the log channel writes the account id and the kind only', async () => {
    const log = recordingLogger();
    await new LogChannel(() => log).send({
      outboxId: 3,
      notificationId: 2,
      accountId: 1,
      kind: 'events.assigned',
      title: { zh: '事件 1 已派遣给 张三', en: 'x' },
      link: '/events/1',
    });
    expect(log.lines).toEqual([
      {
        level: 'info',
        channel: 'log',
        outbox: 3,
        account: 1,
        kind: 'events.assigned',
        msg: 'notification sent',
      },
    ]);
  });
});

describe('the hub’s streams (no feed rows)', () => {
  const emptyDb = { kind: 'pglite', query: async () => [] } as unknown as Db;
  const hubs: FeedHub[] = [];
  const hub = (o: Partial<ConstructorParameters<typeof FeedHub>[1]> = {}) => {
    const h = new FeedHub(emptyDb, {
      pollMs: 10,
      heartbeatMs: 20,
      maxStreamMs: 60_000,
      batch: 100,
      maxCatchUp: 1000,
      maxEarly: 10,
      logger: () => recordingLogger(),
      ...o,
    });
    hubs.push(h);
    return h;
  };
  const sink = (accept = () => true) => {
    const s = { text: '', ended: 0 } as { text: string; ended: number } & StreamSink;
    s.write = (t: string) => {
      s.text += t;
      return accept();
    };
    s.end = () => {
      s.ended++;
    };
    return s;
  };
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(cond()).toBe(true);
  };
  afterEach(async () => {
    for (const h of hubs.splice(0)) await h.closeAll();
    vi.useRealTimers();
  });

  it('starts with ready (carrying the resume point), then heartbeats; ending is idempotent', async () => {
    const h = hub();
    const s = sink();
    const close = h.open(user(['town_staff'], { unit: town1 }), undefined, s);
    await until(() => s.text.includes(': heartbeat'));
    expect(s.text.startsWith('id: 0.0\nevent: ready\ndata: {}\n\n')).toBe(true);
    expect(h.size).toBe(1);
    close();
    close();
    expect(s.ended).toBe(1);
    expect(h.size).toBe(0);
  });

  it('a client ahead of this process keeps its place', async () => {
    const h = hub();
    const s = sink();
    h.open(user(['resident']), '77.5', s);
    await until(() => s.text.includes('ready'));
    expect(s.text).toContain('id: 77.5\nevent: ready');
  });

  it('ends a stream whose client does not keep up', async () => {
    const h = hub();
    const s = sink(() => false);
    h.open(user(['resident']), undefined, s);
    await until(() => s.ended === 1);
    expect(h.size).toBe(0);
  });

  it('ends a stream after its lifetime, and closeAll ends the rest', async () => {
    const h = hub({ maxStreamMs: 50 });
    const short = sink();
    h.open(user(['resident'], {}, 1), undefined, short);
    await until(() => short.ended === 1);
    const h2 = hub();
    const a = sink();
    const b = sink();
    h2.open(user(['resident'], {}, 1), undefined, a);
    h2.open(user(['resident'], {}, 2), undefined, b);
    expect(h2.countFor(1)).toBe(1);
    await h2.closeAll();
    expect([a.ended, b.ended, h2.size]).toEqual([1, 1, 0]);
  });
});
