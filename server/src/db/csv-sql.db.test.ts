// The database writes CSV cells exactly as lib/csv.ts does (on PGlite and on PostgreSQL): quoting, the
// formula guard, ISO times with milliseconds, local dates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../../test/context.js';
import { csvCell, csvText } from '../lib/csv.js';
import { sqlCsvCell, sqlCsvJoin, sqlCsvText, sqlIsoTime, sqlLocalDate } from './csv-sql.js';
import type { Db } from './types.js';

describe('CSV cells written by the database', () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.close());

  const TEXTS = [
    'plain',
    '',
    'a,b',
    'say "hi"',
    'two\nlines',
    'cr\rhere',
    '=HYPERLINK("x")',
    '+86 577',
    '-3',
    '@sum',
    '\tindent',
    '中文，全角逗号',
    "it's",
    null,
  ];

  it('quotes and guards text as csvCell(csvText(…)) does', async () => {
    const rows = await db.query<{ cell: string; text: string }>(
      `SELECT ${sqlCsvCell('v')} AS cell, ${sqlCsvText('v')} AS text
       FROM unnest($1::text[]) WITH ORDINALITY AS t(v, i) ORDER BY i`,
      [TEXTS],
    );
    expect(rows.map((r) => r.cell)).toEqual(TEXTS.map((t) => csvCell(t)));
    expect(rows.map((r) => r.text)).toEqual(TEXTS.map((t) => csvCell(csvText(t))));
  });

  it('writes times as toISOString() and local dates at a fixed offset', async () => {
    const times = ['2026-11-23T15:59:59.999Z', '2026-11-23T16:00:00.000Z', '2026-01-01T00:00:00.123Z'];
    const rows = await db.query<{ iso: string; day: string; none: string; joined: string }>(
      `SELECT ${sqlIsoTime('t')} AS iso, ${sqlLocalDate('t', 480)} AS day,
              ${sqlIsoTime('NULL::timestamptz')} || ${sqlLocalDate('NULL::timestamptz', 480)} AS none,
              ${sqlCsvJoin([`'a'`, `'b'`])} AS joined
       FROM unnest($1::timestamptz[]) WITH ORDINALITY AS x(t, i) ORDER BY i`,
      [times],
    );
    expect(rows.map((r) => r.iso)).toEqual(times);
    expect(rows.map((r) => r.day)).toEqual(['2026-11-23', '2026-11-24', '2026-01-01']);
    expect(rows[0]!.none).toBe('');
    expect(rows[0]!.joined).toBe('a,b');
    // microseconds are cut to milliseconds as a JavaScript Date read from the driver cuts them
    const [us] = await db.query<{ iso: string; t: Date }>(
      `SELECT ${sqlIsoTime(`'2026-11-23T01:02:03.456789Z'::timestamptz`)} AS iso,
              '2026-11-23T01:02:03.456789Z'::timestamptz AS t`,
    );
    expect(us!.iso).toBe(us!.t.toISOString());
  });
});
