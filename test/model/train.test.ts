import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { modelIdFor } from '../../src/model/registry.ts';
import { dayAfterLastLabel, trainAsOf } from '../../src/model/train.ts';
import { createMemoryLogger } from '../../src/util/log.ts';
import { plantedWorld } from './synthetic.ts';

const log = createMemoryLogger();
const params = { ...defaultConfig().model, train_years: 0.1, validation_days: 7, negative_rate: 0.5, hidden_units: [4], max_epochs: 2 };

beforeAll(async () => {
  await selectBackend('wasm', log);
});

describe('trainAsOf', () => {
  // 20 cells × 60 days from day 19000 (2022-01-08); the last 3 days are forecast days without labels.
  const world = plantedWorld({ cells: 20, days: 60, seed: 6, intercept: -3 });
  const matrix = { ...world.matrix, yFires: world.matrix.yFires.map((y, i) => (world.matrix.day[i] >= 19057 ? Number.NaN : y)) };

  it('defaults to the day after the last label and records the windows the data fills', async () => {
    expect(dayAfterLastLabel(matrix)).toBe(19057);
    const result = await trainAsOf(matrix, params, log, { dataset: 'tiny' });
    expect(result.firstTestDay).toBe(19057);
    // valid = 19050..19056 (2022-02-27..2022-03-05); train = the 37 days before (0.1·365 rounds to 37)
    expect(result.record.validation_window).toEqual({ from: '2022-02-27', to: '2022-03-05' });
    expect(result.record.training_window).toEqual({ from: '2022-01-21', to: '2022-02-26' });
    expect(result.record.data_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(modelIdFor(result.fitted, result.record)).toMatch(/^m-20220226-/);
  });

  it('trains "as of" an earlier day from earlier rows only', async () => {
    const result = await trainAsOf(matrix, params, log, { firstTestDay: 19040 });
    expect(result.record.validation_window.to).toBe('2022-02-16');
    expect(Math.max(...result.windows.valid.day, ...result.windows.train.day)).toBe(19039);
  });
});
