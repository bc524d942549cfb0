import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/schema.ts';
import { selectDays, type FeatureMatrix } from '../../src/features/matrix.ts';
import { backtestMonths, backtestWarnings, permutationImportance, runBacktest, testMonths, type TestRows, type WindowRule } from '../../src/evaluate/backtest.ts';
import { poissonLogLikelihood } from '../../src/evaluate/metrics.ts';
import { createLogger } from '../../src/util/log.ts';
import type { Forecaster } from '../../src/model/types.ts';
import { dayNumber } from '../../src/util/days.ts';
import { denseMatrix, poissonSample, seededRandom, squareGeometry } from './helpers.ts';

describe('testMonths', () => {
  it('takes the calendar months up to the one of the last labelled day, the last one partial', () => {
    const months = testMonths(dayNumber('2021-12-15'), 3);
    expect(months.map((m) => m.month)).toEqual(['2021-10', '2021-11', '2021-12']);
    expect(months[0].fromDay).toBe(dayNumber('2021-10-01'));
    expect(months[1].toDay).toBe(dayNumber('2021-11-30'));
    expect(months[2].toDay).toBe(dayNumber('2021-12-15'));
  });
  it('crosses a year boundary', () => {
    expect(testMonths(dayNumber('2022-01-31'), 2).map((m) => m.month)).toEqual(['2021-12', '2022-01']);
  });
});

describe('backtestMonths', () => {
  const first = dayNumber('2024-01-01');
  const last = dayNumber('2025-06-20');
  it('keeps the months asked for when the history before them is long enough', () => {
    // 2024-07-01 is 182 days after 2024-01-01.
    expect(backtestMonths(first, last, 12, 182)?.map((m) => m.month)[0]).toBe('2024-07');
  });
  it('drops the earliest months until the first starts minHistoryDays after the first labelled day', () => {
    // 2024-07-01 is 182 days in, 2024-08-01 is 213: with 200 days needed the first test month is August.
    const months = backtestMonths(first, last, 12, 200)!;
    expect(months.map((m) => m.month)).toEqual(['2024-08', '2024-09', '2024-10', '2024-11', '2024-12', '2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06']);
  });
  it('is null when not even the last month fits', () => {
    // The last (partial) month starts 2025-06-01, 517 days in.
    expect(backtestMonths(first, last, 12, 517)?.map((m) => m.month)).toEqual(['2025-06']);
    expect(backtestMonths(first, last, 12, 518)).toBeNull();
  });
});

describe('rolling-origin backtest on a synthetic district', () => {
  // 16 cells; each cell's true rate is 0.1·exp(x_c) with a fixed feature x_c in [-1, 1].
  // Labelled days 2020-01-01 .. 2021-12-31, then 3 forecast days with NaN labels.
  const from = dayNumber('2020-01-01');
  const lastLabelled = dayNumber('2021-12-31');
  const xOf = (c: number) => -1 + (2 * c) / 15;
  const trueRate = (c: number) => 0.1 * Math.exp(xOf(c));
  const random = seededRandom(42);
  const matrix = denseMatrix(16, from, lastLabelled + 3, (c, d) => (d > lastLabelled ? NaN : poissonSample(trueRate(c), random)), (c) => xOf(c));
  const geometry = squareGeometry(4);
  const oracle: Forecaster = { name: 'oracle', predict: async (m) => Float32Array.from(m.cellIndex, (c) => trueRate(c)) };

  const trainedOn: Array<{ lastTrainDay: number; lastValidDay: number; firstTestDay: number }> = [];
  const windows: WindowRule = (m, firstTestDay) => {
    const train = selectDays(m, -Infinity, firstTestDay - 31);
    const valid = selectDays(m, firstTestDay - 30, firstTestDay - 1);
    trainedOn.push({ lastTrainDay: Math.max(...train.day), lastValidDay: Math.max(...valid.day), firstTestDay });
    return { train, valid, trainWindow: { fromDay: from, toDay: firstTestDay - 31 }, validWindow: { fromDay: firstTestDay - 30, toDay: firstTestDay - 1 } };
  };
  // A one-parameter model: rate = k·exp(x), k matched to the training window's fires.
  const trainer = async (train: FeatureMatrix) => {
    let fires = 0;
    let exposure = 0;
    for (let i = 0; i < train.rows; i++) {
      fires += train.yFires[i];
      exposure += Math.exp(train.X[i]);
    }
    const k = fires / exposure;
    return async (m: FeatureMatrix) => Float32Array.from(m.X, (x) => k * Math.exp(x));
  };
  const options = { ...defaultConfig().evaluate, months: 3, refit_every_months: 2 };

  it('trains before each refit month, scores every forecaster and closes most of the gap', async () => {
    const result = await runBacktest({ matrix, geometry, options, trainer, windows, oracle, modelName: 'model', seed: 3 });
    expect(result.months.map((m) => m.month)).toEqual(['2021-10', '2021-11', '2021-12']);
    expect(result.months.map((m) => m.model_refit)).toEqual([true, false, true]);
    expect(result.months.map((m) => m.rows)).toEqual([16 * 31, 16 * 30, 16 * 31]);
    // the model never saw its test month
    expect(trainedOn.map((t) => t.firstTestDay)).toEqual([dayNumber('2021-10-01'), dayNumber('2021-12-01')]);
    for (const t of trainedOn) expect(Math.max(t.lastTrainDay, t.lastValidDay)).toBeLessThan(t.firstTestDay);
    expect(result.months[0].train_window?.to).toBe('2021-08-31');

    expect(result.forecasters).toEqual(['model', 'historical_rate', 'kde_hotspot', 'near_repeat', 'seasonal_rate', 'oracle']);
    expect(result.test_period).toEqual({ from: '2021-10-01', to: '2021-12-31' });
    const rows = 16 * 92;
    for (const name of result.forecasters) expect(result.overall[name].rows).toBe(rows);
    expect(result.per_season.map((s) => [s.season, s.months])).toEqual([
      ['winter', ['2021-12']],
      ['autumn', ['2021-10', '2021-11']],
    ]);
    expect(result.per_month[2].metrics.model.rows).toBe(16 * 31);

    const ll = (name: string) => result.overall[name].log_likelihood;
    expect(ll(result.best_baseline)).toBe(Math.max(...result.baselines.map(ll)));
    // over these 92 days the seasonal rate happens to score above the oracle itself, and above the model, which has
    // the true form and one parameter: the share of the gap is still the ratio of the two differences (here above 1)
    expect(ll('oracle')).toBeLessThan(ll(result.best_baseline));
    expect(result.gap_closed).toBeGreaterThan(0.5);
    expect(result.gap_closed).toBeCloseTo((ll('model') - ll(result.best_baseline)) / (ll('oracle') - ll(result.best_baseline)), 10);

    // the model against the best baseline, day by day, with an interval around the difference over the whole period
    const versus = result.model_vs_best_baseline;
    expect(versus.against).toBe(result.best_baseline);
    expect(versus.days).toBe(92);
    expect(versus.log_likelihood.value).toBeCloseTo(ll('model') - ll(result.best_baseline), 8);
    expect(versus.log_likelihood.lower).toBeLessThan(versus.log_likelihood.value);
    expect(versus.log_likelihood.upper).toBeGreaterThan(versus.log_likelihood.value);
    expect(versus.pai.map((p) => p.share)).toEqual(options.top_shares);
    // here the seasonal rate happens to score a higher likelihood than the model: the run says so
    expect(versus.log_likelihood.value).toBeLessThan(0);
    expect(backtestWarnings(result)).toEqual([
      `the model's log-likelihood over the backtest is below the best baseline's (seasonal_rate; the model ahead in ${Math.round(100 * versus.log_likelihood.share_positive)}% of bootstrap resamples): in this district its scores have not been better than that baseline's; see the report before relying on them`,
    ]);
    expect(backtestWarnings({ ...result, model_vs_best_baseline: { ...versus, log_likelihood: { ...versus.log_likelihood, value: 1e-6 } } })).toEqual([]);
    // the share of the gap closed, resampled the same way: both log-likelihood differences move together
    expect(result.gap_closed_interval!.value).toBeCloseTo(result.gap_closed!, 8);
    expect(result.gap_closed_interval!.lower).toBeLessThan(result.gap_closed!);
    expect(result.gap_closed_interval!.upper).toBeGreaterThan(result.gap_closed!);

    expect(result.feature_importance).toHaveLength(1);
    expect(result.feature_importance[0].feature).toBe('x');
    expect(result.feature_importance[0].deviance_increase).toBeGreaterThan(0);
    expect(result.baseline_fits[0].fits.kde_hotspot).toBeDefined();
  });

  it('scores the daily selections against the true intensity when there is an oracle, and not without one', async () => {
    let handedOver: { rows: TestRows; rates: Record<string, Float32Array> } | null = null;
    const result = await runBacktest({ matrix, geometry, options, trainer, windows, oracle, modelName: 'model', seed: 3, onTestRates: (rows, rates) => (handedOver = { rows, rates }) });
    // the test cell-days and every forecast for them are handed over, in the same order
    const { rows, rates } = handedOver!;
    expect(rows.y).toHaveLength(16 * 92);
    expect(Object.keys(rates)).toEqual(result.forecasters);
    expect(poissonLogLikelihood(rows.y, rates.model)).toBeCloseTo(result.overall.model.log_likelihood, 12);

    const truth = result.hot_spot_against_truth!;
    expect(Object.keys(truth)).toEqual(result.forecasters);
    // Every day the top m = max(1, round(share · 16)) cells: 1, 1, 2 and 3 cells at 1, 5, 10 and 20 %. The true rate rises
    // with the cell index, so the best selection is the last m cells, every day alike.
    const total = Array.from({ length: 16 }, (_, c) => trueRate(c)).reduce((a, b) => a + b, 0);
    const lastCells = (m: number) => Array.from({ length: m }, (_, k) => trueRate(15 - k)).reduce((a, b) => a + b, 0) / total;
    const expected = [1, 1, 2, 3].map((m) => ({ hit: lastCells(m), pai: lastCells(m) / (m / 16) }));
    truth.oracle.forEach((h, s) => {
      expect(h.hit_rate).toBeCloseTo(expected[s].hit, 6);
      expect(h.pai).toBeCloseTo(expected[s].pai, 5);
      expect(h.pei).toBeCloseTo(1, 6);
      expect(h.days).toBe(92);
    });
    // k·exp(x) ranks the cells as the oracle does, so its selections capture exactly as much.
    expect(truth.model.map((h) => h.pei)).toEqual(truth.model.map(() => expect.closeTo(1, 6)));

    const withoutOracle = await runBacktest({ matrix, geometry, options, trainer, windows, modelName: 'model', seed: 3 });
    expect(withoutOracle.hot_spot_against_truth).toBeNull();
    expect(withoutOracle.gap_closed_interval).toBeNull();
  });

  it('shortens the test period to leave the history the first refit needs, and says so', async () => {
    const warnings: string[] = [];
    const log = { ...createLogger({ quiet: true }), warn: (message: string) => warnings.push(message) };
    // 24 months asked for; with 60 days of history required the first test month can start 2020-03-01 at the earliest.
    const result = await runBacktest({ matrix, geometry, options: { ...options, months: 24, refit_every_months: 24 }, trainer, windows, minHistoryDays: 60, log });
    expect(result.months_requested).toBe(24);
    expect(result.months).toHaveLength(22);
    expect(result.test_period).toEqual({ from: '2020-03-01', to: '2021-12-31' });
    expect(warnings).toEqual(['backtest shortened to 22 of 24 months: labelled days start 2020-01-01, and the first test month needs 60 days of history before it']);
  });

  it('refuses a history too short for one test month, naming the settings to change', async () => {
    await expect(runBacktest({ matrix, geometry, options, trainer, windows, minHistoryDays: 731 })).rejects.toThrow(
      'backtest: labelled days run 2020-01-01..2021-12-31, too short for even one test month after 731 days of training and validation history; lower model.validation_days or evaluate.min_train_days, or bring a longer history',
    );
  });
});

describe('permutation importance', () => {
  it('is zero for a feature the forecast ignores and positive for one it uses', async () => {
    const random = seededRandom(9);
    const m = denseMatrix(50, 0, 99, (c) => poissonSample(c < 25 ? 0.5 : 0.05, random), (c) => (c < 25 ? 1 : 0));
    const two: FeatureMatrix = { ...m, featureNames: ['used', 'ignored'], X: new Float32Array(m.rows * 2) };
    for (let i = 0; i < m.rows; i++) {
      two.X[2 * i] = m.X[i];
      two.X[2 * i + 1] = i % 7;
    }
    const predict = async (x: FeatureMatrix) => Float32Array.from({ length: x.rows }, (_, i) => (x.X[2 * i] > 0.5 ? 0.5 : 0.05));
    const importance = await permutationImportance(predict, two, 1);
    expect(importance[0].feature).toBe('used');
    expect(importance[0].deviance_increase).toBeGreaterThan(0.05);
    expect(importance[1]).toEqual({ feature: 'ignored', deviance_increase: 0 });
  });
});
