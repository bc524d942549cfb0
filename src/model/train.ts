import type { FeatureMatrix } from '../features/matrix.ts';
import { isoDay } from '../util/days.ts';
import { UsageError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { fitModel, type FitOptions, type FittedModel, type ModelParams } from './fit.ts';
import { hashFeatureMatrix, type ModelRecord } from './io.ts';
import { trainingWindows, type TrainingWindows } from './windows.ts';

export interface TrainResult {
  fitted: FittedModel;
  windows: TrainingWindows;
  /** What the registry stores beside the fitted model (windows, data hash). */
  record: ModelRecord;
  firstTestDay: number;
}

/** First and last labelled day in a matrix (the window as the data fills it, not as asked). */
function dataExtent(matrix: FeatureMatrix): { from: string; to: string } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < matrix.rows; i++) {
    if (!Number.isFinite(matrix.yFires[i])) continue;
    if (matrix.day[i] < min) min = matrix.day[i];
    if (matrix.day[i] > max) max = matrix.day[i];
  }
  return { from: isoDay(min), to: isoDay(max) };
}

/** The day after the last day with a fire label: the default "as of" day of a nightly retrain. */
export function dayAfterLastLabel(matrix: FeatureMatrix): number {
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < matrix.rows; i++) if (Number.isFinite(matrix.yFires[i]) && matrix.day[i] > last) last = matrix.day[i];
  if (!Number.isFinite(last)) throw new UsageError('the feature matrix has no labelled rows to train on');
  return last + 1;
}

/**
 * Fits on already-cut windows (e.g. read straight from the feature file, train subsampled by the loader)
 * and describes the run for the registry.
 */
export async function trainOnWindows(
  train: FeatureMatrix,
  valid: FeatureMatrix,
  params: ModelParams,
  log: Logger,
  options: { dataset?: string; featuresSource?: string } & FitOptions = {},
): Promise<{ fitted: FittedModel; record: ModelRecord }> {
  const fitted = await fitModel(params, train, valid, log, options);
  const record: ModelRecord = {
    ...(options.dataset ? { dataset: options.dataset } : {}),
    ...(options.featuresSource ? { features_source: options.featuresSource } : {}),
    training_window: dataExtent(train),
    validation_window: dataExtent(valid),
    data_hash: hashFeatureMatrix(train, valid),
    metrics: {
      valid_poisson_deviance: fitted.summary.best_valid_deviance,
      valid_null_poisson_deviance: fitted.summary.valid_null_deviance,
    },
  };
  return { fitted, record };
}

/**
 * Trains the model that would be used from `firstTestDay` on (default: the day after the last label):
 * cuts the windows, fits, and describes the run for the registry. Reads nothing from `firstTestDay` on.
 */
export async function trainAsOf(
  matrix: FeatureMatrix,
  params: ModelParams,
  log: Logger,
  options: { firstTestDay?: number; dataset?: string; featuresSource?: string } & FitOptions = {},
): Promise<TrainResult> {
  const firstTestDay = options.firstTestDay ?? dayAfterLastLabel(matrix);
  const windows = trainingWindows(matrix, params, firstTestDay);
  log.info('training windows', {
    train: `${isoDay(windows.trainWindow.fromDay)}..${isoDay(windows.trainWindow.toDay)}`,
    valid: `${isoDay(windows.validWindow.fromDay)}..${isoDay(windows.validWindow.toDay)}`,
    train_rows: windows.train.rows,
    valid_rows: windows.valid.rows,
  });
  const { fitted, record } = await trainOnWindows(windows.train, windows.valid, params, log, options);
  return { fitted, windows, record, firstTestDay };
}
