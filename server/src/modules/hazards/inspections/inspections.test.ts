// The seed checklists against the seed taxonomy, and the check-in distance (no database).
import { describe, expect, it } from 'vitest';
import { PLACE_KIND_CODES } from '../places/schema.js';
import { seedDomainDefs } from '../taxonomy/seed-data.js';
import { templateDef, UNIT_SUBJECTS } from './schema.js';
import { SEED_TEMPLATES } from './seed-data.js';
import { distanceMeters } from './service.js';

describe('seed checklist templates', () => {
  const aspects = new Set(
    seedDomainDefs('330304').flatMap((d) => d.aspects.map((a) => `${d.code}/${a.code}`)),
  );

  it('are valid, each for a known subject, and every item maps to a seed domain and aspect', () => {
    expect(SEED_TEMPLATES.length).toBeGreaterThanOrEqual(8);
    for (const raw of SEED_TEMPLATES) {
      const t = templateDef.parse(raw);
      const subjects: readonly string[] = t.subjectType === 'place' ? PLACE_KIND_CODES : UNIT_SUBJECTS;
      expect(subjects, t.code).toContain(t.subject);
      for (const i of t.items)
        expect(aspects, `${t.code}/${i.code}`).toContain(`${i.domainCode}/${i.aspectCode}`);
    }
  });

  it('cover police stations, villages, three-in-one places, rental housing, sites, gas stations, crowded places and enterprises', () => {
    const subjects = SEED_TEMPLATES.map((t) => `${t.kind}:${t.subject}`);
    for (const s of [
      'covert:town',
      'covert:village',
      'covert:three_in_one',
      'covert:rental_housing',
      'covert:construction_site',
      'covert:gas_station',
      'covert:market',
      'self:enterprise',
    ]) {
      expect(subjects).toContain(s);
    }
    const codes = SEED_TEMPLATES.map((t) => t.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('distanceMeters', () => {
  it('measures short distances on the ground', () => {
    const a = { lng: 120.6, lat: 27.95 };
    expect(distanceMeters(a, a)).toBe(0);
    // 0.001° of latitude is about 111 m anywhere; of longitude at 27.95° N about 98 m
    expect(distanceMeters(a, { lng: 120.6, lat: 27.951 })).toBeCloseTo(111.2, 0);
    expect(distanceMeters(a, { lng: 120.601, lat: 27.95 })).toBeCloseTo(98.2, 0);
    expect(distanceMeters(a, { lng: 120.61, lat: 27.96 })).toBeGreaterThan(1400);
  });
});
