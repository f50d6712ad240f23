import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('config', () => {
  it('has working defaults: port 3000, PGlite in ./data', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(c.secureCookies).toBe(false);
  });

  it('reads and types the environment', () => {
    const c = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u@db:5432/anwang',
      NODE_ENV: 'production',
      ANWANG_SEED_DEMO: 'false',
    });
    expect(c).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://u@db:5432/anwang',
      env: 'production',
      seedDemo: false,
    });
    expect(c.secureCookies).toBe(true); // production defaults to Secure cookies
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000);
  });

  it('refuses bad values and names every problem', () => {
    try {
      loadConfig({ PORT: '70000', DATABASE_URL: 'mysql://x', ANWANG_SEED_DEMO: 'maybe' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toMatch(/PORT/);
      expect(problems).toMatch(/DATABASE_URL: must start with postgres/);
      expect(problems).toMatch(/ANWANG_SEED_DEMO/);
      expect((e as ConfigError).problems).toHaveLength(3);
    }
  });
});
