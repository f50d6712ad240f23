import { buildApp } from '../app.js';
import { DEMO_PASSWORD, loadConfig } from '../config.js';
import { openMigratedDb } from '../db/index.js';
import { JobRunner } from '../jobs/index.js';
import { DEMO_ACCOUNTS, seedDemo } from '../seed/index.js';
import { createServices } from '../services.js';
import { type Command, parse } from './command.js';

const command: Command = {
  name: 'serve',
  summary: 'start the HTTP server (migrates, and seeds the demo district on first start)',
  help: `Usage: anwang serve

Starts Anwang on PORT (default 3000). Migrates the database first. When the database has no units and
ANWANG_SEED_DEMO is true (the default), seeds the Ouhai demo district and its demo accounts.
Serves the API under /api/v1, its documentation at /api/docs, and the web client built in web/dist.
Configuration comes from the environment: see README.md.`,
  async run(argv) {
    parse('serve', argv, {});
    const config = loadConfig();
    const db = await openMigratedDb(config);
    const services = createServices(db, config);
    let seeded = false;
    if (config.seedDemo && !(await services.units.hasAnyUnit())) {
      console.log('First start: seeding the Ouhai demo district …');
      await seedDemo(services, { scale: 'ouhai', seed: 1 });
      seeded = true;
    }
    const app = await buildApp({
      config,
      services,
      logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    });
    // job logs carry kind and id only (see jobs/queue.ts)
    services.jobs.queue.logger = app.log;
    const runner = new JobRunner(services.jobs.queue, services.jobs.schedules);
    const close = async () => {
      await runner.stop(); // lets the job in flight commit or roll back
      await app.close();
      await db.close();
      process.exit(0);
    };
    process.once('SIGINT', close);
    process.once('SIGTERM', close);
    await app.listen({ port: config.port, host: config.host });
    await runner.start();
    const host = config.host === '0.0.0.0' ? 'localhost' : config.host;
    const demoPasswordInUse = await services.access.passwordMatches(
      DEMO_ACCOUNTS[0]!.username,
      DEMO_PASSWORD,
    );
    console.log(`\nAnwang 安网 is running at http://${host}:${config.port}/  (database: ${db.kind})`);
    console.log(`API documentation: http://${host}:${config.port}/api/docs`);
    if (seeded || demoPasswordInUse) {
      console.log(`\nDemo accounts (password ${DEMO_PASSWORD}):`);
      for (const a of DEMO_ACCOUNTS) console.log(`  ${a.username.padEnd(20)} ${a.description}`);
    }
    if (config.env === 'production' && demoPasswordInUse) {
      console.warn(
        '\n!!! WARNING: the demo accounts still use the published demo password. Anyone can log in as admin.\n' +
          '!!! Change every demo password or disable the demo accounts before exposing this server.\n',
      );
    }
    return new Promise<number>(() => {}); // runs until a signal
  },
};
export default command;
