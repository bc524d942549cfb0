import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.ts';
import { trainOnTruth, withTrueLabels } from '../../src/evaluate/truth-labels.ts';
import { selectDays, type FeatureMatrix } from '../../src/features/matrix.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { modelTrainer } from '../../src/model/fit.ts';
import type { Forecaster } from '../../src/model/types.ts';
import { createMemoryLogger } from '../../src/util/log.ts';
import { plantedWorld } from '../model/synthetic.ts';
import { denseMatrix } from './helpers.ts';

/** A truth that expects 0.1 · (cell + 1) fires on day 19000 and twice that on day 19001. */
const truth: Forecaster = {
  name: 'oracle',
  predict: async (m) => Float32Array.from(m.day, (d, i) => 0.1 * (m.cellIndex[i] + 1) * (d === 19000 ? 1 : 2)),
};

describe('labels from the true intensity', () => {
  it("replaces each labelled row's fires by the truth's rate and keeps unlabelled rows unlabelled", async () => {
    const m = denseMatrix(2, 19000, 19001, (c, d) => (d === 19001 && c === 1 ? Number.NaN : c));
    const relabelled = await withTrueLabels(m, truth);
    // rows: (19000, cell 0), (19000, cell 1), (19001, cell 0), (19001, cell 1: no label)
    expect(Array.from(relabelled.yFires, (y) => Number(y.toFixed(6)))).toEqual([0.1, 0.2, 0.2, Number.NaN]);
    expect(Array.from(m.yFires)).toEqual([0, 1, 0, Number.NaN]);
    expect(relabelled.X).toBe(m.X);
  });

  it('keeps the sample weights and drops the outdoor label, which the truth does not split out', async () => {
    const m = denseMatrix(2, 19000, 19000, () => 1);
    const weighted = { ...m, yOutdoorFires: new Float32Array([1, 0]), sampleWeight: new Float32Array([1, 20]) };
    const relabelled = await withTrueLabels(weighted, truth);
    expect(Array.from(relabelled.sampleWeight)).toEqual([1, 20]);
    expect('yOutdoorFires' in relabelled).toBe(false);
  });

  it('hands the trainer both windows relabelled', async () => {
    const seen: FeatureMatrix[] = [];
    const trainer = trainOnTruth(async (train, valid) => {
      seen.push(train, valid);
      return async (m) => new Float32Array(m.rows);
    }, truth);
    await trainer(denseMatrix(1, 19000, 19000, () => 3), denseMatrix(1, 19001, 19001, () => 5));
    expect(seen.map((m) => Number(m.yFires[0].toFixed(6)))).toEqual([0.1, 0.2]);
  });
});

describe('a model trained on the truth instead of the fires', () => {
  beforeAll(async () => {
    await selectBackend('wasm', createMemoryLogger());
  });

  it('recovers a planted rate more closely than one trained on the few fires drawn from it', async () => {
    // exp(−4 + 1.2·x1): about 40 fires in 2,400 training cell-days, too few to pin the slope down.
    const world = plantedWorld({ cells: 40, days: 80, seed: 3, intercept: -4, slope: 1.2 });
    const truthRate = new Map<number, number>();
    for (let i = 0; i < world.matrix.rows; i++) truthRate.set(world.matrix.day[i] * 1000 + world.matrix.cellIndex[i], world.truth[i]);
    const plantedTruth: Forecaster = { name: 'oracle', predict: async (m) => Float32Array.from(m.day, (d, i) => truthRate.get(d * 1000 + m.cellIndex[i])!) };
    const params = { ...defaultConfig().model, kind: 'glm' as const, ensemble_members: 1, negative_rate: 1, max_epochs: 40, patience: 40, learning_rate: 0.05, batch_size: 256, seed: 4, l2: 0, l2_linear: 0 };
    const train = selectDays(world.matrix, 19000, 19059);
    const valid = selectDays(world.matrix, 19060, 19069);
    const test = selectDays(world.matrix, 19070, 19079);
    const log = createMemoryLogger();
    const expected = await plantedTruth.predict(test);
    const logError = async (predict: (m: FeatureMatrix) => Promise<Float32Array>) => {
      const rates = await predict(test);
      let sum = 0;
      for (let i = 0; i < test.rows; i++) sum += Math.log(rates[i] / expected[i]) ** 2;
      return sum / test.rows;
    };
    const fromFires = await logError(await modelTrainer(params, log)(train, valid));
    const fromTruth = await logError(await trainOnTruth(modelTrainer(params, log), plantedTruth)(train, valid));
    // Mean squared log error against the planted rate: about 5e-3 from the fires, nearly exact from the truth.
    expect(fromFires).toBeGreaterThan(1e-3);
    expect(fromTruth).toBeLessThan(1e-5);
  });
});
