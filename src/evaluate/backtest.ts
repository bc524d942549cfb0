/**
 * Rolling-origin backtest over the last `months` calendar months of labelled days.
 *
 * For every test month the baselines are refitted at the month's first day from labels before it
 * and then updated daily (a forecast for day d uses labels of days < d only). The model is retrained
 * at the first test month and then every `refit_every_months` months, each time on the windows that
 * `windows(matrix, firstTestDay)` chooses before that month (training, then validation, then the
 * test month). With refit_every_months = 1 this is "train on everything before each month"; with
 * k > 1 it is the documented equivalent: the weights are at most k − 1 months older than the
 * month they forecast, while the model's inputs (the leakage-free features) still carry every label
 * up to the day before each forecast day. Forecasts cover every labelled cell-day of each month.
 */
import type { Config } from '../config/schema.ts';
import { selectRows, type FeatureMatrix } from '../features/matrix.ts';
import { permutation } from '../model/sampling.ts';
import type { Forecaster, PredictRates } from '../model/types.ts';
import { isoDay } from '../util/days.ts';
import { UsageError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { fitBaselines } from './baselines.ts';
import { blockBootstrapRatio, comparePaired, dailyLogLikelihoodDifference, type BootstrapEstimate, type PairedComparison } from './compare.ts';
import { byFireHistory, type FireHistoryBin } from './fire-history.ts';
import { countsBetween, labelHistory, type CellGeometry, type LabelHistory } from './history.ts';
import { evaluateForecast, hotSpotMeasures, meanPoissonDeviance, type ForecastMetrics, type HotSpotAtShare } from './metrics.ts';

export type Trainer = (train: FeatureMatrix, valid: FeatureMatrix) => Promise<PredictRates>;
export interface DayWindowLike {
  fromDay: number;
  toDay: number;
}
export type WindowRule = (matrix: FeatureMatrix, firstTestDay: number) => { train: FeatureMatrix; valid: FeatureMatrix; trainWindow?: DayWindowLike; validWindow?: DayWindowLike };
export type BaselineFactory = (history: LabelHistory, geometry: CellGeometry, fitDay: number) => Array<Forecaster & { fit?: unknown }>;

export interface BacktestInput {
  /**
   * The feature table (rows with NaN labels are forecast days and are ignored): every row of the test
   * period and of the validation windows; earlier rows may have been read with the zeros subsampled as
   * `windows` subsamples them, with `labelledDays` telling the label history which days were observed.
   */
  matrix: FeatureMatrix;
  geometry: CellGeometry;
  options: Config['evaluate'];
  trainer: Trainer;
  windows: WindowRule;
  /** The true intensity on synthetic data; absent on real data. */
  oracle?: Forecaster | null;
  /** Further truth-based references scored beside the oracle (e.g. the oracle's per-cell mean); never a baseline. */
  references?: Forecaster[];
  modelName?: string;
  /** Labelled days needed before the first test month (see backtestMonths); default 1. */
  minHistoryDays?: number;
  baselines?: BaselineFactory;
  /** Seed of the permutations of the feature importance. */
  seed?: number;
  log?: Logger;
  /** Receives the test cell-days and every forecaster's forecast for them, in the same order (e.g. to compare two backtests day by day). */
  onTestRates?: (rows: TestRows, rates: Record<string, Float32Array>) => void;
}

/** The labelled cell-days of a backtest's test period, month after month. */
export interface TestRows {
  y: Float32Array;
  day: Int32Array;
  cellIndex: Int32Array;
  cellAreaKm2: ArrayLike<number>;
}

/** The metrics without the curves and the reliability table: what per-month and per-season tables show. */
export type MetricSummary = Omit<ForecastMetrics, 'curves' | 'reliability'>;

export interface MonthInfo {
  month: string;
  from: string;
  to: string;
  rows: number;
  fires: number;
  /** The model was retrained at this month's start. */
  model_refit: boolean;
  train_window?: { from: string; to: string };
  valid_window?: { from: string; to: string };
}

export interface FeatureImportance {
  feature: string;
  /** Mean Poisson deviance with the column shuffled minus without, on the last test month. */
  deviance_increase: number;
}

export interface BacktestResult {
  model_name: string;
  /** Model first, then the baselines, then the oracle and the references when there are. */
  forecasters: string[];
  baselines: string[];
  /** Truth-based references other than the oracle (see BacktestInput.references). */
  references: string[];
  test_period: { from: string; to: string };
  /** Months asked for (options.months); `months` has fewer when the history was too short for them. */
  months_requested: number;
  months: MonthInfo[];
  overall: Record<string, ForecastMetrics>;
  per_month: Array<{ month: string; metrics: Record<string, MetricSummary> }>;
  per_season: Array<{ season: Season; months: string[]; metrics: Record<string, MetricSummary> }>;
  /** Baseline with the highest log-likelihood per cell-day over the test period. */
  best_baseline: string;
  /** (LL_model − LL_best_baseline) / (LL_oracle − LL_best_baseline); null without an oracle. */
  gap_closed: number | null;
  /** gap_closed with its 95 % interval from the block bootstrap over test days (both log-likelihood differences resampled); null without an oracle. */
  gap_closed_interval: BootstrapEstimate | null;
  /**
   * With an oracle: every forecaster's hot-spot measures over the test period with each cell-day's fires
   * replaced by the oracle's expected fires, i.e. what its daily selections capture under the true
   * intensity, without the chance of which cells happened to burn (PEI 1 = the oracle's own selection).
   * Null without an oracle.
   */
  hot_spot_against_truth: Record<string, HotSpotAtShare[]> | null;
  /** The model minus the best baseline, day by day, with block-bootstrap intervals (see compare.ts). */
  model_vs_best_baseline: PairedComparison;
  /** Fires predicted and seen, and log-likelihood, by the cells' number of fires before the test period. */
  by_fire_history: FireHistoryBin[];
  feature_importance: FeatureImportance[];
  /** Fitted baseline parameters by month (bandwidths, decay, priors). */
  baseline_fits: Array<{ month: string; fits: Record<string, unknown> }>;
  seconds: { model: number; baselines: number; metrics: number };
}

export type Season = 'winter' | 'spring' | 'summer' | 'autumn';
/** Meteorological seasons: Mar–May spring, Jun–Aug summer, Sep–Nov autumn, Dec–Feb winter. */
export const seasonOfMonth = (month0: number): Season => (['winter', 'winter', 'spring', 'spring', 'spring', 'summer', 'summer', 'summer', 'autumn', 'autumn', 'autumn', 'winter'] as const)[month0];

const dateOf = (day: number) => new Date(day * 86_400_000);
const firstOfMonth = (year: number, month0: number) => Math.round(Date.UTC(year, month0, 1) / 86_400_000);

/** The calendar months of the test period: the `months` months up to the one holding the last labelled day. */
export function testMonths(lastLabelledDay: number, months: number): Array<{ month: string; fromDay: number; toDay: number }> {
  const last = dateOf(lastLabelledDay);
  const out: Array<{ month: string; fromDay: number; toDay: number }> = [];
  for (let k = months - 1; k >= 0; k--) {
    const y = last.getUTCFullYear();
    const m = last.getUTCMonth() - k;
    const fromDay = firstOfMonth(y, m);
    const toDay = Math.min(firstOfMonth(y, m + 1) - 1, lastLabelledDay);
    out.push({ month: isoDay(fromDay).slice(0, 7), fromDay, toDay });
  }
  return out;
}

/**
 * The test months of a backtest over labelled days [firstLabelled, lastLabelled]: the `requested` calendar
 * months up to the last labelled day, or fewer when the history is short, so that the first test month
 * starts at least `minHistoryDays` after the first labelled day (room for the first refit's training and
 * validation windows). Null when not even one month fits.
 */
export function backtestMonths(firstLabelled: number, lastLabelled: number, requested: number, minHistoryDays: number): ReturnType<typeof testMonths> | null {
  for (let m = requested; m >= 1; m--) {
    const months = testMonths(lastLabelled, m);
    if (months[0].fromDay - firstLabelled >= minHistoryDays) return months;
  }
  return null;
}

/** The labelled history is too short for even one backtest month (see backtestMonths). */
export class ShortHistoryError extends UsageError {}

export function shortHistoryError(firstLabelled: number, lastLabelled: number, minHistoryDays: number): ShortHistoryError {
  return new ShortHistoryError(
    `backtest: labelled days run ${isoDay(firstLabelled)}..${isoDay(lastLabelled)}, too short for even one test month after ${minHistoryDays} days of training and validation history; lower model.validation_days or evaluate.min_train_days, or bring a longer history`,
  );
}

function summary(metrics: ForecastMetrics): MetricSummary {
  const { curves: _curves, reliability: _reliability, ...rest } = metrics;
  return rest;
}


/**
 * Permutation importance: the increase of mean Poisson deviance when one feature column is shuffled
 * across the rows of `matrix` (seeded, one permutation per feature), sorted from most to least important.
 */
export async function permutationImportance(predict: PredictRates, matrix: FeatureMatrix, seed: number): Promise<FeatureImportance[]> {
  const base = meanPoissonDeviance(matrix.yFires, await predict(matrix));
  const p = matrix.featureNames.length;
  const out: FeatureImportance[] = [];
  const X = new Float32Array(matrix.X);
  for (let j = 0; j < p; j++) {
    const order = permutation(matrix.rows, seed + j);
    for (let i = 0; i < matrix.rows; i++) X[i * p + j] = matrix.X[order[i] * p + j];
    const rates = await predict({ ...matrix, X });
    out.push({ feature: matrix.featureNames[j], deviance_increase: meanPoissonDeviance(matrix.yFires, rates) - base });
    for (let i = 0; i < matrix.rows; i++) X[i * p + j] = matrix.X[i * p + j];
  }
  return out.sort((a, b) => b.deviance_increase - a.deviance_increase);
}

/**
 * What the people relying on the scores should hear beyond the figures: that the model did not beat the
 * best baseline's log-likelihood over the backtest (then a plain baseline would have served as well).
 */
export function backtestWarnings(result: BacktestResult): string[] {
  const versus = result.model_vs_best_baseline.log_likelihood;
  if (!(versus.value < 0)) return [];
  return [
    `the model's log-likelihood over the backtest is below the best baseline's (${result.best_baseline}; the model ahead in ${Math.round(100 * versus.share_positive)}% of bootstrap resamples): in this district its scores have not been better than that baseline's; see the report before relying on them`,
  ];
}

export async function runBacktest(input: BacktestInput): Promise<BacktestResult> {
  const { matrix, geometry, options, trainer, windows, oracle, log } = input;
  const modelName = input.modelName ?? 'model';
  const makeBaselines = input.baselines ?? fitBaselines;
  const history = labelHistory(matrix, geometry.x_m.length);
  if (history.nDays === 0) throw new UsageError('backtest: the feature table has no labelled rows');
  const firstLabelled = history.firstDay;
  const lastLabelled = history.firstDay + history.nDays - 1;
  const minHistoryDays = input.minHistoryDays ?? 1;
  const months = backtestMonths(firstLabelled, lastLabelled, options.months, minHistoryDays);
  if (!months) throw shortHistoryError(firstLabelled, lastLabelled, minHistoryDays);
  if (months.length < options.months) {
    log?.warn(`backtest shortened to ${months.length} of ${options.months} months: labelled days start ${isoDay(firstLabelled)}, and the first test month needs ${minHistoryDays} days of history before it`);
  }

  // Labelled rows of each test month, found in one pass.
  const monthRows: number[][] = months.map(() => []);
  const firstTest = months[0].fromDay;
  for (let i = 0; i < matrix.rows; i++) {
    const d = matrix.day[i];
    if (d < firstTest || d > lastLabelled || Number.isNaN(matrix.yFires[i])) continue;
    let k = months.length - 1;
    while (months[k].fromDay > d) k--;
    monthRows[k].push(i);
  }

  const rates = new Map<string, Float32Array[]>();
  const store = (name: string, k: number, values: Float32Array) => {
    if (!rates.has(name)) rates.set(name, new Array(months.length));
    rates.get(name)![k] = values;
  };
  const info: MonthInfo[] = [];
  const baselineFits: BacktestResult['baseline_fits'] = [];
  const monthMatrices: FeatureMatrix[] = [];
  let baselineNames: string[] = [];
  let predict: PredictRates | null = null;
  const seconds = { model: 0, baselines: 0, metrics: 0 };
  const progress = log?.progress('backtest months', months.length);
  for (let k = 0; k < months.length; k++) {
    const { month, fromDay, toDay } = months[k];
    const test = selectRows(matrix, monthRows[k]);
    monthMatrices.push(test);
    let fires = 0;
    for (let i = 0; i < test.rows; i++) fires += test.yFires[i];
    const refit = k % options.refit_every_months === 0;
    const monthInfo: MonthInfo = { month, from: isoDay(fromDay), to: isoDay(toDay), rows: test.rows, fires, model_refit: refit };
    let started = Date.now();
    if (refit) {
      const w = windows(matrix, fromDay);
      if (w.trainWindow) monthInfo.train_window = { from: isoDay(w.trainWindow.fromDay), to: isoDay(w.trainWindow.toDay) };
      if (w.validWindow) monthInfo.valid_window = { from: isoDay(w.validWindow.fromDay), to: isoDay(w.validWindow.toDay) };
      predict = await trainer(w.train, w.valid);
    }
    store(modelName, k, await predict!(test));
    seconds.model += (Date.now() - started) / 1000;

    started = Date.now();
    const baselines = makeBaselines(history, geometry, fromDay);
    baselineNames = baselines.map((b) => b.name);
    const fits: Record<string, unknown> = {};
    for (const baseline of baselines) {
      store(baseline.name, k, await baseline.predict(test));
      if (baseline.fit !== undefined) fits[baseline.name] = baseline.fit;
    }
    baselineFits.push({ month, fits });
    if (oracle) store(oracle.name, k, await oracle.predict(test));
    for (const reference of input.references ?? []) store(reference.name, k, await reference.predict(test));
    seconds.baselines += (Date.now() - started) / 1000;
    info.push(monthInfo);
    log?.info(`backtest ${month}`, { rows: test.rows, fires, model_refit: refit });
    progress?.tick();
  }
  progress?.done();

  const started = Date.now();
  const names = [...rates.keys()];
  const metricOptions = { topShares: options.top_shares, calibrationBins: options.calibration_bins };
  /** The test rows of months `ks`, in month order. */
  const rowsOf = (ks: number[]): TestRows => {
    const total = ks.reduce((s, k) => s + monthMatrices[k].rows, 0);
    const y = new Float32Array(total);
    const day = new Int32Array(total);
    const cellIndex = new Int32Array(total);
    let offset = 0;
    for (const k of ks) {
      const m = monthMatrices[k];
      y.set(m.yFires, offset);
      day.set(m.day, offset);
      cellIndex.set(m.cellIndex, offset);
      offset += m.rows;
    }
    return { y, day, cellIndex, cellAreaKm2: geometry.area_km2 };
  };
  /** `name`'s forecasts for the rows of rowsOf(ks), in the same order. */
  const ratesOf = (ks: number[], name: string): Float32Array => {
    const rate = new Float32Array(ks.reduce((s, k) => s + monthMatrices[k].rows, 0));
    let offset = 0;
    for (const k of ks) {
      rate.set(rates.get(name)![k], offset);
      offset += monthMatrices[k].rows;
    }
    return rate;
  };
  const summarise = (ks: number[], name: string) => summary(evaluateForecast({ ...rowsOf(ks), rate: ratesOf(ks, name) }, metricOptions));
  const all = months.map((_, k) => k);
  // The whole test period, once: the overall metrics, the truth-based hot spots and the comparisons read it.
  const testRows = rowsOf(all);
  const testRates = Object.fromEntries(names.map((name) => [name, ratesOf(all, name)]));
  input.onTestRates?.(testRows, testRates);
  let hotSpotAgainstTruth: BacktestResult['hot_spot_against_truth'] = null;
  if (oracle) {
    const truth = testRates[oracle.name];
    hotSpotAgainstTruth = Object.fromEntries(names.map((name) => [name, hotSpotMeasures({ ...testRows, y: truth, score: testRates[name] }, options.top_shares, 2).at]));
  }
  const overall = Object.fromEntries(names.map((name) => [name, evaluateForecast({ ...testRows, rate: testRates[name] }, metricOptions)]));
  const perMonth = months.map((m, k) => ({ month: m.month, metrics: Object.fromEntries(names.map((name) => [name, summarise([k], name)])) }));
  const seasons: Season[] = ['winter', 'spring', 'summer', 'autumn'];
  const perSeason = seasons
    .map((season) => {
      const ks = all.filter((k) => seasonOfMonth(dateOf(months[k].fromDay).getUTCMonth()) === season && monthMatrices[k].rows > 0);
      return { season, months: ks.map((k) => months[k].month), metrics: ks.length ? Object.fromEntries(names.map((name) => [name, summarise(ks, name)])) : {} };
    })
    .filter((s) => s.months.length > 0);

  const bestBaseline = baselineNames.reduce((best, name) => (overall[name].log_likelihood > overall[best].log_likelihood ? name : best), baselineNames[0]);
  const gap = oracle ? (overall[modelName].log_likelihood - overall[bestBaseline].log_likelihood) / (overall[oracle.name].log_likelihood - overall[bestBaseline].log_likelihood) : null;

  const modelRate = testRates[modelName];
  const bestRate = testRates[bestBaseline];
  const bootstrap = { blockDays: options.bootstrap_block_days, resamples: options.bootstrap_resamples, seed: input.seed ?? 1, level: 0.95 };
  const modelVsBest = comparePaired(testRows, modelRate, bestRate, bestBaseline, options.top_shares, bootstrap);
  let gapInterval: BootstrapEstimate | null = null;
  if (oracle) {
    const gained = dailyLogLikelihoodDifference(testRows.y, testRows.day, modelRate, bestRate).difference;
    const possible = dailyLogLikelihoodDifference(testRows.y, testRows.day, testRates[oracle.name], bestRate).difference;
    gapInterval = blockBootstrapRatio(gained, possible, bootstrap);
  }

  const byHistory = byFireHistory(countsBetween(history, history.firstDay, firstTest).counts, testRows, testRates);

  const lastMonth = monthMatrices[monthMatrices.length - 1];
  const importance = predict && lastMonth.rows > 0 ? await permutationImportance(predict, lastMonth, input.seed ?? 1) : [];
  seconds.metrics = (Date.now() - started) / 1000;

  return {
    model_name: modelName,
    forecasters: names,
    baselines: baselineNames,
    references: (input.references ?? []).map((r) => r.name),
    test_period: { from: isoDay(months[0].fromDay), to: isoDay(lastLabelled) },
    months_requested: options.months,
    months: info,
    overall,
    per_month: perMonth,
    per_season: perSeason,
    best_baseline: bestBaseline,
    gap_closed: gap !== null && Number.isFinite(gap) ? gap : null,
    gap_closed_interval: gapInterval,
    hot_spot_against_truth: hotSpotAgainstTruth,
    model_vs_best_baseline: modelVsBest,
    by_fire_history: byHistory,
    feature_importance: importance,
    baseline_fits: baselineFits,
    seconds,
  };
}
