import { describe, expect, it } from 'vitest';
import { blockBootstrapRatio, comparePaired } from '../../src/evaluate/compare.ts';

const options = { blockDays: 7, resamples: 1000, seed: 5, level: 0.95 };

describe('blockBootstrapRatio', () => {
  it('is Σ value / Σ weight over the days, skipping days without a value', () => {
    expect(blockBootstrapRatio(Float64Array.from([2, 6]), Float64Array.from([1, 3]), options).value).toBe(2);
    expect(blockBootstrapRatio(Float64Array.from([1, NaN, 3]), Float64Array.from([1, 1, 1]), options).value).toBe(2);
  });

  it('has no spread when every block is the whole period (a circular block is then a rotation of it)', () => {
    const result = blockBootstrapRatio(Float64Array.from([1, 2, 3, 4]), Float64Array.from([1, 1, 1, 1]), { ...options, blockDays: 4 });
    expect(result).toEqual({ value: 2.5, lower: 2.5, upper: 2.5, share_positive: 1 });
  });

  it('resamples single days independently with one-day blocks', () => {
    // Two days worth 0 and 1: a resample's mean is 0, 0.5 or 1 with probabilities 1/4, 1/2, 1/4.
    const result = blockBootstrapRatio(Float64Array.from([0, 1]), Float64Array.from([1, 1]), { ...options, blockDays: 1, resamples: 4000 });
    expect(result.value).toBe(0.5);
    expect(result.lower).toBe(0);
    expect(result.upper).toBe(1);
    expect(result.share_positive).toBeCloseTo(0.75, 1);
  });

  it('is the same for the same seed', () => {
    const values = Float64Array.from({ length: 60 }, (_, k) => Math.sin(k));
    const weights = new Float64Array(60).fill(1);
    expect(blockBootstrapRatio(values, weights, options)).toEqual(blockBootstrapRatio(values, weights, options));
  });
});

describe('comparePaired', () => {
  // Two days of two cells of equal area; one fire, in cell 0 on day 0.
  const rows = { y: Float32Array.from([1, 0, 0, 0]), day: Int32Array.from([0, 0, 1, 1]), cellIndex: Int32Array.from([0, 1, 0, 1]) };
  const first = Float32Array.from([0.5, 0.1, 0.5, 0.1]);
  const second = Float32Array.from([0.25, 0.25, 0.25, 0.25]);

  it('gives the log-likelihood difference per cell-day and the PAI difference on the days with fires', () => {
    const result = comparePaired(rows, first, second, 'flat', [0.5], { ...options, blockDays: 1 });
    expect(result.against).toBe('flat');
    expect(result.days).toBe(2);
    // day 0: ln(0.5 / 0.25) − (0.5 − 0.25) − (0.1 − 0.25); day 1: −(0.5 − 0.25) − (0.1 − 0.25); over 4 cell-days
    expect(result.log_likelihood.value).toBeCloseTo((Math.log(2) - 0.1 - 0.1) / 4, 7); // inputs are float32
    // day 0, top half (1 cell): the first picks the burning cell (PAI 2); the second ties both cells (PAI 1)
    expect(result.pai[0].value).toBeCloseTo(1, 12);
    expect(result.pai[0].lower).toBeCloseTo(1, 12);
  });

  it('finds no difference between a forecast and itself', () => {
    const result = comparePaired(rows, first, first, 'itself', [0.5], options);
    expect(result.log_likelihood).toEqual({ value: 0, lower: 0, upper: 0, share_positive: 0 });
    expect(result.pai[0]).toEqual({ share: 0.5, value: 0, lower: 0, upper: 0, share_positive: 0 });
  });
});
