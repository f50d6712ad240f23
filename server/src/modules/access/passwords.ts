// Password hashing with a memory-hard function (scrypt, built into Node) and the password policy.
// Hashes are self-describing — `scrypt$N$r$p$salt$hash` (salt and hash base64url) — so the cost can be
// raised later: old hashes still verify, and needsRehash() tells the login to upgrade them.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

/** Current cost: N = 2^15, r = 8, p = 1 needs 128·N·r = 32 MiB and takes tens of milliseconds. */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Refuse stored parameters beyond this, so a tampered hash cannot make a login allocate gigabytes. */
const MAX_MEM = 256 * 1024 * 1024;

export const PASSWORD_MIN_LENGTH = 8;
/** Long enough for any passphrase, short enough that nobody makes the server hash megabytes. */
export const PASSWORD_MAX_LENGTH = 256;

interface Params {
  N: number;
  r: number;
  p: number;
}

function derive(password: string, salt: Buffer, params: Params, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(
      password.normalize('NFKC'),
      salt,
      length,
      {
        N: params.N,
        r: params.r,
        p: params.p,
        maxmem: Math.max(64 * 1024 * 1024, 256 * params.N * params.r),
      },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string, params: Params = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, params, HASH_BYTES);
  return [
    'scrypt',
    params.N,
    params.r,
    params.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

interface Parsed extends Params {
  salt: Buffer;
  hash: Buffer;
}

export function parseHash(stored: string): Parsed | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const ok = (x: number) => Number.isInteger(x) && x > 0;
  if (!ok(N) || !ok(r) || !ok(p) || (N & (N - 1)) !== 0 || N < 2) return null;
  if (128 * N * r > MAX_MEM || p > 16) return null;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const hash = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || hash.length < 16) return null;
  return { N, r, p, salt, hash };
}

/** Constant-time comparison against a stored hash; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash);
}

/** A stored hash made with weaker parameters than today's: upgrade it at the next successful login. */
export function needsRehash(stored: string): boolean {
  const p = parseHash(stored);
  return !p || p.N < SCRYPT_PARAMS.N || p.r < SCRYPT_PARAMS.r || p.p < SCRYPT_PARAMS.p;
}

/** The password policy: at least 8 characters, with letters and digits. Returns the problem, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `at most ${PASSWORD_MAX_LENGTH} characters`;
  if (!/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) return 'letters and digits';
  return null;
}
