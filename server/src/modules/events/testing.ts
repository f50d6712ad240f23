// Test factories for events (used by *.db.test.ts here and in other modules that file or read events):
// a lattice district with boundaries (so points locate), the seed's departments and categories, and
// one account per role that works events.
import type { TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { SYSTEM } from '../access/actor.js';
import { login, makeAccount } from '../access/testing.js';
import { buildLattice, DEPARTMENT_SUFFIXES, type Lattice } from '../units/test-factories.js';
import { seedEventCategories } from './categories/seed.js';

export interface EventsDistrict {
  lattice: Lattice;
  /** A point inside the micro-grid at column c, row r (its centre). */
  point(c: number, r: number): { lng: number; lat: number };
  /** Ids by unit code. */
  ids: Map<string, number>;
  departmentId(suffix: string): Promise<number>;
}

/**
 * 3303 → 330304 (瓯海区) → 330304001 → 330304001001 → two grids (G1 columns 0–1, G2 columns 2–3) of a
 * 4×4 micro-grid lattice of 0.01° cells from (120.6, 27.95); departments 330304-GA … and the seed
 * categories (fire.ebike_charging → grid, fire.blocked_exit → 330304-XF, disputes.neighbour → village).
 */
export async function insertEventsDistrict(ctx: TestContext): Promise<EventsDistrict> {
  const lattice = buildLattice();
  await ctx.services.units.insertUnits(SYSTEM, lattice.units);
  await ctx.services.units.insertDepartments(
    SYSTEM,
    DEPARTMENT_SUFFIXES.map((s) => ({ code: `330304-${s}`, name: `部门${s}`, unitCode: '330304' })),
  );
  await seedEventCategories(ctx.services, '330304');
  const refs = await ctx.services.units.refsByCodes(lattice.units.map((u) => u.code));
  const ids = new Map([...refs.values()].map((u) => [u.code, u.id]));
  return {
    lattice,
    point: (c, r) => ({
      lng: lattice.x(c) + lattice.opts.cell / 2,
      lat: lattice.y(r) + lattice.opts.cell / 2,
    }),
    ids,
    async departmentId(suffix) {
      const d = await ctx.services.units.findDepartmentByCode(`330304-${suffix}`);
      if (!d) throw new Error(`no department ${suffix}`);
      return d.id;
    },
  };
}

export const EVENT_ROLES_ACCOUNTS = {
  dispatcher: { roles: ['dispatcher'], unit: '330304' },
  grid1: { roles: ['grid_worker'], unit: '330304001001-G1' },
  grid2: { roles: ['grid_worker'], unit: '330304001001-G2' },
  village: { roles: ['village_staff'], unit: '330304001001' },
  town: { roles: ['town_staff'], unit: '330304001' },
  fire: { roles: ['department_staff'], department: '330304-XF' },
  police: { roles: ['department_staff'], department: '330304-GA' },
  leader: { roles: ['leader'], unit: '330304' },
  resident: { roles: ['resident'] },
  resident2: { roles: ['resident'] },
  farDispatcher: { roles: ['dispatcher'], unit: '330304001001-G2' },
} as const;
export type EventsAccount = keyof typeof EVENT_ROLES_ACCOUNTS;

/** Makes the accounts above (usernames = keys) and logs each in; returns their cookies and ids. */
export async function eventsAccounts(
  ctx: TestContext,
  app: App,
): Promise<{ cookie: Record<EventsAccount, string>; id: Record<EventsAccount, number> }> {
  const cookie = {} as Record<EventsAccount, string>;
  const id = {} as Record<EventsAccount, number>;
  for (const [name, o] of Object.entries(EVENT_ROLES_ACCOUNTS) as [
    EventsAccount,
    (typeof EVENT_ROLES_ACCOUNTS)[EventsAccount],
  ][]) {
    const a = await makeAccount(ctx, {
      username: name.toLowerCase(),
      roles: [...o.roles],
      ...('unit' in o ? { unit: o.unit } : {}),
      ...('department' in o ? { department: o.department } : {}),
    });
    id[name] = a.id;
    cookie[name] = await login(app, name.toLowerCase());
  }
  return { cookie, id };
}
