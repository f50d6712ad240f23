// The composition root: builds every module's service with exactly the collaborators it needs.
// The HTTP server (app.ts), the command line (main.ts) and tests all start here.
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/index.js';
import { AuditService } from './modules/access/audit.js';
import { AccessService } from './modules/access/service.js';
import { UnitsService } from './modules/units/service.js';

export interface Services {
  db: Db;
  clock: Clock;
  audit: AuditService;
  access: AccessService;
  units: UnitsService;
}

export function createServices(db: Db, config: Config, clock: Clock = systemClock): Services {
  const audit = new AuditService(db, clock);
  const units = new UnitsService(db, audit);
  const access = new AccessService(db, audit, units, config, clock);
  return { db, clock, audit, access, units };
}
