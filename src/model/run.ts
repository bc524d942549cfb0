import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Config } from '../config/schema.ts';
import { loadFeatureMatrix, warnNotExcluded } from '../features/load.ts';
import { dayNumber, isoDay } from '../util/days.ts';
import { InputDataError, UsageError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { selectBackend } from './backend.ts';
import type { TrainingSummary } from './fit.ts';
import { registerModel } from './registry.ts';
import { trainOnWindows } from './train.ts';
import { windowDays } from './windows.ts';

export interface RunTrainOptions {
  /** Feature Parquet (default <paths.out>/features/features.parquet). */
  features?: string;
  /** First day the model is for (YYYY-MM-DD); only earlier days are read. Default: the day after the last label. */
  asOf?: string;
}

export interface RunTrainResult {
  dataset: string;
  modelId: string;
  dir: string;
  existed: boolean;
  asOf: string;
  trainingWindow: { from: string; to: string };
  validationWindow: { from: string; to: string };
  summary: TrainingSummary;
}

/** The last labelled day from the feature manifest beside the Parquet, when there is one. */
function labelsUntil(featuresPath: string): string | undefined {
  const manifestPath = join(dirname(featuresPath), 'features.manifest.json');
  if (!existsSync(manifestPath)) return undefined;
  try {
    const value = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { labels_until?: unknown }).labels_until;
    return typeof value === 'string' ? value : undefined;
  } catch (error) {
    throw new InputDataError(`${manifestPath}: not valid JSON (${(error as Error).message})`);
  }
}

/**
 * The edge of training: reads the training window (zeros subsampled while reading) and the validation
 * window from the feature file, fits, and saves the model into the registry without promoting it.
 */
export async function runTrain(config: Config, options: RunTrainOptions, log: Logger): Promise<RunTrainResult> {
  const params = config.model;
  const featuresPath = options.features ?? join(config.paths.out, 'features', 'features.parquet');
  const dataset = basename(resolve(config.paths.data));
  let firstTestDay: number;
  if (options.asOf !== undefined) {
    try {
      firstTestDay = dayNumber(options.asOf);
    } catch {
      throw new UsageError(`--as-of: expected YYYY-MM-DD, got '${options.asOf}'`);
    }
  } else {
    const until = labelsUntil(featuresPath);
    if (!until) throw new UsageError(`${join(dirname(featuresPath), 'features.manifest.json')} is missing or has no labels_until: pass --as-of YYYY-MM-DD`);
    firstTestDay = dayNumber(until) + 1;
  }
  const { trainWindow, validWindow } = windowDays(params, firstTestDay);
  const backend = await selectBackend(params.backend, log);
  const started = performance.now();
  const train = await loadFeatureMatrix(featuresPath, { fromDay: isoDay(trainWindow.fromDay), toDay: isoDay(trainWindow.toDay), negativeRate: params.negative_rate, seed: params.seed, exclude: params.exclude_features });
  warnNotExcluded(train.notExcluded, featuresPath, log);
  const valid = await loadFeatureMatrix(featuresPath, { fromDay: isoDay(validWindow.fromDay), toDay: isoDay(validWindow.toDay), featureNames: train.featureNames });
  log.info('features read', { path: featuresPath, train_rows: train.rows, valid_rows: valid.rows, backend, seconds: Number(((performance.now() - started) / 1000).toFixed(1)) });
  const countLabelled = (m: { rows: number; yFires: Float32Array }) => m.yFires.reduce((n, y) => n + (Number.isFinite(y) ? 1 : 0), 0);
  if (countLabelled(train) === 0) throw new UsageError(`${featuresPath}: no labelled rows in the training window ${isoDay(trainWindow.fromDay)}..${isoDay(trainWindow.toDay)} (as of ${isoDay(firstTestDay)})`);
  if (countLabelled(valid) === 0) throw new UsageError(`${featuresPath}: no labelled rows in the validation window ${isoDay(validWindow.fromDay)}..${isoDay(validWindow.toDay)} (as of ${isoDay(firstTestDay)})`);
  const { fitted, record } = await trainOnWindows(train, valid, params, log, { dataset, featuresSource: featuresPath });
  const registered = await registerModel(config.paths.models, dataset, fitted, record);
  if (registered.existed) log.info('an identical model was already registered; kept it', { model_id: registered.modelId });
  return {
    dataset,
    modelId: registered.modelId,
    dir: registered.dir,
    existed: registered.existed,
    asOf: isoDay(firstTestDay),
    trainingWindow: record.training_window,
    validationWindow: record.validation_window,
    summary: fitted.summary,
  };
}
