import { describe, expect, it } from 'vitest';
import { applyScaler, featureReference, fitScaler, SCALED_CLIP } from '../../src/model/scaler.ts';

describe('fitScaler / applyScaler', () => {
  it('standardises with the training statistics; a constant column gets std 1', () => {
    // rows (1, 10) and (3, 10): mean (2, 10), std (1, constant → 1)
    const scaler = fitScaler(Float32Array.from([1, 10, 3, 10]), 2);
    expect(scaler.mean).toEqual([2, 10]);
    expect(scaler.std).toEqual([1, 1]);
    expect(Array.from(applyScaler(Float32Array.from([2.5, 10]), 2, scaler))).toEqual([0.5, 0]);
  });

  it('clips later values to the training range, so the model never extrapolates', () => {
    // training range: column a 1..3 → standardised −1..1; column b constant 10 → 0..0
    const scaler = fitScaler(Float32Array.from([1, 10, 3, 10]), 2);
    expect(scaler.low).toEqual([-1, 0]);
    expect(scaler.high).toEqual([1, 0]);
    expect(Array.from(applyScaler(Float32Array.from([5, 12, -4, 7]), 2, scaler))).toEqual([1, 0, -1, 0]);
  });

  it('weights rows: a subsampled window yields the full window statistics', () => {
    // values 1 (weight 1) and 3 (weight 3): mean (1 + 9) / 4 = 2.5; variance (1·2.25 + 3·0.25) / 4 = 0.75
    const scaler = fitScaler(Float32Array.from([1, 3]), 1, Float32Array.from([1, 3]));
    expect(scaler.mean[0]).toBeCloseTo(2.5, 12);
    expect(scaler.std[0]).toBeCloseTo(Math.sqrt(0.75), 12);
  });

  it('reads columns through an index (other column order) and clips far outliers', () => {
    const scaler = { mean: [0, 100], std: [1, 10] };
    // source columns are (b, a, extra); the scaler wants (a, b)
    const out = applyScaler(Float32Array.from([120, 3, 7, 100, 1e6, 7]), 3, scaler, [1, 0]);
    expect(Array.from(out)).toEqual([3, 2, SCALED_CLIP, 0]);
  });

  it('log-transforms a non-negative right-skewed column chosen on the training rows, with the median positive value as offset', () => {
    // column a: 0, 0, 1, 9 (mean 2.5, m2 14.25, m3 60: skewness 60 / 14.25^1.5 = 1.115 > 1, non-negative);
    // offset c = the default quantile (the median) of the positive values {1, 9}: 1, which already holds half
    // the weight → log(x + 1): 0, 0, ln 2, ln 10.
    // column b: −1, 0, 1, 9 (a negative value) and c: 1, 2, 3, 4 (not skewed) stay raw.
    const X = Float32Array.from([0, -1, 1, 0, 0, 2, 1, 1, 3, 9, 9, 4]);
    const scaler = fitScaler(X, 3, undefined, { logSkewness: 1 });
    expect(scaler.log_offset).toEqual([1, 0, 0]);
    const logged = [0, 0, Math.log(2), Math.log(10)];
    const mean = (Math.log(2) + Math.log(10)) / 4;
    const std = Math.sqrt(logged.reduce((s, v) => s + (v - mean) ** 2, 0) / 4);
    expect(scaler.mean[0]).toBeCloseTo(mean, 6);
    expect(scaler.std[0]).toBeCloseTo(std, 6);
    expect(scaler.mean[1]).toBeCloseTo(2.25, 12);
    expect(featureReference(scaler)).toEqual([2.5, 2.25, 2.5]);
    // a later row (4, 5, 2.5): log(4 + 1) = ln 5 for a; c plainly standardised
    const z = applyScaler(Float32Array.from([4, 5, 2.5]), 3, scaler);
    expect(z[0]).toBeCloseTo((Math.log(5) - mean) / std, 5);
    expect(z[2]).toBeCloseTo(0, 6);
    // 99 lies beyond the training maximum 9: clipped to it on the log scale, ln 10
    expect(applyScaler(Float32Array.from([99, 5, 2.5]), 3, scaler)[0]).toBeCloseTo((Math.log(10) - mean) / std, 5);
  });

  it('takes the offset from the weighted positive values: a rate column enters almost as log x', () => {
    // positive values 0.02 (weight 1), 0.5 (weight 3), 2 (weight 1), 40 (weight 1); zeros weight 4.
    // Weighted quantile 0.3 of the positives (total weight 6 → 1.8): 0.02 covers 1, 0.5 reaches 4 ≥ 1.8 → c = 0.5.
    const X = Float32Array.from([0, 0.02, 0.5, 2, 40]);
    const scaler = fitScaler(X, 1, Float32Array.from([4, 1, 3, 1, 1]), { logSkewness: 1, logOffsetQuantile: 0.3 });
    expect(scaler.log_offset).toEqual([0.5]);
    expect(fitScaler(X, 1, Float32Array.from([4, 1, 3, 1, 1]), { logSkewness: 1, logOffsetQuantile: 0.1 }).log_offset?.[0]).toBeCloseTo(0.02, 7);
  });

  it('without a threshold transforms nothing, and an old scaler (mean, std only) still applies', () => {
    const X = Float32Array.from([0, 0, 1, 9]);
    const plain = fitScaler(X, 1);
    expect(plain.log_offset).toBeUndefined();
    expect(featureReference(plain)).toEqual([2.5]);
    expect(Array.from(applyScaler(Float32Array.from([2.5]), 1, plain))).toEqual([0]);
  });
});
