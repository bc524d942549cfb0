import type { FeatureMatrix } from '../features/matrix.ts';

/** Expected number of fires for every row of a feature matrix (same order, same length). */
export type PredictRates = (matrix: FeatureMatrix) => Promise<Float32Array>;

/** Anything that forecasts cell-day fire rates: the trained model, a baseline, the oracle. */
export interface Forecaster {
  name: string;
  predict: PredictRates;
}

/** Probability of at least one fire when fires arrive as a Poisson process with the given rate. */
export const probabilityOfAnyFire = (expectedFires: number): number => 1 - Math.exp(-expectedFires);
