import { selectRows, type FeatureMatrix } from '../features/matrix.ts';
import { isoDay } from '../util/days.ts';
import { UsageError } from '../util/errors.ts';
import type { ModelParams } from './fit.ts';
import { subsampleRows, type WeightedMatrix } from './sampling.ts';

export interface DayWindow {
  /** First day (day number, inclusive). */
  fromDay: number;
  /** Last day (day number, inclusive). */
  toDay: number;
}

export interface TrainingWindows {
  /** Labelled rows of the training window, zeros subsampled at params.negative_rate with 1/rate weights. */
  train: WeightedMatrix;
  /** Every labelled row of the validation window (not subsampled). */
  valid: FeatureMatrix;
  trainWindow: DayWindow;
  validWindow: DayWindow;
}

/** The training and validation day ranges for a model used from `firstTestDay` on (see trainingWindows). */
export function windowDays(params: Pick<ModelParams, 'train_years' | 'validation_days'>, firstTestDay: number): { trainWindow: DayWindow; validWindow: DayWindow } {
  const validWindow = { fromDay: firstTestDay - params.validation_days, toDay: firstTestDay - 1 };
  const trainWindow = { fromDay: validWindow.fromDay - Math.round(params.train_years * 365), toDay: validWindow.fromDay - 1 };
  return { trainWindow, validWindow };
}

/**
 * The windows for a model used from `firstTestDay` on: validation = the `validation_days` days just before
 * it, training = the `train_years`·365 days before validation. Nothing from `firstTestDay` or later is
 * read, so the model cannot see its test period. Rows without a label are left out.
 */
export function trainingWindows(matrix: FeatureMatrix, params: ModelParams, firstTestDay: number): TrainingWindows {
  const { trainWindow, validWindow } = windowDays(params, firstTestDay);
  const trainIdx: number[] = [];
  const validIdx: number[] = [];
  for (let i = 0; i < matrix.rows; i++) {
    const d = matrix.day[i];
    if (d >= firstTestDay || !Number.isFinite(matrix.yFires[i])) continue;
    if (d >= validWindow.fromDay) validIdx.push(i);
    else if (d >= trainWindow.fromDay) trainIdx.push(i);
  }
  if (trainIdx.length === 0) throw new UsageError(`no labelled feature rows in the training window (${isoDay(trainWindow.fromDay)}..${isoDay(trainWindow.toDay)}) before the first test day ${isoDay(firstTestDay)}`);
  if (validIdx.length === 0) throw new UsageError(`no labelled feature rows in the validation window (${isoDay(validWindow.fromDay)}..${isoDay(validWindow.toDay)})`);
  return {
    train: subsampleRows(matrix, trainIdx, params.negative_rate, params.seed),
    valid: selectRows(matrix, validIdx),
    trainWindow,
    validWindow,
  };
}
