// 安网随手拍 on a phone screen (375×667): a grid worker files a typical report in a few taps; a report made
// offline waits on the device and is sent exactly once when the network is back (also when the server's
// answer is lost on the way); a resident without an account follows a report, rates it 1 (which reopens
// it) and, after the next answer, says it is still not fixed; a resident with an account lands on reporting.
// Dispatcher and handler steps go through the HTTP API with the demo accounts.
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Browser, launchBrowser, screenshot } from './harness';
import { login, sessionCookie } from './pages';

const PHONE = { width: 375, height: 667 };
const MICRO_GRID_CODE = '330304001003001001'; // the grid worker's own micro-grid (景山社区第1网格第1微网格)

interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}
type Call = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => Promise<Answer<T>>;

/** A demo account's session for API calls from the test itself (dispatcher and handler steps). */
async function session(baseUrl: string, username: string): Promise<Call> {
  const cookie = await sessionCookie(baseUrl, username);
  return async <T>(method: string, path: string, body?: unknown) => {
    const r = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, headers: r.headers, body: (text ? JSON.parse(text) : undefined) as T };
  };
}

interface Ev {
  id: number;
  trackingNo: string;
  state: string;
  version: number;
  rating: number | null;
  reopenCount: number;
  description: string;
  media: unknown[];
  place: { id: number; code: string; level: string }[];
}

/** Moves an event with the given sessions and returns it as it then is. */
async function step(call: Call, ev: Ev, body: Record<string, unknown>): Promise<Ev> {
  const r = await call<Ev>('POST', `/events/${ev.id}/transitions`, { version: ev.version, ...body });
  expect(r.status, `${String(body.action)}: ${JSON.stringify(r.body)}`).toBe(200);
  return r.body;
}

/** Degrees as EXIF rationals: "d/1 m/1 s/10000". */
function dms(v: number): string {
  const d = Math.floor(v);
  const m = Math.floor((v - d) * 60);
  const sec = Math.round(((v - d) * 60 - m) * 60 * 10_000);
  return `${d}/1 ${m}/1 ${sec}/10000`;
}

/** A small JPEG made here; with `gps` it carries that place in its EXIF, as a phone's photo does. */
async function photo(color: string, gps?: { lng: number; lat: number }) {
  let img = sharp({ create: { width: 800, height: 600, channels: 3, background: color } });
  if (gps) {
    img = img.withExif({
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: dms(gps.lat),
        GPSLongitudeRef: 'E',
        GPSLongitude: dms(gps.lng),
      },
    });
  }
  return { name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: await img.jpeg({ quality: 80 }).toBuffer() };
}

describe('随手拍: reporting from a phone', () => {
  const baseUrl = inject('baseUrl');
  let browser: Browser;
  let page: Page;
  let dispatcher: Call;
  let handler: Call;
  let here = { lng: 0, lat: 0 };
  const errors: string[] = [];
  const stamp = Date.now().toString(36);

  /** Taps and typed fields, counted only here: the product counts nothing of the kind. */
  const count = { taps: 0, fields: 0 };
  const tap = async (l: Locator) => {
    count.taps++;
    await l.click();
  };
  const type = async (l: Locator, text: string) => {
    count.fields++;
    await l.fill(text);
  };

  async function choosePhoto(
    trigger: Locator,
    color: string,
    counted = true,
    gps?: { lng: number; lat: number },
  ) {
    const chooser = page.waitForEvent('filechooser');
    if (counted) await tap(trigger);
    else await trigger.click();
    await (await chooser).setFiles(await photo(color, gps));
  }

  async function waitForGps() {
    await page.locator('[data-testid=report-location][data-source=gps]').waitFor({ timeout: 15_000 });
  }

  async function suggested(code: string) {
    await page.locator(`[data-testid=report-category] .report-chip.selected[data-code="${code}"]`).waitFor();
  }

  async function eventsMatching(text: string): Promise<Ev[]> {
    const r = await dispatcher<{ items: Ev[] }>('GET', `/events?q=${encodeURIComponent(text)}&pageSize=50`);
    expect(r.status).toBe(200);
    return r.body.items;
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    dispatcher = await session(baseUrl, 'dispatcher');
    handler = await session(baseUrl, 'grid_worker');

    // stand inside the grid worker's micro-grid: its centroid, checked with locate
    const units = await handler<{ items: { centroid: [number, number] }[] }>(
      'GET',
      `/units?q=${MICRO_GRID_CODE}`,
    );
    const [lng, lat] = units.body.items[0]?.centroid ?? [0, 0];
    const located = await handler<{ unit: { code: string } }>('GET', `/units/locate?lng=${lng}&lat=${lat}`);
    expect(located.body.unit.code).toBe(MICRO_GRID_CODE);
    here = { lng, lat };
    await browser.context.grantPermissions(['geolocation'], { origin: baseUrl });
    await browser.context.setGeolocation({ longitude: lng, latitude: lat, accuracy: 12 });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lets a grid worker file a typical report in at most 5 taps', async () => {
    await login(page, baseUrl, 'grid_worker');
    await page.waitForURL(/\/units\//);
    await page.setViewportSize(PHONE);

    const started = Date.now();
    await page.goto(`${baseUrl}/report`); // opening the page is not a tap
    await page.getByTestId('report-form').waitFor();
    await choosePhoto(page.getByTestId('photo-button'), '#7a9a5c');
    await waitForGps();
    await type(page.getByTestId('report-description'), `小区门口垃圾堆积，好几天没人清理 ${stamp}-a`);
    await suggested('city.garbage');
    await page.locator('.report-thumb[data-status=done]').waitFor();
    await screenshot(page, 'report-grid-worker-form');
    await tap(page.getByTestId('report-submit'));
    await page.getByTestId('report-done').waitFor();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`taps=${count.taps} fields=${count.fields} seconds=${seconds}`);
    expect(count.taps).toBeLessThanOrEqual(5);
    expect(count.fields).toBe(1);

    const no = (await page.getByTestId('tracking-no').first().textContent())?.trim() ?? '';
    expect(no).toMatch(/^\d{8}-\d{6}$/);
    await expect(page.getByTestId('done-place').textContent()).resolves.toContain('第1微网格');
    // the number is copyable
    await page.getByTestId('copy-tracking').click();
    await page.locator('.ant-message').getByText('已复制').waitFor();
    await screenshot(page, 'report-grid-worker-done');

    const [ev, ...more] = await eventsMatching(no);
    expect(more).toEqual([]);
    const stored = (await dispatcher<Ev & { source: string }>('GET', `/events/${ev?.id}`)).body;
    expect(stored.media).toHaveLength(1);
    expect(stored.place.at(-1)?.code).toBe(MICRO_GRID_CODE);
    expect(stored.source).toBe('staff');
  });

  it('keeps a report made offline, shows it waiting, and sends it exactly once when back online', async () => {
    await page.getByTestId('done-again').click();
    await browser.context.setOffline(true);
    const description = `垃圾桶满溢没人清理 离线 ${stamp}-b`;
    await choosePhoto(page.getByTestId('photo-button'), '#5c7a9a', false);
    await page.locator('.report-thumb[data-status=waiting]').waitFor(); // the upload could not go
    await page.getByTestId('report-description').fill(description);
    await suggested('city.garbage'); // guessed on the device from the cached category tree
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-waiting').waitFor();
    await expect(page.getByTestId('outbox-waiting').textContent()).resolves.toContain('等待发送（1）');
    await screenshot(page, 'report-offline-waiting');

    // the photo waits on the device as a Blob, with the report and its key
    const kept = await page.evaluate(
      () =>
        new Promise<{ key: string; blobBytes: number }[]>((resolve, reject) => {
          const open = indexedDB.open('anwang-report');
          open.onsuccess = () => {
            const req = open.result.transaction('outbox').objectStore('outbox').getAll();
            req.onsuccess = () =>
              resolve(
                (req.result as { key: string; files: { blob: Blob }[] }[]).map((e) => ({
                  key: e.key,
                  blobBytes: e.files[0]?.blob.size ?? 0,
                })),
              );
            req.onerror = () => reject(req.error);
          };
          open.onerror = () => reject(open.error);
        }),
    );
    expect(kept).toHaveLength(1);
    expect(kept[0]?.blobBytes).toBeGreaterThan(1000);
    expect(await eventsMatching(description)).toEqual([]);

    await page.getByTestId('tab-mine').click();
    await page.getByTestId('outbox-entry').filter({ hasText: description }).waitFor();
    await screenshot(page, 'report-offline-mine');

    await browser.context.setOffline(false);
    await page
      .locator('.ant-message')
      .getByText(/已送达/)
      .waitFor({ timeout: 30_000 });
    await page.getByTestId('outbox-waiting').waitFor({ state: 'detached' });
    const sent = await eventsMatching(description);
    expect(sent).toHaveLength(1);
    expect((await dispatcher<Ev>('GET', `/events/${sent[0]?.id}`)).body.media).toHaveLength(1);
    await page.getByTestId('report-item').filter({ hasText: description }).waitFor();
    await page.getByTestId('tab-report').click();
    await page.getByTestId('done-again').click();
  });

  it('files once when the answer is lost on the way and the report is sent again with the same key', async () => {
    const description = `垃圾没人清理 应答丢失 ${stamp}-c`;
    const keys: string[] = [];
    const answers: string[] = [];
    let lost = false;
    await page.route('**/api/v1/events', async (route) => {
      const req = route.request();
      if (req.method() !== 'POST') return route.fallback();
      keys.push((await req.allHeaders())['idempotency-key'] ?? '');
      if (lost) return route.fallback();
      lost = true;
      const res = await route.fetch(); // the server files it …
      answers.push(`${res.status()}`);
      await route.abort('connectionreset'); // … and the phone never hears back
    });
    page.on('response', (res) => {
      if (res.url().endsWith('/api/v1/events') && res.request().method() === 'POST') {
        answers.push(`${res.status()} replayed=${res.headers()['idempotent-replayed'] ?? 'no'}`);
      }
    });
    await page.getByTestId('report-form').waitFor();
    await waitForGps();
    await page.getByTestId('report-description').fill(description);
    await suggested('city.garbage');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-waiting').waitFor();
    expect(await eventsMatching(description)).toHaveLength(1); // it is there already

    // the retry goes by itself after a pause, with the same key, and hears the first answer again
    await expect.poll(() => answers.length, { timeout: 30_000 }).toBe(2);
    await page.getByTestId('outbox-waiting').waitFor({ state: 'detached' });
    await page
      .getByTestId('waiting-state')
      .getByText(/已送达/)
      .waitFor();
    await page.unroute('**/api/v1/events');
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(answers).toEqual(['201', '201 replayed=true']); // the first answer, replayed
    expect(await eventsMatching(description)).toHaveLength(1);
    await page.getByTestId('done-again').click();
  });

  it('lets a resident without an account follow a report, rate it 1 (reopened), then say "not fixed"', async () => {
    await browser.context.clearCookies(); // nobody is logged in now
    await page.goto(`${baseUrl}/report`);
    await page.getByTestId('report-login').waitFor();
    const description = `我家楼下垃圾堆了一个星期没人清理 ${stamp}-d`;
    await choosePhoto(page.getByTestId('photo-button'), '#9a7a5c', false);
    await waitForGps();
    await page.getByTestId('report-description').fill(description);
    await suggested('city.garbage');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-done').waitFor();
    const no = (await page.getByTestId('tracking-no').first().textContent())?.trim() ?? '';
    const followed = await page.evaluate(() =>
      JSON.parse(localStorage.getItem('anwang.report.followed') ?? '[]'),
    );
    expect(followed[0]).toMatchObject({ trackingNo: no });
    expect(followed[0].token.length).toBeGreaterThan(16);
    await screenshot(page, 'report-resident-done');

    // the social-governance center accepts and assigns it to the grid; the grid worker resolves it
    const [found] = await eventsMatching(no);
    expect(found).toBeDefined();
    let ev = found as Ev;
    const grid = ev.place.find((u) => u.level === 'grid');
    expect(grid).toBeDefined();
    const resolveOnce = async (note: string) => {
      if (ev.state === 'submitted') ev = await step(dispatcher, ev, { action: 'accept' });
      ev = await step(dispatcher, ev, { action: 'assign', assignee: { kind: 'unit', id: grid?.id } });
      ev = await step(handler, ev, { action: 'start' });
      ev = await step(handler, ev, { action: 'resolve', note });
    };
    await resolveOnce('垃圾已清运，现场已打扫');

    await page.getByTestId('done-view').click();
    const detail = page.locator('[data-testid=report-detail][data-state=resolved]');
    await detail.waitFor();
    await expect(page.getByTestId('report-result').textContent()).resolves.toContain('垃圾已清运');
    const steps = await page.locator('.report-step').allTextContents();
    for (const s of ['提交上报', '受理', '交办', '开始处理', '办结']) expect(steps.join('|')).toContain(s);
    // the photo shows without an account: its url carries a read grant (no fallback picture)
    await page.waitForFunction(
      () => {
        const img = document.querySelector<HTMLImageElement>('.report-detail-photos img');
        return (
          !!img &&
          img.complete &&
          img.naturalWidth > 0 &&
          /\/api\/v1\/media\/\d+\/thumbnail\?exp=\d+&sig=/.test(img.src)
        );
      },
      undefined,
      { timeout: 15_000 },
    );
    await screenshot(page, 'report-resident-resolved');

    // one star: not satisfied, so it goes back to be handled
    await page.getByTestId('report-rate').locator('.ant-rate-star').first().click();
    await page.getByText('评分低于 3 星').waitFor();
    await page.getByTestId('rate-comment').fill('还是有一堆垃圾');
    await page.getByTestId('rate-submit').click();
    await page.locator('[data-testid=report-detail][data-state=reopened]').waitFor();
    let now = (await dispatcher<Ev>('GET', `/events/${ev.id}`)).body;
    expect(now.state).toBe('reopened');
    expect(now.rating).toBe(1);
    expect(now.reopenCount).toBe(1);
    ev = now;

    // answered again; still not fixed
    await resolveOnce('已再次清理，并加派保洁');
    await page.reload();
    await detail.waitFor();
    await page.getByTestId('not-fixed').click();
    await page.getByTestId('reopen-reason').fill('今天去看还是没清理');
    await page.getByTestId('reopen-submit').click();
    await page.locator('[data-testid=report-detail][data-state=reopened]').waitFor();
    now = (await dispatcher<Ev>('GET', `/events/${ev.id}`)).body;
    expect(now.state).toBe('reopened');
    expect(now.reopenCount).toBe(2);
    await page.locator('.report-step', { hasText: '今天去看还是没清理' }).waitFor();
    await screenshot(page, 'report-resident-reopened');

    // the device's list shows it without an account
    await page.getByTestId('tab-mine').click();
    await page.locator(`[data-testid=report-item][data-tracking="${no}"]`).getByText('重新办理').waitFor();
    await screenshot(page, 'report-resident-mine');
  });

  it('lands a resident with an account on reporting, where they may report anonymously', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await login(page, baseUrl, 'resident');
    await page.waitForURL(/\/report$/);
    await page.setViewportSize(PHONE);
    const description = `小区垃圾桶满了没人清理 匿名 ${stamp}-e`;
    await waitForGps();
    await page.getByTestId('report-description').fill(description);
    await suggested('city.garbage');
    await page.getByTestId('report-anonymous').click();
    await page.locator('[data-testid=report-anonymous].ant-switch-checked').waitFor();
    await page.waitForTimeout(300); // the switch's animation, for the screenshot
    await screenshot(page, 'report-resident-account');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-done').waitFor();
    const [ev] = await eventsMatching(description);
    expect(ev).toMatchObject({ description });
    const seen = await dispatcher<{ anonymous: boolean; reporter: unknown }>('GET', `/events/${ev?.id}`);
    expect(seen.body.anonymous).toBe(true);

    await page.getByTestId('tab-mine').click();
    await page.getByTestId('report-item').filter({ hasText: description }).waitFor();

    await page.getByTestId('lang-switch').click();
    await page.getByTestId('tab-mine').getByText('My reports').waitFor();
    await screenshot(page, 'report-resident-english');
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('tab-mine').getByText('我的上报').waitFor();
  });

  it('without location permission, takes the place from a map pin, or from the EXIF of a photo', async () => {
    await browser.context.clearPermissions(); // the reporter said no to sharing the location
    await page.goto(`${baseUrl}/report`);
    await page.locator('[data-testid=report-location][data-source=none]').waitFor();
    await expect(page.getByTestId('location-text').textContent()).resolves.toMatch(
      /未获得定位权限|暂时无法定位/,
    );

    // no place at all: the submit says so instead of sending
    const pinned = `小区门口垃圾没人清理 地图选点 ${stamp}-f`;
    await page.getByTestId('report-description').fill(pinned);
    await suggested('city.garbage');
    await page.getByTestId('report-submit').click();
    await page.getByText('还不知道位置').waitFor();
    await screenshot(page, 'report-no-location');

    // a pin on the map
    await page.getByTestId('location-pin').click();
    const map = page.getByTestId('pin-map');
    await map.locator('canvas').waitFor();
    await page.waitForTimeout(500);
    const box = await map.boundingBox();
    expect(box).not.toBeNull();
    await page.mouse.click((box?.x ?? 0) + (box?.width ?? 0) / 2, (box?.y ?? 0) + (box?.height ?? 0) / 2);
    await page.locator('.maplibregl-marker').first().waitFor();
    await screenshot(page, 'report-pin-map');
    await page.getByTestId('pin-confirm').click();
    await page.locator('[data-testid=report-location][data-source=pin]').waitFor();
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-done').waitFor();
    expect(await eventsMatching(pinned)).toHaveLength(1);
    await page.getByTestId('done-again').click();

    // a photo that knows where it was taken
    const fromPhoto = `小区门口垃圾没人清理 照片定位 ${stamp}-g`;
    await choosePhoto(page.getByTestId('photo-button'), '#7a5c9a', false, here);
    await page.locator('[data-testid=report-location][data-source=photo]').waitFor();
    await page.getByTestId('report-description').fill(fromPhoto);
    await suggested('city.garbage');
    await screenshot(page, 'report-photo-location');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-done').waitFor();
    await expect(page.getByTestId('done-place').textContent()).resolves.toContain('第1微网格');
    const [ev] = await eventsMatching(fromPhoto);
    const stored = (
      await dispatcher<Ev & { location: { lng: number; lat: number } }>('GET', `/events/${ev?.id}`)
    ).body;
    expect(stored.location.lng).toBeCloseTo(here.lng, 4);
    expect(stored.location.lat).toBeCloseTo(here.lat, 4);
    await browser.context.grantPermissions(['geolocation'], { origin: baseUrl });
  });

  it('is an installable app: manifest, icons and a service worker for /report', async () => {
    const manifest = (await (await fetch(`${baseUrl}/manifest.webmanifest`)).json()) as {
      name: string;
      start_url: string;
      display: string;
      icons: { src: string; sizes: string }[];
    };
    expect(manifest).toMatchObject({ name: '安网随手拍', start_url: '/report', display: 'standalone' });
    for (const icon of manifest.icons) expect((await fetch(`${baseUrl}${icon.src}`)).status).toBe(200);
    await page.goto(`${baseUrl}/report`);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(`${baseUrl}/report`);
    // the shell opens without network
    await page.reload(); // controlled by the worker from here
    await browser.context.setOffline(true);
    await page.reload();
    await page.getByTestId('report-form').waitFor();
    await browser.context.setOffline(false);
  });

  it('raised no uncaught errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
