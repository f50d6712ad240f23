// The `anwang` command line: serve, migrate, seed, import, export, index. Each command lives in
// src/cli/<name>.ts and documents itself with --help.

import { type Command, UsageError } from './cli/command.js';
import { ConfigError } from './config.js';
import { DataDirLockedError } from './db/pglite.js';

// Summaries live here so that `anwang --help` does not load every command's code.
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: {
    summary: 'start the HTTP server (migrates, and seeds the demo district on first start)',
    load: async () => (await import('./cli/serve.js')).default,
  },
  migrate: {
    summary: 'bring the database schema up to date',
    load: async () => (await import('./cli/migrate.js')).default,
  },
  seed: {
    summary: 'generate the demo district (Ouhai) or the whole of Wenzhou',
    load: async () => (await import('./cli/seed.js')).default,
  },
  import: {
    summary: 'import units (GeoJSON, CSV) or 12345 hotline items as events (CSV, Excel)',
    load: async () => (await import('./cli/import.js')).default,
  },
  export: {
    summary: 'export units as GeoJSON or CSV',
    load: async () => (await import('./cli/export.js')).default,
  },
  index: {
    summary: 'safety index: compute a composite index from spreadsheets (no database)',
    load: async () => (await import('./cli/index-cmd.js')).default,
  },
};

function usage(): string {
  const lines = ['Usage: anwang <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(9)} ${c.summary}`);
  lines.push('', "Run 'anwang <command> --help' for a command's options.");
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const entry = commands[name];
  if (!entry) {
    console.error(`anwang: unknown command '${name}'.\n\n${usage()}`);
    return 2;
  }
  const cmd = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.help);
    return 0;
  }
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof DataDirLockedError) {
      console.error(e.message);
      process.exitCode = 2;
    } else {
      console.error(e);
      process.exitCode = 1;
    }
  },
);
