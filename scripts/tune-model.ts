/**
 * Compares model settings on the same rolling-origin backtest that `firerisk evaluate` runs, loading the
 * feature table, the grid and the oracle once. Each variant overrides parts of the `model` section of the
 * configuration and may drop feature columns (`drop`: added to model.exclude_features); every variant is scored with the same baselines, oracle and
 * metrics as the report, so its figures match what `firerisk evaluate` would print with that setting.
 *
 *   npm run tune -- --variants variants.json [--features out/features/features.parquet] [--grid out/grid]
 *                   [--data datasets/beibei] [--config firerisk.yaml]
 *
 * variants.json: [{ "name": "default" }, { "name": "l2-high", "model": { "l2": 0.02 } },
 *                 { "name": "no-fwi", "drop": ["ffmc", "dmc", "dc", "isi", "bui", "fwi"] },
 *                 { "name": "on-truth", "labels": "truth", "model": { "fire_classes": "single" } }]
 * `"seeds": [7, 8, 1]` runs a variant once per model seed (one line each, then a line with the mean and range over the
 * seeds); each run is compared with the first variant's run of the same seed, so give both the same seeds.
 * `"labels": "truth"` (synthetic data with truth/ only) trains on the true intensity of each cell-day instead of
 * the fires seen (src/evaluate/truth-labels.ts), still scored against the fires: what the same network and columns
 * reach with unlimited history. The truth does not split the fires by class, so such a variant needs
 * `fire_classes: single`.
 * Prints one JSON line per variant: gap to the oracle closed, deviance, log-likelihood (the model's, the best baseline's and the
 * oracle's, per cell-day: tables of different histories or worlds compare in these, not in shares of their different gaps),
 * PAI at 5 % (against the fires seen
 * and, with an oracle, against the true intensity), seconds; and for every variant after the first, its difference from
 * the first (log-likelihood per cell-day, PAI at 5 %) with a 95 % interval from the block bootstrap over test days that
 * the report uses (`versus_first`): whether the change is more than the chance of which days were tested. The noise of
 * training itself is not in that interval: give the variants `seeds` to see it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../src/config/load.ts';
import { modelSchema } from '../src/config/schema.ts';
import { runBacktest, type TestRows } from '../src/evaluate/backtest.ts';
import { comparePaired } from '../src/evaluate/compare.ts';
import { cellGeometryFromGrid } from '../src/evaluate/history.ts';
import { loadOracle } from '../src/evaluate/oracle.ts';
import { loadTestPeriodOracle, planBacktest } from '../src/evaluate/run.ts';
import { trainOnTruth } from '../src/evaluate/truth-labels.ts';
import { referenceRun, spread, tuneRuns, tuneVariantSchema } from '../src/evaluate/tune-variants.ts';
import { createCellLocator } from '../src/grid/locate.ts';
import { loadFeatureMatrix } from '../src/features/load.ts';
import { readGrid } from '../src/grid/io.ts';
import { isoDay } from '../src/util/days.ts';
import { selectBackend } from '../src/model/backend.ts';
import { modelTrainer } from '../src/model/fit.ts';
import { trainingWindows } from '../src/model/windows.ts';
import { createLogger } from '../src/util/log.ts';

const { values } = parseArgs({
  options: {
    variants: { type: 'string' },
    features: { type: 'string', default: 'out/features/features.parquet' },
    grid: { type: 'string', default: 'out/grid' },
    data: { type: 'string', default: 'datasets/beibei' },
    config: { type: 'string' },
  },
});
if (!values.variants) {
  process.stderr.write('usage: npm run tune -- --variants FILE.json [--features PATH] [--grid PATH] [--data DIR] [--config FILE]\n');
  process.exit(2);
}
const variants = z.array(tuneVariantSchema).min(1).parse(JSON.parse(readFileSync(values.variants, 'utf8')));
const config = loadConfig(values.config);
const log = createLogger({ quiet: true });
await selectBackend(config.model.backend, createLogger());

const grid = readGrid(values.grid);
const geometry = cellGeometryFromGrid(grid);
const plan = await planBacktest(values.features, config);
// The rows `firerisk evaluate` reads: every row from the first validation window on, before it the fires and
// the zeros the training windows keep (unless a variant samples zeros otherwise, which needs every row).
const runs = tuneRuns(variants, config.model.seed);
const samplesAlike = runs.every((r) => (r.variant.model.negative_rate ?? config.model.negative_rate) === config.model.negative_rate && r.seed === config.model.seed);
const denseFrom = plan.months[0].fromDay - config.model.validation_days;
const full = await loadFeatureMatrix(values.features, samplesAlike ? { negativeRate: config.model.negative_rate, seed: config.model.seed, subsampleBefore: isoDay(denseFrom) } : {});
for (const variant of variants) {
  const unknown = variant.drop.filter((name) => !full.featureNames.includes(name));
  if (unknown.length > 0) {
    process.stderr.write(`${values.variants}: variant "${variant.name}": drop names no feature of ${values.features}: ${unknown.join(', ')}\n`);
    process.exit(2);
  }
  if (variant.labels === 'truth' && (variant.model.fire_classes ?? config.model.fire_classes) !== 'single') {
    process.stderr.write(`${values.variants}: variant "${variant.name}": "labels": "truth" needs "model": { "fire_classes": "single" } (the truth does not split the fires by class)\n`);
    process.exit(2);
  }
}
// Variants trained on the truth need it for every labelled day, training windows included; it then scores the test period too.
const trainsOnTruth = variants.some((v) => v.labels === 'truth');
const oracle = trainsOnTruth
  ? await loadOracle(values.data, createCellLocator(grid), { fromDay: plan.firstLabelled, toDay: plan.lastLabelled, nCells: grid.cells.length })
  : await loadTestPeriodOracle(plan, grid, values.data);
if (trainsOnTruth && oracle === null) {
  process.stderr.write(`${values.variants}: a variant has "labels": "truth", but ${values.data}/truth does not exist (synthetic data only)\n`);
  process.exit(2);
}

// Each run's test-day forecasts, kept only for the first variant's runs, which every later run is compared with day by day.
const references = new Map<number, { name: string; rows: TestRows; rate: Float32Array }>();
const figures: Array<{ gap: number | null; logLikelihood: number; pai5: number | null; versusFirst: number | null }> = [];
for (const [index, { variant, seed }] of runs.entries()) {
  const started = Date.now();
  let captured: { rows: TestRows; rate: Float32Array } | null = null;
  const base = { ...config.model, ...variant.model, seed };
  const params = modelSchema.parse({ ...base, exclude_features: [...(base.exclude_features ?? []), ...variant.drop] });
  const result = await runBacktest({
    matrix: full,
    geometry,
    options: config.evaluate,
    trainer: variant.labels === 'truth' ? trainOnTruth(modelTrainer(params, log), oracle!) : modelTrainer(params, log),
    windows: (m, firstTestDay) => trainingWindows(m, params, firstTestDay),
    oracle,
    modelName: variant.name,
    minHistoryDays: plan.minHistoryDays,
    seed: params.seed,
    onTestRates: (rows, rates) => (captured = { rows, rate: rates[variant.name] }),
  });
  const model = result.overall[variant.name];
  const { rows, rate } = captured!;
  const against = referenceRun(runs, index);
  const reference = against === null ? null : references.get(against)!;
  const versusFirst = reference
    ? comparePaired(rows, rate, reference.rate, reference.name, [0.05], { blockDays: config.evaluate.bootstrap_block_days, resamples: config.evaluate.bootstrap_resamples, seed: params.seed, level: 0.95 })
    : null;
  if (against === null) references.set(index, { name: variant.seeds ? `${variant.name}@${seed}` : variant.name, rows, rate });
  const pai5 = (name: string) => result.overall[name].hot_spot.find((h) => h.share === 0.05)?.pai ?? null;
  const pai5AgainstTruth = (name: string) => result.hot_spot_against_truth?.[name]?.find((h) => h.share === 0.05)?.pai ?? null;
  const gapPct = result.gap_closed === null ? null : Number((100 * result.gap_closed).toFixed(1));
  process.stdout.write(
    `${JSON.stringify({
      variant: variant.name,
      seed: params.seed,
      labels: variant.labels,
      gap_closed_pct: gapPct,
      poisson_deviance: Number(model.poisson_deviance.toFixed(6)),
      log_likelihood: model.log_likelihood,
      pai_5pct: pai5(variant.name),
      best_baseline: result.best_baseline,
      best_baseline_log_likelihood: result.overall[result.best_baseline].log_likelihood,
      oracle_log_likelihood: oracle ? result.overall[oracle.name].log_likelihood : null,
      best_baseline_pai_5pct: Math.max(...result.baselines.map((b) => pai5(b) ?? -Infinity)),
      pai_5pct_against_truth: pai5AgainstTruth(variant.name),
      best_baseline_pai_5pct_against_truth: result.hot_spot_against_truth ? Math.max(...result.baselines.map((b) => pai5AgainstTruth(b) ?? -Infinity)) : null,
      predicted_fires: Number(model.predicted_fires.toFixed(1)),
      fires: model.fires,
      versus_first: versusFirst && { against: versusFirst.against, log_likelihood: versusFirst.log_likelihood, pai_5pct: versusFirst.pai[0] },
      seconds: (Date.now() - started) / 1000,
    })}\n`,
  );
  figures.push({ gap: gapPct, logLikelihood: model.log_likelihood, pai5: pai5(variant.name), versusFirst: versusFirst?.log_likelihood.value ?? null });
  const lastOfVariant = index === runs.length - 1 || runs[index + 1].variant !== variant;
  if (variant.seeds && variant.seeds.length > 1 && lastOfVariant) {
    const own = figures.slice(figures.length - variant.seeds.length);
    const numbers = (pick: (f: (typeof figures)[number]) => number | null) => own.map(pick).filter((v): v is number => v !== null);
    const summary = (pick: (f: (typeof figures)[number]) => number | null) => (numbers(pick).length === own.length ? spread(numbers(pick)) : null);
    const gap = summary((f) => f.gap);
    process.stdout.write(
      `${JSON.stringify({
        variant: variant.name,
        over_seeds: variant.seeds,
        gap_closed_pct: gap && { ...gap, mean: Number(gap.mean.toFixed(1)) },
        log_likelihood: summary((f) => f.logLikelihood),
        pai_5pct: summary((f) => f.pai5),
        versus_first_log_likelihood: summary((f) => f.versusFirst),
      })}\n`,
    );
  }
}
