// Test factories for the access module (used by *.db.test.ts here and in other modules): a small unit
// tree, accounts with any roles and scope, and logging in over HTTP.

import type { TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { type Role, SYSTEM } from './actor.js';
import { SESSION_COOKIE } from './routes.js';
import type { AccountDto } from './schema.js';

export const TEST_PASSWORD = 'Passw0rd-test';

/**
 * A county with two towns, a village and a grid in each, and a county-wide department:
 *   C1 ─ T1 ─ V1 ─ G1      C1 ─ T2 ─ V2 ─ G2      department D1 serving C1
 */
export async function seedSmallTree(ctx: TestContext): Promise<void> {
  const units = ctx.services.units;
  await units.insertUnits(SYSTEM, [
    { code: 'C1', name: '测试区', level: 'county', parentCode: null },
    { code: 'T1', name: '甲街道', level: 'town', parentCode: 'C1' },
    { code: 'T2', name: '乙镇', level: 'town', parentCode: 'C1' },
    { code: 'V1', name: '甲村', level: 'village', parentCode: 'T1' },
    { code: 'V2', name: '乙村', level: 'village', parentCode: 'T2' },
    { code: 'G1', name: '甲网格', level: 'grid', parentCode: 'V1', gridKind: 'general' },
    { code: 'G2', name: '乙网格', level: 'grid', parentCode: 'V2', gridKind: 'general' },
  ]);
  await units.insertDepartments(SYSTEM, [{ code: 'D1', name: '市场监管局', unitCode: 'C1' }]);
}

let seq = 0;

/** An account made by SYSTEM; the username defaults to a fresh one, the password to TEST_PASSWORD. */
export function makeAccount(
  ctx: TestContext,
  o: {
    username?: string;
    roles: Role[];
    unit?: string;
    department?: string;
    password?: string;
    phone?: string;
  },
): Promise<AccountDto> {
  seq += 1;
  return ctx.services.access.createAccount(SYSTEM, {
    username: o.username ?? `${o.roles[0]?.replace(/_/g, '-')}-${seq}`,
    displayName: `测试 ${o.roles.join('+')} ${seq}`,
    password: o.password ?? TEST_PASSWORD,
    roles: o.roles,
    ...(o.unit ? { scopeUnitCode: o.unit } : {}),
    ...(o.department ? { scopeDepartmentCode: o.department } : {}),
    ...(o.phone ? { phone: o.phone } : {}),
  });
}

/** Logs in over HTTP and returns the Cookie header value to send with later requests. */
export async function login(app: App, username: string, password = TEST_PASSWORD): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
  });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  if (!c) throw new Error('no session cookie');
  return `${SESSION_COOKIE}=${c.value}`;
}
