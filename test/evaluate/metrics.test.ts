import { describe, expect, it } from 'vitest';
import {
  averagePrecision,
  brierScore,
  calibration,
  evaluateForecast,
  hotSpotMeasures,
  meanPoissonDeviance,
  poissonLogLikelihood,
  precisionRecallCurve,
  rankGroups,
  rocAuc,
  rocCurve,
} from '../../src/evaluate/metrics.ts';

const f32 = (values: number[]) => Float32Array.from(values);
const i32 = (values: number[]) => Int32Array.from(values);

describe('Poisson deviance and log-likelihood', () => {
  // y = [0, 1, 2], μ = [0.5, 1, 1]
  // deviance terms: y=0 → μ = 0.5; 1·ln(1/1) − 0 = 0; 2·ln 2 − 1 = 0.386294; mean ×2 = 2·0.886294/3
  it('mean Poisson deviance includes the y = 0 terms', () => {
    expect(meanPoissonDeviance(f32([0, 1, 2]), f32([0.5, 1, 1]))).toBeCloseTo((2 * (0.5 + 0 + (2 * Math.LN2 - 1))) / 3, 6);
  });
  it('is zero for a perfect forecast and grows for a worse one', () => {
    expect(meanPoissonDeviance(f32([0, 1, 3]), f32([0, 1, 3]))).toBeCloseTo(0, 6);
    expect(meanPoissonDeviance(f32([0, 1]), f32([0.1, 0.5]))).toBeGreaterThan(meanPoissonDeviance(f32([0, 1]), f32([0.1, 0.9])));
  });
  // LL terms: −0.5; 1·ln 1 − 1 − ln 1! = −1; 2·ln 1 − 1 − ln 2! = −1 − ln 2
  it('log-likelihood per cell-day includes −ln y!', () => {
    expect(poissonLogLikelihood(f32([0, 1, 2]), f32([0.5, 1, 1]))).toBeCloseTo((-0.5 - 1 - 1 - Math.LN2) / 3, 6);
  });
  it('a zero rate for an observed fire costs a large finite penalty', () => {
    const ll = poissonLogLikelihood(f32([1]), f32([0]));
    expect(Number.isFinite(ll)).toBe(true);
    expect(ll).toBeLessThan(-20);
  });
});

describe('Brier score of P(any fire) = 1 − exp(−rate)', () => {
  it('matches the hand computation', () => {
    // p = 0.5 (y = 0) and 0.75 (y = 1): ((0.5)² + (0.25)²) / 2
    expect(brierScore(f32([0, 1]), Float64Array.from([Math.LN2, Math.log(4)]))).toBeCloseTo(0.15625, 6);
  });
  it('counts two fires as the outcome "any fire"', () => {
    expect(brierScore(f32([2]), Float64Array.from([Math.LN2]))).toBeCloseTo(0.25, 6);
  });
});

describe('ROC-AUC from scores with tied scores at average rank', () => {
  it('counts a tied positive–negative pair as one half', () => {
    // positives score 0.9, 0.5; negatives 0.9, 0.1, 0.5.
    // pos 0.9: tie ½ + win + win = 2.5; pos 0.5: loss + win + tie ½ = 1.5 → 4 / 6
    expect(rocAuc(f32([1, 0, 1, 0, 0]), f32([0.9, 0.9, 0.5, 0.1, 0.5]))).toBeCloseTo(4 / 6, 10);
  });
  it('is 1 for a perfect ranking, 0 for a reversed one and ½ for constant scores', () => {
    expect(rocAuc(f32([1, 0, 0]), f32([3, 2, 1]))).toBe(1);
    expect(rocAuc(f32([1, 0, 0]), f32([1, 2, 3]))).toBe(0);
    expect(rocAuc(f32([1, 0, 2, 0]), f32([1, 1, 1, 1]))).toBe(0.5);
  });
  it('is NaN when one class is absent', () => {
    expect(rocAuc(f32([0, 0]), f32([1, 2]))).toBeNaN();
  });
});

describe('PR-AUC as average precision', () => {
  it('sums precision at each recall step', () => {
    // ranks: pos (P=1/1), neg, pos (P=2/3): 0.5·1 + 0.5·2/3
    expect(averagePrecision(f32([1, 0, 1]), f32([0.9, 0.8, 0.7]))).toBeCloseTo(0.5 + 1 / 3, 10);
  });
  it('treats a tie group as one threshold', () => {
    // group 0.9: 1 pos 1 neg → precision ½ at recall ½; group 0.5: 2 pos of 4 → ½ at recall 1
    expect(averagePrecision(f32([1, 0, 1, 0, 0]), f32([0.9, 0.9, 0.5, 0.1, 0.5]))).toBeCloseTo(0.5, 10);
  });
});

describe('calibration', () => {
  const rateOf = (p: number) => -Math.log(1 - p);
  it('reliability table and ECE with uniform bins', () => {
    // p = 0.1, 0.3 | 0.6, 0.8 ; y = 0, 1 | 1, 1 → |0.2 − 0.5|·½ + |0.7 − 1|·½ = 0.3
    const result = calibration(f32([0, 1, 1, 1]), Float64Array.from([0.1, 0.3, 0.6, 0.8].map(rateOf)), 2, 'uniform');
    expect(result.ece).toBeCloseTo(0.3, 6);
    expect(result.bins.map((b) => b.count)).toEqual([2, 2]);
    expect(result.bins[0].mean_predicted).toBeCloseTo(0.2, 6);
    expect(result.bins[0].observed_frequency).toBeCloseTo(0.5, 6);
  });
  it('quantile bins keep ties together', () => {
    // three rows tie at p = 0.1: they stay in one bin though the target is 2 rows per bin
    const result = calibration(f32([0, 0, 1, 1]), Float64Array.from([0.1, 0.1, 0.1, 0.5].map(rateOf)), 2, 'quantile');
    expect(result.bins.map((b) => b.count)).toEqual([3, 1]);
    // |0.1 − 1/3|·¾ + |0.5 − 1|·¼
    expect(result.ece).toBeCloseTo((Math.abs(0.1 - 1 / 3) * 3) / 4 + 0.5 / 4, 6);
  });
  it('a calibrated forecast has a small ECE', () => {
    const n = 20000;
    const rate = new Float64Array(n);
    const y = new Float32Array(n);
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < n; i++) {
      rate[i] = 0.5 * rand();
      y[i] = rand() < 1 - Math.exp(-rate[i]) ? 1 : 0;
    }
    expect(calibration(y, rate, 10).ece).toBeLessThan(0.02);
  });
});

describe('hot-spot measures per day, averaged over days with fires', () => {
  // Day 1: scores 0.4 > 0.3 > 0.2 > 0.1, fires 1, 0, 2, 0, areas 1, 1, 2, 4 (total 8).
  //   top 25 % = 1 cell: captured 1 of 3; area 1/8 → PAI 8/3; best single cell holds 2 → PEI ½.
  //   top 50 % = 2 cells: captured 1 of 3; area 2/8 → PAI 4/3; best two cells hold 3 → PEI 1/3.
  // Day 2: no fire → left out of the averages.
  // Day 3: all scores tie, one fire in cell 3: top 1 cell captures ¼ in expectation (area ¼ of 8
  //   also in expectation) → hit ¼, PAI 1, PEI ¼; top 2 cells: hit ½, PAI 1, PEI ½.
  const day = i32([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
  const cellIndex = i32([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
  const y = f32([1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  const score = f32([0.4, 0.3, 0.2, 0.1, 0.4, 0.3, 0.2, 0.1, 0.5, 0.5, 0.5, 0.5]);
  const cellAreaKm2 = [1, 1, 2, 4];
  const result = hotSpotMeasures({ y, score, day, cellIndex, cellAreaKm2 }, [0.25, 0.5]);

  it('hit rate, PAI and PEI at 25 %', () => {
    const at = result.at[0];
    expect(at.days).toBe(2);
    expect(at.hit_rate).toBeCloseTo((1 / 3 + 1 / 4) / 2, 10);
    expect(at.pai).toBeCloseTo((8 / 3 + 1) / 2, 10);
    expect(at.pei).toBeCloseTo((1 / 2 + 1 / 4) / 2, 10);
    expect(at.pooled_hit_rate).toBeCloseTo((1 + 0.25) / 4, 10);
  });
  it('hit rate, PAI and PEI at 50 %', () => {
    const at = result.at[1];
    expect(at.hit_rate).toBeCloseTo((1 / 3 + 1 / 2) / 2, 10);
    expect(at.pai).toBeCloseTo((4 / 3 + 1) / 2, 10);
    expect(at.pei).toBeCloseTo((1 / 3 + 1 / 2) / 2, 10);
  });
  it('without areas every cell counts as one unit of area', () => {
    const plain = hotSpotMeasures({ y, score, day, cellIndex }, [0.25]);
    // day 1: hit ⅓ over area ¼ → 4/3; day 3: 1
    expect(plain.at[0].pai).toBeCloseTo((4 / 3 + 1) / 2, 10);
  });
  it("keeps each day's PAI, NaN on the day without fires", () => {
    expect([...result.daily_pai[0]]).toEqual([expect.closeTo(8 / 3, 10), NaN, expect.closeTo(1, 10)]);
    expect([...result.daily_pai[1]]).toEqual([expect.closeTo(4 / 3, 10), NaN, expect.closeTo(1, 10)]);
  });
  it('counts days and draws a capture curve from (0, 0) to (1, 1)', () => {
    expect(result.days_total).toBe(3);
    expect(result.days_with_fires).toBe(2);
    expect(result.capture_curve[0]).toEqual({ x: 0, y: 0 });
    expect(result.capture_curve[result.capture_curve.length - 1].y).toBeCloseTo(1, 10);
  });
});

describe('evaluateForecast', () => {
  it('puts every metric of one forecaster together', () => {
    const m = evaluateForecast(
      { y: f32([1, 0, 0, 0]), rate: f32([0.5, 0.1, 0.1, 0.2]), day: i32([1, 1, 2, 2]), cellIndex: i32([0, 1, 0, 1]) },
      { topShares: [0.5], calibrationBins: 2 },
    );
    expect(m.rows).toBe(4);
    expect(m.fires).toBe(1);
    expect(m.predicted_fires).toBeCloseTo(0.9, 6);
    expect(m.roc_auc).toBe(1);
    expect(m.hot_spot[0].hit_rate).toBe(1);
    expect(m.base_rate).toBe(0.25);
  });

  it('handles a million cell-days within seconds', () => {
    const n = 1_000_000;
    const y = new Float32Array(n);
    const rate = new Float32Array(n);
    const day = new Int32Array(n);
    const cellIndex = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      day[i] = Math.floor(i / 3000);
      cellIndex[i] = i % 3000;
      rate[i] = ((i * 7919) % 1000) / 1e6;
      y[i] = (i * 104729) % 997 === 0 ? 1 : 0;
    }
    const started = Date.now();
    const m = evaluateForecast({ y, rate, day, cellIndex }, { topShares: [0.01, 0.05, 0.1, 0.2], calibrationBins: 10 });
    expect(m.rows).toBe(n);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('ROC and precision–recall curves', () => {
  // scores 0.9 0.8 0.7 0.6 0.5, outcomes 1 0 0 1 0: P = 2, N = 3
  const y = f32([1, 0, 0, 1, 0]);
  const scores = f32([0.9, 0.8, 0.7, 0.6, 0.5]);

  it('ROC: one point per threshold from (0, 0) to (1, 1)', () => {
    expect(rocCurve(rankGroups(y, scores))).toEqual([
      { x: 0, y: 0 },
      { x: 0, y: 0.5 },
      { x: 1 / 3, y: 0.5 },
      { x: 2 / 3, y: 0.5 },
      { x: 2 / 3, y: 1 },
      { x: 1, y: 1 },
    ]);
  });

  it('PR: a point where recall rises, at the precision of that threshold', () => {
    // after 0.9: 1 of 1 right, recall 1/2; after 0.6: 2 of 4 right, recall 1
    expect(precisionRecallCurve(rankGroups(y, scores))).toEqual([
      { x: 0.5, y: 1 },
      { x: 1, y: 0.5 },
    ]);
  });

  it('PR: a tie group enters as one threshold, and the points sum to average precision', () => {
    // scores 0.9 0.9 0.7 0.6, outcomes 1 0 1 0: after 0.9 1 of 2 right (recall 1/2), after 0.7 2 of 3 (recall 1)
    const yTied = f32([1, 0, 1, 0]);
    const tied = f32([0.9, 0.9, 0.7, 0.6]);
    const curve = precisionRecallCurve(rankGroups(yTied, tied));
    expect(curve).toEqual([
      { x: 0.5, y: 0.5 },
      { x: 1, y: 2 / 3 },
    ]);
    const summed = curve.reduce((sum, p, k) => sum + (p.x - (k === 0 ? 0 : curve[k - 1].x)) * p.y, 0);
    expect(summed).toBeCloseTo(averagePrecision(yTied, tied), 12);
  });

  it('PR: thinned evenly in recall, keeping the high-precision start of a rare outcome', () => {
    // 500 fires, each ranked just above 10 cell-days without one: 5,500 thresholds
    const n = 500 * 11;
    const rare = new Float32Array(n);
    const ranked = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      rare[i] = i % 11 === 0 ? 1 : 0;
      ranked[i] = n - i;
    }
    const curve = precisionRecallCurve(rankGroups(rare, ranked), 200);
    expect(curve).toHaveLength(200);
    expect(curve[0]).toEqual({ x: 1 / 500, y: 1 });
    expect(curve[199]).toEqual({ x: 1, y: 500 / (500 + 499 * 10) });
    const steps = curve.slice(1).map((p, k) => p.x - curve[k].x);
    expect(Math.max(...steps) - Math.min(...steps)).toBeLessThanOrEqual(1 / 500 + 1e-12);
  });
});
