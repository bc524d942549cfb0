import * as tf from '@tensorflow/tfjs';
import type { Config } from '../config/schema.ts';
import { selectColumns, selectRows, type FeatureMatrix } from '../features/matrix.ts';
import { FireriskError, InputDataError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import type { Forecaster, PredictRates } from './types.ts';
import { memberThreads, sharedFloat32, trainMembers } from './member-pool.ts';
import { classCount, isInterceptLayer, meanPoissonDeviance, PREDICT_CHUNK_ROWS, predictClassEtas, predictEta, restore, snapshot, type EpochReport, type MemberJob, type ScaledRows, type TrainingRun } from './member.ts';
import { buildEnsemble, classPrefix, memberSeed, type Ensemble, type EnsembleMember, type FireClass } from './network.ts';
import { concatWeighted, isWeighted, negativeSubsample, subsampleRows } from './sampling.ts';
import { applyScaler, fitScaler, type Scaler } from './scaler.ts';

export type ModelParams = Config['model'];
export { meanPoissonDeviance, type EpochReport } from './member.ts';

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
  /** Shift of the output bias that restored Σ predicted = Σ observed on the training rows (see balanceOutputBias); the first class's with several. */
  balance_log_correction: number;
  /** The fire classes the model predicts (`model.fire_classes`), and why it has one when the split was asked for but not used. */
  fire_classes: FireClass[];
  single_class_reason?: string;
  /** With several fire classes: each class's training fires, mean rate and intercept shift. */
  classes?: Array<{ fire_class: FireClass; train_fires: number; train_mean_rate: number; balance_log_correction: number }>;
  /** With several members: each member's epochs run and best epoch (epochs_run and best_epoch are the first member's). */
  members?: Array<{ fire_class: FireClass; seed: number; epochs_run: number; best_epoch: number }>;
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

export interface FitOptions {
  /** Called after every epoch (progress, tests). */
  onEpoch?: (report: EpochReport) => void;
}

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

function labelledRows(matrix: FeatureMatrix): FeatureMatrix & { sampleWeight?: Float32Array } {
  const keep: number[] = [];
  for (let i = 0; i < matrix.rows; i++) if (Number.isFinite(matrix.yFires[i])) keep.push(i);
  return keep.length === matrix.rows ? matrix : selectRows(matrix, keep);
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

/**
 * The fire classes to model (`model.fire_classes`): outdoor and other fires when asked for and the
 * training rows hold at least `min_class_fires` of each, else all fires as one class, with the reason.
 */
export function chooseFireClasses(params: Pick<ModelParams, 'fire_classes' | 'min_class_fires'>, train: FeatureMatrix): { classes: FireClass[]; reason?: string } {
  if (params.fire_classes === 'single') return { classes: ['all'] };
  if (!train.yOutdoorFires) return { classes: ['all'], reason: 'the feature table has no y_outdoor_fires label (built before it: rebuild it with `firerisk features --full`)' };
  let outdoor = 0;
  let other = 0;
  for (let i = 0; i < train.rows; i++) {
    if (Number.isNaN(train.yFires[i])) continue;
    if (Number.isNaN(train.yOutdoorFires[i])) return { classes: ['all'], reason: 'the outdoor fire label is missing on labelled rows of the training window' };
    outdoor += train.yOutdoorFires[i];
    other += train.yFires[i] - train.yOutdoorFires[i];
  }
  const fewest = Math.min(outdoor, other);
  if (fewest < params.min_class_fires) return { classes: ['all'], reason: `the training window holds ${outdoor} outdoor and ${other} other fires, fewer than model.min_class_fires (${params.min_class_fires}) of one class` };
  return { classes: ['outdoor', 'other'] };
}

/** The fire classes of a fitted model in words: "outdoor (312 fires) + other (3,105 fires)", or "all fires in one" with the reason. */
export function describeFireClasses(summary: Pick<TrainingSummary, 'fire_classes' | 'classes' | 'single_class_reason'>): string {
  if (summary.classes) return summary.classes.map((c) => `${c.fire_class} (${c.train_fires.toLocaleString('en-US')} fires)`).join(' + ');
  return `all fires in one${summary.single_class_reason ? ` (${summary.single_class_reason})` : ''}`;
}

/** The label of one fire class for every row (NaN where the row has no label). */
export function fireClassLabel(matrix: FeatureMatrix, fireClass: FireClass): Float32Array {
  if (fireClass === 'all') return matrix.yFires;
  const outdoor = matrix.yOutdoorFires;
  if (!outdoor) throw new InputDataError(`fire class ${fireClass} needs the outdoor fire label, which the feature matrix lacks`);
  return Float32Array.from(matrix.yFires, (y, i) => (fireClass === 'outdoor' ? Math.min(outdoor[i], y) : y - Math.min(outdoor[i], y)));
}

/**
 * The balance property of a Poisson fit with log link and an intercept: at the optimum the (weighted)
 * sum of predicted counts equals the sum of observed counts on the training rows. Stochastic steps with
 * large 1/negative_rate weights leave it off by several per cent, so the output bias is shifted by
 * log(Σ w·y / Σ w·μ) after training (Wüthrich's bias regularisation), class by class with the class's
 * label in `yByClass` (the network's class order). Returns each class's shift.
 */
function balanceOutputBias(network: tf.LayersModel, classes: readonly FireClass[], scaledX: Float32Array, p: number, yByClass: Float32Array[], w: Float32Array): number[] {
  const n = w.length;
  const k = classCount(network);
  const eta = new Float32Array(n * k);
  for (let start = 0; start < n; start += PREDICT_CHUNK_ROWS) {
    const end = Math.min(start + PREDICT_CHUNK_ROWS, n);
    predictClassEtas(network, scaledX.subarray(start * p, end * p), p, eta, start);
  }
  return classes.map((fireClass, c) => {
    const y = yByClass[c];
    let observed = 0;
    let predicted = 0;
    for (let i = 0; i < n; i++) {
      observed += w[i] * y[i];
      predicted += w[i] * Math.exp(eta[i * k + c]);
    }
    const shift = Math.log(observed / predicted);
    if (!Number.isFinite(shift)) return 0;
    // Every member's intercept moves by the shift, so the members' mean log rate moves by it too.
    const prefix = classPrefix(fireClass);
    for (const output of network.layers.filter((layer) => isInterceptLayer(layer.name) && layer.name.startsWith(prefix))) {
      const [kernel, bias] = output.getWeights();
      const shifted = tf.tidy(() => tf.add(bias, shift));
      output.setWeights([kernel, shifted]);
      shifted.dispose();
    }
    return shift;
  });
}

/** Weighted mean of `y` (the mean rate per cell-day of the rows a weighted matrix stands for). */
function weightedMean(y: Float32Array, w: Float32Array): number {
  let weightSum = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    weightSum += w[i];
    total += w[i] * y[i];
  }
  return total / weightSum;
}

/**
 * Fits the Poisson count network. `train` is used as is when it carries sample weights (already
 * subsampled, see `negativeSubsample`/`trainingWindows`); otherwise its zero rows are subsampled here at
 * params.negative_rate. Scaler statistics come from the (weighted) training rows only. Early stopping
 * watches the mean Poisson deviance on `valid` (weighted when it carries weights) and keeps the best epoch.
 */
export async function fitModel(params: ModelParams, train: FeatureMatrix, valid: FeatureMatrix, log: Logger, options: FitOptions = {}): Promise<FittedModel> {
  const started = performance.now();
  const excluded = new Set(params.exclude_features);
  const featureNames = train.featureNames.filter((name) => !excluded.has(name));
  const p = featureNames.length;
  if (p === 0) throw new InputDataError(excluded.size > 0 ? 'training matrix has no feature columns besides model.exclude_features' : 'training matrix has no feature columns');
  if (p < train.featureNames.length) train = selectColumns(train, featureNames);

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
  // Scaled rows live in shared memory: worker threads training members read them without a copy each.
  const X = applyScaler(trainRows.X, p, scaler, undefined, sharedFloat32(n * p));
  const meanRate = weightedMean(trainRows.yFires, weights);
  if (!(meanRate > 0)) throw new InputDataError(`training window has no fires (${n} labelled rows): nothing to learn a rate from`);
  const { classes, reason } = chooseFireClasses(params, trainRows);
  if (reason) log.info('one count model for all fires', { reason });
  const trainLabels = classes.map((fireClass) => fireClassLabel(trainRows, fireClass));
  const validLabels = classes.map((fireClass) => fireClassLabel(validRows, fireClass));
  const classMeanRates = trainLabels.map((y) => weightedMean(y, weights));

  const spec = (outputBias: number) => ({ kind: params.kind, inputs: p, hiddenUnits: params.hidden_units, activation: params.activation, seed: params.seed, outputBias, dropout: params.dropout });
  const classIndex = (fireClass: FireClass) => classes.indexOf(fireClass);
  const ensemble = buildEnsemble((fireClass) => spec(Math.log(classMeanRates[classIndex(fireClass)])), params.ensemble_members, classes);
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
      train_weight: weights.reduce((a, b) => a + b, 0),
      valid_rows: validRows.rows,
      rows_per_s: 0,
      seconds: 0,
      best_valid_deviance: Number.NaN,
      valid_null_deviance: meanPoissonDeviance(validRows.yFires, new Float32Array(validRows.rows).fill(meanRate), validWeights),
      train_mean_rate: meanRate,
      balance_log_correction: 0,
      fire_classes: classes,
      ...(reason ? { single_class_reason: reason } : {}),
    },
  };
  const validDevianceOf = (network: tf.LayersModel) => () => {
    const eta = predictLogRatesSync({ ...fitted, network }, validRows);
    for (let i = 0; i < eta.length; i++) eta[i] = Math.exp(eta[i]);
    return meanPoissonDeviance(validRows.yFires, eta, validWeights);
  };
  // Each member: its own random start and step order (memberSeed), the same rows and early stopping on its
  // class's label; side by side on worker threads when there are several members and cores.
  const memberParams = Array.from({ length: params.ensemble_members }, (_, k) => ({ ...params, seed: memberSeed(params.seed, k) }));
  const threads = memberThreads(params.train_threads, ensemble.members.length);
  const validX = applyScaler(validRows.X, validRows.featureNames.length, scaler, columnIndex(featureNames, validRows), sharedFloat32(validRows.rows * p));
  // One member's job on scaled rows with each class's label and mean rate (its start: the member's weights now).
  const jobFor = ({ model, fireClass, member }: EnsembleMember, X: Float32Array, labels: Float32Array[], w: Float32Array, rates: number[]): MemberJob => {
    const c = classIndex(fireClass);
    return { member, fireClass, spec: spec(Math.log(rates[c])), initialWeights: snapshot(model), rows: { X, y: labels[c], w, meanRate: rates[c] }, params: memberParams[member] };
  };
  const firstJobs: MemberJob[] = ensemble.members.map((m) => ({
    ...jobFor(m, X, trainLabels, weights, classMeanRates),
    valid: { X: validX, y: validLabels[classIndex(m.fireClass)], ...(validWeights ? { w: validWeights } : {}) } satisfies ScaledRows,
  }));
  const firstResults = await trainMembers(firstJobs, threads, log, options.onEpoch);
  firstResults.forEach((result, k) => restore(ensemble.members[k].model, result.weights));
  const firstRuns: TrainingRun[] = firstResults.map((result) => result.run);
  if (firstRuns.some((run) => !Number.isFinite(run.best))) throw new FireriskError('training diverged: the validation deviance was never finite');
  // The honest validation figure is the first fit's: after a refit the validation window is training data.
  let validAfterFirstFit: number | undefined;
  let balanceRows = { X, labels: trainLabels, w: weights };
  let rowsTrained = n * firstRuns.reduce((sum, run) => sum + run.epochsRun, 0);
  let stepSeconds = firstRuns.reduce((sum, run) => sum + run.stepSeconds, 0);

  if (params.refit_with_validation && firstRuns.some((run) => run.bestEpoch > 0)) {
    validAfterFirstFit = validDevianceOf(ensemble.network)();
    // The same recipe on training + validation rows, for the epochs early stopping chose for each member:
    // the scaler, the initial weights and the steps all start afresh, so nothing of the first fit is reused.
    const validIndex = Uint32Array.from({ length: validRows.rows }, (_, i) => i);
    const merged = concatWeighted({ ...trainRows, sampleWeight: weights }, subsampleRows(validRows, validIndex, params.negative_rate, params.seed));
    const mergedScaler = fitScaler(merged.X, p, merged.sampleWeight, { logSkewness: params.log_skewness, logOffsetQuantile: params.log_offset_quantile });
    const mergedX = applyScaler(merged.X, p, mergedScaler, undefined, sharedFloat32(merged.rows * p));
    const mergedLabels = classes.map((fireClass) => fireClassLabel(merged, fireClass));
    const mergedRates = mergedLabels.map((y) => weightedMean(y, merged.sampleWeight));
    const refitted: Ensemble = buildEnsemble((fireClass) => spec(Math.log(mergedRates[classIndex(fireClass)])), params.ensemble_members, classes);
    // A member that never beat its start stays at the intercept-only start.
    const refitJobs: Array<MemberJob & { index: number; schedule: number[] }> = refitted.members
      .map((m, index) => ({ ...jobFor(m, mergedX, mergedLabels, merged.sampleWeight, mergedRates), index, schedule: firstRuns[index].learningRates.slice(0, firstRuns[index].bestEpoch) }))
      .filter((job) => job.schedule.length > 0);
    let refitEpochs = 0;
    const refitResults = await trainMembers(refitJobs, threads, log);
    refitJobs.forEach((job, i) => {
      const second = refitResults[i];
      restore(refitted.members[job.index].model, second.weights);
      rowsTrained += merged.rows * second.run.epochsRun;
      stepSeconds += second.run.stepSeconds;
      refitEpochs += second.run.epochsRun;
    });
    ensemble.network.dispose();
    fitted.network = refitted.network;
    fitted.scaler = mergedScaler;
    balanceRows = { X: mergedX, labels: mergedLabels, w: merged.sampleWeight };
    Object.assign(fitted.summary, { refit_rows: merged.rows, refit_epochs: refitEpochs });
  }
  const shifts =
    params.balance_window === 'validation'
      ? balanceOutputBias(fitted.network, classes, applyScaler(validRows.X, validRows.featureNames.length, fitted.scaler, columnIndex(featureNames, validRows)), p, validLabels, validWeights ?? new Float32Array(validRows.rows).fill(1))
      : balanceOutputBias(fitted.network, classes, balanceRows.X, p, balanceRows.labels, balanceRows.w);
  Object.assign(fitted.summary, {
    epochs_run: firstRuns[0].epochsRun,
    best_epoch: firstRuns[0].bestEpoch,
    ...(classes.length > 1
      ? { classes: classes.map((fireClass, c) => ({ fire_class: fireClass, train_fires: trainLabels[c].reduce((a, y) => a + y, 0), train_mean_rate: classMeanRates[c], balance_log_correction: shifts[c] })) }
      : {}),
    ...(firstRuns.length > 1 ? { members: firstRuns.map((run, k) => ({ fire_class: firstJobs[k].fireClass, seed: firstJobs[k].params.seed, epochs_run: run.epochsRun, best_epoch: run.bestEpoch })) } : {}),
    rows_per_s: stepSeconds > 0 ? Math.round(rowsTrained / stepSeconds) : 0,
    seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
    best_valid_deviance: validAfterFirstFit ?? validDevianceOf(fitted.network)(),
    balance_log_correction: shifts[0],
  });
  log.info('trained', { ...fitted.summary });
  return fitted;
}
