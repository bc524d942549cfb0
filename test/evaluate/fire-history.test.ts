import { describe, expect, it } from 'vitest';
import { byFireHistory } from '../../src/evaluate/fire-history.ts';
import { poissonLogLikelihood } from '../../src/evaluate/metrics.ts';

describe("the test period by the cells' fire history", () => {
  // Five cells with 0, 0, 1, 4 and 25 fires before the test period; two test days each.
  const pastFires = [0, 0, 1, 4, 25];
  const rows = {
    cellIndex: [0, 1, 2, 3, 4, 0, 1, 2, 3, 4],
    y: [0, 0, 0, 0, 2, 0, 0, 1, 0, 1],
  };
  const rates = {
    flat: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
    quiet_low: [0.1, 0.1, 1, 1, 1, 0.1, 0.1, 1, 1, 1],
  };
  const bins = byFireHistory(pastFires, rows, rates);

  it('bins cells by 0, 1, 2, 3–4, 5–9, 10–19 and 20+ past fires, empty bins kept', () => {
    expect(bins.map((b) => [b.label, b.cells, b.cell_days, b.fires])).toEqual([
      ['0', 2, 4, 0],
      ['1', 1, 2, 1],
      ['2', 0, 0, 0],
      ['3–4', 1, 2, 0],
      ['5–9', 0, 0, 0],
      ['10–19', 0, 0, 0],
      ['20+', 1, 2, 3],
    ]);
    expect(bins.map((b) => [b.min, b.max])).toEqual([[0, 0], [1, 1], [2, 2], [3, 4], [5, 9], [10, 19], [20, null]]);
  });

  it('sums each forecaster\'s expected fires per bin', () => {
    expect(bins.map((b) => b.predicted.flat)).toEqual([2, 1, 0, 1, 0, 0, 1]);
    expect(bins.map((b) => b.predicted.quiet_low)).toEqual([expect.closeTo(0.4, 12), 2, 0, 2, 0, 0, 2]);
  });

  it('sums the Poisson log-likelihood terms per bin (hand-computed), and the bins add up to the whole', () => {
    const ln2 = Math.log(2);
    // Never-burned cells: −Σ rate. One past fire: y = 1 on one day. 20+: y = 2 then 1 (−ln 2! = −ln 2).
    expect(bins[0].log_likelihood.flat).toBeCloseTo(-2, 12);
    expect(bins[0].log_likelihood.quiet_low).toBeCloseTo(-0.4, 12);
    expect(bins[1].log_likelihood.flat).toBeCloseTo(-ln2 - 1, 12);
    expect(bins[1].log_likelihood.quiet_low).toBeCloseTo(-2, 12);
    expect(bins[6].log_likelihood.flat).toBeCloseTo(-4 * ln2 - 1, 12);
    expect(bins[6].log_likelihood.quiet_low).toBeCloseTo(-2 - ln2, 12);
    for (const name of ['flat', 'quiet_low'] as const) {
      const total = bins.reduce((s, b) => s + b.log_likelihood[name], 0);
      expect(total).toBeCloseTo(poissonLogLikelihood(rows.y, rates[name]) * rows.y.length, 12);
    }
  });

  it('takes other edges', () => {
    expect(byFireHistory(pastFires, rows, rates, [0, 5]).map((b) => [b.label, b.cells, b.fires])).toEqual([
      ['0–4', 4, 1],
      ['5+', 1, 3],
    ]);
  });
});
