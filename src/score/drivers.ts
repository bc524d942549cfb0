import type { FeatureMatrix } from '../features/matrix.ts';
import type { PredictRates } from '../model/types.ts';
import { FireriskError } from '../util/errors.ts';

/** One feature's pull on a cell's risk that day. */
export interface Driver {
  feature: string;
  /** 'up': the feature's value raises the cell's expected fires above what the reference value gives. */
  direction: 'up' | 'down';
  /**
   * ln(expected fires with the actual value) - ln(expected fires with this feature set to its
   * reference value, all else equal). 0.69 means the feature doubles the cell's expected fires.
   */
  effect: number;
}

/** Rates below this are treated as this when taking logs (a rate of exactly 0 has no log). */
export const MIN_RATE = 1e-12;

export interface DriverOptions {
  /** Upper bound on rows per predict call: features are perturbed in groups that fit it. */
  maxRowsPerCall?: number;
}

/**
 * Occlusion attribution: for every feature j, every row is re-predicted with x_j replaced by
 * `reference[j]` (e.g. the training mean) and the change in log expected fires is the feature's
 * effect. Works for any model behind `PredictRates`. Effects are not additive for non-linear
 * models; for a Poisson GLM they equal beta_j * (x_j - reference_j) exactly.
 * Perturbed copies of many features are stacked into one matrix, so the model is called
 * ceil(features / featuresPerCall) times, not features x rows times.
 * Returns the effects row-major (rows x features).
 */
export async function featureEffects(
  matrix: FeatureMatrix,
  baseRates: Float32Array,
  predict: PredictRates,
  reference: Float32Array,
  options: DriverOptions = {},
): Promise<Float32Array> {
  const p = matrix.featureNames.length;
  const n = matrix.rows;
  if (reference.length !== p) {
    throw new FireriskError(`driver reference has ${reference.length} values for ${p} features`);
  }
  const effects = new Float32Array(n * p);
  if (n === 0 || p === 0) return effects;
  const logBase = new Float64Array(n);
  for (let i = 0; i < n; i++) logBase[i] = Math.log(Math.max(baseRates[i], MIN_RATE));

  // A feature already at its reference value in every row has effect 0 and needs no prediction.
  const active: number[] = [];
  for (let j = 0; j < p; j++) {
    const r = reference[j];
    for (let i = 0; i < n; i++) {
      if (matrix.X[i * p + j] !== r) {
        active.push(j);
        break;
      }
    }
  }
  const maxRows = options.maxRowsPerCall ?? 262_144;
  const perCall = Math.max(1, Math.floor(maxRows / n));
  for (let start = 0; start < active.length; start += perCall) {
    const group = active.slice(start, start + perCall);
    const stacked = stackPerturbed(matrix, group, reference);
    const rates = await predict(stacked);
    if (rates.length !== stacked.rows) {
      throw new FireriskError(`model returned ${rates.length} rates for ${stacked.rows} perturbed rows`);
    }
    group.forEach((j, g) => {
      for (let i = 0; i < n; i++) {
        const rate = rates[g * n + i];
        if (!(rate >= 0) || !Number.isFinite(rate)) {
          throw new FireriskError(`model returned an invalid rate (${rate}) for cell_index ${matrix.cellIndex[i]} with ${matrix.featureNames[j]} at its reference`);
        }
        effects[i * p + j] = logBase[i] - Math.log(Math.max(rate, MIN_RATE));
      }
    });
  }
  return effects;
}

function stackPerturbed(matrix: FeatureMatrix, features: number[], reference: Float32Array): FeatureMatrix {
  const p = matrix.featureNames.length;
  const n = matrix.rows;
  const g = features.length;
  const X = new Float32Array(g * n * p);
  const cellIndex = new Int32Array(g * n);
  const day = new Int32Array(g * n);
  const yFires = new Float32Array(g * n);
  const yAlarms = new Float32Array(g * n);
  const rowsX = matrix.X.subarray(0, n * p);
  features.forEach((j, k) => {
    const offset = k * n;
    X.set(rowsX, offset * p);
    for (let i = 0; i < n; i++) X[(offset + i) * p + j] = reference[j];
    cellIndex.set(matrix.cellIndex.subarray(0, n), offset);
    day.set(matrix.day.subarray(0, n), offset);
    yFires.set(matrix.yFires.subarray(0, n), offset);
    yAlarms.set(matrix.yAlarms.subarray(0, n), offset);
  });
  return { featureNames: matrix.featureNames, rows: g * n, X, cellIndex, day, yFires, yAlarms };
}

/**
 * The `count` features with the largest |effect| in row `row`, largest first; ties broken by
 * feature order so that reruns agree. Features with effect exactly 0 are not drivers.
 */
export function topDrivers(effects: Float32Array, featureNames: string[], row: number, count: number): Driver[] {
  const p = featureNames.length;
  const best: number[] = [];
  for (let j = 0; j < p; j++) {
    const a = Math.abs(effects[row * p + j]);
    if (a === 0) continue;
    let pos = best.length;
    while (pos > 0 && Math.abs(effects[row * p + best[pos - 1]]) < a) pos--;
    if (pos >= count) continue;
    best.splice(pos, 0, j);
    if (best.length > count) best.pop();
  }
  return best.map((j) => {
    const effect = effects[row * p + j];
    return { feature: featureNames[j], direction: effect > 0 ? 'up' : 'down', effect };
  });
}
