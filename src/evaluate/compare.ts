/**
 * How sure is "the model beats the best baseline"? Paired differences between two forecasters on the
 * same cell-days, summarised per day and resampled by a moving-block bootstrap over days, so that the
 * intervals hold on real data too, where no oracle exists. Blocks of consecutive days keep the weather
 * spells and near-repeat clusters that make neighbouring days alike inside one resample.
 */
import { mulberry32 } from '../model/sampling.ts';
import { groupByDay, hotSpotMeasures, MIN_RATE, type HotSpotInput } from './metrics.ts';

export interface BootstrapOptions {
  /** Length of the blocks of consecutive days (circular: a block may wrap from the last day to the first). */
  blockDays: number;
  resamples: number;
  seed: number;
  /** Coverage of the percentile interval, e.g. 0.95. */
  level: number;
}

export interface BootstrapEstimate {
  /** The statistic on the days as they were. */
  value: number;
  /** Percentile interval of the statistic over the resamples. */
  lower: number;
  upper: number;
  /** Share of resamples in which the statistic was above 0. */
  share_positive: number;
}

/**
 * Σ value / Σ weight over the days, with a moving-block bootstrap interval. Days whose value is NaN (no
 * defined value, e.g. a hit rate on a day without fires) are left out of both sums wherever they fall.
 */
export function blockBootstrapRatio(values: Float64Array, weights: Float64Array, options: BootstrapOptions): BootstrapEstimate {
  const n = values.length;
  const ratio = (pick: (k: number) => number, length: number) => {
    let v = 0;
    let w = 0;
    for (let k = 0; k < length; k++) {
      const d = pick(k);
      if (Number.isNaN(values[d])) continue;
      v += values[d];
      w += weights[d];
    }
    return w !== 0 ? v / w : NaN;
  };
  const value = ratio((k) => k, n);
  if (n === 0 || Number.isNaN(value)) return { value, lower: NaN, upper: NaN, share_positive: NaN };
  const block = Math.max(1, Math.min(options.blockDays, n));
  const blocks = Math.ceil(n / block);
  const random = mulberry32(options.seed);
  const stats: number[] = [];
  const starts = new Int32Array(blocks);
  for (let r = 0; r < options.resamples; r++) {
    for (let b = 0; b < blocks; b++) starts[b] = Math.floor(random() * n);
    const s = ratio((k) => (starts[Math.floor(k / block)] + (k % block)) % n, n);
    if (!Number.isNaN(s)) stats.push(s);
  }
  if (stats.length === 0) return { value, lower: NaN, upper: NaN, share_positive: NaN };
  stats.sort((a, b) => a - b);
  const quantile = (q: number) => {
    const position = q * (stats.length - 1);
    const lo = Math.floor(position);
    const hi = Math.ceil(position);
    return stats[lo] + (position - lo) * (stats[hi] - stats[lo]);
  };
  const tail = (1 - options.level) / 2;
  return { value, lower: quantile(tail), upper: quantile(1 - tail), share_positive: stats.filter((s) => s > 0).length / stats.length };
}

/**
 * Day by day (in day order), Σ over the day's cell-days of the Poisson log-likelihood of `rate` minus that
 * of `other`, y·ln(rate/other) − (rate − other), and the number of cell-days.
 */
export function dailyLogLikelihoodDifference(y: ArrayLike<number>, day: Int32Array, rate: ArrayLike<number>, other: ArrayLike<number>): { difference: Float64Array; cellDays: Float64Array } {
  const groups = groupByDay(day);
  const nDays = groups.days.length;
  const difference = new Float64Array(nDays);
  const cellDays = new Float64Array(nDays);
  for (let k = 0; k < nDays; k++) {
    let sum = 0;
    for (let r = groups.start[k]; r < groups.start[k + 1]; r++) {
      const i = groups.rows[r];
      const a = Math.max(rate[i], MIN_RATE);
      const b = Math.max(other[i], MIN_RATE);
      sum += (y[i] > 0 ? y[i] * Math.log(a / b) : 0) - (a - b);
    }
    difference[k] = sum;
    cellDays[k] = groups.start[k + 1] - groups.start[k];
  }
  return { difference, cellDays };
}

export interface PairedComparison {
  /** The forecaster the first one is compared with. */
  against: string;
  days: number;
  block_days: number;
  resamples: number;
  level: number;
  /** Log-likelihood per cell-day, first minus second (positive: the first is better). */
  log_likelihood: BootstrapEstimate;
  /** PAI at each top share, first minus second, averaged over days with fires as the hot-spot table does. */
  pai: Array<{ share: number } & BootstrapEstimate>;
}

/**
 * Compares forecast `rate` with forecast `other` (named `against`) on the same rows: the daily sums of
 * their log-likelihood difference, y·ln(rate/other) − (rate − other), and their daily PAI differences.
 */
export function comparePaired(rows: Omit<HotSpotInput, 'score'>, rate: ArrayLike<number>, other: ArrayLike<number>, against: string, shares: number[], options: BootstrapOptions): PairedComparison {
  const { difference: llDifference, cellDays } = dailyLogLikelihoodDifference(rows.y, rows.day, rate, other);
  const nDays = cellDays.length;
  const first = hotSpotMeasures({ ...rows, score: rate }, shares, 2);
  const second = hotSpotMeasures({ ...rows, score: other }, shares, 2);
  const ones = new Float64Array(nDays).fill(1);
  return {
    against,
    days: nDays,
    block_days: options.blockDays,
    resamples: options.resamples,
    level: options.level,
    log_likelihood: blockBootstrapRatio(llDifference, cellDays, options),
    pai: shares.map((share, s) => {
      const daily = Float64Array.from(first.daily_pai[s], (v, k) => v - second.daily_pai[s][k]);
      return { share, ...blockBootstrapRatio(daily, ones, options) };
    }),
  };
}
