import { loadConfig } from '../config.js';
import { openDb } from '../db/index.js';
import { migrate } from '../db/migrate.js';
import { type Command, parse } from './command.js';

const command: Command = {
  name: 'migrate',
  summary: 'bring the database schema up to date',
  help: `Usage: anwang migrate

Applies every migration in server/src/db/migrations that the database has not seen yet, in order,
each in its own transaction. Uses DATABASE_URL when set, otherwise the embedded database in
ANWANG_DATA_DIR. Safe to run repeatedly and from several processes at once (PostgreSQL).`,
  async run(argv) {
    parse('migrate', argv, {});
    const db = await openDb(loadConfig());
    try {
      const r = await migrate(db);
      console.log(
        r.applied.length
          ? `Applied ${r.applied.length} migration(s): ${r.applied.join(', ')}`
          : `Up to date (${r.total} migrations).`,
      );
      return 0;
    } finally {
      await db.close();
    }
  },
};
export default command;
