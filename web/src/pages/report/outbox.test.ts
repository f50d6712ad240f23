import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import type { CreatedEvent, CreateEventInput } from '../../api/events';
import {
  backoffMs,
  FIRST_PAUSE_MS,
  isRetryable,
  LONGEST_PAUSE_MS,
  newEntry,
  newKey,
  nextDue,
  Outbox,
  type OutboxDeps,
  type PendingFile,
  type SendResult,
  sendEntry,
} from './outbox';
import { memoryStore } from './outboxStore';

const BODY = {
  categoryCode: 'city.garbage',
  description: '小区门口垃圾堆积',
  location: { lng: 120.65, lat: 27.98, crs: 'wgs84' as const },
};
const netDown = () => new ApiError({ status: 0, code: 'network.unreachable' });
const problem = (status: number, code = `http.${status}`) => new ApiError({ status, code, detail: 'why' });

function created(n: number): CreatedEvent {
  return {
    id: n,
    trackingNo: `20261123-${String(n).padStart(6, '0')}`,
    followToken: `tok-${n}`,
  } as CreatedEvent;
}

/** A fake server: answers each create from a script of outcomes, and remembers every call. */
function fakeServer(script: (Error | 'ok')[], uploads: (Error | 'ok')[] = []) {
  const creates: { body: CreateEventInput; key: string }[] = [];
  const uploaded: PendingFile[][] = [];
  let clock = 1_000_000;
  let nextMedia = 100;
  const deps: OutboxDeps = {
    store: memoryStore(),
    now: () => clock,
    random: () => 0.5, // no jitter
    upload: async (files) => {
      uploaded.push([...files]);
      const r = uploads.shift() ?? 'ok';
      if (r !== 'ok') throw r;
      return { items: files.map(() => ({ id: nextMedia++ })) };
    },
    create: async (body, key) => {
      creates.push({ body, key });
      const r = script.shift() ?? 'ok';
      if (r !== 'ok') throw r;
      return created(creates.length);
    },
  };
  return {
    deps,
    creates,
    uploaded,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

const file = (name: string): PendingFile => ({
  name,
  type: 'image/jpeg',
  blob: new Blob(['x'], { type: 'image/jpeg' }),
});

describe('which failures are retried', () => {
  it('retries no answer, timeouts, rate limits and server errors', () => {
    for (const e of [netDown(), problem(408), problem(429), problem(500), problem(502), problem(503)]) {
      expect(isRetryable(e), `${e.status}`).toBe(true);
    }
    expect(isRetryable(new TypeError('Failed to fetch'))).toBe(true);
  });

  it('does not retry a refusal', () => {
    for (const s of [400, 401, 403, 404, 409, 413, 415, 422])
      expect(isRetryable(problem(s)), `${s}`).toBe(false);
  });
});

describe('pauses between attempts', () => {
  it('double from 2 s and stop growing at 5 min', () => {
    const mid = () => 0.5;
    expect(backoffMs(1, mid)).toBe(FIRST_PAUSE_MS);
    expect(backoffMs(2, mid)).toBe(2 * FIRST_PAUSE_MS);
    expect(backoffMs(3, mid)).toBe(4 * FIRST_PAUSE_MS);
    expect(backoffMs(30, mid)).toBe(LONGEST_PAUSE_MS);
  });

  it('spread devices by ±20 %', () => {
    expect(backoffMs(1, () => 0)).toBe(0.8 * FIRST_PAUSE_MS);
    expect(backoffMs(1, () => 0.999999)).toBeCloseTo(1.2 * FIRST_PAUSE_MS, -1);
  });
});

describe('keys', () => {
  it('are UUIDs, different every time', () => {
    const a = newKey();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newKey()).not.toBe(a);
  });
});

describe('sending one report', () => {
  it('sends with the same key on every retry until it goes, then forgets it', async () => {
    const s = fakeServer([netDown(), problem(503), 'ok']);
    const entry = newEntry(BODY, [7], [], s.deps.now(), 'key-1');
    await s.deps.store.put(entry);

    const r1 = await sendEntry(entry, s.deps);
    expect(r1.kind).toBe('waiting');
    const [kept1] = await s.deps.store.all();
    expect(kept1?.attempts).toBe(1);
    expect(kept1?.nextAt).toBe(s.deps.now() + FIRST_PAUSE_MS);

    const r2 = await sendEntry(kept1!, s.deps);
    expect(r2.kind).toBe('waiting');
    const [kept2] = await s.deps.store.all();
    expect(kept2?.attempts).toBe(2);
    expect(kept2?.nextAt).toBe(s.deps.now() + 2 * FIRST_PAUSE_MS);

    const r3 = await sendEntry(kept2!, s.deps);
    expect(r3.kind).toBe('sent');
    expect(r3.kind === 'sent' && r3.event.trackingNo).toBe('20261123-000003');
    expect(s.creates.map((c) => c.key)).toEqual(['key-1', 'key-1', 'key-1']);
    expect(
      s.creates.every((c) => c.body.description === BODY.description && c.body.mediaIds?.[0] === 7),
    ).toBe(true);
    expect(await s.deps.store.all()).toEqual([]);
  });

  it('keeps a refused report to show, marked failed, and does not send it again', async () => {
    const s = fakeServer([problem(422, 'events.location_required')]);
    const entry = newEntry(BODY, [], [], s.deps.now(), 'key-2');
    await s.deps.store.put(entry);
    const r = await sendEntry(entry, s.deps);
    expect(r.kind).toBe('failed');
    const [kept] = await s.deps.store.all();
    expect(kept?.failed).toEqual({ status: 422, code: 'events.location_required', detail: 'why' });

    const box = new Outbox(s.deps);
    await box.flush(true);
    expect(await box.send('key-2')).toBeUndefined();
    expect(s.creates).toHaveLength(1);
  });

  it('uploads kept files first, once, and sends their ids with the report', async () => {
    const s = fakeServer([netDown(), 'ok']);
    const entry = newEntry(BODY, [5], [file('a.jpg'), file('b.jpg')], s.deps.now(), 'key-3');
    await s.deps.store.put(entry);
    const r1 = await sendEntry(entry, s.deps);
    expect(r1.kind).toBe('waiting');
    const [kept] = await s.deps.store.all();
    // the upload went: its ids are kept, its files dropped, so the retry does not upload again
    expect(kept?.files).toEqual([]);
    expect(kept?.mediaIds).toEqual([5, 100, 101]);
    await sendEntry(kept!, s.deps);
    expect(s.uploaded).toHaveLength(1);
    expect(s.creates[1]?.body.mediaIds).toEqual([5, 100, 101]);
    expect(s.creates.map((c) => c.key)).toEqual(['key-3', 'key-3']);
  });

  it('keeps the files when their upload fails for want of network, and does not file the report yet', async () => {
    const s = fakeServer([], [netDown()]);
    const entry = newEntry(BODY, [], [file('a.jpg')], s.deps.now(), 'key-4');
    await s.deps.store.put(entry);
    const r = await sendEntry(entry, s.deps);
    expect(r.kind).toBe('waiting');
    expect(s.creates).toHaveLength(0);
    const [kept] = await s.deps.store.all();
    expect(kept?.files.map((f) => f.name)).toEqual(['a.jpg']);
    expect(kept?.files[0]?.blob).toBeInstanceOf(Blob);
  });

  it('gives up on a refused upload (e.g. not a photo) without filing the report', async () => {
    const s = fakeServer([], [problem(415, 'media.unsupported_type')]);
    const entry = newEntry(BODY, [], [file('a.txt')], s.deps.now(), 'key-5');
    await s.deps.store.put(entry);
    const r = await sendEntry(entry, s.deps);
    expect(r.kind).toBe('failed');
    expect(s.creates).toHaveLength(0);
  });
});

describe('the queue', () => {
  it('sends due entries only, unless forced (back online, page opened)', async () => {
    const s = fakeServer([netDown()]);
    const box = new Outbox(s.deps);
    await box.add(newEntry(BODY, [], [], s.deps.now(), 'a'));
    await box.flush();
    expect(s.creates).toHaveLength(1);
    await box.flush(); // not due yet: the pause has not passed
    expect(s.creates).toHaveLength(1);
    expect(nextDue(await box.entries())).toBe(s.deps.now() + FIRST_PAUSE_MS);
    s.advance(FIRST_PAUSE_MS);
    await box.flush();
    expect(s.creates).toHaveLength(2);
    expect(await box.entries()).toEqual([]);
    expect(s.creates.map((c) => c.key)).toEqual(['a', 'a']);
  });

  it('stops a round at the first "no network" and leaves the rest for later', async () => {
    const s = fakeServer([netDown()]);
    const box = new Outbox(s.deps);
    await box.add(newEntry(BODY, [], [], s.deps.now(), 'a'));
    await box.add(newEntry({ ...BODY, description: 'second' }, [], [], s.deps.now() + 1, 'b'));
    await box.flush(true);
    expect(s.creates.map((c) => c.key)).toEqual(['a']);
    await box.flush(true);
    expect(s.creates.map((c) => c.key)).toEqual(['a', 'a', 'b']);
  });

  it('never sends one entry twice at once, however often it is asked', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const s = fakeServer([]);
    const create = s.deps.create;
    s.deps.create = async (body, key) => {
      await gate;
      return create(body, key);
    };
    const results: SendResult[] = [];
    const box = new Outbox(s.deps, (r) => results.push(r));
    await box.add(newEntry(BODY, [], [], s.deps.now(), 'a'));
    const first = box.send('a');
    const concurrent = [box.flush(true), box.flush(true), box.send('a')];
    release();
    await Promise.all([first, ...concurrent]);
    expect(s.creates).toHaveLength(1);
    expect(results.map((r) => r.kind)).toEqual(['sent']);
  });

  it('tells the listener about every outcome', async () => {
    const s = fakeServer([netDown(), problem(400)]);
    const seen: string[] = [];
    const box = new Outbox(s.deps, (r) => seen.push(`${r.key}:${r.kind}`));
    await box.add(newEntry(BODY, [], [], s.deps.now(), 'a'));
    await box.add(newEntry(BODY, [], [], s.deps.now() + 1, 'b'));
    await box.flush(true);
    await box.flush(true);
    expect(seen).toEqual(['a:waiting', 'a:failed', 'b:sent']);
  });
});
