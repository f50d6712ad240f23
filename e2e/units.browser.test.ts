// The units explorer as the administrator: the 13 towns of Ouhai, drill down by clicking the map,
// the breadcrumb, search by code, and the people assigned to a micro-grid.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Browser, launchBrowser, screenshot } from './harness';
import { childCount, clickOnMap, login, mapShows, unitIdFromUrl } from './pages';

const OUHAI_TOWNS = ['景山街道', '梧田街道', '南白象街道', '茶山街道', '娄桥街道', '新桥街道', '三垟街道'];
const MICRO_GRID_CODE = '330304001003001001'; // 景山社区, its first grid, that grid's first micro-grid

describe('units explorer (admin)', () => {
  const baseUrl = inject('baseUrl');
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('logs in and lands on the map of the 13 towns of Ouhai', async () => {
    await login(page, baseUrl, 'admin');
    await page.waitForURL(/\/units\/\d+$/);
    const labels = await mapShows(page, 13);
    expect(labels).toHaveLength(13);
    for (const town of [...OUHAI_TOWNS, '泽雅镇']) expect(labels).toContain(town);
    await expect(page.getByTestId('map-note').textContent()).resolves.toContain('边界为示意');
    await expect(page.getByTestId('unit-title').textContent()).resolves.toBe('瓯海区');
    await expect(page.getByTestId('unit-breadcrumb').textContent()).resolves.toContain('温州市');
    await expect(page.getByTestId('side-nav').textContent()).resolves.toMatch(/单元与网格.*账号.*API 密钥/);
    await expect(page.getByTestId('user-name').textContent()).resolves.toBe('系统管理员');
    await screenshot(page, 'units-ouhai-towns');
  });

  it('drills into a town by clicking it on the map', async () => {
    await clickOnMap(page, '景山街道');
    await page.getByTestId('unit-title').filter({ hasText: '景山街道' }).waitFor();
    const town = unitIdFromUrl(page);
    const villages = await childCount(page, town);
    expect(villages).toBeGreaterThan(1);
    const labels = await mapShows(page, villages);
    expect(labels).toContain('景山社区');
    const crumbs = await page.getByTestId('unit-breadcrumb').textContent();
    expect(crumbs).toMatch(/温州市.*瓯海区.*景山街道/);
    // the tree followed the drill-down
    await page.getByTestId('unit-tree').locator('.ant-tree-node-selected', { hasText: '景山街道' }).waitFor();
    await screenshot(page, 'units-jingshan-villages');
  });

  it('drills further into a village, then goes back up with the breadcrumb', async () => {
    await clickOnMap(page, '景山社区');
    await page.getByTestId('unit-title').filter({ hasText: '景山社区' }).waitFor();
    const grids = await childCount(page, unitIdFromUrl(page));
    await mapShows(page, grids);
    await page.getByTestId('unit-breadcrumb').getByText('瓯海区').click();
    await page.getByTestId('unit-title').filter({ hasText: '瓯海区' }).waitFor();
    await mapShows(page, 13);
  });

  it('finds a micro-grid by its code and shows the people assigned to it', async () => {
    await page.getByTestId('unit-search').fill(MICRO_GRID_CODE);
    const option = page.locator(`.search-option[data-unit-id]`).first();
    await option.waitFor();
    await option.click();
    await page.getByTestId('unit-details').getByText(MICRO_GRID_CODE).waitFor();
    await expect(page.getByTestId('unit-details').textContent()).resolves.toContain('微网格');
    const rows = page.getByTestId('unit-people').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId('unit-people').textContent()).resolves.toMatch(/微网格长|网格员/);
    // a micro-grid has no children: the map shows it among its siblings
    const siblings = await childCount(page, await parentOf(page));
    await mapShows(page, siblings);
    await expect(page.getByTestId('unit-breadcrumb').textContent()).resolves.toMatch(/景山社区/);
    await screenshot(page, 'units-micro-grid-people');
  });

  it('shows the accounts and API keys pages to the administrator', async () => {
    await page.locator('[data-nav=accounts]').click();
    await page.getByTestId('accounts-table').locator('tbody tr.ant-table-row').first().waitFor();
    await expect(page.getByTestId('accounts-table').textContent()).resolves.toContain('grid_worker');
    await screenshot(page, 'accounts');

    await page.locator('[data-nav=apiKeys]').click();
    await page.getByPlaceholder(/市平台对接/).fill('e2e 对接测试');
    await page.getByRole('button', { name: /新建密钥/ }).click();
    const key = (await page.getByTestId('api-key-value').textContent())?.trim() ?? '';
    expect(key.length).toBeGreaterThan(16);
    await page.waitForTimeout(500); // the modal's opening animation
    await screenshot(page, 'api-key-created');
    await page.getByRole('button', { name: /关\s*闭/ }).click();
    const row = page.locator('tbody tr', { hasText: 'e2e 对接测试' });
    await row.waitFor();
    await row.getByRole('button', { name: /吊\s*销/ }).click();
    await page.locator('.ant-popconfirm .ant-btn-dangerous').click();
    await row.getByText('已吊销').waitFor();
  });

  it('raised no uncaught errors in the page', () => {
    expect(errors).toEqual([]);
  });
});

async function parentOf(page: Page): Promise<number> {
  const id = unitIdFromUrl(page);
  return page.evaluate(async (unitId) => {
    const res = await fetch(`/api/v1/units/${unitId}`);
    return ((await res.json()) as { parentId: number }).parentId;
  }, id);
}
