// The WHERE builder of the list filters: numbered parameters, one per value, conditions joined with AND.
import { describe, expect, it } from 'vitest';
import { Where } from './where.js';

describe('Where', () => {
  it('is empty without conditions', () => {
    const w = new Where();
    expect(w.sql).toBe('');
    expect(w.params).toEqual([]);
  });

  it('numbers the parameters in order; a value used twice is one parameter', () => {
    const w = new Where();
    w.add(`x.path LIKE ? || '%'`, '/1/');
    const d = w.$(7);
    w.add(`(x.a = ${d} OR x.b = ${d})`);
    w.add(`(x.no = ? OR x.text ILIKE '%' || ? || '%')`, 'q');
    w.add('false');
    expect(w.sql).toBe(
      `WHERE x.path LIKE $1 || '%' AND (x.a = $2 OR x.b = $2) AND (x.no = $3 OR x.text ILIKE '%' || $3 || '%') AND false`,
    );
    expect(w.params).toEqual(['/1/', 7, 'q']);
  });
});
