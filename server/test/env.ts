// Which database the integration tests run against: ANWANG_TEST_DB=pglite (default) or postgres.
// With postgres, ANWANG_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres) names a
// server where the tests may create and drop databases.
/** The migrated template database of this test run (each run has its own, so runs may overlap). */
export function templateDb(): string {
  const name = process.env.ANWANG_TEST_TEMPLATE;
  if (!name) throw new Error('ANWANG_TEST_TEMPLATE is not set: run the tests through vitest (global setup)');
  return name;
}

export function testDbKind(): 'pglite' | 'postgres' {
  const k = process.env.ANWANG_TEST_DB ?? 'pglite';
  if (k !== 'pglite' && k !== 'postgres')
    throw new Error(`ANWANG_TEST_DB must be pglite or postgres, not ${k}`);
  return k;
}

export function adminUrl(database?: string): string {
  const url = new URL(process.env.ANWANG_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  if (database) url.pathname = `/${database}`;
  return url.toString();
}
