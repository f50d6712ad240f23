import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  needsRehash,
  parseHash,
  passwordProblem,
  SCRYPT_PARAMS,
  verifyPassword,
} from './passwords.js';

describe('password hashing', () => {
  it('round-trips in the self-describing scrypt format', async () => {
    const h = await hashPassword('correct horse 9');
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    const p = parseHash(h);
    expect(p).toMatchObject({ N: SCRYPT_PARAMS.N, r: 8, p: 1 });
    expect(p?.salt.length).toBe(16);
    expect(await verifyPassword('correct horse 9', h)).toBe(true);
    expect(await verifyPassword('correct horse 8', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same-pass1'), hashPassword('same-pass1')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same-pass1', b)).toBe(true);
  });

  it('keeps verifying hashes made with other parameters and asks to upgrade weaker ones', async () => {
    const weak = await hashPassword('old-pass1', { N: 2 ** 10, r: 8, p: 1 });
    expect(weak.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('old-pass1', weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(await hashPassword('new-pass1'))).toBe(false);
  });

  it('never matches a malformed or tampered stored hash', async () => {
    const h = await hashPassword('abc12345');
    for (const bad of [
      '',
      'plain',
      h.replace('scrypt', 'bcrypt'),
      h.replace('$32768$', '$1000$'), // N not a power of two
      h.replace('$32768$', `$${2 ** 30}$`), // would need gigabytes
      h.split('$').slice(0, 5).join('$'),
    ]) {
      expect(await verifyPassword('abc12345', bad)).toBe(false);
    }
    const flipped = `${h.slice(0, -2)}${h.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(await verifyPassword('abc12345', flipped)).toBe(false);
  });

  it('normalises Unicode so the same password typed differently still matches', async () => {
    const h = await hashPassword('ｐａｓｓ１２３４'); // full-width, as some Chinese keyboards type
    expect(await verifyPassword('pass1234', h)).toBe(true);
  });
});

describe('password policy', () => {
  it.each([
    ['short1', 'at least 8 characters'],
    ['onlyletters', 'letters and digits'],
    ['1234567890', 'letters and digits'],
    [`${'x'.repeat(300)}1`, 'at most 256 characters'],
  ])('refuses %s', (pw, why) => {
    expect(passwordProblem(pw)).toBe(why);
  });
  it.each(['abcdefg1', 'Anwang@2026', '平安瓯海2026年'])('accepts %s', (pw) => {
    expect(passwordProblem(pw)).toBeNull();
  });
});
