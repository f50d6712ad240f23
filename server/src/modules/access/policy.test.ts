// The policy matrix on accounts: every role × in-scope / out-of-scope target × read / write, over the
// pure policy. (policy.db.test.ts shows the same refusals through the HTTP routes.)
import { describe, expect, it } from 'vitest';
import { type Actor, ANONYMOUS, ROLES, type Role, type Scope, SYSTEM } from './actor.js';
import { type AccountTarget, accountPolicy, anchorInScope, isTopLevel, scopeProblem } from './policy.js';

const county = { id: 1, code: 'C1', name: '区', level: 'county', path: '/C1/' };
const town1 = { id: 2, code: 'T1', name: '甲', level: 'town', path: '/C1/T1/' };
const dept = { id: 9, code: 'D1', name: '市场监管局', unitPath: '/C1/' };

function scopeFor(role: Role): Scope {
  if (role === 'resident') return { unit: null, department: null };
  if (role === 'department_staff') return { unit: null, department: dept };
  return { unit: town1, department: null };
}

const user = (role: Role, id = 100, scope = scopeFor(role)): Actor => ({
  kind: 'user',
  id,
  username: role,
  displayName: role,
  roles: [role],
  scope,
});

const IN_SCOPE: AccountTarget = { id: 501, anchorPath: '/C1/T1/V1/' };
const OUT_OF_SCOPE: AccountTarget = { id: 502, anchorPath: '/C1/T2/V2/' };

describe('account policy matrix (actor scoped to town T1; department staff to a county department)', () => {
  const rows = ROLES.flatMap((role) =>
    (['in scope', 'out of scope'] as const).map((where) => ({
      role,
      where,
      target: where === 'in scope' ? IN_SCOPE : OUT_OF_SCOPE,
      // only an admin reads or writes someone else's account, and only inside its subtree
      read: role === 'admin' && where === 'in scope',
      write: role === 'admin' && where === 'in scope',
    })),
  );

  it.each(rows)('$role × $where: read=$read write=$write', ({ role, target, read, write }) => {
    const a = user(role);
    expect(accountPolicy.viewAccount(a, target)).toBe(read);
    expect(accountPolicy.manageAccount(a, target)).toBe(write);
    expect(accountPolicy.listAccounts(a)).toBe(role === 'admin');
    expect(accountPolicy.manageAccounts(a)).toBe(role === 'admin');
    expect(accountPolicy.manageApiKeys(a)).toBe(role === 'admin');
  });

  it.each(ROLES)('%s reads its own account but only an admin changes it', (role) => {
    const a = user(role, 777);
    const self: AccountTarget = { id: 777, anchorPath: role === 'resident' ? null : '/C1/T1/' };
    expect(accountPolicy.viewAccount(a, self)).toBe(true);
    expect(accountPolicy.manageAccount(a, self)).toBe(role === 'admin');
    expect(accountPolicy.changeOwnPassword(a)).toBe(true);
  });

  it.each(ROLES)('an API key with role %s and nobody anonymous ever read or write accounts', (role) => {
    const key: Actor = {
      kind: 'api_key',
      id: 1,
      name: 'k',
      roles: [role],
      scope: { unit: county, department: null },
    };
    for (const t of [IN_SCOPE, OUT_OF_SCOPE, { id: 1, anchorPath: null }]) {
      expect(accountPolicy.viewAccount(key, t)).toBe(false);
      expect(accountPolicy.manageAccount(key, t)).toBe(false);
      expect(accountPolicy.viewAccount(ANONYMOUS, t)).toBe(false);
      expect(accountPolicy.manageAccount(ANONYMOUS, t)).toBe(false);
    }
    expect(accountPolicy.changeOwnPassword(key)).toBe(false);
    expect(accountPolicy.manageApiKeys(key)).toBe(false);
  });

  it('a town admin cannot reach district-wide accounts, residents, or the county department staff', () => {
    const townAdmin = user('admin');
    expect(accountPolicy.manageAccount(townAdmin, { id: 1, anchorPath: '/C1/' })).toBe(false);
    expect(accountPolicy.manageAccount(townAdmin, { id: 1, anchorPath: null })).toBe(false);
    expect(accountPolicy.manageAccount(townAdmin, { id: 1, anchorPath: dept.unitPath })).toBe(false);
    // nor a sibling whose code merely starts the same way
    expect(accountPolicy.manageAccount(townAdmin, { id: 1, anchorPath: '/C1/T10/' })).toBe(false);
    expect(accountPolicy.manageAccount(townAdmin, { id: 1, anchorPath: '/C1/T1/' })).toBe(true);
  });

  it('a county admin reaches the whole county and residents; SYSTEM reaches everything', () => {
    const countyAdmin = user('admin', 1, { unit: county, department: null });
    expect(isTopLevel(countyAdmin)).toBe(true);
    for (const p of ['/C1/', '/C1/T2/V2/', null])
      expect(accountPolicy.manageAccount(countyAdmin, { id: 1, anchorPath: p })).toBe(true);
    expect(accountPolicy.manageAccount(countyAdmin, { id: 1, anchorPath: '/C2/' })).toBe(false);
    for (const p of ['/C2/', '/X/', null]) expect(anchorInScope(SYSTEM, p)).toBe(true);
    expect(accountPolicy.manageAccount(SYSTEM, OUT_OF_SCOPE)).toBe(true);
  });

  it('the audit log: admins and the safety office, entries with a unit by subtree', () => {
    for (const role of ROLES)
      expect(accountPolicy.viewAudit(user(role))).toBe(role === 'admin' || role === 'safety_office');
    const so = user('safety_office');
    expect(accountPolicy.viewAuditEntry(so, null)).toBe(true);
    expect(accountPolicy.viewAuditEntry(so, '/C1/T1/V1/')).toBe(true);
    expect(accountPolicy.viewAuditEntry(so, '/C1/T2/')).toBe(false);
    expect(accountPolicy.viewAuditEntry(user('leader'), null)).toBe(false);
  });
});

describe('roles and scope fit together', () => {
  const u = { unit: true, department: false };
  const d = { unit: false, department: true };
  const none = { unit: false, department: false };
  it.each([
    [['resident'], none, null],
    [['resident'], u, 'a resident account has no scope'],
    [['resident', 'grid_worker'], u, 'resident cannot be combined with staff roles'],
    [['grid_worker'], none, 'roles grid_worker need a scope unit'],
    [['grid_worker'], u, null],
    [['grid_worker'], d, 'only department_staff has a department'],
    [['department_staff'], d, null],
    [['department_staff'], u, null],
    [['department_staff'], none, 'department_staff needs a department or a scope unit'],
    [['department_staff', 'mediator'], d, 'roles department_staff, mediator need a scope unit'],
    [['admin', 'admin'], u, 'a role is listed twice'],
    [[], u, 'at least one role'],
  ] as [Role[], { unit: boolean; department: boolean }, string | null][])(
    '%j with %j → %s',
    (roles, scope, problem) => {
      expect(scopeProblem(roles, scope)).toBe(problem);
    },
  );

  it.each(ROLES.filter((r) => r !== 'resident'))('%s needs a scope', (role) => {
    expect(scopeProblem([role], none)).not.toBeNull();
  });
});
