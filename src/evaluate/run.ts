/**
 * `firerisk evaluate` without the CLI: load the feature table and the grid, run the rolling-origin
 * backtest of the configured model against the baselines (and the oracle when the data folder has a
 * truth/ folder), and write the report. Files are read and written only here.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { loadFeatureMatrix } from '../features/load.ts';
import type { FeatureMatrix } from '../features/matrix.ts';
import type { Grid } from '../grid/types.ts';
import { readGrid } from '../grid/io.ts';
import { createCellLocator } from '../grid/locate.ts';
import { selectBackend } from '../model/backend.ts';
import { modelTrainer } from '../model/fit.ts';
import { trainingWindows } from '../model/windows.ts';
import { InputDataError, UsageError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { runBacktest, testMonths, type BacktestResult } from './backtest.ts';
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

/**
 * The oracle (truth/ of synthetic data; null without it) read for the backtest's test period only: the
 * `months` calendar months up to the last labelled day of `matrix`.
 */
export async function loadTestPeriodOracle(matrix: FeatureMatrix, grid: Grid, dataDir: string, months: number, source = 'feature table'): Promise<Oracle | null> {
  let lastLabelled = -Infinity;
  for (let i = 0; i < matrix.rows; i++) if (!Number.isNaN(matrix.yFires[i]) && matrix.day[i] > lastLabelled) lastLabelled = matrix.day[i];
  if (!Number.isFinite(lastLabelled)) throw new UsageError(`${source}: no labelled rows to evaluate on`);
  const firstTest = testMonths(lastLabelled, months)[0].fromDay;
  return loadOracle(dataDir, createCellLocator(grid), { fromDay: firstTest, toDay: lastLabelled, nCells: grid.cells.length });
}

export async function evaluateFromFiles(request: EvaluateRequest): Promise<{ result: BacktestResult; files: ReportFiles }> {
  const { featuresPath, gridPath, dataDir, reportDir, config, log } = request;
  if (!existsSync(featuresPath)) throw new InputDataError(`${featuresPath}: feature table not found (run firerisk features first)`);
  const grid = readGrid(gridPath);
  const started = Date.now();
  const matrix = await loadFeatureMatrix(featuresPath);
  log.info('features loaded', { rows: matrix.rows, features: matrix.featureNames.length, seconds: (Date.now() - started) / 1000 });
  let maxCell = -1;
  for (let i = 0; i < matrix.rows; i++) if (matrix.cellIndex[i] > maxCell) maxCell = matrix.cellIndex[i];
  if (maxCell >= grid.cells.length) throw new InputDataError(`${featuresPath}: cell_index ${maxCell} outside the ${grid.cells.length} cells of ${gridPath} (features built on another grid?)`);
  const geometry = cellGeometryFromGrid(grid);
  const backend = await selectBackend(config.model.backend, log);

  const oracle = await loadTestPeriodOracle(matrix, grid, dataDir, config.evaluate.months, featuresPath);
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
    seed: config.model.seed,
    log,
  });
  const notes = [
    `TensorFlow.js backend: ${backend}; model ${config.model.kind} ${config.model.kind === 'mlp' ? JSON.stringify(config.model.hidden_units) : ''}, refit every ${config.evaluate.refit_every_months} month(s).`,
    `Seconds: model ${result.seconds.model.toFixed(1)}, baselines ${result.seconds.baselines.toFixed(1)}, metrics ${result.seconds.metrics.toFixed(1)}.`,
  ];
  if (oracle) notes.push(`Oracle: ${oracle.summary.sources} truth sources, ${oracle.summary.sources_outside_grid} outside the grid (${oracle.summary.expected_fires_outside_grid.toFixed(2)} of ${oracle.summary.expected_fires_total.toFixed(2)} expected fires in the test period).`);
  const files = await writeReport(result, reportDir, {
    features: featuresPath,
    data: dataDir,
    model: { ...config.model },
    generated_at: (request.now ?? new Date()).toISOString(),
    notes,
  });
  log.info('evaluation report written', { report: files.markdown, json: files.json, charts: files.charts.length });
  return { result, files };
}

export const defaultReportDir = (outRoot: string) => join(outRoot, 'evaluation');
