// The hazard loop through the UI only, one role after another: the safety office records a covert-
// inspection finding (暗访) on a phone standing in the demo grid worker's grid, at a registered shop
// found in the place picker; the dispatcher triages it to the suggested town and department; the town
// (景山街道) confirms it, puts it on this week's list at once (汇总) and assigns it to the grid with the
// deadline the form proposes from the severity; the grid worker starts it and submits a photo of the
// rectification; the town verifies it and it is closed out (销号), every step on the timeline. Then the
// safety office blacklists the shop with a reason and takes it off the list again (the history shows
// both), and a leader opens the close-out rates. A screenshot of each face.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Browser, launchBrowser, screenshot } from './harness';
import {
  act as actOn,
  FULL_LOOP,
  jpeg,
  closeAndLogout as leave,
  logout,
  openFromQueue as open,
  settle,
  signIn,
  inState as stateOf,
  timelineKinds,
} from './hazard-steps';
import { apiAs, login } from './pages';

const PHONE = { width: 375, height: 667 };
const GRID_CODE = '330304001003001'; // 景山社区第1网格: the demo grid worker's grid

interface Setup {
  here: { lng: number; lat: number };
  place: { id: number; name: string };
}

/** Setup only, asked of the API as the grid worker: where the phone stands, and a shop of the grid not listed. */
async function setupFacts(baseUrl: string): Promise<Setup> {
  const get = await apiAs(baseUrl, 'grid_worker');
  const units = await get<{ items: { id: number; code: string; centroid: [number, number] | null }[] }>(
    `/api/v1/units?q=${GRID_CODE}&level=grid&pageSize=5`,
  );
  const grid = units.items.find((u) => u.code === GRID_CODE);
  expect(grid?.centroid).toBeTruthy();
  const places = await get<{ items: { id: number; name: string; kind: string }[] }>(
    `/api/v1/hazards/places?unit=${grid?.id}&listStatus=none&pageSize=50`,
  );
  // a place where a blocked exit makes sense (the grid has fishing vessels at its pier too)
  const place = places.items.find((p) => p.kind !== 'fishing_vessel' && p.kind !== 'port') ?? places.items[0];
  expect(place, 'a registered place in the grid').toBeTruthy();
  const [lng, lat] = grid?.centroid ?? [0, 0];
  return { here: { lng, lat }, place: { id: place?.id ?? 0, name: place?.name ?? '' } };
}

describe('hazards: covert finding → triage → confirm → consolidate → assign → rectify → verify (closed out); a place blacklisted and delisted', () => {
  const baseUrl = inject('baseUrl');
  let phoneBrowser: Browser;
  let deskBrowser: Browser;
  let phone: Page;
  let desk: Page;
  let facts: Setup;
  let trackingNo = '';
  const errors: string[] = [];
  const description = `消防通道被货物堵塞，安全出口上锁 ${Date.now().toString(36)}`;

  beforeAll(async () => {
    facts = await setupFacts(baseUrl);
    phoneBrowser = await launchBrowser();
    await phoneBrowser.context.grantPermissions(['geolocation'], { origin: baseUrl });
    await phoneBrowser.context.setGeolocation({
      longitude: facts.here.lng,
      latitude: facts.here.lat,
      accuracy: 10,
    });
    phone = await phoneBrowser.context.newPage();
    await phone.setViewportSize(PHONE);
    phone.on('pageerror', (e) => errors.push(`phone: ${String(e)}`));
    deskBrowser = await launchBrowser();
    desk = await deskBrowser.context.newPage();
    desk.on('pageerror', (e) => errors.push(`desk: ${String(e)}`));
  });
  afterAll(async () => {
    await phoneBrowser?.close();
    await deskBrowser?.close();
  });

  const openFromQueue = (user: string, tab: string) =>
    open(desk, deskBrowser.context, baseUrl, user, tab, trackingNo);
  const inState = (state: string) => stateOf(desk, state);
  const act = (action: string) => actOn(desk, action);
  const closeAndLogout = () => leave(desk);

  it('1. the safety office records a covert finding on the phone: photo, GPS, place, domain, aspect, severity', async () => {
    await login(phone, baseUrl, 'safety_office');
    await phone.waitForURL((u) => !u.pathname.startsWith('/login'));
    await phone.goto(`${baseUrl}/hazards/new`);
    await phone.getByTestId('hazard-new').waitFor();
    let taps = 0;
    const chooser = phone.waitForEvent('filechooser');
    await phone.getByTestId('photo-button').click();
    taps++;
    await (await chooser).setFiles(await jpeg('#7a5230', 'IMG_0101.jpg'));
    await phone.locator('[data-testid=report-location][data-source=gps]').waitFor({ timeout: 15_000 });
    // the place picker: search the registry by name
    await phone.getByTestId('hazard-place').click();
    taps++;
    await phone.keyboard.type(facts.place.name.slice(0, 4));
    const option = phone.locator('.ant-select-item-option', { hasText: facts.place.name }).first();
    await option.waitFor({ timeout: 15_000 });
    await option.click();
    taps++;
    await phone.locator('[data-testid=hazard-domains] button[data-code=fire]').click();
    taps++;
    await phone.locator('[data-testid=hazard-aspects] button[data-code=blocked_exits]').click();
    taps++;
    await phone.locator('[data-testid=hazard-severity] label', { hasText: '较大' }).click();
    taps++;
    await phone.getByTestId('hazard-description-input').fill(description);
    await phone.getByTestId('hazard-covert').click();
    taps++;
    await phone.locator('.report-thumb[data-status=done]').waitFor({ timeout: 30_000 });
    await screenshot(phone, 'hazards-1-phone-record-bottom');
    await phone.getByTestId('hazard-new').evaluate(() => window.scrollTo(0, 0));
    await phone
      .locator('.shell-content, main')
      .first()
      .evaluate((el) => el.scrollTo(0, 0));
    await screenshot(phone, 'hazards-1-phone-record-top');
    await phone.getByTestId('hazard-new-submit').click();
    taps++;
    const done = phone.getByTestId('hazard-recorded');
    await done.waitFor({ timeout: 30_000 });
    trackingNo = (await done.getAttribute('data-tracking-no')) ?? '';
    expect(trackingNo).toMatch(/^YH\d{8}-\d{6}$/);
    await expect(done.textContent()).resolves.toContain('景山街道');
    await screenshot(phone, 'hazards-1-phone-recorded');
    console.log(
      `hazards e2e: recorded ${trackingNo} in ${taps} taps (with the optional place, severity and covert flag)`,
    );
  });

  it('2. the dispatcher triages it from 待分流 to the suggested town and department', async () => {
    await openFromQueue('dispatcher', 'triage');
    await expect(desk.getByTestId('hazard-description').textContent()).resolves.toBe(description);
    await inState('reported');
    await act('triage');
    // pre-filled with the suggestion: the location's town, the domain's department
    await expect(desk.getByTestId('hazard-route-town').textContent()).resolves.toContain('景山街道');
    await settle(desk);
    await screenshot(desk, 'hazards-2-dispatcher-triage');
    await desk.getByTestId('hazard-form-ok').click();
    await inState('triaged');
    await expect(desk.getByTestId('hazard-route').textContent()).resolves.toContain('景山街道');
    await closeAndLogout();
  });

  it('3. the town confirms it, consolidates it at once and assigns it with the default deadline', async () => {
    await openFromQueue('town_staff', 'review');
    await inState('triaged');
    await act('confirm');
    await desk.getByTestId('hazard-form-ok').click();
    await inState('confirmed');
    await desk.getByTestId('hazard-action-consolidate').click();
    await desk.locator('.ant-popconfirm .ant-btn-primary').click();
    await inState('consolidated');
    await act('assign');
    // the deadline defaults from the fire domain's hours for a major hazard; the party is the smallest unit
    await expect(desk.locator('.hazard-deadline input').inputValue()).resolves.toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await settle(desk);
    await screenshot(desk, 'hazards-3-town-assign');
    await desk.getByTestId('hazard-form-ok').click();
    await inState('assigned');
    await expect(desk.getByTestId('hazard-assignee').textContent()).resolves.toMatch(/网格/);
    await settle(desk);
    await screenshot(desk, 'hazards-3-town-assigned');
    await closeAndLogout();
  });

  it('4. the grid worker starts it from 整改中 and submits a photo of the rectification', async () => {
    await openFromQueue('grid_worker', 'rectify');
    await inState('assigned');
    await desk.getByTestId('hazard-action-start').click();
    await inState('rectifying');
    await act('submit');
    await desk.locator('.ant-modal input[type=file]').setInputFiles(await jpeg('#3f8f4f', 'IMG_0202.jpg'));
    await desk.locator('.ant-upload-list-item-done').waitFor({ timeout: 30_000 });
    await desk.getByTestId('hazard-note').fill('货物已清走，安全出口已解锁，张贴了警示标识');
    await settle(desk);
    await screenshot(desk, 'hazards-4-grid-submit');
    await desk.getByTestId('hazard-form-ok').click();
    await inState('verifying');
    await closeAndLogout();
  });

  it('5. the town verifies it from 待验收: closed out, every step on the timeline', async () => {
    await openFromQueue('town_staff', 'verify');
    await inState('verifying');
    await act('verify_pass');
    await desk.getByTestId('hazard-form-ok').click();
    await inState('closed_out');
    expect(await timelineKinds(desk)).toEqual(FULL_LOOP);
    await expect(desk.getByTestId('hazard-no-actions').isVisible()).resolves.toBe(true);
    await settle(desk);
    await screenshot(desk, 'hazards-5-town-closed-out');
    await desk.getByTestId('hazard-timeline').scrollIntoViewIfNeeded();
    await screenshot(desk, 'hazards-5-town-timeline');
    await closeAndLogout();
  });

  it('6. the safety office blacklists the shop with a reason and takes it off the list again', async () => {
    await signIn(desk, deskBrowser.context, baseUrl, 'safety_office');
    await desk.goto(`${baseUrl}/places/${facts.place.id}`);
    const detail = desk.getByTestId('place-detail');
    await detail.waitFor({ timeout: 30_000 });
    // its hazards: the one just closed out
    await desk.locator('[data-testid=place-hazards]', { hasText: trackingNo }).waitFor({ timeout: 30_000 });
    await desk.getByTestId('place-list-black').click();
    await desk.getByTestId('place-list-reason').fill('暗访发现安全出口上锁、消防通道堵塞，列入黑名单');
    await desk.getByTestId('place-list-submit').click();
    await desk.locator('[data-testid=place-detail][data-list-status=black]').waitFor({ timeout: 30_000 });
    await settle(desk);
    await screenshot(desk, 'hazards-6-place-blacklisted');
    await desk.getByTestId('place-list-none').click();
    await desk.getByTestId('place-list-reason').fill('整改到位并复查合格，移出黑名单');
    await desk.getByTestId('place-list-submit').click();
    await desk.locator('[data-testid=place-detail][data-list-status=none]').waitFor({ timeout: 30_000 });
    const history = await desk.getByTestId('place-history').textContent();
    expect(history).toContain('列入黑名单');
    expect(history).toContain('移出黑名单');
    await settle(desk);
    await screenshot(desk, 'hazards-6-place-delisted');
    await desk.locator('.ant-drawer-close').click();
    await desk.getByTestId('place-detail').waitFor({ state: 'detached' });
    await desk.getByTestId('places-table').waitFor();
    await screenshot(desk, 'hazards-6-places-list');
    await logout(desk);
  });

  it('7. a leader sees the close-out rates by domain and by town', async () => {
    await signIn(desk, deskBrowser.context, baseUrl, 'leader');
    await desk.goto(`${baseUrl}/hazards/metrics`);
    await desk.getByTestId('hazard-metrics').waitFor();
    await desk
      .locator('[data-testid=metrics-by-domain] canvas, [data-testid=hazard-metrics] .ant-empty')
      .first()
      .waitFor({ timeout: 30_000 });
    await settle(desk);
    await screenshot(desk, 'hazards-7-leader-metrics');
    await logout(desk);
    expect(errors).toEqual([]);
  });
});
