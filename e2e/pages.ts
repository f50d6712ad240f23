// Steps the browser tests share.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEMO_PASSWORD } from '../server/src/config.js';

export { DEMO_PASSWORD };

export async function login(page: Page, baseUrl: string, username: string, password = DEMO_PASSWORD) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(password);
  await page.locator('button[type=submit]').click();
}

/** Waits until the map shows `count` features with their labels, and returns the label texts. */
export async function mapShows(page: Page, count: number): Promise<string[]> {
  await page.locator(`[data-testid=unit-map][data-feature-count="${count}"]`).waitFor({ timeout: 30_000 });
  await page.waitForFunction((n) => document.querySelectorAll('.unit-label').length === n, count, {
    timeout: 30_000,
  });
  await page.waitForTimeout(400); // let the canvas paint before a screenshot
  return page.locator('.unit-label').allTextContents();
}

/** Clicks a unit's polygon on the map, at its label (labels let clicks through to the canvas). */
export async function clickOnMap(page: Page, name: string) {
  const box = await page.locator('.unit-label', { hasText: name }).first().boundingBox();
  expect(box, `label ${name} on the map`).not.toBeNull();
  if (!box) return;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

/** The number of direct children the server reports for a unit, asked with the page's own session. */
export async function childCount(page: Page, unitId: number): Promise<number> {
  return page.evaluate(async (id) => {
    const res = await fetch(`/api/v1/units?parent=${id}&pageSize=1`);
    return ((await res.json()) as { total: number }).total;
  }, unitId);
}

export function unitIdFromUrl(page: Page): number {
  const m = /\/units\/(\d+)$/.exec(new URL(page.url()).pathname);
  expect(m, `a unit in ${page.url()}`).not.toBeNull();
  return Number(m?.[1]);
}

/** A demo account's session cookie, logged in over the API (outside the browser). */
export async function sessionCookie(baseUrl: string, username: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  expect(res.status, `login ${username}`).toBe(200);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** For a test's setup only: GET calls to the API with a demo account's own session. */
export async function apiAs(baseUrl: string, username: string) {
  const cookie = await sessionCookie(baseUrl, username);
  return async <T>(path: string) =>
    (await (await fetch(`${baseUrl}${path}`, { headers: { cookie } })).json()) as T;
}

/** A logged-in API session outside the browser (its own cookie): a second person at another desk. */
export async function apiSession(baseUrl: string, username: string) {
  const cookie = await sessionCookie(baseUrl, username);
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        cookie,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(method === 'POST' ? { 'idempotency-key': crypto.randomUUID() } : {}),
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
