import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.ts';
import { selectDays, type FeatureMatrix } from '../../src/features/matrix.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { chooseFireClasses, fireClassLabel, fitModel, predictRates } from '../../src/model/fit.ts';
import { loadModel, saveModel } from '../../src/model/io.ts';
import { mulberry32 } from '../../src/model/sampling.ts';
import { createMemoryLogger } from '../../src/util/log.ts';
import { poisson } from './synthetic.ts';

const log = createMemoryLogger();
const dir = mkdtempSync(join(tmpdir(), 'firerisk-fire-classes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await selectBackend('wasm', log);
});

/** A matrix of the given labels (one feature column, all zero): enough for the class choice and labels. */
function labelsOnly(yFires: number[], yOutdoorFires?: number[]): FeatureMatrix {
  const rows = yFires.length;
  return {
    featureNames: ['x'],
    rows,
    X: new Float32Array(rows),
    cellIndex: new Int32Array(rows),
    day: Int32Array.from(yFires, (_, i) => 19000 + i),
    yFires: Float32Array.from(yFires),
    yAlarms: Float32Array.from(yFires),
    ...(yOutdoorFires ? { yOutdoorFires: Float32Array.from(yOutdoorFires) } : {}),
  };
}

describe('choosing the fire classes', () => {
  const split = { fire_classes: 'outdoor_and_other' as const, min_class_fires: 3 };

  it('splits outdoor and other fires when the training rows hold enough of each', () => {
    // Outdoor 1 + 2 = 3, other (2 − 1) + (3 − 2) + 1 = 3; the unlabelled row does not count.
    expect(chooseFireClasses(split, labelsOnly([2, 3, 1, Number.NaN], [1, 2, 0, 5]))).toEqual({ classes: ['outdoor', 'other'] });
  });

  it('keeps one class when asked to, without a reason', () => {
    expect(chooseFireClasses({ ...split, fire_classes: 'single' }, labelsOnly([2, 3, 1], [1, 2, 0]))).toEqual({ classes: ['all'] });
  });

  it('keeps one class, and says why, when a class has too few fires or the table has no outdoor label', () => {
    const few = chooseFireClasses(split, labelsOnly([2, 3, 1], [0, 2, 0]));
    expect(few.classes).toEqual(['all']);
    expect(few.reason).toBe('the training window holds 2 outdoor and 4 other fires, fewer than model.min_class_fires (3) of one class');
    expect(chooseFireClasses(split, labelsOnly([2, 3, 1])).reason).toMatch(/no y_outdoor_fires label .*firerisk features --full/);
    expect(chooseFireClasses(split, labelsOnly([2, 3, 1], [1, Number.NaN, 1])).reason).toMatch(/outdoor fire label is missing/);
  });

  it("labels each class's fires; unlabelled rows stay unlabelled", () => {
    const m = labelsOnly([3, 0, 2, Number.NaN], [2, 0, 2, Number.NaN]);
    expect(Array.from(fireClassLabel(m, 'outdoor'))).toEqual([2, 0, 2, Number.NaN]);
    expect(Array.from(fireClassLabel(m, 'other'))).toEqual([1, 0, 0, Number.NaN]);
    expect(fireClassLabel(m, 'all')).toBe(m.yFires);
    expect(() => fireClassLabel(labelsOnly([1]), 'outdoor')).toThrow(/needs the outdoor fire label/);
  });
});

/**
 * cells × days rows with x1, x2 ~ N(0, 1): outdoor fires at rate exp(−3.5 + 1.5·x1), other fires at
 * exp(−3 + 1.0·x2). One log-linear model of their sum cannot follow both; one per class can.
 */
function twoClassWorld(cells: number, days: number, seed: number): FeatureMatrix {
  const random = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const rows = cells * days;
  const m: FeatureMatrix = {
    featureNames: ['x1', 'x2'],
    rows,
    X: new Float32Array(rows * 2),
    cellIndex: new Int32Array(rows),
    day: new Int32Array(rows),
    yFires: new Float32Array(rows),
    yAlarms: new Float32Array(rows),
    yOutdoorFires: new Float32Array(rows),
  };
  for (let i = 0; i < rows; i++) {
    const x1 = normal();
    const x2 = normal();
    m.X[2 * i] = x1;
    m.X[2 * i + 1] = x2;
    m.cellIndex[i] = i % cells;
    m.day[i] = 19000 + Math.floor(i / cells);
    const outdoor = poisson(Math.exp(-3.5 + 1.5 * x1), random);
    m.yOutdoorFires![i] = outdoor;
    m.yFires[i] = outdoor + poisson(Math.exp(-3 + x2), random);
  }
  return m;
}

describe('a model with an outdoor and an other fire class', () => {
  const world = twoClassWorld(50, 240, 3);
  const train = selectDays(world, 19000, 19179);
  const valid = selectDays(world, 19180, 19239);
  const params = { ...defaultConfig().model, kind: 'glm' as const, ensemble_members: 1, max_epochs: 12, learning_rate: 0.05, batch_size: 512, negative_rate: 1, min_class_fires: 50, seed: 5 };
  /** η of each class for inputs already standardised. */
  const classEta = (fitted: Awaited<ReturnType<typeof fitModel>>, x1: number, x2: number): number[] => {
    const scaled = [x1, x2].map((v, j) => (v - fitted.scaler.mean[j]) / fitted.scaler.std[j]);
    return Array.from((fitted.network.predict(tf.tensor2d([scaled])) as tf.Tensor).dataSync());
  };

  it('learns each class its own response, predicts the sum of their rates, and balances each class', async () => {
    const fitted = await fitModel(params, train, valid, log);
    expect(fitted.summary.fire_classes).toEqual(['outdoor', 'other']);
    expect(fitted.network.outputs[0].shape).toEqual([null, 2]);
    expect(fitted.network.layers.map((l) => l.name)).toEqual(expect.arrayContaining(['outdoor_log_rate', 'other_log_rate', 'class_eta']));
    // The outdoor class follows x1 (true slope 1.5 per unit) and not x2; the other class the reverse (1.0 per unit of x2).
    const [out0, other0] = classEta(fitted, 0, 0);
    const [outX1, otherX1] = classEta(fitted, 1, 0);
    const [outX2, otherX2] = classEta(fitted, 0, 1);
    expect(outX1 - out0).toBeGreaterThan(1.2);
    expect(Math.abs(outX2 - out0)).toBeLessThan(0.3);
    expect(otherX2 - other0).toBeGreaterThan(0.7);
    expect(Math.abs(otherX1 - other0)).toBeLessThan(0.3);
    // The expected fires are the classes' rates added.
    const [a, b] = classEta(fitted, 0.5, -0.5);
    const rate = (await predictRates(fitted, { ...labelsOnly([0]), featureNames: ['x1', 'x2'], X: Float32Array.from([0.5, -0.5]) }))[0];
    expect(rate).toBeCloseTo(Math.exp(a) + Math.exp(b), 6);
    // Σ predicted = Σ observed on the training rows, class by class (negative_rate 1: every row, weight 1).
    const classes = fitted.summary.classes!;
    expect(classes.map((c) => c.fire_class)).toEqual(['outdoor', 'other']);
    const etas = tf.tidy(() => {
      const scaled = Array.from({ length: train.rows }, (_, i) => [0, 1].map((j) => (train.X[2 * i + j] - fitted.scaler.mean[j]) / fitted.scaler.std[j]));
      return (fitted.network.predict(tf.tensor2d(scaled)) as tf.Tensor).arraySync() as number[][];
    });
    const outdoorFires = train.yOutdoorFires!.reduce((s, y) => s + y, 0);
    const otherFires = train.yFires.reduce((s, y) => s + y, 0) - outdoorFires;
    expect(classes[0].train_fires).toBe(outdoorFires);
    expect(classes[1].train_fires).toBe(otherFires);
    expect(etas.reduce((s, e) => s + Math.exp(e[0]), 0) / outdoorFires).toBeCloseTo(1, 3);
    expect(etas.reduce((s, e) => s + Math.exp(e[1]), 0) / otherFires).toBeCloseTo(1, 3);
  });

  it('fits better than one model of all fires on later days', async () => {
    const test = twoClassWorld(50, 120, 4);
    const deviance = async (fireClasses: 'single' | 'outdoor_and_other') => {
      const rates = await predictRates(await fitModel({ ...params, fire_classes: fireClasses }, train, valid, log), test);
      let d = 0;
      for (let i = 0; i < test.rows; i++) d += 2 * ((test.yFires[i] > 0 ? test.yFires[i] * Math.log(test.yFires[i] / rates[i]) : 0) - (test.yFires[i] - rates[i]));
      return d / test.rows;
    };
    expect(await deviance('outdoor_and_other')).toBeLessThan(await deviance('single'));
  });

  it('trains the classes\' members side by side on worker threads as one after another, and saves and loads as one network', async () => {
    const ensemble = { ...params, kind: 'wide_deep' as const, hidden_units: [4], ensemble_members: 2, max_epochs: 2 };
    const inOrder = await fitModel({ ...ensemble, train_threads: 1 }, train, valid, log);
    const sideBySide = await fitModel({ ...ensemble, train_threads: 2 }, train, valid, log);
    expect(log.lines.some((l) => l.message === 'ensemble other member 2/2 on a worker thread')).toBe(true);
    expect(sideBySide.summary.members?.map((m) => [m.fire_class, m.seed])).toEqual([
      ['outdoor', 5],
      ['outdoor', 5 + 10_007],
      ['other', 5],
      ['other', 5 + 10_007],
    ]);
    const rates = await predictRates(inOrder, valid);
    expect(Array.from(await predictRates(sideBySide, valid))).toEqual(Array.from(rates));
    const target = join(dir, 'two-class');
    await saveModel(inOrder, target, { training_window: { from: '2022-01-08', to: '2022-07-06' }, validation_window: { from: '2022-07-07', to: '2022-09-04' }, data_hash: 'x'.repeat(64) });
    const loaded = await loadModel(target);
    expect(loaded.metadata.params.fire_classes).toBe('outdoor_and_other');
    expect(Array.from(await predictRates(loaded, valid))).toEqual(Array.from(rates));
  });

  it('refit_with_validation refits each class on the training and validation rows and balances each on them', async () => {
    const fitted = await fitModel({ ...params, max_epochs: 4, refit_with_validation: true }, train, valid, log);
    expect(fitted.summary.fire_classes).toEqual(['outdoor', 'other']);
    expect(fitted.summary.refit_rows).toBe(train.rows + valid.rows);
    expect(fitted.summary.refit_epochs).toBeGreaterThan(0);
    // negative_rate 1: the refit rows are every training and validation row, each of weight 1.
    const both = [train, valid];
    const etas = both.flatMap((m) =>
      tf.tidy(() => {
        const scaled = Array.from({ length: m.rows }, (_, i) => [0, 1].map((j) => (m.X[2 * i + j] - fitted.scaler.mean[j]) / fitted.scaler.std[j]));
        return (fitted.network.predict(tf.tensor2d(scaled)) as tf.Tensor).arraySync() as number[][];
      }),
    );
    const outdoorFires = both.reduce((s, m) => s + m.yOutdoorFires!.reduce((a, y) => a + y, 0), 0);
    const allFires = both.reduce((s, m) => s + m.yFires.reduce((a, y) => a + y, 0), 0);
    expect(etas.reduce((s, e) => s + Math.exp(e[0]), 0) / outdoorFires).toBeCloseTo(1, 3);
    expect(etas.reduce((s, e) => s + Math.exp(e[1]), 0) / (allFires - outdoorFires)).toBeCloseTo(1, 3);
  });

  it('falls back to one class when the outdoor fires are too few, and logs why', async () => {
    const fitted = await fitModel({ ...params, max_epochs: 1, min_class_fires: 100_000 }, train, valid, log);
    expect(fitted.summary.fire_classes).toEqual(['all']);
    expect(fitted.summary.single_class_reason).toMatch(/fewer than model.min_class_fires \(100000\)/);
    expect(fitted.network.outputs[0].shape).toEqual([null, 1]);
    expect(log.lines.some((l) => l.message === 'one count model for all fires')).toBe(true);
  });
});
