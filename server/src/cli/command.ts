// What every command of the `anwang` executable looks like, and the helpers they share.
import { type ParseArgsConfig, parseArgs } from 'node:util';

export interface Command {
  name: string;
  summary: string;
  /** Full --help text. */
  help: string;
  run(argv: string[]): Promise<number>;
}

export class UsageError extends Error {}

/** parseArgs with strict checking; unknown options become a UsageError with the command's name. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  argv: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}. See 'anwang ${command} --help'.`);
  }
}

/** Progress of long work on stderr: a line that rewrites itself on a terminal, a line each 10% otherwise. */
export class Progress {
  private lastPct = -1;
  private readonly started = Date.now();
  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}
  update(done: number, note = '') {
    const pct = this.total > 0 ? Math.floor((done / this.total) * 100) : 100;
    if (this.out.isTTY) {
      if (pct === this.lastPct && done !== this.total) return;
      const width = 24;
      const bar = '#'.repeat(Math.round((pct / 100) * width)).padEnd(width, '.');
      this.out.write(`\r${this.label} [${bar}] ${pct}% ${done}/${this.total} ${note}`.padEnd(79));
    } else if (Math.floor(pct / 10) !== Math.floor(this.lastPct / 10) || done === this.total) {
      this.out.write(`${this.label}: ${pct}% (${done}/${this.total}) ${note}\n`);
    }
    this.lastPct = pct;
  }
  done(note = '') {
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    if (this.out.isTTY) this.out.write('\n');
    this.out.write(`${this.label}: done in ${secs}s ${note}\n`);
  }
}
