// Test factories for the places registry (used by its *.db.test.ts and by modules that need places):
// a lattice district with boundaries (so points locate), its departments, and a place factory.
import type { TestContext } from '../../../../test/context.js';
import { SYSTEM } from '../../access/actor.js';
import { buildLattice, DEPARTMENT_SUFFIXES, type Lattice } from '../../units/test-factories.js';
import { withCheckChar } from './credit-code.js';
import type { CreatePlaceInput, PlaceDetail } from './schema.js';
import { createBody } from './schema.js';

export interface PlacesDistrict {
  lattice: Lattice;
  /** A point inside the micro-grid at column c, row r (its centre). */
  point(c: number, r: number): { lng: number; lat: number };
  /** Ids by unit code. */
  ids: Map<string, number>;
}

/**
 * 3303 → 330304 → 330304001 → 330304001001 → grids G1 (columns 0–1) and G2 (columns 2–3) of a 4×4
 * micro-grid lattice of 0.01° cells from (120.6, 27.95); departments 330304-GA, 330304-SJ …
 */
export async function insertPlacesDistrict(ctx: TestContext): Promise<PlacesDistrict> {
  const lattice = buildLattice();
  await ctx.services.units.insertUnits(SYSTEM, lattice.units);
  await ctx.services.units.insertDepartments(
    SYSTEM,
    DEPARTMENT_SUFFIXES.map((s) => ({ code: `330304-${s}`, name: `部门${s}`, unitCode: '330304' })),
  );
  const refs = await ctx.services.units.refsByCodes(lattice.units.map((u) => u.code));
  return {
    lattice,
    point: (c, r) => ({
      lng: lattice.x(c) + lattice.opts.cell / 2,
      lat: lattice.y(r) + lattice.opts.cell / 2,
    }),
    ids: new Map([...refs.values()].map((u) => [u.code, u.id])),
  };
}

let serial = 0;

/** A valid credit code, different on every call (a 91 enterprise registered in 330304). */
export function nextCreditCode(): string {
  serial += 1;
  return withCheckChar(`91330304MA${String(serial).padStart(7, '0')}`);
}

/** Registers a place as SYSTEM (validated like the HTTP edge); the fields default to a shop. */
export function makePlace(
  ctx: TestContext,
  o: Partial<CreatePlaceInput> & { location: CreatePlaceInput['location'] },
): Promise<PlaceDetail> {
  return ctx.services.places.create(
    SYSTEM,
    createBody.parse({ name: `测试店铺${++serial}`, kind: 'shop', ...o }),
  );
}
