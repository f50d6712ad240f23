// The safety office's month of the safety index: it starts the run of the last month that is over
// (the demo seed imports its data but leaves it to run), reviews it, corrects one input with a
// written reason (the original is kept), confirms and publishes it; the published run is read-only
// and public. Then the accountability items: listed, filtered, a town's staff answer one and the
// safety office accepts the answer.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Browser, launchBrowser, screenshot } from './harness';
import { DEMO_PASSWORD, login } from './pages';

const REASON = '公安分局11月5日更正函：原报数据含2起已撤销警情';
const OTHER_REASON = '信访局复核：1件为重复登记';
const ANSWER = '已召开专题会议分析原因，落实网格巡查和重点人员走访，整改措施已全部完成。';
const TOWN_ACCOUNTS = ['town_staff', 'town_staff_wutian', 'town_staff_zeya'];

/** The month before the current one in Beijing time: the one the seed leaves to run. */
function lastMonth(): string {
  const now = new Date(Date.now() + 8 * 3600_000);
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth(); // 0-based: the previous month's number
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, '0')}`;
}

interface Item {
  id: number;
  unitId: number;
  action: string;
  state: string;
}

/** A logged-in API session outside the browser (its own cookie). */
async function apiSession(baseUrl: string, username: string) {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  expect(res.status, `login ${username}`).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        cookie,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    expect(r.ok, `${method} ${path} → ${r.status} ${text}`).toBe(true);
    return JSON.parse(text) as T;
  };
  return {
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body: unknown) => call<T>('POST', path, body),
  };
}

async function pickOption(page: Page, select: ReturnType<Page['locator']>, text: string) {
  await select.click();
  await page.keyboard.type(text);
  const option = page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text })
    .first();
  await option.waitFor();
  await option.click();
}

/** Waits until the accountability table has loaded (no spinner over it). */
async function accLoaded(page: Page) {
  await page.getByTestId('acc-table').waitFor();
  await page.locator('[data-testid=acc-table] .ant-spin-spinning').waitFor({ state: 'detached' });
}

/** Presses the OK button of the confirmation dialog that is open. */
async function confirmDialog(page: Page, okText: RegExp) {
  const dialog = page.locator('.ant-modal-confirm:visible');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: okText }).click();
}

describe('safety index: the monthly run and accountability (safety office)', () => {
  const baseUrl = inject('baseUrl');
  const period = lastMonth();
  let browser: Browser;
  let page: Page;
  let runId = 0;
  const errors: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lists the published runs of the months before', async () => {
    await login(page, baseUrl, 'safety_office');
    await page.getByTestId('side-nav').waitFor();
    await expect(page.getByTestId('side-nav').textContent()).resolves.toMatch(/指数测评.*指数方案.*责任追究/);
    await page.locator('[data-nav=indexRuns]').click();
    const rows = page.getByTestId('runs-table').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId('runs-table').textContent()).resolves.toContain('已发布');
    // the month to run has no published run yet
    const published = await page.evaluate(async () => {
      const r = await fetch('/api/v1/public/index/periods');
      return ((await r.json()) as { periods: string[] }).periods;
    });
    expect(published).not.toContain(period);
    await screenshot(page, 'index-runs');
  });

  it('starts the run of the last month that is over, and shows it computed for review', async () => {
    await page.getByTestId('start-run').click();
    const dialog = page.locator('.ant-modal:visible', { hasText: '发起月度测评' });
    await dialog.waitFor();
    await expect(dialog.locator('input').first().inputValue()).resolves.toBe(period);
    // the current month is not over: it cannot be chosen
    await dialog.locator('.ant-picker').click();
    const thisMonth = page.locator(
      '.ant-picker-dropdown:visible .ant-picker-cell-in-view.ant-picker-cell-today',
    );
    if (await thisMonth.count())
      expect(await thisMonth.getAttribute('class')).toContain('ant-picker-cell-disabled');
    await dialog.locator('.ant-modal-title').click(); // closes the month panel, not the dialog
    await page.locator('.ant-picker-dropdown:visible').waitFor({ state: 'hidden' });
    await dialog.getByRole('button', { name: /归集数据并核算/ }).click();
    await page.waitForURL(/\/index\/runs\/\d+$/, { timeout: 60_000 });
    runId = Number(/(\d+)$/.exec(new URL(page.url()).pathname)?.[1]);
    const detail = page.locator(`[data-testid=run-detail][data-state=computed]`);
    await detail.waitFor({ timeout: 30_000 });
    await expect(page.locator('.ia-run-title').textContent()).resolves.toContain(`${period} 镇街平安指数`);
    // the stepper: collected and computed done, confirmation next
    const steps = page.getByTestId('run-steps').locator('.ant-steps-item');
    await expect(steps.nth(1).getAttribute('class')).resolves.toContain('ant-steps-item-finish');
    await expect(steps.nth(2).getAttribute('class')).resolves.toContain('ant-steps-item-process');
    await page.getByRole('tab', { name: /测评结果/ }).click();
    const results = page.getByTestId('run-results').locator('tbody tr.ant-table-row');
    await results.first().waitFor();
    expect(await results.count()).toBe(13); // the 13 towns of Ouhai
    await expect(page.getByTestId('run-results').textContent()).resolves.toMatch(/深绿|绿|黄|橙|红/);
    const link = await page
      .getByTestId('run-results')
      .locator('a[href^="/index/units/"]')
      .first()
      .getAttribute('href');
    expect(link).toMatch(new RegExp(`^/index/units/\\d+\\?run=${runId}$`));
    await screenshot(page, 'index-run-computed');
  });

  it('corrects one input with a written reason and keeps the original', async () => {
    await page.getByTestId('open-correction').click();
    const form = page.getByTestId('correction-form');
    await form.waitFor();
    const selects = form.locator('.ant-select');
    await pickOption(page, selects.nth(0), '景山街道');
    await pickOption(page, selects.nth(1), 'police_incidents');
    const current = page.getByTestId('correction-current');
    await current.waitFor();
    await page.waitForFunction(
      () => /\d/.test(document.querySelector('[data-testid=correction-current] strong')?.textContent ?? ''),
      undefined,
      { timeout: 15_000 },
    );
    const original = Number(await current.locator('strong').first().textContent());
    expect(Number.isFinite(original)).toBe(true);
    const corrected = Math.max(0, original - 2);
    await form.locator('.ant-input-number input').fill(String(corrected));
    // no reason: refused in the form
    await page
      .locator('.ant-modal:visible')
      .getByRole('button', { name: /保存修正并重新核算/ })
      .click();
    await form.getByText('请写明修正理由').waitFor();
    await page.getByTestId('correction-reason').fill(REASON);
    await page.waitForTimeout(300);
    await screenshot(page, 'index-run-correction-form');
    await page
      .locator('.ant-modal:visible')
      .getByRole('button', { name: /保存修正并重新核算/ })
      .click();
    // the corrections tab lists it: the original struck through, the new value, the reason
    const row = page
      .getByTestId('run-corrections')
      .locator('tbody tr.ant-table-row', { hasText: '景山街道' });
    await row.waitFor({ timeout: 30_000 });
    const text = (await row.textContent()) ?? '';
    expect(text).toContain(REASON);
    expect(text).toContain('万人刑事治安警情');
    await expect(row.locator('.ia-strike').textContent()).resolves.toBe(String(original));
    expect(text).toContain(String(corrected));
    await expect(page.locator('[data-testid=run-detail]').getAttribute('data-state')).resolves.toBe(
      'computed',
    );
    await page.waitForTimeout(300);
    await screenshot(page, 'index-run-corrected');
  });

  it('is told when someone else changed the run first, and sees the run reloaded', async () => {
    // a colleague at another desk corrects another input: the version this page holds is stale
    const api = await apiSession(baseUrl, 'safety_office');
    const run = await api.get<{ version: number; results: { unitId: number; name: string }[] }>(
      `/api/v1/index/runs/${runId}`,
    );
    const other = run.results.find((r) => r.name === '梧田街道');
    expect(other).toBeDefined();
    await api.post(`/api/v1/index/runs/${runId}/corrections`, {
      unitId: other?.unitId,
      indicator: 'petitions',
      value: 3,
      reason: OTHER_REASON,
      version: run.version,
    });
    await page.getByTestId('run-confirm').click();
    await confirmDialog(page, /确定结果/);
    await page.locator('.ant-message').getByText('该批次已被他人修改').waitFor({ timeout: 15_000 });
    // reloaded, still computed, with both corrections
    await page.getByTestId('run-corrections').getByText(OTHER_REASON).waitFor({ timeout: 15_000 });
    await expect(page.locator('[data-testid=run-detail]').getAttribute('data-state')).resolves.toBe(
      'computed',
    );
    expect(await page.getByTestId('run-corrections').locator('tbody tr.ant-table-row').count()).toBe(2);
    await page.locator('.ant-modal-confirm').waitFor({ state: 'detached' });
    await screenshot(page, 'index-run-conflict');
  });

  it('confirms, then publishes with a confirmation each; the published run is read-only and public', async () => {
    await page.getByTestId('run-confirm').click();
    await confirmDialog(page, /确定结果/);
    await page.locator('[data-testid=run-detail][data-state=confirmed]').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('open-correction').count()).resolves.toBe(0);

    await page.getByTestId('run-publish').click();
    await page.locator('.ant-modal-confirm:visible').getByText('向社会公开').waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'index-run-publish-dialog');
    await confirmDialog(page, /通报发布/);
    await page.locator('[data-testid=run-detail][data-state=published]').waitFor({ timeout: 30_000 });
    await page.getByTestId('run-readonly').waitFor();
    expect(await page.getByTestId('run-confirm').count()).toBe(0);
    expect(await page.getByTestId('run-publish').count()).toBe(0);
    const steps = page.getByTestId('run-steps').locator('.ant-steps-item-finish');
    expect(await steps.count()).toBe(4);
    // the correction stays on record, and the month is public now
    await page.getByRole('tab', { name: /修正记录/ }).click();
    await page.getByTestId('run-corrections').getByText(REASON).waitFor();
    const pub = await page.evaluate(async (p) => {
      const r = await fetch(`/api/v1/public/index?period=${p}&level=town`);
      return { status: r.status, body: (await r.json()) as { runId: number; items: unknown[] } };
    }, period);
    expect(pub.status).toBe(200);
    expect(pub.body.runId).toBe(runId);
    expect(pub.body.items).toHaveLength(13);
    await page.getByRole('tab', { name: /测评结果/ }).click();
    await page.waitForTimeout(300);
    await screenshot(page, 'index-run-published');
  });

  it('lists the accountability items with their units, filtered by state', async () => {
    await page.locator('[data-nav=indexAccountability]').click();
    const rows = page.getByTestId('acc-table').locator('tbody tr.ant-table-row');
    await rows.first().waitFor({ timeout: 30_000 });
    await accLoaded(page);
    expect(await rows.count()).toBeGreaterThan(0);
    const actions = await page.getByTestId('acc-action').allTextContents();
    expect(actions.every((a) => ['预警', '抄告', '督办', '挂牌', '摘牌'].includes(a))).toBe(true);
    // unit names resolved (not #id)
    await expect(rows.first().locator('td').first().textContent()).resolves.not.toMatch(/^#\d+/);
    await screenshot(page, 'index-accountability');
    await page.getByTestId('acc-filter').getByText('已办结').click();
    await page.waitForTimeout(100);
    await accLoaded(page);
    const closed = await page.getByTestId('acc-table').locator('tbody tr.ant-table-row').count();
    const apiClosed = await page.evaluate(async () => {
      const r = await fetch('/api/v1/index/accountability?state=accepted&pageSize=1');
      return ((await r.json()) as { total: number }).total;
    });
    expect(closed).toBe(Math.min(apiClosed, 15));
    await page.getByTestId('acc-filter').getByText('全部').click();
  });

  it("a town's staff answer an item and the safety office accepts the answer", async () => {
    // whichever demo town account has an open item in its scope (the demo's red units vary by month)
    let account: string | null = null;
    for (const username of TOWN_ACCOUNTS) {
      const api = await apiSession(baseUrl, username);
      const open = await api.get<{ items: Item[] }>('/api/v1/index/accountability?state=open&pageSize=50');
      if (open.items.some((i) => i.action !== 'delisting')) {
        account = username;
        break;
      }
    }
    if (!account) {
      console.warn(
        'no open accountability item in the demo town accounts’ scopes this month: answer step skipped',
      );
      return;
    }
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
    await login(page, baseUrl, account);
    await page.locator('[data-nav=indexAccountability]').click();
    await page.getByTestId('acc-filter').getByText('待答复').click();
    const answer = page.getByTestId('acc-answer').first();
    await answer.waitFor({ timeout: 30_000 });
    const row = page.locator('[data-testid=acc-table] tbody tr.ant-table-row', { has: answer });
    const unit = ((await row.locator('td strong').first().textContent()) ?? '').trim();
    await answer.click();
    await page.getByTestId('acc-answer-text').fill(ANSWER);
    await page.waitForTimeout(300);
    await screenshot(page, 'index-accountability-answer');
    await page
      .locator('.ant-modal:visible')
      .getByRole('button', { name: /答\s*复/ })
      .click();
    await page
      .locator('.ant-modal:visible')
      .waitFor({ state: 'detached', timeout: 15_000 })
      .catch(() => {});

    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
    await login(page, baseUrl, 'safety_office');
    await page.locator('[data-nav=indexAccountability]').click();
    await page.getByTestId('acc-filter').getByText('已答复').click();
    const answered = page
      .locator('[data-testid=acc-table] tbody tr.ant-table-row', { hasText: unit })
      .first();
    await answered.waitFor({ timeout: 30_000 });
    await expect(answered.textContent()).resolves.toContain(ANSWER.slice(0, 10));
    await answered.getByTestId('acc-accept').click();
    await confirmDialog(page, /认\s*可/);
    await page.getByTestId('acc-filter').getByText('已办结').click();
    await page.locator('[data-testid=acc-table] tbody tr.ant-table-row', { hasText: unit }).first().waitFor();
    await accLoaded(page);
    await page.waitForTimeout(500); // the filter's sliding highlight
    await screenshot(page, 'index-accountability-accepted');
  });

  it('raised no uncaught errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
