import { describe, expect, it } from 'vitest';
import { applyScaler, fitScaler, SCALED_CLIP } from '../../src/model/scaler.ts';

describe('fitScaler / applyScaler', () => {
  it('standardises with the training statistics; a constant column gets std 1', () => {
    // rows (1, 10) and (3, 10): mean (2, 10), std (1, constant → 1)
    const scaler = fitScaler(Float32Array.from([1, 10, 3, 10]), 2);
    expect(scaler.mean).toEqual([2, 10]);
    expect(scaler.std).toEqual([1, 1]);
    expect(Array.from(applyScaler(Float32Array.from([5, 12]), 2, scaler))).toEqual([3, 2]);
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
});
