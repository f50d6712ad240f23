// Login rate limiting shared by every server process through the login_failure table: at most
// config.loginMaxFailures failed attempts per (username, client address) within a window of
// config.loginWindowMinutes that opens with the first failure; then 429 until the window closes.
// Only failures are counted — a success clears them — and the key is a hash, so the table holds
// neither usernames nor addresses, and its rows disappear with their window.
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Db, Queryable } from '../../db/index.js';
import { ANONYMOUS } from './actor.js';
import type { AuditService } from './audit.js';
import { AccessErrors } from './errors.js';
import * as repo from './repository.js';

export interface FailedAccount {
  id: number;
  unitId: number | null;
  unitPath: string | null;
}

export class LoginThrottle {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly config: Pick<Config, 'loginMaxFailures' | 'loginWindowMinutes'>,
    private readonly clock: Clock,
  ) {}

  private get windowMs() {
    return this.config.loginWindowMinutes * 60_000;
  }

  attempt(username: string, ip: string) {
    const key = createHash('sha256').update(`${username}\n${ip}`).digest('hex');
    return {
      /** Throws 429 (with retryAfter seconds) while the key has used up its failures. */
      check: async () => {
        const now = this.clock.now();
        const { failures, firstAt } = await repo.recentFailures(this.db, key, this.since(now));
        if (failures < this.config.loginMaxFailures) return;
        const opensAt = (firstAt?.getTime() ?? now.getTime()) + this.windowMs;
        const retryAfter = Math.max(1, Math.ceil((opensAt - now.getTime()) / 1000));
        AccessErrors.loginThrottled.raise(`Try again in ${Math.ceil(retryAfter / 60)} minute(s)`, {
          retryAfter,
        });
      },
      /** Counts a failure; the one that uses up the allowance is written to the audit log (a lock-out). */
      fail: async (account: FailedAccount | null) => {
        const now = this.clock.now();
        await this.db.tx(async (q) => {
          const n = await repo.addFailure(q, key, this.since(now), now);
          if (n !== this.config.loginMaxFailures) return;
          await this.audit.record(q, {
            actor: ANONYMOUS,
            action: 'login.lockout',
            entityType: 'account',
            entityId: account?.id ?? null,
            unitId: account?.unitId ?? null,
            unitPath: account?.unitPath ?? null,
            after: { failures: n, windowMinutes: this.config.loginWindowMinutes, address: ip },
          });
        });
      },
      succeeded: (q: Queryable) => repo.clearFailures(q, key),
    };
  }

  /** Drops windows that have closed (opportunistically, after a successful log-in). */
  async cleanup() {
    await repo.deleteExpiredFailures(this.db, this.since(this.clock.now()));
  }

  private since(now: Date) {
    return new Date(now.getTime() - this.windowMs);
  }
}
