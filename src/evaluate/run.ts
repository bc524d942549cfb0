/**
 * `firerisk evaluate` without the CLI: load the feature table and the grid, run the rolling-origin
 * backtest of the configured model against the baselines (and the oracle when the data folder has a
 * truth/ folder), and write the report. Files are read and written only here.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { MANIFEST_FILE, readFeatureManifest } from '../features/build.ts';
import { labelledDayRange, loadFeatureMatrix, warnNotExcluded } from '../features/load.ts';
import type { Grid } from '../grid/types.ts';
import { readGrid } from '../grid/io.ts';
import { createCellLocator } from '../grid/locate.ts';
import { selectBackend } from '../model/backend.ts';
import { modelTrainer } from '../model/fit.ts';
import { trainingWindows } from '../model/windows.ts';
import { dayNumber, isoDay } from '../util/days.ts';
import { InputDataError, UsageError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { backtestMonths, backtestWarnings, runBacktest, shortHistoryError, type BacktestResult } from './backtest.ts';
import { cellGeometryFromGrid } from './history.ts';
import { loadOracle, type Oracle } from './oracle.ts';
import { writeReport, type ReportFiles } from './report.ts';

export interface EvaluateRequest {
  featuresPath: string;
  /** grid.json or the folder holding it. */
  gridPath: string;
  /** Dataset folder; its truth/ subfolder (synthetic data only) gives the oracle. */
  dataDir: string;
  /** Folder receiving report.json, report.md and charts/. */
  reportDir: string;
  config: Config;
  log: Logger;
  now?: Date;
}

/** The test months of the backtest `firerisk evaluate` runs on a feature file, and the history they leave before them. */
export interface BacktestPlan {
  months: Array<{ month: string; fromDay: number; toDay: number }>;
  firstLabelled: number;
  lastLabelled: number;
  /** Labelled days the first refit needs before the first test month: validation window + evaluate.min_train_days. */
  minHistoryDays: number;
}

export async function planBacktest(featuresPath: string, config: Config): Promise<BacktestPlan> {
  const range = await labelledDayRange(featuresPath);
  if (!range) throw new UsageError(`${featuresPath}: no labelled rows to evaluate on`);
  const minHistoryDays = config.model.validation_days + config.evaluate.min_train_days;
  const months = backtestMonths(range.first, range.last, config.evaluate.months, minHistoryDays);
  if (!months) throw shortHistoryError(range.first, range.last, minHistoryDays);
  return { months, firstLabelled: range.first, lastLabelled: range.last, minHistoryDays };
}

/**
 * The report's line on the incident record behind the long-run rates (every `*_rate_eb` column counts from its
 * first day): how long it was before the test period. The record's length moves the skill more than any model
 * setting measured (docs/model-experiments.md), so a reader comparing districts or runs needs it. Null when
 * the feature table does not say where its history starts.
 */
export function incidentRecordNote(historyStart: string | null | undefined, firstTestDay: number): string | null {
  if (!historyStart) return null;
  const years = (firstTestDay - dayNumber(historyStart)) / 365.25;
  return `Incident record behind the long-run rates: from ${historyStart}, ${years.toFixed(1)} years before the test period (a longer record of past incidents raised the skill more than any model setting measured: docs/model-experiments.md).`;
}

/** The oracle (truth/ of synthetic data; null without it) read for the backtest's test period only. */
export async function loadTestPeriodOracle(plan: BacktestPlan, grid: Grid, dataDir: string): Promise<Oracle | null> {
  return loadOracle(dataDir, createCellLocator(grid), { fromDay: plan.months[0].fromDay, toDay: plan.lastLabelled, nCells: grid.cells.length });
}

export async function evaluateFromFiles(request: EvaluateRequest): Promise<{ result: BacktestResult; files: ReportFiles }> {
  const { featuresPath, gridPath, dataDir, reportDir, config, log } = request;
  if (!existsSync(featuresPath)) throw new InputDataError(`${featuresPath}: feature table not found (run firerisk features first)`);
  const grid = readGrid(gridPath);
  const started = Date.now();
  const plan = await planBacktest(featuresPath, config);
  // Every row from the first validation window on; before it only what the training windows keep (fires and
  // the subsampled zeros, chosen by the rule trainingWindows applies), so memory follows the test period,
  // not the length of the history.
  const denseFrom = plan.months[0].fromDay - config.model.validation_days;
  const matrix = await loadFeatureMatrix(featuresPath, { negativeRate: config.model.negative_rate, seed: config.model.seed, subsampleBefore: isoDay(denseFrom), exclude: config.model.exclude_features });
  warnNotExcluded(matrix.notExcluded, featuresPath, log);
  log.info('features loaded', { rows: matrix.rows, features: matrix.featureNames.length, every_row_from: isoDay(denseFrom), seconds: (Date.now() - started) / 1000 });
  let maxCell = -1;
  for (let i = 0; i < matrix.rows; i++) if (matrix.cellIndex[i] > maxCell) maxCell = matrix.cellIndex[i];
  if (maxCell >= grid.cells.length) throw new InputDataError(`${featuresPath}: cell_index ${maxCell} outside the ${grid.cells.length} cells of ${gridPath} (features built on another grid?)`);
  const geometry = cellGeometryFromGrid(grid);
  const backend = await selectBackend(config.model.backend, log);

  const oracle = await loadTestPeriodOracle(plan, grid, dataDir);
  if (oracle) log.info('oracle loaded from truth/', { ...oracle.summary });
  else log.info('no truth/ folder in the data: evaluating without the oracle', { data: dataDir });

  const result = await runBacktest({
    matrix,
    geometry,
    options: config.evaluate,
    trainer: modelTrainer(config.model, log),
    windows: (m, firstTestDay) => trainingWindows(m, config.model, firstTestDay),
    oracle,
    references: oracle ? [oracle.cellMean] : [],
    modelName: `model_${config.model.kind}`,
    minHistoryDays: plan.minHistoryDays,
    seed: config.model.seed,
    log,
  });
  const notes = [
    `TensorFlow.js backend: ${backend}; model ${config.model.kind}${config.model.kind === 'glm' ? '' : ` ${JSON.stringify(config.model.hidden_units)}`}, refit every ${config.evaluate.refit_every_months} month(s).`,
    `Seconds: model ${result.seconds.model.toFixed(1)}, baselines ${result.seconds.baselines.toFixed(1)}, metrics ${result.seconds.metrics.toFixed(1)}.`,
  ];
  const record = incidentRecordNote(readFeatureManifest(join(dirname(featuresPath), MANIFEST_FILE))?.history_start, plan.months[0].fromDay);
  if (record) notes.push(record);
  if (oracle) notes.push(`Oracle: ${oracle.summary.sources} truth sources, ${oracle.summary.sources_outside_grid} outside the grid (${oracle.summary.expected_fires_outside_grid.toFixed(2)} of ${oracle.summary.expected_fires_total.toFixed(2)} expected fires in the test period).`);
  const files = await writeReport(result, reportDir, {
    features: featuresPath,
    data: dataDir,
    model: { ...config.model },
    generated_at: (request.now ?? new Date()).toISOString(),
    notes,
  });
  log.info('evaluation report written', { report: files.markdown, json: files.json, charts: files.charts.length });
  for (const warning of backtestWarnings(result)) log.warn(warning);
  return { result, files };
}

export const defaultReportDir = (outRoot: string) => join(outRoot, 'evaluation');
