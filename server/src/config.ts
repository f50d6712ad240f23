// Configuration: read once from the environment, validated, typed. Every variable is documented
// where it is declared; README.md's configuration table mirrors this file.
import path from 'node:path';
import { z } from 'zod';

export const DEMO_PASSWORD = 'Anwang@2026';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  /** TCP port the HTTP server listens on. */
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Interface to bind. 0.0.0.0 exposes the server on every interface. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Folder for the embedded database (PGlite) and uploaded files. */
  ANWANG_DATA_DIR: z.string().min(1).default('./data'),
  /** PostgreSQL connection string. Absent: the embedded PGlite database in ANWANG_DATA_DIR/pglite. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  /** Size of the PostgreSQL connection pool (ignored with PGlite, which has one connection). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** production | development | test. Production refuses insecure cookies and warns about the demo password. */
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  /** Seed the Ouhai demo district on first start when the database has no units. */
  ANWANG_SEED_DEMO: bool.default(true),
  /** Session lifetime in hours. */
  ANWANG_SESSION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /** Mark the session cookie Secure (send over HTTPS only). Defaults to true in production. */
  ANWANG_SECURE_COOKIES: bool.optional(),
  /** Failed log-ins allowed per username and address within the window before 429. */
  ANWANG_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  /** Login rate-limit window in minutes. */
  ANWANG_LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** Log level: fatal, error, warn, info, debug, trace, silent. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Which reverse proxies to believe about the client address (X-Forwarded-For), which the login rate
   * limit keys on: false (default: none — direct connections), true (any: only behind a proxy that
   * overwrites the header), or a comma-separated list of proxy addresses/CIDRs.
   */
  ANWANG_TRUST_PROXY: z.string().default('false'),
  /** Optional raster tile URL template for the map background (e.g. a 天地图 URL with your key). */
  ANWANG_TILE_URL: z.string().url().optional(),
  /**
   * Channels that carry notifications away from the screen (assignments, overdue items, answers to
   * reporters), comma-separated: `log` (default: a log line with ids only) and any a deployment
   * registers (SMS, WeChat; see modules/notifications/service.ts).
   */
  ANWANG_NOTIFY_CHANNELS: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*(,[a-z][a-z0-9_-]*)*$/, 'channel names separated by commas, e.g. log,sms')
    .default('log'),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  env: 'production' | 'development' | 'test';
  seedDemo: boolean;
  sessionHours: number;
  secureCookies: boolean;
  loginMaxFailures: number;
  loginWindowMinutes: number;
  logLevel: string;
  tileUrl: string | undefined;
  notifyChannels: string[];
  trustProxy: boolean | string[];
};

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function parseTrustProxy(v: string): boolean | string[] {
  if (v === 'false') return false;
  if (v === 'true') return true;
  return v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

/** Parses the environment once; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(
    Object.keys(schema.shape).flatMap((k) => (env[k] === undefined || env[k] === '' ? [] : [[k, env[k]]])),
  );
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: path.resolve(c.ANWANG_DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    databasePoolSize: c.DATABASE_POOL_SIZE,
    env: c.NODE_ENV,
    seedDemo: c.ANWANG_SEED_DEMO,
    sessionHours: c.ANWANG_SESSION_HOURS,
    secureCookies: c.ANWANG_SECURE_COOKIES ?? c.NODE_ENV === 'production',
    loginMaxFailures: c.ANWANG_LOGIN_MAX_FAILURES,
    loginWindowMinutes: c.ANWANG_LOGIN_WINDOW_MINUTES,
    logLevel: c.LOG_LEVEL,
    tileUrl: c.ANWANG_TILE_URL,
    notifyChannels: c.ANWANG_NOTIFY_CHANNELS.split(','),
    trustProxy: parseTrustProxy(c.ANWANG_TRUST_PROXY),
  };
}
