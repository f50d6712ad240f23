// Pure helpers of the safety office's index pages: months, the run's stepper, the CSV of external
// values (parsed in the browser), the scheme's validation (a mirror of the server's schemeBodySchema,
// so the editor can say what is wrong before saving), and small formatters. No React, no I/O.
import {
  type AccountabilityItem,
  COLORS,
  type Dimension,
  type ExternalProblem,
  type IndexColor,
  type IndexResult,
  type Ladder,
  type LadderStreak,
  RUNGS,
  type Rung,
  type RunState,
  type SchemeBody,
  type SchemeIndicator,
  type UncertaintySettings,
} from '../../api/safetyIndex';
import type { MessageKey } from '../../i18n';

export const DIMENSIONS: readonly Dimension[] = ['problems', 'needs', 'effects'];
export const RUN_STEPS = ['collected', 'computed', 'confirmed', 'published'] as const;
export const ITEM_STATES = ['open', 'overdue', 'answered', 'accepted'] as const;

/** The platform's months are Beijing time (UTC+8, no daylight saving). */
const OFFSET_MS = 8 * 3600_000;

// ── months ───────────────────────────────────────────────────────────────────────────────────────

export const PERIOD_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The month (YYYY-MM) `now` falls in, in Beijing time. */
export function localMonth(now: Date): string {
  return new Date(now.getTime() + OFFSET_MS).toISOString().slice(0, 7);
}

export function previousPeriod(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** A month can be run once it is over (the server refuses the current month and later ones). */
export function isMonthOver(period: string, now: Date): boolean {
  return PERIOD_RE.test(period) && period < localMonth(now);
}

/** The last month that is over. */
export function lastMonth(now: Date): string {
  return previousPeriod(localMonth(now));
}

/** "2026-11-23 14:05" in Beijing time; "—" for nothing. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '—';
  return new Date(t + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

export function formatDate(iso: string | null | undefined): string {
  return formatDateTime(iso).slice(0, 10);
}

// ── the run's stepper ────────────────────────────────────────────────────────────────────────────

export type StepStatus = 'finish' | 'process' | 'wait' | 'error';

/**
 * The stepper of a run: collected → computed → confirmed → published. The steps up to the run's state
 * are finished; the next one is the one in progress (what the safety office does next). A discarded
 * run shows an error at the step it stopped before.
 */
export function runStepper(state: RunState): { current: number; statuses: StepStatus[] } {
  if (state === 'discarded') {
    return { current: 2, statuses: ['finish', 'finish', 'error', 'wait'] };
  }
  const at = RUN_STEPS.indexOf(state);
  const current = Math.min(at + 1, RUN_STEPS.length - 1);
  const statuses = RUN_STEPS.map((_, i): StepStatus => {
    if (i <= at) return 'finish';
    if (i === at + 1) return 'process';
    return 'wait';
  });
  return { current: state === 'published' ? RUN_STEPS.length - 1 : current, statuses };
}

/** What the safety office may do with a run in this state. */
export function runActions(state: RunState): { correct: boolean; confirm: boolean; publish: boolean } {
  return { correct: state === 'computed', confirm: state === 'computed', publish: state === 'confirmed' };
}

// ── CSV of external values ───────────────────────────────────────────────────────────────────────

export interface CsvRecord {
  /** The file's line the record starts on (1-based). */
  line: number;
  fields: string[];
}

/**
 * A small CSV reader (RFC 4180): quoted fields with "" for a quote and line breaks inside quotes,
 * CRLF, LF or CR line ends, a leading byte-order mark dropped. The delimiter is a comma, or a tab when
 * the first line has tabs and no commas (a block pasted from Excel). Blank lines are skipped.
 */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstLine = src.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const delim = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let touched = false; // the record has any character (a blank line has none)
  const endRecord = () => {
    fields.push(field);
    if (touched) out.push({ line: start, fields });
    fields = [];
    field = '';
    touched = false;
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n' || (c === '\r' && src[i + 1] !== '\n')) line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
      touched = true;
    } else if (c === delim) {
      fields.push(field);
      field = '';
      touched = true;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      field += c;
      if (c.trim() !== '') touched = true;
    }
  }
  if (quoted || touched || field !== '') endRecord();
  return out;
}

export interface ExternalRow {
  unitCode: string;
  indicator: string;
  value: number;
  source: string;
}

export type CsvProblemCode =
  | 'empty'
  | 'columns'
  | 'unitCode'
  | 'indicator'
  | 'value'
  | 'source'
  | 'duplicate'
  | 'tooMany';

export interface CsvProblem {
  line: number;
  code: CsvProblemCode;
  /** The offending text, shown beside the message. */
  text?: string;
}

export const EXTERNAL_COLUMNS = ['unitCode', 'indicator', 'value', 'source'] as const;
const UNIT_CODE_RE = /^[0-9A-Za-z_-]{1,40}$/;
const INDICATOR_RE = /^[a-z][a-z0-9_]{0,39}$/;
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const MAX_ROWS = 50_000;

/**
 * The rows of an external-values file, checked the way the server will check them (all or nothing).
 * A first line naming the columns (unitCode,indicator,value,source in any order) is a header; without
 * one the columns are in that order. A blank source takes `defaultSource`. `lines[i]` is the file's line
 * of `rows[i]`.
 */
export function readExternalCsv(
  text: string,
  defaultSource = '',
): { rows: ExternalRow[]; lines: number[]; problems: CsvProblem[]; header: boolean } {
  const records = parseCsv(text);
  if (records.length === 0)
    return { rows: [], lines: [], problems: [{ line: 1, code: 'empty' }], header: false };
  const first = records[0]!.fields.map((f) => f.trim().toLowerCase());
  const header = first.includes('unitcode') && first.includes('indicator') && first.includes('value');
  const index: Record<(typeof EXTERNAL_COLUMNS)[number], number> = header
    ? {
        unitCode: first.indexOf('unitcode'),
        indicator: first.indexOf('indicator'),
        value: first.indexOf('value'),
        source: first.indexOf('source'),
      }
    : { unitCode: 0, indicator: 1, value: 2, source: 3 };
  const body = header ? records.slice(1) : records;
  const rows: ExternalRow[] = [];
  const lines: number[] = [];
  const problems: CsvProblem[] = [];
  if (body.length === 0) problems.push({ line: 1, code: 'empty' });
  if (body.length > MAX_ROWS) problems.push({ line: 1, code: 'tooMany', text: String(body.length) });
  const seen = new Map<string, number>();
  for (const r of body) {
    const get = (k: (typeof EXTERNAL_COLUMNS)[number]) =>
      index[k] >= 0 ? (r.fields[index[k]] ?? '').trim() : '';
    if (r.fields.length < 3) {
      problems.push({ line: r.line, code: 'columns', text: r.fields.join(',') });
      continue;
    }
    const unitCode = get('unitCode');
    const indicator = get('indicator');
    const rawValue = get('value');
    const source = get('source') || defaultSource.trim();
    const before = problems.length;
    if (!UNIT_CODE_RE.test(unitCode)) problems.push({ line: r.line, code: 'unitCode', text: unitCode });
    if (!INDICATOR_RE.test(indicator)) problems.push({ line: r.line, code: 'indicator', text: indicator });
    const value = Number(rawValue);
    if (!NUMBER_RE.test(rawValue) || !Number.isFinite(value))
      problems.push({ line: r.line, code: 'value', text: rawValue });
    if (source.length < 1 || source.length > 100)
      problems.push({ line: r.line, code: 'source', text: source });
    if (problems.length > before) continue;
    const key = `${unitCode}\u0000${indicator}`;
    const dup = seen.get(key);
    if (dup !== undefined) {
      problems.push({ line: r.line, code: 'duplicate', text: `${unitCode} ${indicator} (${dup})` });
      continue;
    }
    seen.set(key, r.line);
    rows.push({ unitCode, indicator, value, source });
    lines.push(r.line);
  }
  return { rows, lines, problems, header };
}

/** The indicator codes a scheme reads from imported values (external:<code>). */
export function externalCodes(scheme: Pick<SchemeBody, 'indicators'> | undefined): string[] {
  return (scheme?.indicators ?? [])
    .filter((i) => i.source.startsWith('external:'))
    .map((i) => i.source.slice('external:'.length));
}

/** The server's 422 for an import names rows (1-based, in the order sent); back to the file's lines. */
export function problemLines(
  problems: readonly ExternalProblem[],
  lines: readonly number[],
): (ExternalProblem & { line: number })[] {
  return problems.map((p) => ({ ...p, line: lines[p.row - 1] ?? p.row }));
}

export type RowProblemCode =
  | 'unknownUnit'
  | 'outsideScope'
  | 'badIndicator'
  | 'notNumber'
  | 'notRead'
  | 'noHeader'
  | 'noColumns'
  | 'notNumberText'
  | 'duplicate'
  | 'tooMany'
  | 'badUnitCode'
  | 'unitCodeMissing'
  | 'badIndicatorName'
  | 'indicatorMissing'
  | 'valueMissing'
  | 'noValues';

/**
 * The server's words for a refused row or a defect of a file (English), read back into a code and its
 * argument to say it in the user's language; null for words it does not know (shown as they are).
 */
export function rowProblem(message: string): { code: RowProblemCode; arg: string } | null {
  const patterns: [RegExp, RowProblemCode][] = [
    [/^unknown unit (.+)$/, 'unknownUnit'],
    [/^unit (.+) is outside your scope$/, 'outsideScope'],
    [/^bad indicator code (.*)$/, 'badIndicator'],
    [/^no index scheme takes (.+?) from external data/, 'notRead'],
    [/^the value is not a number()$/, 'notNumber'],
    [/^No header row naming the unit code column()/, 'noHeader'],
    [/^Name the columns 指标 indicator and 数值 value()/, 'noColumns'],
    [/^Not a number: (.*)$/, 'notNumberText'],
    [/^(.+ \/ .+) is given again \(first on row \d+\)$/, 'duplicate'],
    [/^At most ([\d,]+) values in one file$/, 'tooMany'],
    [/^Not a unit code: (.*)$/, 'badUnitCode'],
    [/^The unit code is missing()$/, 'unitCodeMissing'],
    [/^Not an indicator code or name: (.*)$/, 'badIndicatorName'],
    [/^The indicator is missing()$/, 'indicatorMissing'],
    [/^The value is missing()$/, 'valueMissing'],
    [/^The file holds no values below its header()$/, 'noValues'],
  ];
  for (const [re, code] of patterns) {
    const m = re.exec(message);
    if (m) return { code, arg: m[1] ?? '' };
  }
  return null;
}

/** "CSV · GB18030", "CSV · UTF-8", "Excel .xlsx": the format the server recognised. */
export function fileFormatText(format: 'csv' | 'xlsx', encoding: string | null): string {
  if (format === 'xlsx') return 'Excel .xlsx';
  const enc = encoding
    ? (({ 'utf-8': 'UTF-8', 'utf-8-bom': 'UTF-8 (BOM)', gb18030: 'GBK / GB18030' } as Record<string, string>)[
        encoding
      ] ?? encoding.toUpperCase())
    : null;
  return enc ? `CSV · ${enc}` : 'CSV';
}

// ── scheme validation (mirrors server/src/modules/safety-index/domain/scheme.ts) ────────────────

export const SOURCE_RE =
  /^(events:(perThousand|resolutionRate|onTimeRate|medianResolveHours|satisfaction|reopenRate)|events\.group:[a-z0-9_]{1,40}|external:[a-z][a-z0-9_]{0,39})$/;
export const EVENT_METRICS = [
  'perThousand',
  'resolutionRate',
  'onTimeRate',
  'medianResolveHours',
  'satisfaction',
  'reopenRate',
] as const;
const CODE_RE = /^[a-z][a-z0-9_]{0,39}$/;
const RESERVED = new Set<string>([...DIMENSIONS, 'index']);

export type SchemeIssueCode =
  | 'nameRequired'
  | 'nameTooLong'
  | 'noIndicators'
  | 'tooManyIndicators'
  | 'codePattern'
  | 'codeDuplicate'
  | 'dimension'
  | 'dimensionEmpty'
  | 'direction'
  | 'weightPositive'
  | 'source'
  | 'target'
  | 'dimensionWeight'
  | 'thresholdsDescending'
  | 'bandNumber'
  | 'sharesInvalid'
  | 'ladderRungs'
  | 'ladderOrder'
  | 'ladderWhen'
  | 'ladderPeriods'
  | 'ladderAnswerDays'
  | 'mcRuns'
  | 'mcNoise'
  | 'mcSeed';

export interface SchemeIssue {
  /** Where: 'name.zh', 'indicators.3.weight', 'dimensionWeights.needs', 'bands' … */
  path: string;
  code: SchemeIssueCode;
  vars?: Record<string, string | number>;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Every reason the server would refuse the scheme (empty when it is valid). */
export function validateScheme(s: SchemeBody): SchemeIssue[] {
  const issues: SchemeIssue[] = [];
  for (const lang of ['zh', 'en'] as const) {
    const v = (s.name?.[lang] ?? '').trim();
    if (!v) issues.push({ path: `name.${lang}`, code: 'nameRequired' });
    else if (v.length > 60) issues.push({ path: `name.${lang}`, code: 'nameTooLong' });
  }
  if (s.indicators.length === 0) issues.push({ path: 'indicators', code: 'noIndicators' });
  if (s.indicators.length > 60) issues.push({ path: 'indicators', code: 'tooManyIndicators' });
  const seen = new Set<string>();
  for (const [i, ind] of s.indicators.entries()) {
    const at = (f: string) => `indicators.${i}.${f}`;
    const n = i + 1;
    if (!CODE_RE.test(ind.code)) issues.push({ path: at('code'), code: 'codePattern', vars: { n } });
    else if (seen.has(ind.code) || RESERVED.has(ind.code))
      issues.push({ path: at('code'), code: 'codeDuplicate', vars: { n, code: ind.code } });
    seen.add(ind.code);
    for (const lang of ['zh', 'en'] as const) {
      const v = (ind.name?.[lang] ?? '').trim();
      if (!v) issues.push({ path: at(`name.${lang}`), code: 'nameRequired', vars: { n } });
      else if (v.length > 60) issues.push({ path: at(`name.${lang}`), code: 'nameTooLong', vars: { n } });
    }
    if (!DIMENSIONS.includes(ind.dimension))
      issues.push({ path: at('dimension'), code: 'dimension', vars: { n } });
    if (ind.direction !== 1 && ind.direction !== -1)
      issues.push({ path: at('direction'), code: 'direction', vars: { n } });
    if (!finite(ind.weight) || ind.weight <= 0 || ind.weight > 1000)
      issues.push({ path: at('weight'), code: 'weightPositive', vars: { n } });
    if (!SOURCE_RE.test(ind.source)) issues.push({ path: at('source'), code: 'source', vars: { n } });
    if (ind.target !== undefined && !finite(ind.target))
      issues.push({ path: at('target'), code: 'target', vars: { n } });
  }
  for (const d of DIMENSIONS) {
    if (s.indicators.length > 0 && !s.indicators.some((ind) => ind.dimension === d))
      issues.push({ path: 'indicators', code: 'dimensionEmpty', vars: { dimension: d } });
    const w = s.dimensionWeights?.[d];
    if (!finite(w) || w <= 0)
      issues.push({ path: `dimensionWeights.${d}`, code: 'dimensionWeight', vars: { dimension: d } });
  }
  const b = s.bands;
  if (b.mode === 'thresholds') {
    if (!b.thresholds.every(finite)) issues.push({ path: 'bands', code: 'bandNumber' });
    else if (!b.thresholds.every((t, i) => i === 0 || t < b.thresholds[i - 1]!))
      issues.push({ path: 'bands', code: 'thresholdsDescending' });
  } else if (!b.shares.every(finite)) issues.push({ path: 'bands', code: 'bandNumber' });
  else if (!(b.shares.every((x) => x > 0) && b.shares.reduce((a, x) => a + x, 0) < 1))
    issues.push({ path: 'bands', code: 'sharesInvalid' });
  if (s.ladder) issues.push(...validateLadder(s.ladder));
  if (s.uncertainty) issues.push(...validateUncertainty(s.uncertainty));
  return issues;
}

const intIn = (x: unknown, lo: number, hi: number): boolean =>
  finite(x) && Number.isInteger(x) && x >= lo && x <= hi;

/** The accountability ladder's rules as the server checks them (domain/ladder.ts). */
export function validateLadder(l: Ladder): SchemeIssue[] {
  const issues: SchemeIssue[] = [];
  if (l.rungs.length < 1 || l.rungs.length > RUNGS.length)
    issues.push({ path: 'ladder.rungs', code: 'ladderRungs' });
  let last = -1;
  const seen = new Set<Rung>();
  for (const [i, r] of l.rungs.entries()) {
    const at = (f: string) => `ladder.rungs.${i}.${f}`;
    const order = RUNGS.indexOf(r.action);
    if (order < 0 || seen.has(r.action) || order < last)
      issues.push({ path: at('action'), code: 'ladderOrder' });
    seen.add(r.action);
    last = order;
    const action = r.action;
    if (r.when.length < 1 || r.when.length > 4)
      issues.push({ path: at('when'), code: 'ladderWhen', vars: { action } });
    for (const [k, w] of r.when.entries()) {
      if (!intIn(w.periods, 1, 12) || !COLORS.includes(w.color))
        issues.push({ path: at(`when.${k}.periods`), code: 'ladderPeriods', vars: { action } });
    }
    if (!intIn(r.answerDays, 1, 365))
      issues.push({ path: at('answerDays'), code: 'ladderAnswerDays', vars: { action } });
  }
  const d = l.delisting;
  if (!intIn(d.periods, 1, 12) || !COLORS.includes(d.atOrBetter))
    issues.push({ path: 'ladder.delisting.periods', code: 'ladderPeriods', vars: { action: 'delisting' } });
  if (!intIn(d.answerDays, 1, 365))
    issues.push({
      path: 'ladder.delisting.answerDays',
      code: 'ladderAnswerDays',
      vars: { action: 'delisting' },
    });
  return issues;
}

/** The Monte Carlo settings as the server checks them (domain/scheme.ts). */
export function validateUncertainty(u: UncertaintySettings): SchemeIssue[] {
  const issues: SchemeIssue[] = [];
  if (!intIn(u.runs, 0, 10_000)) issues.push({ path: 'uncertainty.runs', code: 'mcRuns' });
  if (!finite(u.weightNoise) || u.weightNoise < 0 || u.weightNoise > 0.9)
    issues.push({ path: 'uncertainty.weightNoise', code: 'mcNoise' });
  if (!intIn(u.seed, 1, 2 ** 31 - 1)) issues.push({ path: 'uncertainty.seed', code: 'mcSeed' });
  return issues;
}

/**
 * The paths the server named in a 422 for a scheme ("ladder.rungs.1.action: …; uncertainty.runs: …"),
 * so the editor can mark those fields too.
 */
export function serverIssuePaths(detail: string | null | undefined): string[] {
  if (!detail) return [];
  return detail
    .split('; ')
    .map((part) => /^([A-Za-z0-9_.]+): /.exec(part)?.[1])
    .filter((p): p is string => !!p);
}

// ── the accountability ladder and the Monte Carlo settings ──────────────────────────────────────

/** The seeded rules (server: DEFAULT_LADDER), which a scheme saved before the ladder was part of it follows. */
export const DEFAULT_LADDER: Ladder = {
  rungs: [
    { action: 'warning', when: [{ color: 'red', orWorse: false, periods: 1 }], answerDays: 10 },
    {
      action: 'copy_notice',
      when: [
        { color: 'red', orWorse: false, periods: 2 },
        { color: 'orange', orWorse: true, periods: 3 },
      ],
      answerDays: 10,
    },
    { action: 'supervision', when: [{ color: 'red', orWorse: false, periods: 3 }], answerDays: 30 },
    { action: 'listing', when: [{ color: 'red', orWorse: false, periods: 4 }], answerDays: 60 },
  ],
  delisting: { atOrBetter: 'yellow', periods: 2, answerDays: 10 },
};

/** The server's defaults for the analysis (1,000 replications, ±25 % on every weight, seed 1). */
export const DEFAULT_UNCERTAINTY: UncertaintySettings = { runs: 1000, weightNoise: 0.25, seed: 1 };

export const ladderOf = (s: Pick<SchemeBody, 'ladder'>): Ladder => s.ladder ?? DEFAULT_LADDER;
export const uncertaintyOf = (s: Pick<SchemeBody, 'uncertainty'>): UncertaintySettings => ({
  ...DEFAULT_UNCERTAINTY,
  ...s.uncertainty,
});

/** A rung missing from the ladder, put back in its place with the default's rules. */
export function addRung(l: Ladder, action: Rung): Ladder {
  if (l.rungs.some((r) => r.action === action)) return l;
  const fresh = DEFAULT_LADDER.rungs.find((r) => r.action === action)!;
  const rungs = [...l.rungs, structuredClone(fresh)].sort(
    (a, b) => RUNGS.indexOf(a.action) - RUNGS.indexOf(b.action),
  );
  return { ...l, rungs };
}

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** "连续 3 个月橙色及以下" / "orange or worse 3 months in a row". */
export function streakText(w: LadderStreak, t: T): string {
  const color = t(`indexadmin.ladder.color.${w.color}`);
  const colors = w.orWorse ? t('indexadmin.ladder.orWorse', { color }) : color;
  return w.periods === 1
    ? t('indexadmin.ladder.once', { colors })
    : t('indexadmin.ladder.streak', { colors, n: w.periods });
}

/** A rung as one sentence: "连续 2 个月红色 或 连续 3 个月橙色及以下 → 抄告，10 天内答复". */
export function rungSentence(r: Ladder['rungs'][number], t: T): string {
  return capitalise(
    t('indexadmin.ladder.sentence', {
      when: r.when.map((w) => streakText(w, t)).join(t('indexadmin.ladder.or')),
      action: t(`indexadmin.acc.action.${r.action}`),
      days: r.answerDays,
    }),
  );
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The delisting rule as one sentence: "挂牌后连续 2 个月黄色及以上 → 摘牌（上级签批），10 天内办理". */
export function delistingSentence(d: Ladder['delisting'], t: T): string {
  const color = t(`indexadmin.ladder.color.${d.atOrBetter}`);
  const colors = t('indexadmin.ladder.orBetter', { color });
  return t('indexadmin.ladder.delistSentence', {
    when:
      d.periods === 1
        ? t('indexadmin.ladder.once', { colors })
        : t('indexadmin.ladder.streak', { colors, n: d.periods }),
    days: d.answerDays,
  });
}

/**
 * The name of an input of the sensitivity analysis: weight:<code> is an indicator's (or a dimension's)
 * weight, shown by the scheme's name for it; normalisation and aggregation are the method choices.
 */
export function sensitivityLabel(
  input: string,
  names: { indicator: (code: string) => string | undefined; dimension: (code: string) => string | undefined },
  t: T,
): string {
  if (input === 'normalisation') return t('indexadmin.robust.normalisation');
  if (input === 'aggregation') return t('indexadmin.robust.aggregation');
  if (!input.startsWith('weight:')) return input;
  const code = input.slice('weight:'.length);
  const dim = names.dimension(code);
  if (dim) return t('indexadmin.robust.dimensionWeight', { name: dim });
  return t('indexadmin.robust.weight', { name: names.indicator(code) ?? code });
}

/** A blank indicator for the editor's "add" button, with a code not yet used. */
export function newIndicator(
  existing: readonly SchemeIndicator[],
  dimension: Dimension = 'problems',
): SchemeIndicator {
  const codes = new Set(existing.map((i) => i.code));
  let k = existing.length + 1;
  while (codes.has(`indicator_${k}`)) k++;
  return {
    code: `indicator_${k}`,
    name: { zh: '', en: '' },
    dimension,
    direction: -1,
    weight: 1,
    source: 'external:',
  };
}

/** Bands switched between thresholds and quantiles keep sensible defaults. */
export function bandsFor(
  mode: 'thresholds' | 'quantiles',
  current: SchemeBody['bands'],
): SchemeBody['bands'] {
  if (mode === current.mode) return current;
  return mode === 'thresholds'
    ? { mode, thresholds: [85, 75, 65, 55] }
    : { mode, shares: [0.2, 0.3, 0.3, 0.1] };
}

/** Two scheme bodies are the same (the editor's "nothing changed"). */
export function sameScheme(a: SchemeBody, b: SchemeBody): boolean {
  return canonical(a) === canonical(b);
}

function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (x && typeof x === 'object') {
    const entries = Object.entries(x as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(x);
}

// ── preview against the published month ──────────────────────────────────────────────────────────

export interface ComparedRow {
  unitId: number;
  code: string;
  name: string;
  before: { score: number | null; rank: number | null; color: IndexColor | null } | null;
  after: { score: number | null; rank: number | null; color: IndexColor | null };
  /** Places moved up (positive) or down (negative); null when either rank is missing. */
  rankMove: number | null;
  scoreChange: number | null;
}

/** The preview's results beside the published ones, unit by unit, in the preview's rank order. */
export function compareWithPublished(
  preview: readonly IndexResult[],
  published: readonly {
    unitId: number;
    score: number | null;
    rank: number | null;
    color: IndexColor | null;
  }[],
): ComparedRow[] {
  const before = new Map(published.map((p) => [p.unitId, p]));
  return preview
    .map((r): ComparedRow => {
      const b = before.get(r.unitId);
      return {
        unitId: r.unitId,
        code: r.code,
        name: r.name,
        before: b ? { score: b.score, rank: b.rank, color: b.color } : null,
        after: { score: r.score, rank: r.rank, color: r.color },
        rankMove: b && b.rank !== null && r.rank !== null ? b.rank - r.rank : null,
        scoreChange:
          b && b.score !== null && r.score !== null ? Math.round((r.score - b.score) * 100) / 100 : null,
      };
    })
    .sort((a, b) => (a.after.rank ?? Number.MAX_SAFE_INTEGER) - (b.after.rank ?? Number.MAX_SAFE_INTEGER));
}

// ── missing inputs, accountability ───────────────────────────────────────────────────────────────

/** A run's missing inputs, one entry per unit (units in name order, indicators as listed). */
export function groupMissing(
  missing: readonly { unitId: number; indicator: string }[],
  names: ReadonlyMap<number, string>,
): { unitId: number; name: string; indicators: string[] }[] {
  const by = new Map<number, string[]>();
  for (const m of missing) {
    const list = by.get(m.unitId) ?? [];
    list.push(m.indicator);
    by.set(m.unitId, list);
  }
  return [...by.entries()]
    .map(([unitId, indicators]) => ({ unitId, name: names.get(unitId) ?? `#${unitId}`, indicators }))
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

/** An item past its deadline: marked overdue by the nightly job, or still open after its due time. */
export function isOverdue(item: Pick<AccountabilityItem, 'state' | 'dueAt'>, now: Date): boolean {
  return (
    item.state === 'overdue' || (item.state === 'open' && new Date(item.dueAt).getTime() < now.getTime())
  );
}

/**
 * Who may do what with an item (the server decides; this only chooses the buttons). The unit's staff
 * answer an open or overdue item; the safety office accepts an answer (a delisting needs no answer, only the
 * sign-off, which a superior unit's staff may also give).
 */
export function itemActions(
  item: Pick<AccountabilityItem, 'state' | 'action' | 'unitId'>,
  user: { roles: readonly string[]; scopeUnitId: number | null },
): { answer: boolean; accept: boolean; giveBack: boolean } {
  const manage = user.roles.some((r) => r === 'safety_office' || r === 'admin');
  const superior =
    user.roles.some((r) => r === 'town_staff' || r === 'leader') && user.scopeUnitId !== item.unitId;
  const unitStaff = user.roles.some((r) => r === 'town_staff' || r === 'village_staff');
  const open = item.state === 'open' || item.state === 'overdue';
  const judge = manage || superior;
  return {
    answer: open && item.action !== 'delisting' && unitStaff,
    accept: judge && (item.state === 'answered' || (item.action === 'delisting' && open)),
    /** An answer that does not do may go back to the unit with what is missing and a new deadline. */
    giveBack: judge && item.state === 'answered',
  };
}

// ── numbers ──────────────────────────────────────────────────────────────────────────────────────

export function formatScore(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

/** "+1.25", "−0.50", "0.00"; "—" for nothing. */
export function formatChange(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const s = Math.abs(x).toFixed(digits);
  if (Number(s) === 0) return s;
  return x > 0 ? `+${s}` : `−${s}`;
}

/** An input value as the safety office reads it: up to four decimals, no trailing zeros. */
export function formatValue(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return String(Math.round(x * 10_000) / 10_000);
}
