/**
 * Training on the true intensity instead of the fires seen (synthetic data only, an analysis, never the
 * product's model): the label of every training and validation row becomes the oracle's expected fires for
 * that cell-day. A count model fitted to one Poisson draw per cell-day learns the intensity only as far as
 * the few fires allow; fitted to the intensity itself, it learns what its columns can say about the fires
 * with unlimited history. How much of the oracle gap the same network closes then bounds what more data
 * could give those columns, and separates a model short of labels from columns short of information.
 */
import type { Trainer } from './backtest.ts';
import type { FeatureMatrix } from '../features/matrix.ts';
import type { Forecaster } from '../model/types.ts';

/**
 * `matrix` with `yFires` replaced by the truth's rate on each row (rows without a label stay unlabelled) and
 * without the outdoor label, which the truth does not split out. Other fields, sample weights included, are
 * kept: weighted sums over the rows kept by negative subsampling stay unbiased, as each row's weight is still the
 * inverse of its chance of being kept (which depended on the fires seen), whatever its new label.
 */
export async function withTrueLabels<T extends FeatureMatrix>(matrix: T, truth: Forecaster): Promise<T> {
  const rate = await truth.predict(matrix);
  const yFires = new Float32Array(matrix.rows);
  for (let i = 0; i < matrix.rows; i++) yFires[i] = Number.isNaN(matrix.yFires[i]) ? Number.NaN : rate[i];
  const { yOutdoorFires: _, ...rest } = matrix;
  return { ...rest, yFires } as T;
}

/** A backtest trainer that fits `trainer` on the truth's rates (see withTrueLabels) for both windows. */
export function trainOnTruth(trainer: Trainer, truth: Forecaster): Trainer {
  return async (train, valid) => trainer(await withTrueLabels(train, truth), await withTrueLabels(valid, truth));
}
