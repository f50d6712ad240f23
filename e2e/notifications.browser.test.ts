// Live updates in the staff console: the grid worker has the events workbench open while a report from
// their grid is assigned to it at the dispatcher's desk. Without a reload, the list says there is news
// (and refreshes only when asked), the bell's count rises, the notification opens the event and is read;
// "全部已读" clears the badge. One stream for the whole session, closed on logout.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Browser, launchBrowser, screenshot } from './harness';
import { apiSession, login } from './pages';

const GRID_CODE = '330304001003001'; // 景山社区第1网格: the demo grid worker's grid
const CATEGORY = 'fire.wiring'; // 私拉乱接电线: routed to the grid (seed-data.ts)

interface Created {
  id: number;
  trackingNo: string;
  version: number;
}

declare global {
  interface Window {
    /** Every EventSource the page opened (recorded by the test's init script). */
    __streams?: EventSource[];
  }
}

const bellCount = async (page: Page) => Number(await page.getByTestId('bell').getAttribute('data-unread'));
const bellShows = (page: Page, n: number) =>
  page.locator(`[data-testid=bell][data-unread="${n}"]`).waitFor({ timeout: 30_000 });

describe('notifications: the bell and the live feed', () => {
  const baseUrl = inject('baseUrl');
  let browser: Browser;
  let page: Page;
  let reporter: Awaited<ReturnType<typeof apiSession>>;
  let dispatcher: Awaited<ReturnType<typeof apiSession>>;
  let grid: { id: number; centroid: [number, number] };
  let before = 0;
  const errors: string[] = [];

  /** A grid worker's report from the grid, accepted and assigned back to the grid by the dispatcher. */
  async function reportAndAssign(description: string): Promise<Created> {
    const [lng, lat] = grid.centroid;
    const event = await reporter.post<Created>('/api/v1/events', {
      categoryCode: CATEGORY,
      description,
      location: { lng, lat },
    });
    const accepted = await dispatcher.post<Created>(`/api/v1/events/${event.id}/transitions`, {
      action: 'accept',
      version: event.version,
    });
    await dispatcher.post<Created>(`/api/v1/events/${event.id}/transitions`, {
      action: 'assign',
      version: accepted.version,
      assignee: { kind: 'unit', id: grid.id },
    });
    return event;
  }

  beforeAll(async () => {
    reporter = await apiSession(baseUrl, 'grid_worker');
    dispatcher = await apiSession(baseUrl, 'dispatcher');
    const grids = await reporter.get<{ items: { id: number; code: string; centroid: [number, number] }[] }>(
      `/api/v1/units?q=${GRID_CODE}&level=grid&pageSize=5`,
    );
    const found = grids.items.find((u) => u.code === GRID_CODE);
    expect(found?.centroid).toBeTruthy();
    grid = found as typeof grid;

    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.addInitScript(() => {
      const Native = window.EventSource;
      const opened: EventSource[] = [];
      window.__streams = opened;
      window.EventSource = class extends Native {
        constructor(url: string | URL, init?: EventSourceInit) {
          super(url, init);
          opened.push(this);
        }
      };
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the bell in the header of a staff session, with the empty state', async () => {
    // an account nothing addresses (the browser tests share one server, in any order)
    const quiet = await apiSession(baseUrl, 'admin');
    const mine = await quiet.get<{ total: number }>('/api/v1/notifications?pageSize=1');
    expect(mine.total, 'the admin has no notifications').toBe(0);
    await login(page, baseUrl, 'admin');
    await page.waitForURL((url) => url.pathname !== '/login');
    await page.getByTestId('bell').waitFor();
    expect(await bellCount(page)).toBe(0);
    await page.getByTestId('bell').click();
    await page.getByTestId('bell-empty').filter({ hasText: '暂无通知' }).waitFor();
    await expect(page.getByTestId('bell-read-all').isDisabled()).resolves.toBe(true);
    await page.getByTestId('bell').click();
    await page.getByTestId('bell-panel').waitFor({ state: 'hidden' });
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login$/);

    // the grid worker starts with nothing unread (other tests may have told them things)
    await reporter.post('/api/v1/notifications/read-all', {});
    await login(page, baseUrl, 'grid_worker');
    await page.waitForURL(/\/units/);
    await page.locator('[data-nav=events]').click();
    await page.waitForURL(/\/events$/);
    await page.locator('[data-testid=events-workbench][data-live=true]').waitFor({ timeout: 30_000 });
    before = await bellCount(page);
    expect(before).toBe(0);
  });

  it('raises the count live and announces the news above the list without reloading it', async () => {
    await page.locator('.events-tabs .ant-tabs-tab-active', { hasText: '待办' }).waitFor();
    await page.locator('[data-testid=events-table] .ant-spin-spinning').waitFor({ state: 'detached' });
    const rowsBefore = await page.locator('[data-testid=events-table] tbody tr.ant-table-row').count();
    const event = await reportAndAssign('浏览器测试：楼道里有人私拉电线，请网格员查看');

    await bellShows(page, before + 1);
    // reported and assigned: two entries of the feed
    await page
      .getByTestId('events-news')
      .filter({ hasText: '有 2 条新动态，点击刷新' })
      .waitFor({ timeout: 30_000 });
    // not reloaded under the user's hands
    expect(await page.locator('[data-testid=events-table] tbody tr.ant-table-row').count()).toBe(rowsBefore);
    await page.waitForTimeout(300);
    await screenshot(page, 'notifications-news');

    await page.getByTestId('events-news').click();
    await page.getByTestId('events-news').waitFor({ state: 'detached' });
    await page
      .locator('[data-testid=events-table] tbody tr.ant-table-row', { hasText: event.trackingNo })
      .waitFor({ timeout: 30_000 });

    // the notification: unread, in Chinese, and it opens the event
    await page.getByTestId('bell').click();
    const item = page.locator('[data-testid=bell-item]', { hasText: event.trackingNo });
    await item.waitFor();
    await expect(item.getAttribute('data-unread')).resolves.toBe('true');
    await expect(item.textContent()).resolves.toMatch(
      new RegExp(`事件 ${event.trackingNo} 已派遣给 第1网格，请及时处置.*(刚刚|分钟前)`),
    );
    await page.waitForTimeout(300);
    await screenshot(page, 'notifications-bell');
    await item.click();
    await page.waitForURL(new RegExp(`/events/${event.id}$`));
    await page.getByTestId('event-detail').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('event-description').textContent()).resolves.toContain('私拉电线');
    await bellShows(page, before);
    await page.locator('.ant-drawer-close').click();
    await page.waitForURL(/\/events$/);
  });

  it('marks every notification read at once', async () => {
    await reportAndAssign('浏览器测试：又一处私拉电线');
    await reportAndAssign('浏览器测试：第三处私拉电线');
    await bellShows(page, before + 2);
    await page.locator('[data-testid=bell] .ant-badge-count[title="2"]').waitFor();
    await page.getByTestId('bell').click();
    await page.locator('[data-testid=bell-item][data-unread=true]').nth(1).waitFor();
    await page.getByTestId('bell-read-all').click();
    await bellShows(page, 0);
    await page.locator('[data-testid=bell] .ant-badge-count').waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid=bell-item][data-unread=true]').count()).toBe(0);
    expect(await page.locator('[data-testid=bell-item]').count()).toBeGreaterThanOrEqual(3);
    await page.getByTestId('bell').click();
    await page.getByTestId('bell-panel').waitFor({ state: 'hidden' });

    // the titles follow the language
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('bell').click();
    await page.locator('[data-testid=bell-item]', { hasText: 'was assigned to 第1网格' }).first().waitFor();
    await page.getByTestId('bell').click();
    await page.getByTestId('lang-switch').click();
    // still read after a reload: the server has it
    await page.reload();
    await page.locator('[data-testid=events-workbench][data-live=true]').waitFor({ timeout: 30_000 });
    expect(await bellCount(page)).toBe(0);
  });

  it('opens one stream for the session and closes it on logout', async () => {
    // since the reload: one, for every page visited
    expect(await page.evaluate(() => window.__streams?.length)).toBe(1);
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login$/);
    expect(await page.evaluate(() => window.__streams?.map((s) => s.readyState))).toEqual([2]); // CLOSED;
    expect(errors).toEqual([]);
  });
});
