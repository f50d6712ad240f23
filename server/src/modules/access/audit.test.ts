import { describe, expect, it } from 'vitest';
import { redact } from './audit.js';

describe('audit redaction', () => {
  it('replaces every secret-looking field at any depth and keeps the rest', () => {
    const out = redact({
      username: 'wang',
      password: 'x',
      passwordHash: 'scrypt$…',
      nested: { token: 't', apiKey: 'k', key: 'k2', keep: 1, list: [{ secret: 's', name: 'n' }] },
      at: new Date('2026-01-02T03:04:05Z'),
    });
    expect(out).toEqual({
      username: 'wang',
      password: '[redacted]',
      passwordHash: '[redacted]',
      nested: {
        token: '[redacted]',
        apiKey: '[redacted]',
        key: '[redacted]',
        keep: 1,
        list: [{ secret: '[redacted]', name: 'n' }],
      },
      at: '2026-01-02T03:04:05.000Z',
    });
    expect(JSON.stringify(out)).not.toMatch(/scrypt|"t"|"k"|"s"/);
  });

  it('leaves plain values and ordinary words alone', () => {
    expect(redact(null)).toBeNull();
    expect(redact(3)).toBe(3);
    expect(redact({ passport: 'x', bypassed: true, monkey: 1 })).toEqual({
      passport: 'x',
      bypassed: true,
      monkey: 1,
    });
  });
});
