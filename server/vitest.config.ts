import { defineConfig } from 'vitest/config';

// Tiers: *.test.ts are small tests (no database); *.db.test.ts run against a real database
// (PGlite or PostgreSQL, see test/env.ts); browser tests live in ../e2e and run on their own.
const kind = process.env.ANWANG_TEST_DB ?? 'pglite';
export default defineConfig({
  test: {
    include:
      kind === 'postgres'
        ? ['src/**/*.db.test.ts', 'test/**/*.db.test.ts']
        : ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/no-network.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
