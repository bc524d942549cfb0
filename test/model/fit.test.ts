import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.ts';
import { selectDays, type FeatureMatrix } from '../../src/features/matrix.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { asForecaster, fitModel, meanPoissonDeviance, predictRates, type EpochReport } from '../../src/model/fit.ts';
import { negativeSubsample } from '../../src/model/sampling.ts';
import { InputDataError } from '../../src/util/errors.ts';
import { createMemoryLogger } from '../../src/util/log.ts';
import { plantedWorld } from './synthetic.ts';

const log = createMemoryLogger();
const base = { ...defaultConfig().model, kind: 'mlp' as const, hidden_units: [8], ensemble_members: 1, learning_rate: 0.01, batch_size: 1024, seed: 11 };
const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

/** Columns in another order, plus an extra column the model never saw. */
function shuffledColumns(m: FeatureMatrix): FeatureMatrix {
  const X = new Float32Array(m.rows * 3);
  for (let i = 0; i < m.rows; i++) {
    X[3 * i] = 42;
    X[3 * i + 1] = m.X[2 * i + 1];
    X[3 * i + 2] = m.X[2 * i];
  }
  return { ...m, featureNames: ['extra', 'x2', 'x1'], X };
}

beforeAll(async () => {
  await selectBackend('wasm', log);
});

describe('fitModel on tiny seeded data', () => {
  const world = plantedWorld({ cells: 50, days: 60, seed: 5 });
  const train = selectDays(world.matrix, 19000, 19039);
  const valid = selectDays(world.matrix, 19040, 19059);
  const params = { ...base, max_epochs: 2, patience: 5, negative_rate: 0.5 };

  it('runs two epochs and predicts one positive rate per row', async () => {
    const epochs: EpochReport[] = [];
    const fitted = await fitModel(params, train, valid, log, { onEpoch: (e) => epochs.push(e) });
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(fitted.summary.epochs_run).toBe(2);
    expect(fitted.network.inputs[0].shape).toEqual([null, 2]);
    expect(fitted.network.outputs[0].shape).toEqual([null, 1]);
    expect(fitted.network.layers.map((l) => l.name)).toEqual(['features', 'hidden_1', 'log_rate']);
    const rates = await predictRates(fitted, valid);
    expect(rates).toBeInstanceOf(Float32Array);
    expect(rates.length).toBe(valid.rows);
    expect(rates.every((r) => r > 0 && Number.isFinite(r))).toBe(true);
    expect(fitted.summary.rows_per_s).toBeGreaterThan(0);
  });

  it('is reproducible: same data and seed give identical predictions; another seed does not', async () => {
    const a = await predictRates(await fitModel(params, train, valid, log), valid);
    const b = await predictRates(await fitModel(params, train, valid, log), valid);
    const c = await predictRates(await fitModel({ ...params, seed: 12 }, train, valid, log), valid);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  it('builds a GLM without hidden layers', async () => {
    const fitted = await fitModel({ ...params, kind: 'glm' }, train, valid, log);
    expect(fitted.network.layers.map((l) => l.name)).toEqual(['features', 'log_rate']);
  });

  it('builds wide & deep: a linear part and an MLP added on the log scale', async () => {
    const fitted = await fitModel({ ...params, kind: 'wide_deep' }, train, valid, log);
    expect(fitted.network.layers.map((l) => l.name).sort()).toEqual(['deep_out', 'eta', 'features', 'hidden_1', 'log_rate']);
    // η = (b + w·x) + v·MLP(x): with the MLP's output weights zeroed the network is exactly its GLM part.
    const deepOut = fitted.network.getLayer('deep_out');
    deepOut.setWeights(deepOut.getWeights().map((w) => tf.zerosLike(w)));
    const [w, b] = fitted.network.getLayer('log_rate').getWeights().map((t) => Array.from(t.dataSync()));
    const x = [0.5, -1.25];
    const eta = (fitted.network.predict(tf.tensor2d([x])) as tf.Tensor).dataSync()[0];
    expect(eta).toBeCloseTo(b[0] + w[0] * x[0] + w[1] * x[1], 5);
  });

  it('penalises the linear part with l2_linear and the MLP with l2', async () => {
    const wide = { ...params, kind: 'wide_deep' as const, max_epochs: 3 };
    const norm = async (p: typeof wide, layer: string) => {
      const fitted = await fitModel(p, train, valid, log);
      return sum(Array.from(fitted.network.getLayer(layer).getWeights()[0].dataSync(), (v) => v * v));
    };
    // A penalty this large (relative to the mean rate) keeps a penalised kernel near its small start (the
    // output kernels start within ±0.01); the other part is free to grow.
    const heavy = 1e6;
    expect(await norm({ ...wide, l2: 0, l2_linear: heavy }, 'log_rate')).toBeLessThan(0.1 * (await norm({ ...wide, l2: 0, l2_linear: 0 }, 'log_rate')));
    expect(await norm({ ...wide, l2: heavy, l2_linear: 0 }, 'deep_out')).toBeLessThan(0.1 * (await norm({ ...wide, l2: 0, l2_linear: 0 }, 'deep_out')));
    expect(await norm({ ...wide, l2: heavy, l2_linear: 0 }, 'log_rate')).toBeGreaterThan(0.5 * (await norm({ ...wide, l2: 0, l2_linear: 0 }, 'log_rate')));
  });

  it('matches columns by name and names a missing feature', async () => {
    const fitted = await fitModel(params, train, valid, log);
    const direct = await predictRates(fitted, valid);
    expect(Array.from(await predictRates(fitted, shuffledColumns(valid)))).toEqual(Array.from(direct));
    const forecaster = asForecaster(fitted, 'mlp');
    expect(forecaster.name).toBe('mlp');
    expect(Array.from(await forecaster.predict(valid))).toEqual(Array.from(direct));
    const missing = { ...valid, featureNames: ['x1', 'x3'] };
    await expect(predictRates(fitted, missing)).rejects.toThrow(InputDataError);
    await expect(predictRates(fitted, missing)).rejects.toThrow(/lacks feature "x2"/);
  });

  it('exclude_features: the model is fitted without those columns and predicts from tables with or without them', async () => {
    const fitted = await fitModel({ ...params, exclude_features: ['x2', 'not_a_column'] }, train, valid, log);
    expect(fitted.featureNames).toEqual(['x1']);
    expect(fitted.network.inputs[0].shape).toEqual([null, 1]);
    const withIt = await predictRates(fitted, valid);
    const x2Changed = { ...valid, X: valid.X.map((v, k) => (k % 2 === 1 ? v + 100 : v)) };
    expect(Array.from(await predictRates(fitted, x2Changed))).toEqual(Array.from(withIt));
    const x1Only = { ...valid, featureNames: ['x1'], X: valid.X.filter((_, k) => k % 2 === 0) };
    expect(Array.from(await predictRates(fitted, x1Only))).toEqual(Array.from(withIt));
    await expect(fitModel({ ...params, exclude_features: ['x1', 'x2'] }, train, valid, log)).rejects.toThrow(/no feature columns besides model.exclude_features/);
  });

  it('balance_window validation: the intercept follows the level of the validation window', async () => {
    // The validation window's fires doubled (a level drift after training): Σ predicted there = Σ observed.
    const drifted = { ...valid, yFires: valid.yFires.map((y) => 2 * y) };
    const fitted = await fitModel({ ...params, balance_window: 'validation' }, train, drifted, log);
    expect(sum(await predictRates(fitted, drifted)) / sum(drifted.yFires)).toBeCloseTo(1, 4);
    const onTrain = await fitModel(params, train, drifted, log);
    expect(sum(await predictRates(onTrain, drifted)) / sum(drifted.yFires)).toBeLessThan(0.8);
  });

  it('weight averaging is seeded too, and keeps the averaged weights (not the last iterate)', async () => {
    const averaged = { ...params, weight_averaging: 0.9 };
    const a = await predictRates(await fitModel(averaged, train, valid, log), valid);
    const b = await predictRates(await fitModel(averaged, train, valid, log), valid);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(await predictRates(await fitModel({ ...params, weight_averaging: 0 }, train, valid, log), valid))).not.toEqual(Array.from(a));
  });

  it('ensemble_members: members from their own seeds, averaged on the log scale into one network', async () => {
    const fitted = await fitModel({ ...params, kind: 'wide_deep', ensemble_members: 3 }, train, valid, log);
    expect(fitted.summary.members?.map((m) => m.seed)).toEqual([11, 11 + 10_007, 11 + 20_014]);
    const names = fitted.network.layers.map((l) => l.name);
    expect(names).toEqual(expect.arrayContaining(['eta', 'm2_eta', 'm3_eta', 'log_rate', 'm2_log_rate', 'm3_hidden_1', 'eta_mean']));
    // η of the saved network = the mean of the three members' η, which differ from one another.
    const memberEta = ['eta', 'm2_eta', 'm3_eta'].map((name) => tf.model({ inputs: fitted.network.inputs, outputs: fitted.network.getLayer(name).output as tf.SymbolicTensor }));
    const x = tf.tensor2d([[0.5, -1.25], [-2, 0.75]]);
    const etas = memberEta.map((m) => Array.from((m.predict(x) as tf.Tensor).dataSync()));
    const mean = Array.from((fitted.network.predict(x) as tf.Tensor).dataSync());
    mean.forEach((value, row) => expect(value).toBeCloseTo((etas[0][row] + etas[1][row] + etas[2][row]) / 3, 5));
    expect(etas[1][0]).not.toBeCloseTo(etas[0][0], 4);
    expect(etas[2][0]).not.toBeCloseTo(etas[0][0], 4);
    // One member is the plain network: same layer names, no member list.
    const single = await fitModel({ ...params, kind: 'wide_deep', ensemble_members: 1 }, train, valid, log);
    expect(single.summary.members).toBeUndefined();
    expect(single.network.layers.map((l) => l.name).sort()).toEqual(['deep_out', 'eta', 'features', 'hidden_1', 'log_rate']);
  });

  it('train_threads: members trained side by side on worker threads come out exactly as one after another', async () => {
    const ensemble = { ...params, kind: 'wide_deep' as const, ensemble_members: 3, max_epochs: 3 };
    const inOrder = await fitModel({ ...ensemble, train_threads: 1 }, train, valid, log);
    const sideBySide = await fitModel({ ...ensemble, train_threads: 2 }, train, valid, log);
    expect(log.lines.some((l) => /^ensemble member 3\/3 on a worker thread$/.test(l.message))).toBe(true);
    expect(log.lines.some((l) => /^member 2\/3: epoch 1\/3$/.test(l.message))).toBe(true);
    expect(sideBySide.summary.members).toEqual(inOrder.summary.members);
    expect(Array.from(await predictRates(sideBySide, valid))).toEqual(Array.from(await predictRates(inOrder, valid)));
    // The refit on training + validation rows goes through the same workers.
    const refit = { ...ensemble, refit_with_validation: true };
    const refitInOrder = await fitModel({ ...refit, train_threads: 1 }, train, valid, log);
    const refitSideBySide = await fitModel({ ...refit, train_threads: 2 }, train, valid, log);
    expect(Array.from(await predictRates(refitSideBySide, valid))).toEqual(Array.from(await predictRates(refitInOrder, valid)));
  });

  it('ensemble_members: the balance correction shifts every member, so the ensemble keeps Σ predicted = Σ observed', async () => {
    const drifted = { ...valid, yFires: valid.yFires.map((y) => 2 * y) };
    const fitted = await fitModel({ ...params, ensemble_members: 2, balance_window: 'validation' }, train, drifted, log);
    expect(sum(await predictRates(fitted, drifted)) / sum(drifted.yFires)).toBeCloseTo(1, 4);
  });

  it('does not leak tensors', async () => {
    const fitted = await fitModel(params, train, valid, log);
    const before = tf.memory().numTensors;
    await predictRates(fitted, valid);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('fitModel on a planted signal (rate = exp(−5 + 1.5·x1), x2 noise)', () => {
  // 250 cells × 200 days = 50,000 rows: 150 days to train, 50 to validate; a fresh world to test.
  const world = plantedWorld({ cells: 250, days: 200, seed: 21 });
  const train = selectDays(world.matrix, 19000, 19149);
  const valid = selectDays(world.matrix, 19150, 19199);
  const test = plantedWorld({ cells: 250, days: 100, seed: 22 });
  const params = { ...base, max_epochs: 25, patience: 4, negative_rate: 0.1 };

  it('recovers the signal: deviance close to the truth, rates ordered by x1, slope about 1.5', async () => {
    const fitted = await fitModel(params, train, valid, log);
    const rates = await predictRates(fitted, test.matrix);
    const model = meanPoissonDeviance(test.matrix.yFires, rates);
    const truth = meanPoissonDeviance(test.matrix.yFires, test.truth);
    const constant = meanPoissonDeviance(test.matrix.yFires, new Float32Array(test.matrix.rows).fill(sum(test.matrix.yFires) / test.matrix.rows));
    // The planted signal explains most of the deviance a constant rate leaves; the model gets within 2 % of the truth.
    expect(truth).toBeLessThan(0.85 * constant);
    expect(model).toBeLessThan(truth * 1.02);
    // Log-rate slope along x1 (x2 held at 0), read off the fitted network.
    const grid = [-1, -0.5, 0, 0.5, 1];
    const probe: FeatureMatrix = {
      featureNames: ['x1', 'x2'],
      rows: grid.length,
      X: Float32Array.from(grid.flatMap((x) => [x, 0])),
      cellIndex: new Int32Array(grid.length),
      day: new Int32Array(grid.length),
      yFires: new Float32Array(grid.length),
      yAlarms: new Float32Array(grid.length),
    };
    const logRates = Array.from(await predictRates(fitted, probe), Math.log);
    for (let k = 1; k < grid.length; k++) expect(logRates[k]).toBeGreaterThan(logRates[k - 1]);
    const slope = (logRates[4] - logRates[0]) / 2;
    expect(slope).toBeGreaterThan(1.3);
    expect(slope).toBeLessThan(1.7);
    expect(logRates[2]).toBeCloseTo(-5, 0);
  });

  it('keeps the best epoch: the summary deviance is the one the kept weights give', async () => {
    const fitted = await fitModel({ ...params, max_epochs: 6 }, train, valid, log);
    const again = meanPoissonDeviance(valid.yFires, await predictRates(fitted, valid));
    expect(again).toBeCloseTo(fitted.summary.best_valid_deviance, 6);
    expect(fitted.summary.best_valid_deviance).toBeLessThan(fitted.summary.valid_null_deviance);
    expect(fitted.summary.best_epoch).toBeLessThanOrEqual(fitted.summary.epochs_run);
  });

  it('refit_with_validation fits again on training + validation rows for the chosen epochs, and still recovers the signal', async () => {
    const first = await fitModel(params, train, valid, log);
    const refitted = await fitModel({ ...params, refit_with_validation: true }, train, valid, log);
    // The first pass is the plain fit; the second sees the validation zeros subsampled at the same rate.
    expect(refitted.summary.best_epoch).toBe(first.summary.best_epoch);
    expect(refitted.summary.refit_epochs).toBe(first.summary.best_epoch);
    const keptTrain = negativeSubsample(train, params.negative_rate, params.seed).rows;
    const keptValid = negativeSubsample(valid, params.negative_rate, params.seed).rows;
    expect(first.summary.refit_rows).toBeUndefined();
    expect(refitted.summary.refit_rows).toBe(keptTrain + keptValid);
    // The scaler comes from the merged rows, so it moved.
    expect(refitted.scaler.mean).not.toEqual(first.scaler.mean);
    const rates = await predictRates(refitted, test.matrix);
    expect(meanPoissonDeviance(test.matrix.yFires, rates)).toBeLessThan(meanPoissonDeviance(test.matrix.yFires, test.truth) * 1.02);
  });

  it('weighted negative subsampling keeps the total expected count unbiased (5 % of zeros kept)', async () => {
    // A gentler slope (0.5) keeps the sampling noise of the kept zeros' rates near 1 %, so 5 % tests bias, not luck.
    const gentle = plantedWorld({ cells: 250, days: 200, seed: 31, slope: 0.5 });
    const train = selectDays(gentle.matrix, 19000, 19149);
    const subsampled = negativeSubsample(train, 0.05, 3);
    expect(subsampled.rows).toBeLessThan(train.rows * 0.1);
    const fitted = await fitModel({ ...params, kind: 'glm', learning_rate: 0.02 }, subsampled, valid, log);
    const predicted = sum(await predictRates(fitted, train));
    const observed = sum(train.yFires);
    expect(Math.abs(predicted / observed - 1)).toBeLessThan(0.05);
    // Without the 1/rate weights the same rows would overstate the rate about tenfold.
    const unweighted = { ...subsampled, sampleWeight: new Float32Array(subsampled.rows).fill(1) };
    const biased = await fitModel({ ...params, kind: 'glm', learning_rate: 0.02 }, unweighted, valid, log);
    expect(sum(await predictRates(biased, train)) / observed).toBeGreaterThan(3);
  });
});
