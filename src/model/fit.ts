import * as tf from '@tensorflow/tfjs';
import type { Config } from '../config/schema.ts';
import { selectRows, type FeatureMatrix } from '../features/matrix.ts';
import { FireriskError, InputDataError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import type { Forecaster, PredictRates } from './types.ts';
import { buildEnsemble, INTERCEPT_LAYER, memberSeed } from './network.ts';
import { concatWeighted, isWeighted, negativeSubsample, permutation, subsampleRows } from './sampling.ts';
import { applyScaler, fitScaler, type Scaler } from './scaler.ts';

export type ModelParams = Config['model'];

export interface TrainingSummary {
  backend: string;
  epochs_run: number;
  /** Epoch whose weights were kept (0: the initial, intercept-like weights were never beaten). */
  best_epoch: number;
  /** Rows actually trained on (after negative subsampling). */
  train_rows: number;
  /** Sum of the training rows' weights: the number of cell-days they stand for. */
  train_weight: number;
  valid_rows: number;
  /** Training throughput: rows × epochs / seconds spent in gradient steps. */
  rows_per_s: number;
  seconds: number;
  /** Mean Poisson deviance per cell-day on the validation window with the kept weights. */
  best_valid_deviance: number;
  /** The same for a constant rate (the training window's mean rate): the skill reference. */
  valid_null_deviance: number;
  /** Weighted mean rate of the training window (fires per cell-day). */
  train_mean_rate: number;
  /** Shift of the output bias that restored Σ predicted = Σ observed on the training rows (see balanceOutputBias). */
  balance_log_correction: number;
  /** With ensemble_members > 1: each member's epochs run and best epoch (epochs_run and best_epoch are the first member's). */
  members?: Array<{ seed: number; epochs_run: number; best_epoch: number }>;
  /** With refit_with_validation: rows (training + subsampled validation) and epochs of the final fit. */
  refit_rows?: number;
  refit_epochs?: number;
}

export interface FittedModel {
  kind: ModelParams['kind'];
  featureNames: string[];
  scaler: Scaler;
  /** Outputs η = log expected fires for standardised inputs. */
  network: tf.LayersModel;
  params: ModelParams;
  summary: TrainingSummary;
}

export interface EpochReport {
  epoch: number;
  train_loss: number;
  valid_deviance: number;
  seconds: number;
}

export interface FitOptions {
  /** Called after every epoch (progress, tests). */
  onEpoch?: (report: EpochReport) => void;
}

const PREDICT_CHUNK_ROWS = 65_536;

/**
 * For each feature the model needs, the column of `matrix` that holds it. Throws InputDataError naming
 * the first missing feature.
 */
export function columnIndex(needed: string[], matrix: FeatureMatrix, what = 'feature matrix'): Int32Array {
  const position = new Map(matrix.featureNames.map((name, j) => [name, j]));
  return Int32Array.from(needed, (name) => {
    const j = position.get(name);
    if (j === undefined) throw new InputDataError(`${what} lacks feature "${name}" that the model was trained on (it has ${matrix.featureNames.length} features)`);
    return j;
  });
}

/** Mean Poisson deviance 2·[y·log(y/μ) − (y − μ)], weighted when `weight` is given. */
export function meanPoissonDeviance(y: ArrayLike<number>, mu: ArrayLike<number>, weight?: ArrayLike<number>): number {
  let total = 0;
  let weightSum = 0;
  for (let i = 0; i < y.length; i++) {
    const w = weight ? weight[i] : 1;
    const m = Math.max(mu[i], 1e-30);
    const yi = y[i];
    const d = yi > 0 ? yi * Math.log(yi / m) - (yi - m) : m;
    total += w * 2 * d;
    weightSum += w;
  }
  return weightSum > 0 ? total / weightSum : Number.NaN;
}

function labelledRows(matrix: FeatureMatrix): FeatureMatrix & { sampleWeight?: Float32Array } {
  const keep: number[] = [];
  for (let i = 0; i < matrix.rows; i++) if (Number.isFinite(matrix.yFires[i])) keep.push(i);
  return keep.length === matrix.rows ? matrix : selectRows(matrix, keep);
}

/** Standardised inputs → η for every row of an already-scaled, model-ordered Float32Array. */
function predictEta(network: tf.LayersModel, scaled: Float32Array, p: number, out: Float32Array, offset: number): void {
  const rows = scaled.length / p;
  if (rows === 0) return;
  const eta = tf.tidy(() => {
    const x = tf.tensor2d(scaled, [rows, p]);
    return (network.predict(x, { batchSize: rows }) as tf.Tensor).reshape([-1]);
  });
  out.set(eta.dataSync() as Float32Array, offset);
  eta.dispose();
}

/** η (log expected fires) for every row of `matrix`, in chunks; columns matched by name. */
export function predictLogRatesSync(fitted: Pick<FittedModel, 'featureNames' | 'scaler' | 'network'>, matrix: FeatureMatrix): Float32Array {
  const p = fitted.featureNames.length;
  const index = columnIndex(fitted.featureNames, matrix);
  const source = matrix.featureNames.length;
  const out = new Float32Array(matrix.rows);
  const buffer = new Float32Array(Math.min(PREDICT_CHUNK_ROWS, Math.max(matrix.rows, 1)) * p);
  for (let start = 0; start < matrix.rows; start += PREDICT_CHUNK_ROWS) {
    const end = Math.min(start + PREDICT_CHUNK_ROWS, matrix.rows);
    const chunk = applyScaler(matrix.X.subarray(start * source, end * source), source, fitted.scaler, index, buffer.subarray(0, (end - start) * p));
    predictEta(fitted.network, chunk, p, out, start);
  }
  return out;
}

/** Expected fires per row of `matrix` (same order), columns matched to the model's features by name. */
export async function predictRates(fitted: Pick<FittedModel, 'featureNames' | 'scaler' | 'network'>, matrix: FeatureMatrix): Promise<Float32Array> {
  const eta = predictLogRatesSync(fitted, matrix);
  for (let i = 0; i < eta.length; i++) eta[i] = Math.exp(eta[i]);
  return eta;
}

export function asForecaster(fitted: FittedModel, name = `model-${fitted.kind}`): Forecaster {
  return { name, predict: (matrix) => predictRates(fitted, matrix) };
}

/** The trainer the rolling-origin backtest takes: fit on (train, valid), return the prediction function. */
export function modelTrainer(params: ModelParams, log: Logger): (train: FeatureMatrix, valid: FeatureMatrix) => Promise<PredictRates> {
  return async (train, valid) => {
    const fitted = await fitModel(params, train, valid, log);
    return (matrix) => predictRates(fitted, matrix);
  };
}

/** The intercept layer of the network or of any ensemble member (`log_rate`, `m2_log_rate`, ...). */
function isInterceptLayer(layerName: string): boolean {
  return layerName === INTERCEPT_LAYER || layerName.endsWith(`_${INTERCEPT_LAYER}`);
}

/**
 * The balance property of a Poisson fit with log link and an intercept: at the optimum the (weighted)
 * sum of predicted counts equals the sum of observed counts on the training rows. Stochastic steps with
 * large 1/negative_rate weights leave it off by several per cent, so the output bias is shifted by
 * log(Σ w·y / Σ w·μ) after training (Wüthrich's bias regularisation). Returns the shift.
 */
function balanceOutputBias(network: tf.LayersModel, scaledX: Float32Array, p: number, y: Float32Array, w: Float32Array): number {
  const eta = new Float32Array(y.length);
  for (let start = 0; start < y.length; start += PREDICT_CHUNK_ROWS) {
    const end = Math.min(start + PREDICT_CHUNK_ROWS, y.length);
    predictEta(network, scaledX.subarray(start * p, end * p), p, eta, start);
  }
  let observed = 0;
  let predicted = 0;
  for (let i = 0; i < y.length; i++) {
    observed += w[i] * y[i];
    predicted += w[i] * Math.exp(eta[i]);
  }
  const shift = Math.log(observed / predicted);
  if (!Number.isFinite(shift)) return 0;
  // Every member's intercept moves by the shift, so the members' mean log rate moves by it too.
  for (const output of network.layers.filter((layer) => isInterceptLayer(layer.name))) {
    const [kernel, bias] = output.getWeights();
    const shifted = tf.tidy(() => tf.add(bias, shift));
    output.setWeights([kernel, shifted]);
    shifted.dispose();
  }
  return shift;
}

function snapshot(network: tf.LayersModel): Float32Array[] {
  return network.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
}

function restore(network: tf.LayersModel, weights: Float32Array[]): void {
  const shapes = network.getWeights().map((w) => w.shape);
  const tensors = weights.map((values, i) => tf.tensor(values, shapes[i]));
  network.setWeights(tensors);
  tensors.forEach((t) => t.dispose());
}

/**
 * Fits the Poisson count network. `train` is used as is when it carries sample weights (already
 * subsampled, see `negativeSubsample`/`trainingWindows`); otherwise its zero rows are subsampled here at
 * params.negative_rate. Scaler statistics come from the (weighted) training rows only. Early stopping
 * watches the mean Poisson deviance on `valid` (weighted when it carries weights) and keeps the best epoch.
 */
export async function fitModel(params: ModelParams, train: FeatureMatrix, valid: FeatureMatrix, log: Logger, options: FitOptions = {}): Promise<FittedModel> {
  const started = performance.now();
  const featureNames = [...train.featureNames];
  const p = featureNames.length;
  if (p === 0) throw new InputDataError('training matrix has no feature columns');

  let trainRows = labelledRows(train);
  if (!isWeighted(trainRows) && params.negative_rate < 1) {
    trainRows = negativeSubsample(trainRows, params.negative_rate, params.seed);
    log.info('negative subsampling', { kept_rows: trainRows.rows, of_rows: train.rows, negative_rate: params.negative_rate });
  }
  const n = trainRows.rows;
  if (n === 0) throw new InputDataError('training window has no labelled rows');
  const weights = isWeighted(trainRows) ? trainRows.sampleWeight : new Float32Array(n).fill(1);

  const validRows = labelledRows(valid);
  if (validRows.rows === 0) throw new InputDataError('validation window has no labelled rows');
  const validWeights = isWeighted(validRows) ? validRows.sampleWeight : undefined;
  columnIndex(featureNames, validRows, 'validation matrix');

  const scaler = fitScaler(trainRows.X, p, weights, { logSkewness: params.log_skewness, logOffsetQuantile: params.log_offset_quantile });
  const X = applyScaler(trainRows.X, p, scaler);
  let weightSum = 0;
  let weightedFires = 0;
  for (let i = 0; i < n; i++) {
    weightSum += weights[i];
    weightedFires += weights[i] * trainRows.yFires[i];
  }
  const meanRate = weightedFires / weightSum;
  if (!(meanRate > 0)) throw new InputDataError(`training window has no fires (${n} labelled rows): nothing to learn a rate from`);

  const spec = (outputBias: number) => ({ kind: params.kind, inputs: p, hiddenUnits: params.hidden_units, activation: params.activation, seed: params.seed, outputBias, dropout: params.dropout });
  const ensemble = buildEnsemble(spec(Math.log(meanRate)), params.ensemble_members);
  const fitted: FittedModel = {
    kind: params.kind,
    featureNames,
    scaler,
    network: ensemble.network,
    params,
    summary: {
      backend: tf.getBackend(),
      epochs_run: 0,
      best_epoch: 0,
      train_rows: n,
      train_weight: weightSum,
      valid_rows: validRows.rows,
      rows_per_s: 0,
      seconds: 0,
      best_valid_deviance: Number.NaN,
      valid_null_deviance: meanPoissonDeviance(validRows.yFires, new Float32Array(validRows.rows).fill(meanRate), validWeights),
      train_mean_rate: meanRate,
      balance_log_correction: 0,
    },
  };
  const validDevianceOf = (network: tf.LayersModel) => () => {
    const eta = predictLogRatesSync({ ...fitted, network }, validRows);
    for (let i = 0; i < eta.length; i++) eta[i] = Math.exp(eta[i]);
    return meanPoissonDeviance(validRows.yFires, eta, validWeights);
  };
  // Each member: its own random start and step order (memberSeed), the same rows and early stopping.
  const memberParams = ensemble.members.map((_, k) => ({ ...params, seed: memberSeed(params.seed, k) }));
  const firstRuns: TrainingRun[] = [];
  for (const [k, member] of ensemble.members.entries()) {
    if (ensemble.members.length > 1) log.info(`ensemble member ${k + 1}/${ensemble.members.length}`, { seed: memberParams[k].seed });
    const run = await trainNetwork(member, { X, y: trainRows.yFires, w: weights, meanRate }, memberParams[k], log, { validDeviance: validDevianceOf(member), onEpoch: options.onEpoch });
    if (!Number.isFinite(run.best)) throw new FireriskError('training diverged: the validation deviance was never finite');
    firstRuns.push(run);
  }
  // The honest validation figure is the first fit's: after a refit the validation window is training data.
  let validAfterFirstFit: number | undefined;
  let balanceRows = { X, y: trainRows.yFires, w: weights };
  let rowsTrained = n * firstRuns.reduce((sum, run) => sum + run.epochsRun, 0);
  let stepSeconds = firstRuns.reduce((sum, run) => sum + run.stepSeconds, 0);

  if (params.refit_with_validation && firstRuns.some((run) => run.bestEpoch > 0)) {
    validAfterFirstFit = validDevianceOf(ensemble.network)();
    // The same recipe on training + validation rows, for the epochs early stopping chose for each member:
    // the scaler, the initial weights and the steps all start afresh, so nothing of the first fit is reused.
    const validIndex = Uint32Array.from({ length: validRows.rows }, (_, i) => i);
    const merged = concatWeighted({ ...trainRows, sampleWeight: weights }, subsampleRows(validRows, validIndex, params.negative_rate, params.seed));
    const mergedScaler = fitScaler(merged.X, p, merged.sampleWeight, { logSkewness: params.log_skewness, logOffsetQuantile: params.log_offset_quantile });
    const mergedX = applyScaler(merged.X, p, mergedScaler);
    let w = 0;
    let fires = 0;
    for (let i = 0; i < merged.rows; i++) {
      w += merged.sampleWeight[i];
      fires += merged.sampleWeight[i] * merged.yFires[i];
    }
    const refitted = buildEnsemble(spec(Math.log(fires / w)), params.ensemble_members);
    let refitEpochs = 0;
    for (const [k, member] of refitted.members.entries()) {
      const schedule = firstRuns[k].learningRates.slice(0, firstRuns[k].bestEpoch);
      if (schedule.length === 0) continue; // that member never beat its start: it stays at the intercept-only start
      const second = await trainNetwork(member, { X: mergedX, y: merged.yFires, w: merged.sampleWeight, meanRate: fires / w }, memberParams[k], log, { schedule });
      rowsTrained += merged.rows * second.epochsRun;
      stepSeconds += second.stepSeconds;
      refitEpochs += second.epochsRun;
    }
    ensemble.network.dispose();
    fitted.network = refitted.network;
    fitted.scaler = mergedScaler;
    balanceRows = { X: mergedX, y: merged.yFires, w: merged.sampleWeight };
    Object.assign(fitted.summary, { refit_rows: merged.rows, refit_epochs: refitEpochs });
  }
  const balance =
    params.balance_window === 'validation'
      ? balanceOutputBias(fitted.network, applyScaler(validRows.X, validRows.featureNames.length, fitted.scaler, columnIndex(featureNames, validRows)), p, validRows.yFires, validWeights ?? new Float32Array(validRows.rows).fill(1))
      : balanceOutputBias(fitted.network, balanceRows.X, p, balanceRows.y, balanceRows.w);
  Object.assign(fitted.summary, {
    epochs_run: firstRuns[0].epochsRun,
    best_epoch: firstRuns[0].bestEpoch,
    ...(firstRuns.length > 1 ? { members: firstRuns.map((run, k) => ({ seed: memberParams[k].seed, epochs_run: run.epochsRun, best_epoch: run.bestEpoch })) } : {}),
    rows_per_s: stepSeconds > 0 ? Math.round(rowsTrained / stepSeconds) : 0,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    best_valid_deviance: validAfterFirstFit ?? validDevianceOf(fitted.network)(),
    balance_log_correction: balance,
  });
  log.info('trained', { ...fitted.summary });
  return fitted;
}

/** Training rows for `trainNetwork`: standardised inputs (row-major), labels, importance weights. */
interface TrainingRows {
  X: Float32Array;
  y: Float32Array;
  w: Float32Array;
  /** Weighted mean rate: the scale of the relative L2 penalty. */
  meanRate: number;
}

interface TrainingRun {
  epochsRun: number;
  /** Epoch whose weights the network holds at the end (the last one in a fixed schedule). */
  bestEpoch: number;
  /** Best validation deviance (NaN in a fixed schedule). */
  best: number;
  stepSeconds: number;
  /** Learning rate of each epoch run, in order. */
  learningRates: number[];
}

/**
 * Adam on the weighted Poisson loss with the relative L2 penalty and an exponential moving average of the
 * weights. With `validDeviance`: up to params.max_epochs epochs, early stopping after params.patience
 * epochs without a better validation deviance, the learning rate cut by params.plateau_lr_factor on each
 * stalled epoch, and the network left at the best epoch's (averaged) weights. With `schedule` instead:
 * exactly those epochs at those learning rates, and the network left at the final (averaged) weights.
 */
async function trainNetwork(
  network: tf.LayersModel,
  rows: TrainingRows,
  params: ModelParams,
  log: Logger,
  control: { validDeviance: () => number; onEpoch?: (report: EpochReport) => void } | { schedule: number[] },
): Promise<TrainingRun> {
  const { X, y, w: weights, meanRate } = rows;
  const n = y.length;
  const p = n === 0 ? 0 : X.length / n;
  const validDeviance = 'validDeviance' in control ? control.validDeviance : undefined;
  const schedule = 'schedule' in control ? control.schedule : undefined;
  const maxEpochs = schedule ? schedule.length : params.max_epochs;
  let weightSum = 0;
  for (let i = 0; i < n; i++) weightSum += weights[i];
  const variables = network.trainableWeights.map((w) => w.read() as tf.Variable);
  // The log-linear part's kernel (the intercept layer's) may take its own penalty (l2_linear), as it
  // carries the main effects; by default it takes l2 like the rest. The kernels are penalised in layer
  // order either way. (In the plain MLP that layer is the output layer: one penalty for all.)
  const isLinear = (name: string) => params.kind !== 'mlp' && isInterceptLayer(name.split('/')[0]);
  const kernels = network.trainableWeights.filter((w) => w.name.includes('kernel')).map((w) => ({ kernel: w.read(), linear: isLinear(w.name) }));
  // The Poisson loss per row, and its curvature, scale with the mean rate: a penalty relative to it
  // regularises the same whether a row is a cell-day in a quiet district or a busy one.
  const l2Scaled = params.l2 * meanRate;
  const l2LinearScaled = (params.l2_linear ?? params.l2) * meanRate;
  let learningRate = schedule ? schedule[0] : params.learning_rate;
  const optimizer = tf.train.adam(learningRate);
  const batch = Math.min(params.batch_size, n);
  const Xs = new Float32Array(n * p);
  const ys = new Float32Array(n);
  const ws = new Float32Array(n);
  const meanWeight = weightSum / n;

  // Polyak/exponential averaging of the weights over the steps: the 1/negative_rate weights make single
  // steps noisy, and the average sits closer to the optimum than the last iterate.
  const decay = params.weight_averaging;
  const batchesPerEpoch = Math.ceil(n / batch);
  const averaged = decay > 0 ? variables.map((v) => tf.tidy(() => tf.variable(v.clone(), false))) : [];
  const withAveraged = <T>(f: () => T): T => {
    if (averaged.length === 0) return f();
    const current = variables.map((v) => v.clone());
    variables.forEach((v, i) => v.assign(averaged[i]));
    try {
      return f();
    } finally {
      variables.forEach((v, i) => v.assign(current[i]));
      current.forEach((t) => t.dispose());
    }
  };

  let best = validDeviance ? validDeviance() : Number.NaN;
  let bestWeights = snapshot(network);
  let bestEpoch = 0;
  let stepSeconds = 0;
  let epoch = 0;
  const learningRates: number[] = [];
  log.info(schedule ? 'training on a fixed schedule' : 'training', { kind: params.kind, backend: tf.getBackend(), rows: n, features: p, batch, max_epochs: maxEpochs, initial_valid_deviance: Number(best.toFixed(6)) });
  try {
    while (epoch < maxEpochs) {
      epoch++;
      if (schedule) {
        learningRate = schedule[epoch - 1];
        (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
      }
      learningRates.push(learningRate);
      const epochStart = performance.now();
      const order = permutation(n, params.seed * 1_000_003 + epoch);
      for (let k = 0; k < n; k++) {
        const i = order[k];
        Xs.set(X.subarray(i * p, (i + 1) * p), k * p);
        ys[k] = y[i];
        // Normalised so the loss is a per-row mean of the same scale whatever the subsampling rate.
        ws[k] = weights[i] / meanWeight;
      }
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start < n; start += batch) {
        const end = Math.min(start + batch, n);
        const size = end - start;
        const cost = tf.tidy(() => {
          const xb = tf.tensor2d(Xs.subarray(start * p, end * p), [size, p]);
          const yb = tf.tensor1d(ys.subarray(start, end));
          const wb = tf.tensor1d(ws.subarray(start, end));
          return optimizer.minimize(
            () => {
              const eta = (network.apply(xb, { training: true }) as tf.Tensor).reshape([-1]);
              // Poisson negative log-likelihood with the log link, up to the constant log(y!): exp(η) − y·η.
              const nll = tf.sub(tf.exp(eta), tf.mul(yb, eta));
              let loss = tf.div(tf.sum(tf.mul(wb, nll)), size) as tf.Scalar;
              for (const { kernel, linear } of kernels) {
                const penalty = linear ? l2LinearScaled : l2Scaled;
                if (penalty > 0) loss = tf.add(loss, tf.mul(penalty, tf.sum(tf.square(kernel)))) as tf.Scalar;
              }
              return loss;
            },
            true,
            variables,
          ) as tf.Scalar;
        });
        if (averaged.length > 0) {
          // The averaging horizon is at most one epoch, so small training sets still follow the steps.
          const d = Math.min(decay, 1 - 1 / batchesPerEpoch);
          tf.tidy(() => averaged.forEach((a, i) => a.assign(tf.add(tf.mul(a, d), tf.mul(variables[i], 1 - d)))));
        }
        lossSum += (cost.dataSync() as Float32Array)[0];
        batches++;
        cost.dispose();
      }
      const stepDone = performance.now();
      stepSeconds += (stepDone - epochStart) / 1000;
      const trainLoss = lossSum / batches;
      if (!Number.isFinite(trainLoss)) {
        log.warn('training loss is not finite; stopping and keeping the best epoch so far', { epoch, best_epoch: bestEpoch });
        break;
      }
      if (!validDeviance) {
        log.info(`epoch ${epoch}/${maxEpochs}`, { train_loss: Number(trainLoss.toFixed(6)), learning_rate: learningRate, seconds: Number(((performance.now() - epochStart) / 1000).toFixed(2)) });
        bestEpoch = epoch;
        bestWeights = withAveraged(() => snapshot(network));
        continue;
      }
      const deviance = withAveraged(validDeviance);
      const report: EpochReport = { epoch, train_loss: trainLoss, valid_deviance: deviance, seconds: (performance.now() - epochStart) / 1000 };
      if ('onEpoch' in control) control.onEpoch?.(report);
      log.info(`epoch ${epoch}/${params.max_epochs}`, { train_loss: Number(trainLoss.toFixed(6)), valid_deviance: Number(deviance.toFixed(6)), learning_rate: learningRate, seconds: Number(report.seconds.toFixed(2)) });
      if (deviance < best * (1 - 1e-7)) {
        best = deviance;
        bestEpoch = epoch;
        bestWeights = withAveraged(() => snapshot(network));
      } else if (epoch - bestEpoch > params.patience) {
        log.info('early stopping', { epoch, best_epoch: bestEpoch, patience: params.patience });
        break;
      } else if (params.plateau_lr_factor < 1) {
        // Smaller steps once validation stalls: the 1/negative_rate weights make the gradients noisy.
        learningRate *= params.plateau_lr_factor;
        (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
      }
    }
  } finally {
    optimizer.dispose();
    averaged.forEach((a) => a.dispose());
  }
  restore(network, bestWeights);
  return { epochsRun: epoch, bestEpoch, best, stepSeconds, learningRates };
}
