// `anwang index compute`: the safety-index engine on CSV files, for a statistician, with no database.
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { CsvError, readDataCsv, readMetaCsv, writeCsv } from '../modules/safety-index/csv.js';
import {
  aggregateSpecSchema,
  computeIndex,
  EngineInputError,
  type IndexResult,
  methodSchema,
  normaliseSpecSchema,
  runUncertainty,
  type UncertaintyResult,
} from '../modules/safety-index/engine/index.js';
import { type Command, parse, UsageError } from './command.js';

const cliMethodSchema = methodSchema.extend({
  uncertainty: z
    .object({
      runs: z.number().int().min(10).max(100_000).default(1000),
      seed: z.number().int().default(1),
      weightNoise: z.number().min(0).max(0.99).default(0.25),
      normalise: z.array(normaliseSpecSchema).min(1).optional(),
      aggregate: z.array(aggregateSpecSchema).min(1).optional(),
    })
    .strict()
    .optional(),
});

const help = `Usage: anwang index compute --meta META.csv --data DATA.csv --out OUT.csv [--method METHOD.json]
                           [--parents PARENTS.csv] [--report REPORT.json]

Computes a composite safety index from a spreadsheet, following the OECD/JRC Handbook on Constructing
Composite Indicators and the COINr package: denominate → impute → treat outliers → normalise → weight →
aggregate → rank. No database is needed.

Files
  --meta META.csv     the indicator tree, COINr's iMeta columns:
                        iCode       code of the indicator or aggregate (a column name in DATA.csv)
                        Level       1 for indicators; 2, 3, … for aggregates (a parent's Level is higher)
                        Direction   1 when higher is better, -1 when lower is better (indicators)
                        Weight      positive weight relative to the siblings
                        Parent      iCode of the aggregate above; empty for the one root (the index)
                        Type        Indicator, Aggregate, Group, Denominator or Other (the last three
                                    are not part of the tree)
                        Target      optional: the target value (for "target" normalisation)
                        Denominator optional: a DATA.csv column to divide by (e.g. Population)
                      Other columns (iName, Unit, …) are ignored.
  --data DATA.csv     UnitCode and one column per indicator; a blank cell (or NA) is missing. Columns
                      named as a Denominator and the impute group column must be present too; other
                      columns are ignored.
  --out OUT.csv       written: UnitCode, every indicator treated and normalised, every aggregate, and a
                      rank column <aggregate>.Rank for each (1 = best, ties share the lowest rank). With
                      an "uncertainty" section, also <index>.MedianRank, <index>.RankP05, <index>.RankP95.
  --method FILE.json  optional; every field is optional (defaults are COINr's):
    denominate  {"apply": true, "per": 1}            divide by each indicator's Denominator, × per
                                                     (1000 for "per 1,000 residents")
    impute      {"method": "none"}                   leave missing out and reweight (default);
                {"method": "mean" | "median"}        the indicator's mean or median over all units;
                {"method": "groupMean" | "groupMedian", "group": "Column"}
                                                     … within the unit's group (a DATA.csv column);
                {"method": "parent"}                 the parent unit's value: DATA.csv needs a
                                                     ParentCode column and --parents PARENTS.csv
                                                     (UnitCode + indicator columns)
    treat       {"method": "winsorise" | "none", "winmax": 5, "skewThreshold": 2,
                 "kurtThreshold": 3.5, "logFallback": true,
                 "overrides": {"iCode": {"method": "winsorise" | "log" | "none", "winmax": 3}}}
                An indicator with |skew| ≥ 2 and kurtosis ≥ 3.5 has its most extreme values pulled
                in one at a time (up to winmax points); if that does not suffice, ln(x − min +
                0.01·(max − min)) is used instead.
    normalise   {"default": SPEC, "overrides": {"iCode": SPEC}} where SPEC is one of
                {"method": "minmax", "min": 0, "max": 100}            (default)
                {"method": "zscore", "mean": 0, "sd": 1}
                {"method": "target", "scale": 100, "cap": true}       distance to the meta Target
                {"method": "goalposts", "lower": L, "upper": U, "scale": 100}
                {"method": "percentile", "scale": 100}                percentile rank
                {"method": "borda"}                                   units beaten
                Direction -1 indicators are flipped so that higher is always better.
    weights     {"method": "manual" | "equal", "manual": {"iCode": 2},
                 "ahp": {"Aggregate": {"order": ["child1", "child2"], "matrix": [[1, 3], [0.3333333, 1]]}}}
                manual = the meta's Weight (overridable); AHP replaces the weights of an aggregate's
                children with the principal eigenvector; a consistency ratio above 0.1 is warned about.
    aggregate   {"default": AGG, "byLevel": {"3": AGG}} where AGG is
                {"method": "arithmetic" | "geometric" | "harmonic" | "generalised", "p": 2,
                 "minShare": 0}
                minShare: the share of an aggregate's children that must be present.
    checks      {"availability": 0.65, "correlation": 0.9, "zeroShare": 0.5}   flag thresholds
    uncertainty {"runs": 1000, "seed": 1, "weightNoise": 0.25, "normalise": [SPEC, …],
                 "aggregate": [AGG, …]}    Monte Carlo over weights (±25 %) and method choices
  --parents FILE.csv  the parent units' values, for "impute": {"method": "parent"}
  --report FILE.json  everything else: data checks and flags, imputed and treated points (unit,
                      indicator, original, new, reason), treatment summary, AHP results, warnings, and
                      the uncertainty and sensitivity results

Exit status: 0 done; 2 bad input (the message names the file, line and column).

Example (META.csv: Index ← Problems, Effects; Cases per 1,000 residents, lower is better)
  $ cat meta.csv
  iCode,Level,Direction,Weight,Parent,Type,Target,Denominator
  Index,3,1,1,,Aggregate,,
  Problems,2,1,1,Index,Aggregate,,
  Effects,2,1,1,Index,Aggregate,,
  Cases,1,-1,1,Problems,Indicator,,Population
  Closed,1,1,1,Effects,Indicator,95,
  Population,,,,,Denominator,,
  $ cat data.csv
  UnitCode,Cases,Closed,Population
  330304001,12,88,5200
  330304002,30,93,8100
  330304003,,71,4300
  $ echo '{"denominate": {"per": 1000}, "normalise": {"default": {"method": "minmax", "min": 1, "max": 100}},
          "aggregate": {"byLevel": {"3": {"method": "geometric"}}}}' > method.json
  $ anwang index compute --meta meta.csv --data data.csv --out index.csv --method method.json --report report.json`;

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(
      `${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

class InputError extends Error {}

interface Paths {
  meta: string;
  data: string;
  method?: string;
  parents?: string;
}

async function compute(p: Paths, out: string, reportPath?: string): Promise<void> {
  let methodJson: unknown = {};
  if (p.method) {
    try {
      methodJson = JSON.parse(await readText(p.method));
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`${p.method}: not valid JSON (${(e as Error).message})`);
    }
  }
  const parsed = cliMethodSchema.safeParse(methodJson);
  if (!parsed.success)
    throw new InputError(
      parsed.error.issues
        .map((i) => `${p.method}: ${i.path.join('.') || '(top level)'}: ${i.message}`)
        .join('\n'),
    );
  const { uncertainty, ...method } = parsed.data;

  const metaFile = readMetaCsv(await readText(p.meta), p.meta);
  const indicators = metaFile.meta.filter((m) => m.Type === 'Indicator').map((m) => m.iCode);
  const denominators = method.denominate.apply
    ? [
        ...new Set(
          metaFile.meta.filter((m) => m.Type === 'Indicator' && m.Denominator).map((m) => m.Denominator!),
        ),
      ]
    : [];
  const numeric = [...new Set([...indicators, ...denominators])].filter((c) => c !== 'UnitCode');
  const labels: string[] = [];
  if (method.impute.method === 'groupMean' || method.impute.method === 'groupMedian')
    labels.push(method.impute.group);
  if (method.impute.method === 'parent') {
    labels.push('ParentCode');
    if (!p.parents)
      throw new InputError(
        `${p.method}: impute "parent" needs --parents PARENTS.csv with the parent units' values`,
      );
  }
  const dataFile = readDataCsv(await readText(p.data), numeric, labels, p.data);
  if (dataFile.ignored.length) console.error(`${p.data}: ignored column(s) ${dataFile.ignored.join(', ')}`);

  let parentValues: Record<string, (number | null)[]> | undefined;
  if (p.parents) {
    const parents = readDataCsv(await readText(p.parents), indicators, [], p.parents);
    const at = new Map(parents.units.map((u, i) => [u, i]));
    const codes = dataFile.labels.ParentCode ?? [];
    parentValues = Object.fromEntries(
      indicators.map((c) => [c, codes.map((pc) => (at.has(pc) ? parents.data[c]![at.get(pc)!]! : null))]),
    );
  }

  let result: IndexResult;
  try {
    result = computeIndex(
      {
        meta: metaFile.meta,
        units: dataFile.units,
        data: dataFile.data,
        groups: dataFile.labels,
        ...(parentValues ? { parentValues } : {}),
      },
      method,
    );
  } catch (e) {
    if (!(e instanceof EngineInputError)) throw e;
    throw new InputError(
      e.issues
        .map((i) => {
          if (i.metaRow !== undefined)
            return `${p.meta} line ${metaFile.lines[i.metaRow]}${i.column ? `, column ${i.column}` : ''}: ${i.message}`;
          if (i.source === 'method') return `${p.method ?? 'method'}: ${i.message}`;
          return `${p.data}${i.column ? `, column ${i.column}` : ''}: ${i.message}`;
        })
        .join('\n'),
    );
  }

  let unc: UncertaintyResult | undefined;
  if (uncertainty) unc = runUncertainty(result, uncertainty);

  const { tree } = result;
  const rootCode = tree.nodes[tree.root]!.code;
  const header = [
    'UnitCode',
    ...tree.indicatorCodes,
    ...tree.aggregateCodes,
    ...tree.aggregateCodes.map((c) => `${c}.Rank`),
  ];
  if (unc) header.push(`${rootCode}.MedianRank`, `${rootCode}.RankP05`, `${rootCode}.RankP95`);
  const rows = result.units.map((u, i) => {
    const row: (string | number | null)[] = [u];
    for (let j = 0; j < tree.indicatorCodes.length; j++) row.push(result.normalised.get(i, j));
    for (let j = 0; j < tree.aggregateCodes.length; j++) row.push(result.aggregated.get(i, j));
    for (const c of tree.aggregateCodes) row.push(result.ranks[c]![i] || null);
    if (unc) row.push(unc.medianRank[i]!, unc.rankP05[i]!, unc.rankP95[i]!);
    return row;
  });
  await writeFile(out, writeCsv(header, rows));

  if (reportPath) {
    const report = {
      units: result.units.length,
      indicators: tree.indicatorCodes,
      aggregates: tree.aggregateCodes,
      method: result.method,
      warnings: result.warnings,
      checks: {
        flags: result.checks.flags,
        unitAvailability: Object.fromEntries(
          result.units.map((u, i) => [u, result.checks.unitAvailability[i]]),
        ),
        indicatorAvailability: Object.fromEntries(
          tree.indicatorCodes.map((c, j) => [c, result.checks.indicatorAvailability[j]]),
        ),
        zeroShare: Object.fromEntries(tree.indicatorCodes.map((c, j) => [c, result.checks.zeroShare[j]])),
      },
      imputedPoints: result.imputedPoints,
      treatment: result.treatment,
      treatedPoints: result.treatedPoints,
      ahp: result.ahp,
      uncertainty: unc ? { runs: unc.runs, sensitivity: unc.sensitivity } : null,
    };
    await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  }

  for (const w of result.warnings) console.error(`warning: ${w.message}`);
  const flags = result.checks.flags.length;
  console.log(
    `${out}: ${result.units.length} units, ${tree.indicatorCodes.length} indicators, ${tree.aggregateCodes.length} aggregates; ` +
      `${result.imputedPoints.length} value(s) imputed, ${result.treatedPoints.length} treated, ${flags} data flag(s)${reportPath ? ` (see ${reportPath})` : ''}.`,
  );
  if (unc) {
    const top = [...unc.sensitivity].sort((a, b) => b.firstOrder - a.firstOrder).slice(0, 5);
    console.log(
      `uncertainty: ${unc.runs} runs; most influential: ${top.map((s) => `${s.input} ${s.firstOrder.toFixed(3)}`).join(', ')}`,
    );
  }
}

const command: Command = {
  name: 'index',
  summary: 'compute the safety index from CSV files (no database)',
  help,
  async run(argv) {
    const { values, positionals } = parse(
      'index',
      argv,
      {
        meta: { type: 'string' },
        data: { type: 'string' },
        out: { type: 'string' },
        method: { type: 'string' },
        parents: { type: 'string' },
        report: { type: 'string' },
      },
      true,
    );
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (positionals[0] !== 'compute' || positionals.length > 1)
      throw new UsageError(
        `index: expected 'compute', got '${positionals.join(' ')}'. See 'anwang index --help'.`,
      );
    const missing = (['meta', 'data', 'out'] as const).filter((k) => !values[k]);
    if (missing.length)
      throw new UsageError(
        `index compute: missing ${missing.map((k) => `--${k}`).join(', ')}. See 'anwang index --help'.`,
      );
    try {
      await compute(
        {
          meta: values.meta!,
          data: values.data!,
          ...(values.method ? { method: values.method } : {}),
          ...(values.parents ? { parents: values.parents } : {}),
        },
        values.out!,
        values.report,
      );
      return 0;
    } catch (e) {
      if (e instanceof InputError || e instanceof CsvError) {
        console.error(e.message);
        return 2;
      }
      throw e;
    }
  },
};
export default command;
