/**
 * The forecasts a fire service or a crime-forecasting analyst would otherwise use, each a `Forecaster`
 * built from past labels only.
 *
 * Every baseline has two parts:
 * - parameters (smoothing prior, bandwidth, decay, …) fitted once at `fitDay` from labels of days
 *   before `fitDay` (the backtest refits them at every month's start);
 * - a daily state swept forward through the label history: the forecast for day d is taken before
 *   the labels of day d are observed, so it depends on labels of days < d only.
 * Forecasting a day before `fitDay` is refused (its parameters would have seen later labels).
 */
import type { FeatureMatrix } from '../features/matrix.ts';
import type { Forecaster } from '../model/types.ts';
import { countsBetween, sparseKernel, typicalSpacing_m, type CellGeometry, type CellKernel, type LabelHistory } from './history.ts';
import { groupByDay } from './metrics.ts';

/** Per-cell daily state of a baseline. */
export interface DailyState {
  /** Expected fires per cell for `day` into `out` (length nCells), from the days observed so far. */
  forecast(day: number, out: Float64Array): void;
  /** Takes in the labels of `day` (cells with fires and their counts); called for observed days in order. */
  observe(day: number, cells: Int32Array, counts: Float32Array): void;
}

/** A Forecaster that sweeps a daily state through the history up to the last requested day. */
export function sweepForecaster(name: string, history: LabelHistory, fitDay: number, makeState: () => DailyState): Forecaster {
  return {
    name,
    predict: async (matrix: FeatureMatrix) => {
      const out = new Float32Array(matrix.rows);
      if (matrix.rows === 0) return out;
      const groups = groupByDay(matrix.day);
      const firstQuery = groups.days[0];
      const lastQuery = groups.days[groups.days.length - 1];
      if (firstQuery < fitDay) throw new RangeError(`${name}: cannot forecast day ${firstQuery} before its fit day ${fitDay}`);
      for (let i = 0; i < matrix.rows; i++) {
        if (matrix.cellIndex[i] < 0 || matrix.cellIndex[i] >= history.nCells) throw new RangeError(`${name}: cell_index ${matrix.cellIndex[i]} outside the ${history.nCells} cells of the history`);
      }
      const state = makeState();
      const rates = new Float64Array(history.nCells);
      let g = 0;
      for (let d = Math.min(history.firstDay, firstQuery); d <= lastQuery; d++) {
        if (groups.days[g] === d) {
          state.forecast(d, rates);
          for (let r = groups.start[g]; r < groups.start[g + 1]; r++) {
            const i = groups.rows[r];
            out[i] = rates[matrix.cellIndex[i]];
          }
          g++;
        }
        const k = d - history.firstDay;
        if (k >= 0 && k < history.nDays && history.observed[k]) {
          const a = history.eventStart[k];
          const b = history.eventStart[k + 1];
          state.observe(d, history.eventCell.subarray(a, b), history.eventCount.subarray(a, b));
        }
      }
      return out;
    },
  };
}

/** Observed days of the history in [fromDay, toDay). */
function observedDays(history: LabelHistory, fromDay: number, toDay: number): number {
  let n = 0;
  for (let d = Math.max(fromDay, history.firstDay); d < Math.min(toDay, history.firstDay + history.nDays); d++) n += history.observed[d - history.firstDay];
  return n;
}

// ---------------------------------------------------------------------------------------------
// (a) Long-run historical rate, smoothed by empirical Bayes.

/** Gamma(shape, rate) prior on a cell's daily rate: posterior mean (fires + shape) / (days + rate_days). */
export interface GammaPrior {
  shape: number;
  rate_days: number;
}

/**
 * Method-of-moments Gamma prior from per-cell counts over `days` days: its mean is the district mean
 * rate m, its variance the spread of the raw cell rates beyond Poisson noise (var − m / days). No
 * excess spread means complete pooling towards the district mean.
 */
export function empiricalBayesPrior(counts: Float64Array, days: number): GammaPrior {
  const n = counts.length;
  if (days <= 0 || n === 0) return { shape: 0, rate_days: 1 };
  let total = 0;
  for (let c = 0; c < n; c++) total += counts[c];
  const mean = total / (n * days);
  if (mean <= 0) return { shape: 0, rate_days: 1 };
  let sq = 0;
  for (let c = 0; c < n; c++) sq += (counts[c] / days - mean) ** 2;
  const excess = sq / n - mean / days;
  const rateDays = excess > 0 ? mean / excess : 1e9;
  return { shape: mean * rateDays, rate_days: rateDays };
}

/** Posterior-mean rate of every cell from all labels before `day`, updated daily. */
class HistoricalRateState implements DailyState {
  readonly counts: Float64Array;
  days = 0;
  constructor(
    nCells: number,
    private readonly prior: GammaPrior,
  ) {
    this.counts = new Float64Array(nCells);
  }
  forecast(_day: number, out: Float64Array): void {
    const denominator = this.days + this.prior.rate_days;
    for (let c = 0; c < out.length; c++) out[c] = (this.counts[c] + this.prior.shape) / denominator;
  }
  observe(_day: number, cells: Int32Array, counts: Float32Array): void {
    this.days++;
    for (let e = 0; e < cells.length; e++) this.counts[cells[e]] += counts[e];
  }
}

export interface HistoricalRateFit {
  prior: GammaPrior;
}

export function fitHistoricalRate(history: LabelHistory, fitDay: number): Forecaster & { fit: HistoricalRateFit } {
  const { counts, days } = countsBetween(history, history.firstDay, fitDay);
  const prior = empiricalBayesPrior(counts, days);
  return { ...sweepForecaster('historical_rate', history, fitDay, () => new HistoricalRateState(history.nCells, prior)), fit: { prior } };
}

// ---------------------------------------------------------------------------------------------
// (d) Seasonal rate: the smoothed per-cell rate × a district factor for the month of the year.

const monthOfDay = (day: number): number => new Date(day * 86_400_000).getUTCMonth();

export interface SeasonalFit {
  prior: GammaPrior;
  /** Factor by month of the year (0 = January): fires per day that month / fires per day overall. */
  month_factor: number[];
}

/**
 * Month factors are shrunk towards 1 by `pseudo_fires` (the factor of a month with few observed
 * days or fires stays near 1): factor = (fires_m + k) / (expected_m + k), expected_m = days_m × district daily rate.
 */
export function fitSeasonalRate(history: LabelHistory, fitDay: number, pseudoFires = 10): Forecaster & { fit: SeasonalFit } {
  const { counts, days } = countsBetween(history, history.firstDay, fitDay);
  const prior = empiricalBayesPrior(counts, days);
  const firesByMonth = new Float64Array(12);
  const daysByMonth = new Float64Array(12);
  for (let d = history.firstDay; d < Math.min(fitDay, history.firstDay + history.nDays); d++) {
    const k = d - history.firstDay;
    if (!history.observed[k]) continue;
    const m = monthOfDay(d);
    daysByMonth[m]++;
    for (let e = history.eventStart[k]; e < history.eventStart[k + 1]; e++) firesByMonth[m] += history.eventCount[e];
  }
  const totalFires = firesByMonth.reduce((a, b) => a + b, 0);
  const dailyRate = days > 0 ? totalFires / days : 0;
  const factor = Array.from({ length: 12 }, (_, m) => (firesByMonth[m] + pseudoFires) / (daysByMonth[m] * dailyRate + pseudoFires));
  const makeState = (): DailyState => {
    const base = new HistoricalRateState(history.nCells, prior);
    return {
      forecast(day, out) {
        base.forecast(day, out);
        const f = factor[monthOfDay(day)];
        for (let c = 0; c < out.length; c++) out[c] *= f;
      },
      observe: (day, cells, counts) => base.observe(day, cells, counts),
    };
  };
  return { ...sweepForecaster('seasonal_rate', history, fitDay, makeState), fit: { prior, month_factor: factor } };
}

// ---------------------------------------------------------------------------------------------
// (b) Kernel-density hot-spot map of the last 365 days.

export interface KdeOptions {
  window_days: number;
  /** Held-out days before the fit day on which bandwidth and uniform mix are chosen by likelihood. */
  holdout_days: number;
  /** Candidate bandwidths as multiples of the grid spacing. */
  bandwidth_multipliers: number[];
  /** Candidate weights of the area-uniform component (keeps every cell's rate above zero). */
  uniform_mix: number[];
}

export const defaultKdeOptions: KdeOptions = {
  window_days: 365,
  holdout_days: 90,
  bandwidth_multipliers: [0.5, 1, 1.5, 2, 3, 4],
  uniform_mix: [0.001, 0.01, 0.05, 0.2],
};

export interface KdeFit {
  bandwidth_m: number;
  uniform_mix: number;
  /** 'likelihood' when chosen on the held-out window; 'rule' (2 × spacing, 5 %) when that window or the map before it had no fires. */
  chosen_by: 'likelihood' | 'rule';
  holdout_log_likelihood?: number;
}

/** Kernel from each source cell j to target cells c: area_c × exp(−d² / 2h²), cut at 3.5 h. */
function kdeKernel(geometry: CellGeometry, bandwidth_m: number): CellKernel {
  const twoH2 = 2 * bandwidth_m * bandwidth_m;
  return sparseKernel(geometry, 3.5 * bandwidth_m, (c, d2) => geometry.area_km2[c] * Math.exp(-d2 / twoH2));
}

function areaShares(geometry: CellGeometry): Float64Array {
  const total = geometry.area_km2.reduce((a, b) => a + b, 0);
  return geometry.area_km2.map((a) => (total > 0 ? a / total : 1 / geometry.area_km2.length));
}

function smooth(kernel: CellKernel, counts: Float64Array): Float64Array {
  const s = new Float64Array(counts.length);
  for (let j = 0; j < counts.length; j++) {
    if (counts[j] === 0) continue;
    for (let e = kernel.start[j]; e < kernel.start[j + 1]; e++) s[kernel.target[e]] += counts[j] * kernel.weight[e];
  }
  return s;
}

export function fitKdeHotSpot(history: LabelHistory, geometry: CellGeometry, fitDay: number, options: KdeOptions = defaultKdeOptions): Forecaster & { fit: KdeFit } {
  if (geometry.x_m.length !== history.nCells) throw new RangeError(`kde_hotspot: geometry has ${geometry.x_m.length} cells, history ${history.nCells}`);
  const spacing = typicalSpacing_m(geometry);
  const uniform = areaShares(geometry);
  const holdoutStart = fitDay - options.holdout_days;
  const before = countsBetween(history, holdoutStart - options.window_days, holdoutStart);
  const held = countsBetween(history, holdoutStart, fitDay);
  const beforeTotal = before.counts.reduce((a, b) => a + b, 0);
  const heldTotal = held.counts.reduce((a, b) => a + b, 0);
  let fit: KdeFit = { bandwidth_m: 2 * spacing, uniform_mix: 0.05, chosen_by: 'rule' };
  if (beforeTotal > 0 && heldTotal > 0) {
    let best = -Infinity;
    for (const multiplier of options.bandwidth_multipliers) {
      const bandwidth = multiplier * spacing;
      const s = smooth(kdeKernel(geometry, bandwidth), before.counts);
      const total = s.reduce((a, b) => a + b, 0);
      for (const mix of options.uniform_mix) {
        let ll = 0;
        for (let c = 0; c < s.length; c++) if (held.counts[c] > 0) ll += held.counts[c] * Math.log((1 - mix) * (s[c] / total) + mix * uniform[c]);
        if (ll > best) {
          best = ll;
          fit = { bandwidth_m: bandwidth, uniform_mix: mix, chosen_by: 'likelihood', holdout_log_likelihood: ll };
        }
      }
    }
  }
  const kernel = kdeKernel(geometry, fit.bandwidth_m);
  const columnSum = new Float64Array(history.nCells);
  for (let j = 0; j < history.nCells; j++) for (let e = kernel.start[j]; e < kernel.start[j + 1]; e++) columnSum[j] += kernel.weight[e];
  const makeState = (): DailyState => {
    const smoothed = new Float64Array(history.nCells);
    let smoothedTotal = 0;
    let windowFires = 0;
    let windowDays = 0;
    const add = (cells: Int32Array, counts: Float32Array, sign: number) => {
      for (let e = 0; e < cells.length; e++) {
        const j = cells[e];
        const w = sign * counts[e];
        windowFires += w;
        smoothedTotal += w * columnSum[j];
        for (let k = kernel.start[j]; k < kernel.start[j + 1]; k++) smoothed[kernel.target[k]] += w * kernel.weight[k];
      }
    };
    return {
      forecast(_day, out) {
        const daily = windowDays > 0 ? Math.max(0, windowFires) / windowDays : 0;
        const mix = smoothedTotal > 1e-12 ? fit.uniform_mix : 1;
        for (let c = 0; c < out.length; c++) out[c] = daily * ((1 - mix) * (smoothedTotal > 1e-12 ? Math.max(0, smoothed[c]) / smoothedTotal : 0) + mix * uniform[c]);
      },
      observe(day, cells, counts) {
        windowDays++;
        add(cells, counts, 1);
        // The window for the next forecast is [day + 1 − window_days, day]: drop day − window_days.
        const k = day - options.window_days - history.firstDay;
        if (k >= 0 && history.observed[k]) {
          windowDays--;
          const a = history.eventStart[k];
          const b = history.eventStart[k + 1];
          add(history.eventCell.subarray(a, b), history.eventCount.subarray(a, b), -1);
        }
      },
    };
  };
  return { ...sweepForecaster('kde_hotspot', history, fitDay, makeState), fit };
}

// ---------------------------------------------------------------------------------------------
// (c) Self-exciting near-repeat model (ETAS / PredPol style).

export interface NearRepeatOptions {
  /** Days before the fit day whose cell-days enter the likelihood. */
  fit_days: number;
  /** Candidate decay times τ in days (the boost of a fire k ≥ 1 days later ∝ exp(−k/τ)). */
  decay_days: number[];
  /** Candidate spatial kernel widths σ as multiples of the grid spacing. */
  sigma_multipliers: number[];
  em_iterations: number;
}

export const defaultNearRepeatOptions: NearRepeatOptions = {
  fit_days: 730,
  decay_days: [1, 3, 7, 14, 30, 90],
  sigma_multipliers: [0.5, 1, 2],
  em_iterations: 500,
};

export interface NearRepeatFit {
  /** Scale of the background (the smoothed long-run cell rate at the fit day). */
  background_scale: number;
  /** Boost per past fire, before decay and spatial spread (expected offspring per fire = alpha·β / (1 − β), β = exp(−1/τ)). */
  alpha: number;
  decay_days: number;
  sigma_m: number;
  /** Poisson log-likelihood (without the log y! terms) on the fit window. */
  log_likelihood: number;
  fit_cell_days: number;
  fit_fires: number;
}

/** Spatial offspring kernel: a Gaussian over target cells, normalised to sum to 1 for each source cell. */
function offspringKernel(geometry: CellGeometry, sigma_m: number): CellKernel {
  const twoS2 = 2 * sigma_m * sigma_m;
  const kernel = sparseKernel(geometry, 3 * sigma_m, (_c, d2) => Math.exp(-d2 / twoS2));
  for (let j = 0; j + 1 < kernel.start.length; j++) {
    let sum = 0;
    for (let e = kernel.start[j]; e < kernel.start[j + 1]; e++) sum += kernel.weight[e];
    for (let e = kernel.start[j]; e < kernel.start[j + 1]; e++) kernel.weight[e] /= sum;
  }
  return kernel;
}

/**
 * Excitation X_c(d) = Σ over past fires j (day t_j < d) of β^(d − t_j) · k(c ← cell_j), with
 * β = exp(−1/τ): one decay of all cells per day plus a sparse kernel spread per fire, i.e.
 * X(d + 1) = β (X(d) + K n(d)). O(cells + fires × neighbours) per day, never O(events²).
 */
class Excitation {
  readonly x: Float64Array;
  total = 0;
  private lastDay: number | null = null;
  constructor(
    nCells: number,
    private readonly beta: number,
    private readonly kernel: CellKernel,
  ) {
    this.x = new Float64Array(nCells);
  }
  /** Decay to the start of `day` (the state holds fires of days before it). */
  advanceTo(day: number): void {
    if (this.lastDay === null) {
      this.lastDay = day;
      return;
    }
    const steps = day - this.lastDay;
    if (steps <= 0) return;
    const f = this.beta ** steps;
    for (let c = 0; c < this.x.length; c++) this.x[c] *= f;
    this.total *= f;
    this.lastDay = day;
  }
  add(cells: Int32Array, counts: Float32Array): void {
    for (let e = 0; e < cells.length; e++) {
      const j = cells[e];
      for (let k = this.kernel.start[j]; k < this.kernel.start[j + 1]; k++) this.x[this.kernel.target[k]] += counts[e] * this.kernel.weight[k];
      this.total += counts[e];
    }
  }
}

/**
 * Fits background scale η and boost α by EM (the branching-structure EM of Mohler et al. 2011 for
 * λ = η·r_c + α·X_c(d)) for each candidate (τ, σ) on the last `fit_days` days before the fit day,
 * and keeps the candidate of highest likelihood. r_c is the empirical-Bayes long-run rate at the
 * fit day. Cell-days without fires enter through Σr and ΣX only, so the fit costs one sweep per candidate.
 */
export function fitNearRepeat(history: LabelHistory, geometry: CellGeometry, fitDay: number, options: NearRepeatOptions = defaultNearRepeatOptions): Forecaster & { fit: NearRepeatFit } {
  if (geometry.x_m.length !== history.nCells) throw new RangeError(`near_repeat: geometry has ${geometry.x_m.length} cells, history ${history.nCells}`);
  const spacing = typicalSpacing_m(geometry);
  const all = countsBetween(history, history.firstDay, fitDay);
  const prior = empiricalBayesPrior(all.counts, all.days);
  const background = Float64Array.from(all.counts, (n) => (n + prior.shape) / (all.days + prior.rate_days));
  const backgroundSum = background.reduce((a, b) => a + b, 0);
  const windowStart = Math.max(history.firstDay, fitDay - options.fit_days);
  const windowDays = observedDays(history, windowStart, fitDay);
  let best: NearRepeatFit | null = null;
  for (const tau of options.decay_days) {
    const beta = Math.exp(-1 / tau);
    for (const multiplier of options.sigma_multipliers) {
      const sigma = multiplier * spacing;
      const excitation = new Excitation(history.nCells, beta, offspringKernel(geometry, sigma));
      const fireN: number[] = [];
      const fireR: number[] = [];
      const fireX: number[] = [];
      let sumX = 0;
      const sweepStart = Math.max(history.firstDay, windowStart - Math.ceil(10 * tau));
      for (let d = sweepStart; d < Math.min(fitDay, history.firstDay + history.nDays); d++) {
        const k = d - history.firstDay;
        if (!history.observed[k]) continue;
        excitation.advanceTo(d);
        const a = history.eventStart[k];
        const b = history.eventStart[k + 1];
        if (d >= windowStart) {
          sumX += excitation.total;
          for (let e = a; e < b; e++) {
            const c = history.eventCell[e];
            fireN.push(history.eventCount[e]);
            fireR.push(background[c]);
            fireX.push(excitation.x[c]);
          }
        }
        excitation.add(history.eventCell.subarray(a, b), history.eventCount.subarray(a, b));
      }
      const sumR = backgroundSum * windowDays;
      const fires = fireN.reduce((s, n) => s + n, 0);
      let eta = sumR > 0 ? (0.5 * fires) / sumR : 0;
      let alpha = sumX > 0 ? (0.5 * fires) / sumX : 0;
      for (let it = 0; it < options.em_iterations; it++) {
        let shareBackground = 0;
        let shareTriggered = 0;
        for (let i = 0; i < fireN.length; i++) {
          const b = eta * fireR[i];
          const t = alpha * fireX[i];
          const lambda = b + t;
          if (lambda <= 0) continue;
          shareBackground += (fireN[i] * b) / lambda;
          shareTriggered += (fireN[i] * t) / lambda;
        }
        const nextEta = sumR > 0 ? shareBackground / sumR : 0;
        const nextAlpha = sumX > 0 ? shareTriggered / sumX : 0;
        const change = Math.abs(nextEta - eta) / (eta || 1) + Math.abs(nextAlpha - alpha) / (alpha || 1);
        eta = nextEta;
        alpha = nextAlpha;
        if (change < 1e-9) break;
      }
      let ll = -eta * sumR - alpha * sumX;
      for (let i = 0; i < fireN.length; i++) ll += fireN[i] * Math.log(Math.max(eta * fireR[i] + alpha * fireX[i], 1e-300));
      if (!best || ll > best.log_likelihood) {
        best = { background_scale: eta, alpha, decay_days: tau, sigma_m: sigma, log_likelihood: ll, fit_cell_days: windowDays * history.nCells, fit_fires: fires };
      }
    }
  }
  const fit = best ?? { background_scale: 1, alpha: 0, decay_days: options.decay_days[0] ?? 1, sigma_m: spacing, log_likelihood: NaN, fit_cell_days: 0, fit_fires: 0 };
  const kernel = offspringKernel(geometry, fit.sigma_m);
  const beta = Math.exp(-1 / fit.decay_days);
  const makeState = (): DailyState => {
    const excitation = new Excitation(history.nCells, beta, kernel);
    return {
      forecast(day, out) {
        excitation.advanceTo(day);
        for (let c = 0; c < out.length; c++) out[c] = fit.background_scale * background[c] + fit.alpha * excitation.x[c];
      },
      observe(day, cells, counts) {
        excitation.advanceTo(day);
        excitation.add(cells, counts);
      },
    };
  };
  return { ...sweepForecaster('near_repeat', history, fitDay, makeState), fit };
}

/** The four baselines, all fitted at `fitDay`. */
export function fitBaselines(history: LabelHistory, geometry: CellGeometry, fitDay: number): Array<Forecaster & { fit: unknown }> {
  return [fitHistoricalRate(history, fitDay), fitKdeHotSpot(history, geometry, fitDay), fitNearRepeat(history, geometry, fitDay), fitSeasonalRate(history, fitDay)];
}
