// Steps the hazard browser tests share: a photo to upload, logging out, and working one hazard at the
// desk from a queue of the workbench (open it by its tracking number, act, wait for its state).
import type { BrowserContext, Page } from 'playwright-core';
import { login } from './pages';

export { jpeg } from './harness';

export async function logout(page: Page) {
  await page.getByTestId('logout').click();
  await page.waitForURL(/\/login$/);
}

/** Drawers and modals animate in. */
export const settle = (page: Page) => page.waitForTimeout(450);

/** A signed-in session at the desk, started clean (a failed step before must not leave its session). */
export async function signIn(page: Page, context: BrowserContext, baseUrl: string, user: string) {
  await context.clearCookies();
  await login(page, baseUrl, user);
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/** Logs in at the desk, opens /hazards on the given queue and the hazard from it. */
export async function openFromQueue(
  page: Page,
  context: BrowserContext,
  baseUrl: string,
  user: string,
  tab: string,
  trackingNo: string,
) {
  // an empty number would match any row: a later step must not go on with whatever hazard is first
  if (!/^YH\d{8}-\d{6}$/.test(trackingNo))
    throw new Error(`no hazard to open (tracking number "${trackingNo}")`);
  await signIn(page, context, baseUrl, user);
  await page.goto(`${baseUrl}/hazards`);
  await page.locator(`[data-testid=hazards-tabs] [data-tab=${tab}]`).click();
  await page.getByTestId('hazards-search').fill(trackingNo);
  await page.getByTestId('hazards-search').press('Enter');
  const row = page.locator('[data-testid=hazards-table] tbody tr.ant-table-row', { hasText: trackingNo });
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  await page.getByTestId('hazard-detail').waitFor({ timeout: 30_000 });
}

export const inState = (page: Page, state: string) =>
  page.locator(`[data-testid=hazard-detail][data-state=${state}]`).waitFor({ timeout: 30_000 });

/** Opens an action's form in the hazard drawer. */
export async function act(page: Page, action: string) {
  await page.getByTestId(`hazard-action-${action}`).click();
  await page.getByTestId('hazard-form-ok').waitFor();
}

export async function closeAndLogout(page: Page) {
  await page.locator('.hazard-drawer .ant-drawer-close').click();
  await logout(page);
}

/** The whole loop, as the hazard's timeline shows it once closed out. */
export const FULL_LOOP = [
  'record',
  'triage',
  'confirm',
  'consolidate',
  'assign',
  'start',
  'submit',
  'verify_pass',
];

/** The kinds of the steps on the open hazard's timeline, in order. */
export const timelineKinds = (page: Page) =>
  page
    .locator('[data-testid=hazard-timeline] [data-kind]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
