// The event loop in the staff console: a grid worker's report waits on the dispatcher's workbench,
// is accepted and assigned to the grid the category's rule suggests; the grid worker finds it in
// their queue, is told when someone else changed it first, and resolves it with a note and a photo;
// the district leader's daily view counts it.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Browser, launchBrowser, screenshot } from './harness';
import { apiSession, login } from './pages';

const GRID_CODE = '330304001003001'; // 景山社区第1网格: the demo grid worker's grid
const CATEGORY = 'fire.wiring'; // 私拉乱接电线: handled by the grid (seed-data.ts)
const DESCRIPTION = '浏览器测试：3幢楼道内私拉电线给电动车充电，存在火灾隐患';
const NOTE = '已拆除私拉电线，告知住户到小区集中充电点充电。';

interface Created {
  id: number;
  trackingNo: string;
  version: number;
  state: string;
  route: { kind: string; id: number; name: string; level: string } | null;
}

async function logout(page: Page) {
  await page.getByTestId('logout').click();
  await page.waitForURL(/\/login$/);
}

/** Finds the event in the list by its tracking number and opens it in the drawer. */
async function openFromList(page: Page, trackingNo: string) {
  await page.getByTestId('events-search').fill(trackingNo);
  await page.getByTestId('events-search').press('Enter');
  const row = page.locator('[data-testid=events-table] tbody tr.ant-table-row', { hasText: trackingNo });
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  await page.getByTestId('event-detail').waitFor({ timeout: 30_000 });
}

const drawerState = (page: Page, state: string) =>
  page
    .locator(`.event-drawer .ant-drawer-extra [data-testid=state-tag][data-state=${state}]`)
    .waitFor({ timeout: 30_000 });

describe('events: dispatch, handling, the daily view', () => {
  const baseUrl = inject('baseUrl');
  let browser: Browser;
  let page: Page;
  let event: Created;
  let duplicate: Created;
  const errors: string[] = [];

  beforeAll(async () => {
    // the demo grid worker reports from their own grid: the rule for 私拉乱接电线 routes it back to that grid
    const gridWorker = await apiSession(baseUrl, 'grid_worker');
    const grids = await gridWorker.get<{ items: { code: string; centroid: [number, number] | null }[] }>(
      `/api/v1/units?q=${GRID_CODE}&level=grid&pageSize=5`,
    );
    const grid = grids.items.find((u) => u.code === GRID_CODE);
    expect(grid?.centroid).toBeTruthy();
    const [lng, lat] = grid?.centroid ?? [0, 0];
    event = await gridWorker.post<Created>('/api/v1/events', {
      categoryCode: CATEGORY,
      description: DESCRIPTION,
      location: { lng, lat },
      address: '景山社区某小区3幢楼道',
    });
    expect(event.state).toBe('submitted');
    expect(event.route).toMatchObject({ kind: 'unit', level: 'grid', name: '第1网格' });
    // a neighbour reports the same thing a few metres away
    duplicate = await gridWorker.post<Created>('/api/v1/events', {
      categoryCode: CATEGORY,
      description: '浏览器测试：同一楼道又有人飞线充电',
      location: { lng: lng + 0.00005, lat },
    });

    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the dispatcher the new report on the workbench, in the list and on the map', async () => {
    await login(page, baseUrl, 'dispatcher');
    await page.waitForURL(/\/events$/);
    await expect(page.getByTestId('side-nav').textContent()).resolves.toMatch(/事件.*每日概览/);
    await page.locator('.events-tabs .ant-tabs-tab-active', { hasText: '待受理' }).waitFor();
    const row = page.locator('[data-testid=events-table] tbody tr.ant-table-row', {
      hasText: event.trackingNo,
    });
    await row.waitFor({ timeout: 30_000 });
    await expect(row.textContent()).resolves.toContain('私拉乱接电线');
    await expect(row.textContent()).resolves.toContain('景山社区 / 第1网格');
    await page.locator('.events-tab[data-tab=submitted]:not([data-count=""])').waitFor();
    const submitted = Number(
      await page.locator('.events-tab[data-tab=submitted]').getAttribute('data-count'),
    );
    expect(submitted).toBeGreaterThanOrEqual(1);
    const map = page.getByTestId('event-map');
    await page.locator('[data-testid=event-map][data-ready=true]').waitFor({ timeout: 30_000 });
    expect(Number(await map.getAttribute('data-point-count'))).toBeGreaterThanOrEqual(1);
    await page.waitForTimeout(500); // let the canvas paint
    await screenshot(page, 'events-workbench-dispatcher');
  });

  it('accepts the report and assigns it to the suggested grid', async () => {
    await openFromList(page, event.trackingNo);
    await expect(page.getByTestId('event-route').textContent()).resolves.toContain('第1网格');
    await expect(page.getByTestId('event-description').textContent()).resolves.toBe(DESCRIPTION);
    await expect(page.getByTestId('event-place').textContent()).resolves.toMatch(
      /景山街道 \/ 景山社区 \/ 第1网格/,
    );
    // a submitted event offers exactly what the server says: accept, reject (and merge)
    const buttons = await page.getByTestId('event-actions').locator('button').allTextContents();
    expect(buttons.map((b) => b.replace(/\s/g, ''))).toEqual(expect.arrayContaining(['受理', '不予受理']));
    expect(buttons.join()).not.toMatch(/派\s*遣/);
    await page.waitForTimeout(400); // the drawer's opening animation
    await screenshot(page, 'events-detail-submitted');

    await page.getByTestId('action-accept').click();
    await drawerState(page, 'accepted');
    await page.getByTestId('action-assign').waitFor();
    await page.getByTestId('action-assign').click();
    const modal = page.locator('.event-action-modal');
    await modal.waitFor();
    // pre-filled with the category rule's suggestion
    await expect(modal.locator('.ant-select-selection-item').textContent()).resolves.toBe('第1网格');
    await page.waitForTimeout(400);
    await screenshot(page, 'events-assign');
    await page.getByTestId('action-submit').click();
    await drawerState(page, 'assigned');
    await expect(page.getByTestId('event-assignee').textContent()).resolves.toContain('第1网格');
    await expect(page.getByTestId('event-timeline').textContent()).resolves.toMatch(/受理.*派遣.*第1网格/);
    await page.locator('.ant-drawer-close').click();
  });

  it('merges a duplicate report into it', async () => {
    await openFromList(page, duplicate.trackingNo);
    const dups = page.getByTestId('event-duplicates');
    await dups.waitFor();
    await expect(dups.textContent()).resolves.toContain(event.trackingNo);
    await expect(dups.textContent()).resolves.toMatch(/相距 \d+ m/);
    await page.waitForTimeout(300);
    await screenshot(page, 'events-duplicates');
    await page.getByTestId(`merge-into-${event.id}`).click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await drawerState(page, 'merged');
    await page.getByText(`已合并到 ${event.trackingNo}`).waitFor();
    await page.getByTestId('event-no-actions').waitFor();
    await page.locator('.ant-drawer-close').click();
    await logout(page);
  });

  it("finds it in the grid worker's queue; an action on a stale copy is refused and reloaded", async () => {
    await login(page, baseUrl, 'grid_worker');
    await page.waitForURL(/\/units/);
    await page.locator('[data-nav=events]').click();
    await page.waitForURL(/\/events$/);
    await page.locator('.events-tabs .ant-tabs-tab-active', { hasText: '待办' }).waitFor();
    await openFromList(page, event.trackingNo);
    await page.getByTestId('action-start').waitFor();
    const shown = Number(await page.getByTestId('event-detail').getAttribute('data-version'));

    // meanwhile a colleague on the same grid starts it from another desk
    const colleague = await apiSession(baseUrl, 'grid_worker');
    const started = await colleague.post<Created>(`/api/v1/events/${event.id}/transitions`, {
      action: 'start',
      version: shown,
    });
    expect(started.state).toBe('in_progress');

    await page.getByTestId('action-start').click();
    const conflict = page.getByTestId('event-conflict');
    await conflict.waitFor({ timeout: 30_000 });
    await expect(conflict.textContent()).resolves.toContain('已被他人修改');
    // reloaded: the current state and the actions that go with it
    await drawerState(page, 'in_progress');
    await page.getByTestId('action-resolve').waitFor();
    expect(await page.getByTestId('action-start').count()).toBe(0);
    expect(Number(await page.getByTestId('event-detail').getAttribute('data-version'))).toBe(started.version);
    await page.waitForTimeout(300);
    await screenshot(page, 'events-conflict');
  });

  it('resolves it with a result note and a photo', async () => {
    await page.getByTestId('action-resolve').click();
    const modal = page.locator('.event-action-modal');
    await modal.waitFor();
    // the note is required: submitting without it is stopped in the form
    await page.getByTestId('action-submit').click();
    await modal.getByText('请填写办理结果').waitFor();
    await page.getByTestId('action-note').fill(NOTE);
    const photo = await page.screenshot({ clip: { x: 0, y: 0, width: 480, height: 320 } });
    await modal
      .locator('input[type=file]')
      .setInputFiles({ name: 'result.png', mimeType: 'image/png', buffer: photo });
    await modal.locator('.ant-upload-list-item-done').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(300);
    await screenshot(page, 'events-resolve');
    await page.getByTestId('action-submit').click();
    await drawerState(page, 'resolved');
    const timeline = page.getByTestId('event-timeline');
    await expect(timeline.textContent()).resolves.toContain(NOTE);
    const thumb = timeline.locator('[data-kind=resolve] .event-thumbs img');
    await thumb.waitFor();
    await page.waitForFunction(
      () => {
        const img = document.querySelector<HTMLImageElement>('[data-kind=resolve] .event-thumbs img');
        return !!img && img.complete && img.naturalWidth > 0;
      },
      undefined,
      { timeout: 30_000 },
    );
    await page.locator('.event-drawer .ant-drawer-body').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.waitForTimeout(300);
    await screenshot(page, 'events-resolved');
    await page.locator('.ant-drawer-close').click();
    await logout(page);
  });

  it("counts it in the leader's daily view", async () => {
    await login(page, baseUrl, 'leader');
    await page.waitForURL(/\/daily$/);
    await page.getByTestId('daily-title').filter({ hasText: '瓯海区的一天' }).waitFor({ timeout: 30_000 });
    const kpi = async (id: string) =>
      Number(
        (await page.getByTestId(id).locator('.ant-statistic-content-value').textContent())?.replace(/,/g, ''),
      );
    await page.getByTestId('kpi-reported').waitFor({ timeout: 30_000 });
    expect(await kpi('kpi-reported')).toBeGreaterThanOrEqual(1);
    expect(await kpi('kpi-resolved')).toBeGreaterThanOrEqual(1);
    // its town reported and resolved it today
    const town = page.locator('[data-testid=daily-units] tbody tr.ant-table-row', { hasText: '景山街道' });
    await town.waitFor();
    expect(Number(await town.locator('td').nth(1).textContent())).toBeGreaterThanOrEqual(1);
    expect(Number(await town.locator('td').nth(2).textContent())).toBeGreaterThanOrEqual(1);
    await page.getByTestId('chart-category').locator('canvas').waitFor();
    await page.locator('[data-testid=daily-map][data-ready=true]').waitFor({ timeout: 30_000 });
    expect(
      Number(await page.getByTestId('daily-map').getAttribute('data-point-count')),
    ).toBeGreaterThanOrEqual(1);
    await page.waitForTimeout(600);
    await screenshot(page, 'events-daily-leader');

    // a row of the areas' table drills down: the town, then the village, where its grid resolved it
    await town.click();
    await page.getByTestId('daily-title').filter({ hasText: '景山街道的一天' }).waitFor({ timeout: 30_000 });
    const village = page.locator('[data-testid=daily-units] tbody tr.ant-table-row', { hasText: '景山社区' });
    await village.waitFor();
    await page.waitForTimeout(600);
    await screenshot(page, 'events-daily-town');
    await village.click();
    await page.getByTestId('daily-title').filter({ hasText: '景山社区的一天' }).waitFor({ timeout: 30_000 });
    const grid = page.locator('[data-testid=daily-handlers] tbody tr.ant-table-row', { hasText: '第1网格' });
    await grid.first().waitFor();
    const resolvedByGrids = await grid.evaluateAll((rows) =>
      rows.map((r) => Number(r.querySelectorAll('td')[3]?.textContent ?? 0)),
    );
    expect(Math.max(...resolvedByGrids)).toBeGreaterThanOrEqual(1);
  });

  it('opens the event from the leader’s workbench, read only', async () => {
    await page.locator('[data-nav=events]').click();
    await page.waitForURL(/\/events$/);
    await openFromList(page, event.trackingNo);
    await drawerState(page, 'resolved');
    await page.getByTestId('event-no-actions').waitFor();
    await page.locator('.ant-drawer-close').click();
    await logout(page);
  });

  it('raised no uncaught errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
