// The safety index's viewing faces on the seeded demo (five published months of towns and villages):
// the leader's five-color map (legend counts, five colors, hover, click through), the unit page that
// explains a score (its rank with the 90 % interval, contributions, trend, accountability), and the
// public page without login, on a desktop and on a phone.
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Browser, launchBrowser, screenshot } from './harness';
import { login } from './pages';

interface PublicIndex {
  period: string;
  runId: number;
  items: { unitId: number; name: string; color: string | null }[];
}

/** The public API, asked with the page's own session (or none). */
async function publicIndex(page: Page, level: 'town' | 'village'): Promise<PublicIndex> {
  return page.evaluate(async (l) => {
    const { periods } = (await (await fetch('/api/v1/public/index/periods')).json()) as { periods: string[] };
    const res = await fetch(`/api/v1/public/index?period=${periods[0]}&level=${l}`);
    return (await res.json()) as PublicIndex;
  }, level);
}

async function legend(page: Page): Promise<Record<string, number>> {
  const rows = page.getByTestId('index-legend').first().locator('li');
  const out: Record<string, number> = {};
  for (const li of await rows.all()) {
    out[(await li.getAttribute('data-color')) ?? '?'] = Number(await li.getAttribute('data-count'));
  }
  return out;
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

/** Waits until the five-color map shows `count` units and has placed its labels. */
async function mapReady(page: Page, count: number) {
  await page
    .locator(`[data-testid=index-map][data-feature-count="${count}"][data-ready=true]`)
    .waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => document.querySelectorAll('.index-label').length > 0, undefined, {
    timeout: 30_000,
  });
  await page.waitForTimeout(500); // let the canvas paint
}

/** The visible label nearest the middle of the map (clear of the legend in its corner). */
async function middleLabel(page: Page): Promise<{ name: string; id: number; x: number; y: number }> {
  const found = await page.evaluate(() => {
    const map = document.querySelector('[data-testid=index-map]')?.getBoundingClientRect();
    if (!map) return null;
    const cx = map.left + map.width / 2;
    const cy = map.top + map.height / 2;
    let best: { name: string; id: number; x: number; y: number; d: number } | null = null;
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('.index-label'))) {
      if (el.style.visibility === 'hidden') continue;
      const r = el.getBoundingClientRect();
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      const d = (x - cx) ** 2 + (y - cy) ** 2;
      if (!best || d < best.d) best = { name: el.textContent ?? '', id: Number(el.dataset.unitId), x, y, d };
    }
    return best;
  });
  expect(found, 'a visible label on the map').not.toBeNull();
  return found as { name: string; id: number; x: number; y: number };
}

/** No two visible map labels overlap. */
async function labelsOverlap(page: Page): Promise<number> {
  return page.evaluate(() => {
    const boxes = Array.from(document.querySelectorAll<HTMLElement>('.index-label'))
      .filter((el) => el.style.visibility !== 'hidden')
      .map((el) => el.getBoundingClientRect());
    let n = 0;
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i] as DOMRect;
        const b = boxes[j] as DOMRect;
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) n++;
      }
    return n;
  });
}

describe('five-color map and unit page (leader)', () => {
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

  it('opens the map from the menu: towns in five-color bands, legend counts summing to the towns', async () => {
    await login(page, baseUrl, 'leader');
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.locator('[data-nav=indexMap]').click();
    await page.waitForURL(/\/index\/map/);
    const towns = await publicIndex(page, 'town');
    expect(towns.items.length).toBe(13);
    await mapReady(page, towns.items.length);
    const counts = await legend(page);
    expect(sum(counts)).toBe(towns.items.length);
    for (const c of ['dark_green', 'green', 'yellow', 'orange', 'red'])
      expect(counts[c]).toBeTypeOf('number');
    // the ranking lists every town, the period picker shows the newest published month
    await expect(page.getByTestId('index-ranking').locator('tbody tr.ant-table-row').count()).resolves.toBe(
      13,
    );
    await expect(page.getByTestId('index-period').textContent()).resolves.toContain(towns.period);
    await expect(page.getByTestId('movers-up').textContent()).resolves.toMatch(/▲/);
    expect(await labelsOverlap(page)).toBe(0);
    await screenshot(page, 'index-map-towns');
  });

  it('switches to the villages: every village in the legend, at least three colors on the map', async () => {
    await page.getByTestId('index-level').getByText('村社').click();
    await page.waitForURL(/level=village/);
    const villages = await publicIndex(page, 'village');
    expect(villages.items.length).toBeGreaterThan(100);
    await mapReady(page, villages.items.length);
    const counts = await legend(page);
    expect(sum(counts)).toBe(villages.items.length);
    const colorsInLegend = Object.entries(counts).filter(([c, n]) => c !== 'none' && n > 0).length;
    expect(colorsInLegend).toBeGreaterThanOrEqual(3);
    const onMap = Number(await page.getByTestId('index-map').getAttribute('data-color-count'));
    expect(onMap).toBeGreaterThanOrEqual(3);
    expect(onMap).toBe(new Set(villages.items.map((i) => i.color).filter(Boolean)).size);
    // labels are thinned so that none overlaps another
    expect(await labelsOverlap(page)).toBe(0);
    await screenshot(page, 'index-map-villages');
  });

  it('hovers a village for its score, rank and change, and clicks through to its unit page', async () => {
    const target = await middleLabel(page);
    await page.mouse.move(target.x, target.y);
    const popup = page.locator('.index-popup');
    await popup.waitFor();
    const text = (await popup.textContent()) ?? '';
    expect(text).toContain(target.name);
    expect(text).toMatch(/得分\d+\.\d/);
    expect(text).toMatch(/第 \d+ \/ \d+ 名/);
    expect(text).toMatch(/较上月(▲|▼|0\.0|—)/);
    await screenshot(page, 'index-map-hover');

    await page.mouse.click(target.x, target.y);
    await page.waitForURL(new RegExp(`/index/units/${target.id}\\?run=\\d+&level=village`));
    await page.getByTestId('unit-title').filter({ hasText: target.name }).waitFor();
    await expect(page.getByTestId('unit-score').textContent()).resolves.toMatch(/^\d+\.\d$/);
    await expect(page.getByTestId('unit-rank').textContent()).resolves.toMatch(/第 \d+ \/ \d+ 名/);
    // the rank's 90 % interval from the run's Monte Carlo analysis, and what it means
    const interval = page.getByTestId('unit-rank-interval');
    await expect(interval.textContent()).resolves.toMatch(/^(90% 区间 \d+–\d+ 名|90% 的模拟中名次不变)$/);
    const lo = Number(await interval.getAttribute('data-lo'));
    const hi = Number(await interval.getAttribute('data-hi'));
    expect(lo >= 1 && lo <= hi, `${lo}–${hi}`).toBe(true);
    await expect(page.getByTestId('unit-rank-interval-hint').textContent()).resolves.toContain('排名区间');
    await expect(page.getByTestId('unit-dimensions').textContent()).resolves.toMatch(/问题.*需求.*效果/);
    // the contributions: one row per indicator with its input, source and points; the bar chart drawn
    const rows = page.getByTestId('unit-indicators').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThanOrEqual(10);
    await expect(page.getByTestId('unit-indicators').textContent()).resolves.toMatch(/外部数据|平台事件/);
    await page.getByTestId('unit-contributions').locator('canvas').waitFor();
    await page.getByTestId('unit-trend').locator('canvas').waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'index-unit-page');
  });

  it('shows a listed unit’s accountability record, and goes back to the map', async () => {
    const listed = await page.evaluate(async () => {
      const res = await fetch('/api/v1/index/accountability?pageSize=100');
      const { items } = (await res.json()) as { items: { unitId: number; action: string }[] };
      return (items.find((i) => i.action === 'listing') ?? items[0])?.unitId ?? null;
    });
    expect(listed, 'an accountability item in the seeded demo').not.toBeNull();
    await page.goto(`${baseUrl}/index/units/${listed}`);
    await page.waitForURL(/\?run=\d+/);
    const record = page.getByTestId('unit-accountability');
    await record.locator('tbody tr.ant-table-row').first().waitFor();
    await expect(record.textContent()).resolves.toMatch(/预警|抄告|督办|挂牌|摘牌/);
    await expect(record.textContent()).resolves.toMatch(/\d{4}-\d{2}-\d{2}/);
    await page.getByTestId('unit-trend').locator('canvas').waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'index-unit-accountability');
    await page.getByRole('button', { name: /返回五色云图/ }).click();
    await page.waitForURL(/\/index\/map\?period=\d{4}-\d{2}&level=village/);
    await page.getByTestId('index-map').waitFor();
  });

  it('speaks English too', async () => {
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('index-title').filter({ hasText: 'Safety index map' }).waitFor();
    await expect(page.getByTestId('index-legend').textContent()).resolves.toMatch(/Dark green.*Red/);
    await page.locator('[data-testid=index-map][data-ready=true]').waitFor();
    await page.waitForTimeout(500);
    await screenshot(page, 'index-map-villages-en');
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('index-title').filter({ hasText: '平安指数五色图' }).waitFor();
  });

  it('says so when nothing is published yet, on the map and on the public page', async () => {
    const none = async (route: Route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: '{"periods":[]}' });
    await page.route('**/api/v1/public/index/periods', none);
    try {
      await page.goto(`${baseUrl}/index/map`);
      await page.getByTestId('index-empty').getByText('尚未发布平安指数').waitFor();
      await screenshot(page, 'index-map-empty');
      await page.goto(`${baseUrl}/public/index`);
      await page.getByTestId('public-empty').getByText('尚未发布平安指数').waitFor();
    } finally {
      await page.unroute('**/api/v1/public/index/periods', none);
    }
  });

  it('raised no uncaught errors in the page', () => {
    expect(errors).toEqual([]);
  });
});

describe('public index page (no login)', () => {
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

  it('is linked from the login page and opens without logging in', async () => {
    await page.goto(`${baseUrl}/login`);
    await page.getByRole('link', { name: '平安指数公示' }).waitFor();
    await screenshot(page, 'index-login-link');
    await page.getByRole('link', { name: '平安指数公示' }).click();
    await page.waitForURL(/\/public\/index$/);
    const towns = await publicIndex(page, 'town');
    const list = page.getByTestId('public-list');
    await list.locator('.pub-row').first().waitFor();
    expect(await list.locator('.pub-row').count()).toBe(towns.items.length);
    expect(sum(await legend(page))).toBe(towns.items.length);
    await expect(page.getByTestId('public-period').textContent()).resolves.toContain(towns.period);
    // no login, no staff console, no personal data
    expect(new URL(page.url()).pathname).toBe('/public/index');
    await expect(page.locator('[data-testid=side-nav]').count()).resolves.toBe(0);
    const body = (await page.locator('body').textContent()) ?? '';
    expect(body).not.toMatch(/1[3-9]\d{9}/); // no phone numbers
    await screenshot(page, 'index-public-desktop');
  });

  it('finds a village by name and shows its history and dimension scores', async () => {
    const villages = await publicIndex(page, 'village');
    const village = villages.items.find((v) => v.name.endsWith('村')) ?? villages.items[0];
    expect(village).toBeDefined();
    if (!village) return;
    await page.getByTestId('public-search').fill(village.name);
    const match = page.getByTestId('public-matches').locator(`.pub-row[data-unit-id="${village.unitId}"]`);
    await match.waitFor();
    await match.click();
    const detail = page.getByTestId('public-detail');
    await detail.waitFor();
    await expect(detail.textContent()).resolves.toMatch(/问题.*需求.*效果/);
    await detail.getByTestId('unit-trend').locator('canvas').waitFor();
    await expect(page.locator('.pub-drawer').textContent()).resolves.toContain(village.name);
    // accountability on the public page: listings only, and no one's answer text
    await expect(detail.textContent()).resolves.not.toMatch(/预警|抄告|督办/);
    await page.waitForTimeout(400);
    await screenshot(page, 'index-public-detail');
  });

  it('fits a phone (375×667): villages on demand, no sideways scrolling', async () => {
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 375, height: 667 });
    await page.goto(`${baseUrl}/public/index`);
    await page.getByTestId('public-list').locator('.pub-row').first().waitFor();
    await screenshot(page, 'index-public-phone-towns');
    await page.getByTestId('public-level').getByText('村社').click();
    await page.waitForURL(/level=village/);
    const villages = await publicIndex(page, 'village');
    await page
      .locator(`[data-testid=public-list][data-count="${villages.items.length}"]`)
      .waitFor({ timeout: 30_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'index-public-phone-villages');
    await page.getByTestId('public-list').locator('.pub-row').nth(2).click();
    await page.getByTestId('public-detail').getByTestId('unit-trend').locator('canvas').waitFor();
    await page.waitForTimeout(400);
    const detailOverflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(detailOverflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'index-public-phone-detail');
  });

  it('raised no uncaught errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
