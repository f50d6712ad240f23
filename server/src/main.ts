// The `anwang` command line: serve, migrate, seed, import, export, index. Each command lives in
// src/cli/<name>.ts and documents itself with --help.

import { type Command, UsageError } from './cli/command.js';
import { ConfigError } from './config.js';
import { DataDirLockedError } from './db/pglite.js';

const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./cli/serve.js')).default,
  migrate: async () => (await import('./cli/migrate.js')).default,
  seed: async () => (await import('./cli/seed.js')).default,
  import: async () => (await import('./cli/import.js')).default,
  export: async () => (await import('./cli/export.js')).default,
  index: async () => (await import('./cli/index-cmd.js')).default,
};

async function usage(): Promise<string> {
  const lines = ['Usage: anwang <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(commands))
    lines.push(`  ${name.padEnd(9)} ${(await load()).summary}`);
  lines.push('', "Run 'anwang <command> --help' for a command's options.");
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name ? 0 : 1;
  }
  const load = commands[name];
  if (!load) {
    console.error(`anwang: unknown command '${name}'.\n\n${await usage()}`);
    return 2;
  }
  const cmd = await load();
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
