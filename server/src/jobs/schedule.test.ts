// Schedule specs: five cron fields read in a time zone (default Asia/Shanghai, UTC+8 all year).
import { describe, expect, it } from 'vitest';
import { JobError } from './queue.js';
import { checkCron, nextOccurrence } from './schedule.js';

const SH = 'Asia/Shanghai';

describe('nextOccurrence', () => {
  it('monthly on day 1 at 02:00 Shanghai time is 18:00 UTC the day before', () => {
    const after = new Date('2026-11-23T15:00:00Z');
    const first = nextOccurrence('0 2 1 * *', SH, after);
    expect(first.toISOString()).toBe('2026-11-30T18:00:00.000Z');
    expect(nextOccurrence('0 2 1 * *', SH, first).toISOString()).toBe('2026-12-31T18:00:00.000Z');
    // across the year end and February
    expect(nextOccurrence('0 2 1 * *', SH, new Date('2027-01-31T18:00:00Z')).toISOString()).toBe(
      '2027-02-28T18:00:00.000Z',
    );
  });

  it('is strictly after: an occurrence exactly at `after` is not returned', () => {
    const at = new Date('2026-11-30T18:00:00Z');
    expect(nextOccurrence('0 2 1 * *', SH, at).toISOString()).toBe('2026-12-31T18:00:00.000Z');
  });

  it('every 5 minutes lands on multiples of five', () => {
    expect(nextOccurrence('*/5 * * * *', SH, new Date('2026-11-23T15:00:00Z')).toISOString()).toBe(
      '2026-11-23T15:05:00.000Z',
    );
    expect(nextOccurrence('*/5 * * * *', SH, new Date('2026-11-23T15:03:27.5Z')).toISOString()).toBe(
      '2026-11-23T15:05:00.000Z',
    );
  });

  it('reads the fields in the given zone (weekday 1 = Monday, 09:00 local)', () => {
    // 2026-11-23 is a Monday
    expect(nextOccurrence('0 9 * * 1', SH, new Date('2026-11-22T00:00:00Z')).toISOString()).toBe(
      '2026-11-23T01:00:00.000Z',
    );
    expect(nextOccurrence('0 9 * * 1', 'UTC', new Date('2026-11-22T00:00:00Z')).toISOString()).toBe(
      '2026-11-23T09:00:00.000Z',
    );
  });
});

describe('checkCron', () => {
  it('accepts five valid fields and a known zone', () => {
    expect(() => checkCron('0 2 1 * *', SH)).not.toThrow();
    expect(() => checkCron('*/5 * * * *', 'UTC')).not.toThrow();
  });

  it('refuses other field counts, bad fields and unknown zones', () => {
    expect(() => checkCron('0 0 2 1 * *', SH)).toThrow(/five fields/);
    expect(() => checkCron('0 2 1 *', SH)).toThrow(/five fields/);
    expect(() => checkCron('61 2 1 * *', SH)).toThrow(JobError);
    expect(() => checkCron('0 2 1 * *', 'Mars/Olympus')).toThrow(/time zone/);
  });
});
