import * as tf from '@tensorflow/tfjs';
import type { Logger } from '../util/log.ts';
import type { ModelParams } from './fit.ts';
import { buildMemberNetwork, INTERCEPT_LAYER, type FireClass, type NetworkSpec } from './network.ts';
import { permutation } from './sampling.ts';

/**
 * Training one network (one ensemble member): the optimisation loop, and the job a worker thread runs
 * (`runMemberJob`). Kept apart from fit.ts so that a worker loads only what training needs.
 */

export const PREDICT_CHUNK_ROWS = 65_536;

export interface EpochReport {
  epoch: number;
  train_loss: number;
  valid_deviance: number;
  seconds: number;
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

/**
 * Standardised inputs → η = log expected fires for every row of an already-scaled, model-ordered
 * Float32Array. A network with one η per fire class predicts the log of the sum of the classes' rates.
 */
export function predictEta(network: tf.LayersModel, scaled: Float32Array, p: number, out: Float32Array, offset: number): void {
  const rows = scaled.length / p;
  if (rows === 0) return;
  const eta = tf.tidy(() => {
    const x = tf.tensor2d(scaled, [rows, p]);
    const perClass = network.predict(x, { batchSize: rows }) as tf.Tensor2D;
    return (perClass.shape[1] === 1 ? perClass : tf.logSumExp(perClass, 1)).reshape([-1]);
  });
  out.set(eta.dataSync() as Float32Array, offset);
  eta.dispose();
}

/** Number of fire classes a network predicts (the columns of its output). */
export function classCount(network: tf.LayersModel): number {
  const shape = network.outputs[0].shape;
  return shape[shape.length - 1] ?? 1;
}

/** η of each fire class for scaled rows: `out` holds rows × classes values, row-major, from row `offset` on. */
export function predictClassEtas(network: tf.LayersModel, scaled: Float32Array, p: number, out: Float32Array, offset: number): void {
  const rows = scaled.length / p;
  if (rows === 0) return;
  const eta = tf.tidy(() => network.predict(tf.tensor2d(scaled, [rows, p]), { batchSize: rows }) as tf.Tensor);
  out.set(eta.dataSync() as Float32Array, offset * classCount(network));
  eta.dispose();
}

/** The intercept layer of the network or of any ensemble member (`log_rate`, `m2_log_rate`, ...). */
export function isInterceptLayer(layerName: string): boolean {
  return layerName === INTERCEPT_LAYER || layerName.endsWith(`_${INTERCEPT_LAYER}`);
}

export function snapshot(network: tf.LayersModel): Float32Array[] {
  return network.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
}

export function restore(network: tf.LayersModel, weights: Float32Array[]): void {
  const shapes = network.getWeights().map((w) => w.shape);
  const tensors = weights.map((values, i) => tf.tensor(values, shapes[i]));
  network.setWeights(tensors);
  tensors.forEach((t) => t.dispose());
}

/** Training rows for `trainNetwork`: standardised inputs (row-major), labels, importance weights. */
export interface TrainingRows {
  X: Float32Array;
  y: Float32Array;
  w: Float32Array;
  /** Weighted mean rate: the scale of the relative L2 penalty. */
  meanRate: number;
}

export interface TrainingRun {
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
export async function trainNetwork(
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


/** Validation rows already standardised in the model's column order, for early stopping. */
export interface ScaledRows {
  X: Float32Array;
  y: Float32Array;
  w?: Float32Array;
}

/** Mean Poisson deviance of `network` on scaled rows (predicted in chunks, as for any prediction). */
export function scaledDeviance(network: tf.LayersModel, rows: ScaledRows, p: number): number {
  const n = rows.y.length;
  const rate = new Float32Array(n);
  for (let start = 0; start < n; start += PREDICT_CHUNK_ROWS) {
    const end = Math.min(start + PREDICT_CHUNK_ROWS, n);
    predictEta(network, rows.X.subarray(start * p, end * p), p, rate, start);
  }
  for (let i = 0; i < n; i++) rate[i] = Math.exp(rate[i]);
  return meanPoissonDeviance(rows.y, rate, rows.w);
}

/**
 * Everything one ensemble member's training needs, as plain data (it crosses to a worker thread):
 * the network's recipe and starting weights, the rows, and either validation rows (early stopping) or
 * a fixed schedule of learning rates.
 */
export interface MemberJob {
  member: number;
  /** The fire class whose count the member learns (its layers carry the class's prefix). */
  fireClass: FireClass;
  spec: NetworkSpec;
  initialWeights: Float32Array[];
  rows: TrainingRows;
  params: ModelParams;
  valid?: ScaledRows;
  schedule?: number[];
}

export interface MemberResult {
  weights: Float32Array[];
  run: TrainingRun;
}

/** Trains one member from its job; the same arithmetic wherever it runs, so the weights are too. */
export async function runMemberJob(job: MemberJob, log: Logger, onEpoch?: (report: EpochReport) => void): Promise<MemberResult> {
  const network = buildMemberNetwork(job.spec, job.member, job.fireClass);
  try {
    restore(network, job.initialWeights);
    const valid = job.valid;
    const control = job.schedule ? { schedule: job.schedule } : { validDeviance: () => scaledDeviance(network, valid!, job.spec.inputs), onEpoch };
    const run = await trainNetwork(network, job.rows, job.params, log, control);
    return { weights: snapshot(network), run };
  } finally {
    network.dispose();
  }
}
