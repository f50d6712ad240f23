// Logging in: a wrong password, the navigation of different roles, the language switch, a phone screen.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Browser, launchBrowser, screenshot } from './harness';
import { childCount, login, mapShows, unitIdFromUrl } from './pages';

describe('login and roles', () => {
  const baseUrl = inject('baseUrl');
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('says so when the password is wrong, and stays on the login page', async () => {
    await login(page, baseUrl, 'dispatcher', 'not-the-password');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain('用户名或密码错误');
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, 'login-wrong-password');
  });

  it('sends a visitor who is not logged in to the login page', async () => {
    await page.goto(`${baseUrl}/admin/accounts`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByTestId('lang-switch').waitFor();
  });

  it('shows a grid worker the units of their grid and no administration', async () => {
    await login(page, baseUrl, 'grid_worker');
    await page.waitForURL(/\/units\/\d+$/);
    const nav = (await page.getByTestId('side-nav').textContent()) ?? '';
    expect(nav).toContain('单元与网格');
    expect(nav).not.toContain('账号');
    expect(nav).not.toContain('API 密钥');
    await expect(page.getByTestId('user-role').first().textContent()).resolves.toBe('网格员');
    await expect(page.getByTestId('unit-details').textContent()).resolves.toContain('网格');
    const labels = await mapShows(page, await childCount(page, unitIdFromUrl(page)));
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.every((l) => l.includes('微网格'))).toBe(true);
    await screenshot(page, 'grid-worker-home');

    // units above the grid are visible, the people assigned there are not: said in place, not as an error
    await page.getByTestId('unit-breadcrumb').getByText('景山社区').click();
    await page.getByTestId('unit-title').filter({ hasText: '景山社区' }).waitFor();
    await page.getByTestId('people-forbidden').waitFor();
    expect(await page.locator('.ant-message-error').count()).toBe(0);
    await mapShows(page, await childCount(page, unitIdFromUrl(page)));
    await screenshot(page, 'grid-worker-out-of-scope');

    // an administrator's page is refused, not shown
    await page.goto(`${baseUrl}/admin/accounts`);
    await page.getByText('您没有访问该页面的权限').waitFor();
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login$/);
  });

  it('takes a resident straight to reporting (随手拍)', async () => {
    await login(page, baseUrl, 'resident');
    await page.waitForURL(/\/report/);
    await page.getByTestId('report-photos').waitFor();
    await screenshot(page, 'resident-home-report');
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login$/);
  });

  it('switches to English and remembers the choice', async () => {
    await page.getByTestId('lang-switch').click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await login(page, baseUrl, 'town_staff');
    await page.waitForURL(/\/units\/\d+$/);
    await page.getByText('Units & grids').waitFor();
    await expect(page.getByTestId('unit-details').textContent()).resolves.toContain('Town-street');
    const villages = await mapShows(page, await childCount(page, unitIdFromUrl(page)));
    expect(villages).toContain('景山社区');
    await page.getByTestId('unit-people').locator('tbody tr.ant-table-row').first().waitFor();
    await screenshot(page, 'town-staff-english');
    await page.getByTestId('lang-switch').click();
    await page.getByText('单元与网格').waitFor();
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login$/);
  });

  it('fits the login page on a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/login`);
    const card = await page.locator('.login-card').boundingBox();
    expect(card).not.toBeNull();
    expect((card?.x ?? -1) >= 0 && (card?.x ?? 0) + (card?.width ?? 0) <= 390).toBe(true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    expect(overflow).toBe(false);
    await screenshot(page, 'login-phone');
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${baseUrl}/login`);
    await screenshot(page, 'login-desktop');
  });
});
