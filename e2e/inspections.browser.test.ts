// Inspections and listing through the UI only, one role after another. The safety office plans a covert
// campaign (暗访) over 景山社区 with the checklists for the kinds of place the community has, draws one
// target with a seed typed in and verifies the draw; on a phone standing at the place the inspector (a
// safety-office account: the server lets only them make covert visits) checks in, fails the first item
// with a note and a photo, passes the rest with one tap and submits: the failed item is a hazard. The
// dispatcher triages it; the town (景山街道) confirms, consolidates and assigns it to the place's
// micro-grid; the community's staff start and rectify it with a photo; the town verifies it and it is
// closed out, and the campaign shows it so. Then the safety office lists the place for rectification
// (挂牌) with a reason, a deadline and the delisting criteria, records an admonition talk (约谈) from the
// listing, records its follow-up, and delists the place (摘牌) with the evidence and a photo. A leader
// opens the ranking board and a checklist. A screenshot of each face.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Browser, launchBrowser, screenshot } from './harness';
import {
  act,
  closeAndLogout,
  FULL_LOOP,
  inState,
  jpeg,
  logout,
  openFromQueue,
  settle,
  signIn,
  timelineKinds,
} from './hazard-steps';
import { apiAs } from './pages';

const PHONE = { width: 375, height: 667 };
const VILLAGE_CODE = '330304001003'; // 景山社区: the demo village staff's community
const SEED = 'e2e-暗访-2026';

interface Facts {
  /** The unit tree from the safety office's root down to the community, by name. */
  path: string[];
  /** The covert checklists for the kinds of place the community has: the draw chooses among all of them. */
  templates: { code: string; name: string }[];
}

/** Setup only, asked of the API as the safety office: the community's place in the tree and a checklist that fits it. */
async function setupFacts(baseUrl: string): Promise<Facts> {
  const get = await apiAs(baseUrl, 'safety_office');
  const units = await get<{ items: { id: number; code: string }[] }>(
    `/api/v1/units?q=${VILLAGE_CODE}&level=village&pageSize=5`,
  );
  const villageId = units.items.find((u) => u.code === VILLAGE_CODE)?.id;
  expect(villageId).toBeTruthy();
  const village = await get<{ name: string; ancestors: { name: string; level: string }[] }>(
    `/api/v1/units/${villageId}`,
  );
  const path = [...village.ancestors.filter((a) => a.level !== 'city').map((a) => a.name), village.name];
  const places = await get<{ items: { kind: string }[] }>(
    `/api/v1/hazards/places?unit=${villageId}&listStatus=none&pageSize=100`,
  );
  const kinds = new Set(places.items.map((p) => p.kind));
  const templates = await get<{
    items: { code: string; name: { zh: string }; subjectType: string; subject: string; active: boolean }[];
  }>('/api/v1/hazards/inspections/templates?kind=covert&pageSize=100');
  const usable = templates.items.filter((t) => t.active && t.subjectType === 'place' && kinds.has(t.subject));
  expect(usable.length, 'a covert checklist for a kind of place in the community').toBeGreaterThan(0);
  return { path, templates: usable.map((t) => ({ code: t.code, name: t.name.zh })) };
}

/** Picks a unit in the lazy tree of a UnitPicker by opening each level on the way down. */
async function pickUnit(page: Page, testId: string, path: string[]) {
  await page.getByTestId(testId).click();
  for (const [i, name] of path.entries()) {
    const node = page.locator('.ant-select-tree-treenode', {
      has: page.locator(`.ant-select-tree-title:text-is("${name}")`),
    });
    await node.first().waitFor({ timeout: 15_000 });
    if (i === path.length - 1) await node.first().locator('.ant-select-tree-node-content-wrapper').click();
    else await node.first().locator('.ant-select-tree-switcher').click();
  }
}

/** Types a date into an antd DatePicker and confirms it. */
async function typeDate(page: Page, testId: string, date: string) {
  const input = page.locator(`[data-testid=${testId}] input, input[data-testid=${testId}]`).first();
  await input.click();
  await input.fill(date);
  await input.press('Enter');
}

describe('inspections and listing: covert draw → phone check-in → hazard closed out; a place listed, admonished and delisted', () => {
  const baseUrl = inject('baseUrl');
  let phoneBrowser: Browser;
  let deskBrowser: Browser;
  let phone: Page;
  let desk: Page;
  let facts: Facts;
  let campaignId = 0;
  let place = { id: 0, name: '' };
  let trackingNo = '';
  let listingId = 0;
  const errors: string[] = [];
  const campaignName = `景山社区暗访 ${Date.now().toString(36)}`;

  beforeAll(async () => {
    facts = await setupFacts(baseUrl);
    phoneBrowser = await launchBrowser();
    await phoneBrowser.context.grantPermissions(['geolocation'], { origin: baseUrl });
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

  it('1. the safety office plans a covert campaign over the community, draws one target with a seed and verifies the draw', async () => {
    await signIn(desk, deskBrowser.context, baseUrl, 'safety_office');
    await desk.goto(`${baseUrl}/inspections`);
    await desk.getByTestId('campaigns-table').waitFor();
    await desk.getByTestId('campaign-new').click();
    await desk.getByTestId('campaign-form').waitFor();
    await desk.getByTestId('campaign-name').fill(campaignName);
    await pickUnit(desk, 'campaign-unit', facts.path);
    await desk.getByTestId('campaign-templates').click();
    for (const t of facts.templates)
      await desk.locator('.ant-select-item-option', { hasText: t.name }).first().click();
    await desk.keyboard.press('Escape');
    await desk
      .locator('input[data-testid=campaign-sample], [data-testid=campaign-sample] input')
      .first()
      .fill('1');
    await settle(desk);
    await screenshot(desk, 'inspections-1-office-plan');
    await desk.getByTestId('campaign-form-ok').click();
    const detail = desk.locator('[data-testid=campaign-detail][data-state=planned]');
    await detail.waitFor({ timeout: 30_000 });
    campaignId = Number(await detail.getAttribute('data-id'));
    expect(new URL(desk.url()).pathname).toBe(`/inspections/${campaignId}`);
    await desk.getByTestId('draw-seed-input').fill(SEED);
    await desk.getByTestId('campaign-draw').click();
    await desk.locator('[data-testid=campaign-detail][data-state=drawn]').waitFor({ timeout: 30_000 });
    await expect(desk.getByTestId('draw-seed').textContent()).resolves.toContain(SEED);
    await expect(desk.locator('[data-testid=campaign-target]').count()).resolves.toBe(1);
    await desk.getByTestId('campaign-verify').click();
    await desk.locator('[data-testid=draw-verified][data-matches=true]').waitFor({ timeout: 30_000 });
    await settle(desk);
    await screenshot(desk, 'inspections-1-office-drawn');
    await desk.locator('.campaign-drawer .ant-drawer-close').click();
    await desk.getByTestId('campaign-detail').waitFor({ state: 'hidden' });
    await desk.locator('[data-testid=campaigns-table] tr', { hasText: campaignName }).waitFor();
    await screenshot(desk, 'inspections-1-office-campaigns');
  });

  it('2. the inspector checks in at the place on a phone, fails an item with a note and a photo, passes the rest: a hazard', async () => {
    await signIn(phone, phoneBrowser.context, baseUrl, 'safety_office');
    // where the target is, read with the inspector's own session: the phone stands there
    const target = await phone.evaluate(async (id) => {
      const c = (await (await fetch(`/api/v1/hazards/inspections/campaigns/${id}`)).json()) as {
        targets: { placeId: number; name: string; location: { lng: number; lat: number } }[];
      };
      return c.targets[0];
    }, campaignId);
    expect(target?.location).toBeTruthy();
    place = { id: target?.placeId ?? 0, name: target?.name ?? '' };
    await phoneBrowser.context.setGeolocation({
      longitude: (target?.location.lng ?? 0) + 0.0002,
      latitude: target?.location.lat ?? 0,
      accuracy: 12,
    });
    let taps = 0;
    await phone.goto(`${baseUrl}/inspections/${campaignId}`);
    await phone.getByTestId('target-visit').click();
    taps++;
    await phone.locator('[data-testid=visit-page][data-state=pending]').waitFor({ timeout: 30_000 });
    await expect(phone.getByTestId('visit-target').textContent()).resolves.toBe(place.name);
    await phone.getByTestId('visit-distance').waitFor({ timeout: 15_000 });
    await screenshot(phone, 'inspections-2-phone-arrive');
    await phone.getByTestId('visit-check-in').click();
    taps++;
    await phone.locator('[data-testid=visit-page][data-state=checked_in]').waitFor({ timeout: 30_000 });
    const first = phone.locator('[data-testid=visit-item]').first();
    await first.locator('button[data-outcome=fail]').click();
    taps++;
    await first.getByTestId('visit-item-note').fill('安全出口上锁，疏散通道堆放货物');
    const chooser = phone.waitForEvent('filechooser');
    await first.getByTestId('photo-button').click();
    taps++;
    await (await chooser).setFiles(await jpeg('#8a3b2e', 'IMG_0301.jpg'));
    await first.locator('.report-thumb[data-status=done]').waitFor({ timeout: 30_000 });
    await phone.getByTestId('visit-pass-rest').click();
    taps++;
    const items = await phone
      .locator('[data-testid=visit-item]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')));
    expect(items[0]).toBe('fail');
    expect(items.slice(1).every((o) => o === 'pass')).toBe(true);
    await first.scrollIntoViewIfNeeded();
    await screenshot(phone, 'inspections-2-phone-checklist');
    await phone.getByTestId('visit-submit').click();
    taps++;
    const hazard = phone.locator('[data-testid=visit-hazard]:not([data-tracking-no=""])');
    await hazard.waitFor({ timeout: 30_000 });
    await expect(phone.locator('[data-testid=visit-hazard]').count()).resolves.toBe(1);
    trackingNo = (await hazard.getAttribute('data-tracking-no')) ?? '';
    expect(trackingNo).toMatch(/^YH\d{8}-\d{6}$/);
    await screenshot(phone, 'inspections-2-phone-submitted');
    console.log(
      `inspections e2e: ${items.length}-item checklist checked in and submitted in ${taps} taps (one failure with a photo)`,
    );
    await logout(phone);
  });

  it('3. the dispatcher triages the covert finding', async () => {
    expect(trackingNo, 'the hazard the visit recorded').not.toBe('');
    await openFromQueue(desk, deskBrowser.context, baseUrl, 'dispatcher', 'triage', trackingNo);
    await inState(desk, 'reported');
    await expect(desk.getByTestId('hazard-detail').textContent()).resolves.toContain('暗访');
    await act(desk, 'triage');
    await desk.getByTestId('hazard-form-ok').click();
    await inState(desk, 'triaged');
    await settle(desk);
    await screenshot(desk, 'inspections-3-dispatcher-triaged');
    await closeAndLogout(desk);
  });

  it('4. the town confirms, consolidates and assigns it to the place’s micro-grid', async () => {
    await openFromQueue(desk, deskBrowser.context, baseUrl, 'town_staff', 'review', trackingNo);
    await act(desk, 'confirm');
    await desk.getByTestId('hazard-form-ok').click();
    await inState(desk, 'confirmed');
    await desk.getByTestId('hazard-action-consolidate').click();
    await desk.locator('.ant-popconfirm .ant-btn-primary').click();
    await inState(desk, 'consolidated');
    await act(desk, 'assign');
    await desk.getByTestId('hazard-form-ok').click();
    await inState(desk, 'assigned');
    await expect(desk.getByTestId('hazard-assignee').textContent()).resolves.toMatch(/网格/);
    await settle(desk);
    await screenshot(desk, 'inspections-4-town-assigned');
    await closeAndLogout(desk);
  });

  it('5. the community’s staff start it and submit a photo of the rectification', async () => {
    await openFromQueue(desk, deskBrowser.context, baseUrl, 'village_staff', 'rectify', trackingNo);
    await desk.getByTestId('hazard-action-start').click();
    await inState(desk, 'rectifying');
    await act(desk, 'submit');
    await desk.locator('.ant-modal input[type=file]').setInputFiles(await jpeg('#3f8f4f', 'IMG_0302.jpg'));
    await desk.locator('.ant-upload-list-item-done').waitFor({ timeout: 30_000 });
    await desk.getByTestId('hazard-note').fill('安全出口已解锁，通道货物已清走');
    await desk.getByTestId('hazard-form-ok').click();
    await inState(desk, 'verifying');
    await closeAndLogout(desk);
  });

  it('6. the town verifies it: closed out, and the campaign shows its finding closed out', async () => {
    await openFromQueue(desk, deskBrowser.context, baseUrl, 'town_staff', 'verify', trackingNo);
    await act(desk, 'verify_pass');
    await desk.getByTestId('hazard-form-ok').click();
    await inState(desk, 'closed_out');
    expect(await timelineKinds(desk)).toEqual(FULL_LOOP);
    await closeAndLogout(desk);
    await signIn(desk, deskBrowser.context, baseUrl, 'safety_office');
    await desk.goto(`${baseUrl}/inspections/${campaignId}`);
    const found = desk.locator(`[data-testid=campaign-hazard][data-tracking-no="${trackingNo}"]`);
    await found.waitFor({ timeout: 30_000 });
    await found.locator('[data-state=closed_out]').waitFor();
    await expect(desk.locator('[data-testid=campaign-target][data-state=done]').count()).resolves.toBe(1);
    await settle(desk);
    await screenshot(desk, 'inspections-6-office-campaign-closed-out');
  });

  it('7. the safety office lists the place with a reason, a deadline and the delisting criteria', async () => {
    expect(place.id, 'the place inspected').toBeGreaterThan(0);
    await signIn(desk, deskBrowser.context, baseUrl, 'safety_office');
    await desk.goto(`${baseUrl}/listings`);
    await desk.getByTestId('listings-table').waitFor();
    await desk.getByTestId('listing-new').click();
    await desk.getByTestId('listing-form').waitFor();
    await desk.getByTestId('listing-subject').click();
    await desk.keyboard.type(place.name.slice(0, 4));
    await desk.locator('.ant-select-item-option', { hasText: place.name }).first().click();
    await desk.getByTestId('listing-reason').fill('暗访发现安全出口上锁、疏散通道堵塞，列为挂牌整治');
    const deadline = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await typeDate(desk, 'listing-deadline', deadline);
    await desk.getByTestId('listing-criteria').fill('疏散通道全部清空并经消防部门复查合格');
    await settle(desk);
    await screenshot(desk, 'inspections-7-office-list');
    await desk.getByTestId('listing-form-ok').click();
    const detail = desk.locator('[data-testid=listing-detail][data-state=listed]');
    await detail.waitFor({ timeout: 30_000 });
    listingId = Number(await detail.getAttribute('data-id'));
    // the place itself rectifies it unless another party is chosen
    await expect(detail.textContent()).resolves.toContain(place.name);
    await settle(desk);
    await screenshot(desk, 'inspections-7-office-listed');
  });

  it('8. an admonition talk about the listing, and its follow-up', async () => {
    await desk.getByTestId('listing-admonish').click();
    await desk.getByTestId('admonition-form').waitFor();
    await desk.getByTestId('admonition-held-by').fill('区安委办、区消防救援大队');
    await desk
      .getByTestId('admonition-commitments')
      .fill('七日内拆除出口门锁、清空通道，张贴疏散指示并报属地复查');
    await settle(desk);
    await screenshot(desk, 'inspections-8-office-admonition');
    await desk.getByTestId('admonition-form-ok').click();
    const talk = desk.getByTestId('listing-talk');
    await talk.waitFor({ timeout: 30_000 });
    await talk.click();
    await desk
      .locator('[data-testid=admonition-detail][data-follow-up=pending]')
      .waitFor({ timeout: 30_000 });
    await desk.locator('[data-testid=followup-done] input[type=radio]').first().check();
    await desk.getByTestId('followup-note-input').fill('复查：门锁已拆除，通道畅通');
    await desk.getByTestId('followup-submit').click();
    await desk.locator('[data-testid=admonition-detail][data-follow-up=done]').waitFor({ timeout: 30_000 });
    await settle(desk);
    await screenshot(desk, 'inspections-8-office-followed-up');
  });

  it('9. the safety office delists the place with the evidence and a photo', async () => {
    await desk.goto(`${baseUrl}/listings/${listingId}`);
    await desk.locator('[data-testid=listing-detail][data-state=listed]').waitFor({ timeout: 30_000 });
    await desk.getByTestId('listing-delist').click();
    await desk.getByTestId('listing-evidence').fill('属地街道与消防救援大队联合复查合格，整改报告已归档');
    const chooser = desk.waitForEvent('filechooser');
    await desk.getByTestId('listing-delist-form').getByTestId('photo-button').click();
    await (await chooser).setFiles(await jpeg('#2f6f9f', 'IMG_0303.jpg'));
    await desk
      .locator('[data-testid=listing-delist-form] .report-thumb[data-status=done]')
      .waitFor({ timeout: 30_000 });
    await settle(desk);
    await screenshot(desk, 'inspections-9-office-delist');
    await desk.getByTestId('listing-delist-submit').click();
    await desk.locator('[data-testid=listing-detail][data-state=delisted]').waitFor({ timeout: 30_000 });
    const history = await desk
      .locator('[data-testid=listing-history] [data-kind]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(history).toEqual(['list', 'delist']);
    await expect(desk.getByTestId('listing-evidence-text').textContent()).resolves.toContain('联合复查合格');
    await settle(desk);
    await screenshot(desk, 'inspections-9-office-delisted');
    await desk.locator('.listing-drawer .ant-drawer-close').click();
    await desk.locator('[data-testid=listings-filter]').getByText('已摘牌').click();
    await desk
      .locator('[data-testid=listings-table] tr', { hasText: place.name })
      .waitFor({ timeout: 30_000 });
    await screenshot(desk, 'inspections-9-office-listings');
    await logout(desk);
  });

  it('10. a leader sees the ranking board by town and by department, a checklist, and a listing in English', async () => {
    await signIn(desk, deskBrowser.context, baseUrl, 'leader');
    await desk.goto(`${baseUrl}/ranking`);
    await desk
      .locator('[data-testid=ranking-table] tbody tr.ant-table-row')
      .first()
      .waitFor({ timeout: 30_000 });
    const towns = await desk.locator('[data-testid=ranking-table] tbody tr.ant-table-row').count();
    expect(towns).toBeGreaterThan(0);
    await screenshot(desk, 'inspections-10-leader-ranking');
    await desk.getByTestId('ranking-by').getByText('按部门').click();
    await desk
      .locator('[data-testid=ranking-table] tbody tr.ant-table-row')
      .first()
      .waitFor({ timeout: 30_000 });
    await screenshot(desk, 'inspections-10-leader-ranking-departments');
    await desk.goto(`${baseUrl}/inspections/templates/${facts.templates[0]?.code}`);
    await desk.getByTestId('template-detail').waitFor({ timeout: 30_000 });
    await settle(desk);
    await screenshot(desk, 'inspections-10-leader-checklist');
    await desk.locator('.ant-drawer-close').click();
    await desk.getByTestId('template-detail').waitFor({ state: 'detached' });
    // in English: the listing the office took off, with its talk
    await desk.getByTestId('lang-switch').click();
    await desk.goto(`${baseUrl}/listings/${listingId}`);
    await desk.locator('[data-testid=listing-detail][data-state=delisted]').waitFor({ timeout: 30_000 });
    await expect(desk.getByTestId('listing-detail').getByTestId('listing-state').textContent()).resolves.toBe(
      'Delisted',
    );
    await settle(desk);
    await screenshot(desk, 'inspections-10-leader-listing-en');
    await desk.locator('.ant-drawer-close').click();
    await desk.getByTestId('listing-detail').waitFor({ state: 'hidden' });
    await desk.getByTestId('lang-switch').click();
    await logout(desk);
    expect(errors).toEqual([]);
  });
});
