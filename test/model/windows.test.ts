import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.ts';
import type { FeatureMatrix } from '../../src/features/matrix.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { fitModel, predictRates } from '../../src/model/fit.ts';
import { trainingWindows } from '../../src/model/windows.ts';
import { dayNumber } from '../../src/util/days.ts';
import { createMemoryLogger } from '../../src/util/log.ts';
import { plantedWorld } from './synthetic.ts';

const log = createMemoryLogger();
const params = { ...defaultConfig().model, train_years: 0.2, validation_days: 10, negative_rate: 0.25, hidden_units: [4], max_epochs: 3, seed: 3 };

/** The same world, but every row from `fromDay` on is replaced by absurd values. */
function poisonFrom(m: FeatureMatrix, fromDay: number): FeatureMatrix {
  const X = Float32Array.from(m.X);
  const yFires = Float32Array.from(m.yFires);
  for (let i = 0; i < m.rows; i++) {
    if (m.day[i] < fromDay) continue;
    yFires[i] = 50;
    X[2 * i] = 1e4;
    X[2 * i + 1] = -1e4;
  }
  return { ...m, X, yFires };
}

beforeAll(async () => {
  await selectBackend('wasm', log);
});

describe('trainingWindows', () => {
  // 20 cells × 120 days from 2022-01-08 (day 19000)
  const world = plantedWorld({ cells: 20, days: 120, seed: 9, intercept: -3 });
  const firstTestDay = 19000 + 100;

  it('cuts train = the train_years·365 days before validation, valid = the validation_days before the test day', () => {
    const w = trainingWindows(world.matrix, params, firstTestDay);
    // 0.2 · 365 = 73 days of training
    expect(w.validWindow).toEqual({ fromDay: 19090, toDay: 19099 });
    expect(w.trainWindow).toEqual({ fromDay: 19017, toDay: 19089 });
    expect(w.valid.rows).toBe(10 * 20);
    expect(Math.min(...w.train.day)).toBeGreaterThanOrEqual(19017);
    expect(Math.max(...w.train.day)).toBe(19089);
    expect(Math.max(...w.valid.day)).toBe(19099);
    // every fire row kept with weight 1; zeros weighted 4
    let fires = 0;
    for (let i = 0; i < world.matrix.rows; i++) if (world.matrix.day[i] >= 19017 && world.matrix.day[i] <= 19089 && world.matrix.yFires[i] > 0) fires++;
    expect(w.train.yFires.filter((y) => y > 0).length).toBe(fires);
    expect(new Set(Array.from(w.train.sampleWeight))).toEqual(new Set([1, 4]));
  });

  it('never uses a row of the test day or later: poisoning them changes nothing', async () => {
    const clean = trainingWindows(world.matrix, params, firstTestDay);
    const poisoned = trainingWindows(poisonFrom(world.matrix, firstTestDay), params, firstTestDay);
    expect(Array.from(poisoned.train.X)).toEqual(Array.from(clean.train.X));
    expect(Array.from(poisoned.valid.yFires)).toEqual(Array.from(clean.valid.yFires));
    const a = await fitModel(params, clean.train, clean.valid, log);
    const b = await fitModel(params, poisoned.train, poisoned.valid, log);
    expect(b.scaler).toEqual(a.scaler);
    expect(Array.from(await predictRates(b, world.matrix))).toEqual(Array.from(await predictRates(a, world.matrix)));
  });

  it('leaves out unlabelled (forecast) rows and refuses an empty window', () => {
    const unlabelled = { ...world.matrix, yFires: world.matrix.yFires.map((y, i) => (world.matrix.day[i] >= 19095 ? Number.NaN : y)) };
    expect(trainingWindows(unlabelled, params, firstTestDay).valid.rows).toBe(5 * 20);
    expect(() => trainingWindows(world.matrix, params, dayNumber('2020-01-01'))).toThrow(/no labelled feature rows in the training window \(2019-10-10\.\.2019-12-21\)/);
  });
});
