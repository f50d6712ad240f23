// Figures, verdicts and the results file. Every figure may carry a target (PASS/MISS) and a floor: the
// same work stripped to what cannot be avoided, measured in the same run, so that a reader sees how
// much of a figure is ours and how much is the machine (a loaded 2-core box moves both alike).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Backend = 'pglite' | 'postgres';

export interface Target {
  /** '<': the value must stay under the limit; '>=': it must reach it. */
  op: '<' | '>=';
  value: number;
}

export interface Figure {
  backend: Backend;
  /** seed | locate | subtree … */
  group: string;
  name: string;
  value: number;
  unit: string;
  /** 'higher' for rates (lookups/s); times and sizes are better lower (the default). */
  better?: 'lower' | 'higher';
  target?: Target;
  verdict?: 'PASS' | 'MISS';
  floor?: { name: string; value: number };
  /** How many times its floor the figure costs: value / floor for times, floor / value for rates. */
  ratio?: number;
  /** Context that is not a figure of its own (counts, breakdowns). */
  note?: string;
  /** The 1-minute load average when the figure was taken (other work on the machine skews it). */
  load1?: number;
}

export interface BenchResult {
  bench: string;
  startedAt: string;
  finishedAt: string;
  machine: {
    node: string;
    cpus: number;
    cpuModel: string;
    totalMemGb: number;
    loadavgStart: number[];
    loadavgEnd: number[];
  };
  params: Record<string, unknown>;
  figures: Figure[];
}

export const BENCH_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS_DIR = path.join(BENCH_ROOT, 'results');

export function verdictOf(value: number, target: Target): 'PASS' | 'MISS' {
  return (target.op === '<' ? value < target.value : value >= target.value) ? 'PASS' : 'MISS';
}

/** Builds a figure, filling in its verdict and its ratio to the floor. */
export function figure(f: Omit<Figure, 'verdict' | 'ratio'>): Figure {
  const out: Figure = { ...f };
  if (f.target) out.verdict = verdictOf(f.value, f.target);
  if (f.floor && f.floor.value > 0 && f.value > 0) {
    out.ratio = f.better === 'higher' ? f.floor.value / f.value : f.value / f.floor.value;
  }
  return out;
}

export function loadavg(): number[] {
  return os.loadavg().map((x) => Math.round(x * 100) / 100);
}

/** Collects figures as they are measured, prints each at once, and writes the JSON at the end. */
export class Recorder {
  readonly figures: Figure[] = [];
  private readonly startedAt = new Date();
  private readonly loadStart = loadavg();

  constructor(
    readonly bench: string,
    readonly params: Record<string, unknown>,
  ) {}

  add(f: Omit<Figure, 'verdict' | 'ratio'>): Figure {
    const fig = { ...figure(f), load1: loadavg()[0]! };
    this.figures.push(fig);
    console.log(`  ${formatFigureLine(fig)}`);
    return fig;
  }

  /** Writes bench/results/<bench>-<time>.json (or BENCH_RESULT_FILE when the runner names one). */
  write(): string {
    const result: BenchResult = {
      bench: this.bench,
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: {
        node: process.version,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        totalMemGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        loadavgStart: this.loadStart,
        loadavgEnd: loadavg(),
      },
      params: this.params,
      figures: this.figures,
    };
    const stamp = result.startedAt.replace(/[:.]/g, '-');
    const file = process.env.BENCH_RESULT_FILE || path.join(RESULTS_DIR, `${this.bench}-${stamp}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    return file;
  }
}

/** A number with about three significant digits and thousands separators. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return v.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatTarget(t: Target | undefined, unit: string): string {
  return t ? `${t.op} ${fmt(t.value)} ${unit}` : '';
}

export function formatFigureLine(f: Figure): string {
  const parts = [`${f.backend} ${f.group}: ${f.name} = ${fmt(f.value)} ${f.unit}`];
  if (f.target) parts.push(`(target ${formatTarget(f.target, f.unit)}: ${f.verdict})`);
  if (f.floor) parts.push(`floor ${f.floor.name} ${fmt(f.floor.value)} ${f.unit} → ×${fmt(f.ratio ?? NaN)}`);
  if (f.note) parts.push(`[${f.note}]`);
  return parts.join('  ');
}
