/**
 * Forecast metrics: pure functions of (truth, prediction) over typed arrays.
 *
 * Truth is the observed number of fires per cell-day (`y`); the prediction is the expected number
 * of fires (`rate`, a Poisson mean). The probability of at least one fire is 1 − exp(−rate); the
 * binary outcome is y > 0. Everything runs on typed arrays in one or two passes plus one sort, so
 * ~1 M cell-days take well under a second per forecaster.
 */

/** Rates are floored here before taking logs, so a zero forecast of an observed fire costs a large but finite penalty. */
export const MIN_RATE = 1e-9;

const clampRate = (rate: number): number => (rate > MIN_RATE ? rate : MIN_RATE);

function checkLengths(y: ArrayLike<number>, other: ArrayLike<number>, what: string): void {
  if (y.length !== other.length) throw new RangeError(`${what}: truth has ${y.length} values, prediction ${other.length}`);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7); exact-enough for log(y!) of counts. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const LOG_FACTORIAL = Array.from({ length: 64 }, (_, k) => (k < 2 ? 0 : logGamma(k + 1)));
const logFactorial = (y: number): number => (Number.isInteger(y) && y < LOG_FACTORIAL.length ? LOG_FACTORIAL[y] : logGamma(y + 1));

/**
 * Mean Poisson deviance: (2/n) Σ [y·ln(y/μ) − (y − μ)], where a y = 0 term is 2μ.
 * 0 for a perfect forecast; lower is better.
 */
export function meanPoissonDeviance(y: ArrayLike<number>, rate: ArrayLike<number>): number {
  checkLengths(y, rate, 'meanPoissonDeviance');
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const mu = clampRate(rate[i]);
    const yi = y[i];
    sum += yi > 0 ? yi * Math.log(yi / mu) - (yi - mu) : mu;
  }
  return y.length ? (2 * sum) / y.length : NaN;
}

/** Poisson log-likelihood per cell-day: (1/n) Σ [y·ln μ − μ − ln y!]; higher is better. */
export function poissonLogLikelihood(y: ArrayLike<number>, rate: ArrayLike<number>): number {
  checkLengths(y, rate, 'poissonLogLikelihood');
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += poissonLogLikelihoodTerm(y[i], rate[i]);
  return y.length ? sum / y.length : NaN;
}

/** One cell-day's Poisson log-likelihood y·ln μ − μ − ln y! (μ clamped like every metric here). */
export function poissonLogLikelihoodTerm(y: number, rate: number): number {
  const mu = clampRate(rate);
  return (y > 0 ? y * Math.log(mu) - logFactorial(y) : 0) - mu;
}

/** Brier score of P(any fire) = 1 − exp(−rate) against the outcome y > 0. */
export function brierScore(y: ArrayLike<number>, rate: ArrayLike<number>): number {
  checkLengths(y, rate, 'brierScore');
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const p = -Math.expm1(-Math.max(0, rate[i]));
    const d = p - (y[i] > 0 ? 1 : 0);
    sum += d * d;
  }
  return y.length ? sum / y.length : NaN;
}

/**
 * Groups of tied scores in descending order, with the number of positive (y > 0) and negative
 * rows in each group. ROC, PR and calibration all read from this one sort.
 */
export interface RankedGroups {
  /** Score of each group, descending. */
  score: Float64Array;
  positives: Float64Array;
  negatives: Float64Array;
  totalPositives: number;
  totalNegatives: number;
}

/**
 * Row order by descending score, stable (equal scores keep row order). A native numeric sort of the
 * distinct values plus a counting sort by rank: ~10× faster than sorting indices with a comparator.
 */
export function descendingOrder(scores: ArrayLike<number>): Uint32Array {
  const n = scores.length;
  const values = Float64Array.from(scores);
  for (let i = 0; i < n; i++) if (Number.isNaN(values[i])) throw new RangeError(`score of row ${i} is NaN`);
  const sorted = values.slice().sort();
  let m = 0;
  for (let k = 0; k < n; k++) if (k === 0 || sorted[k] !== sorted[m - 1]) sorted[m++] = sorted[k];
  const rank = new Int32Array(n);
  const bucket = new Int32Array(m + 1);
  for (let i = 0; i < n; i++) {
    let lo = 0;
    let hi = m - 1;
    const v = values[i];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    rank[i] = m - 1 - lo;
    bucket[rank[i] + 1]++;
  }
  for (let r = 0; r < m; r++) bucket[r + 1] += bucket[r];
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[bucket[rank[i]]++] = i;
  return order;
}

export function rankGroups(y: ArrayLike<number>, scores: ArrayLike<number>, order = descendingOrder(scores)): RankedGroups {
  checkLengths(y, scores, 'rankGroups');
  const n = y.length;
  const score: number[] = [];
  const pos: number[] = [];
  const neg: number[] = [];
  let P = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const s = scores[i];
    if (score.length === 0 || score[score.length - 1] !== s) {
      score.push(s);
      pos.push(0);
      neg.push(0);
    }
    if (y[i] > 0) {
      pos[pos.length - 1]++;
      P++;
    } else neg[neg.length - 1]++;
  }
  return { score: Float64Array.from(score), positives: Float64Array.from(pos), negatives: Float64Array.from(neg), totalPositives: P, totalNegatives: n - P };
}

/**
 * ROC-AUC of the scores for the outcome y > 0: the Mann–Whitney statistic with tied scores given
 * their average rank, i.e. a tied positive/negative pair counts one half. NaN when one class is absent.
 */
export function rocAuc(y: ArrayLike<number>, scores: ArrayLike<number>, groups = rankGroups(y, scores)): number {
  const { positives, negatives, totalPositives: P, totalNegatives: N } = groups;
  if (P === 0 || N === 0) return NaN;
  // Walk from the lowest score up: each positive beats every negative below it, ties count half.
  let negativesBelow = 0;
  let wins = 0;
  for (let g = positives.length - 1; g >= 0; g--) {
    wins += positives[g] * (negativesBelow + negatives[g] / 2);
    negativesBelow += negatives[g];
  }
  return wins / (P * N);
}

/**
 * PR-AUC as average precision: Σ over distinct score thresholds (descending) of
 * (recall_t − recall_{t−1}) · precision_t. A tie group enters as one threshold. NaN without positives.
 */
export function averagePrecision(y: ArrayLike<number>, scores: ArrayLike<number>, groups = rankGroups(y, scores)): number {
  const { positives, negatives, totalPositives: P } = groups;
  if (P === 0) return NaN;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  for (let g = 0; g < positives.length; g++) {
    tp += positives[g];
    fp += negatives[g];
    if (positives[g] > 0) ap += (positives[g] / P) * (tp / (tp + fp));
  }
  return ap;
}

export interface CurvePoint {
  x: number;
  y: number;
}

/** Keeps at most `maxPoints` points of a monotone curve (always the first and the last). */
function thin(points: CurvePoint[], maxPoints: number): CurvePoint[] {
  if (points.length <= maxPoints) return points;
  const out: CurvePoint[] = [];
  const step = (points.length - 1) / (maxPoints - 1);
  for (let k = 0; k < maxPoints; k++) out.push(points[Math.round(k * step)]);
  return out;
}

/** ROC curve (x = false-positive rate, y = true-positive rate), one point per tie group, thinned. */
export function rocCurve(groups: RankedGroups, maxPoints = 200): CurvePoint[] {
  const { positives, negatives, totalPositives: P, totalNegatives: N } = groups;
  const points: CurvePoint[] = [{ x: 0, y: 0 }];
  if (P === 0 || N === 0) return points;
  let tp = 0;
  let fp = 0;
  for (let g = 0; g < positives.length; g++) {
    tp += positives[g];
    fp += negatives[g];
    points.push({ x: fp / N, y: tp / P });
  }
  return thin(points, maxPoints);
}

/**
 * Precision–recall curve (x = recall, y = precision): one point per tie group that holds a positive, the
 * points at which recall rises and over which average precision sums, thinned evenly in recall. Groups
 * without a positive only lower the precision until the next positive, so they add no point: with a
 * million cell-days and a few hundred fires, points per group thinned by index would skip the
 * high-precision start of the curve.
 */
export function precisionRecallCurve(groups: RankedGroups, maxPoints = 200): CurvePoint[] {
  const { positives, negatives, totalPositives: P } = groups;
  const points: CurvePoint[] = [];
  if (P === 0) return points;
  let tp = 0;
  let fp = 0;
  for (let g = 0; g < positives.length; g++) {
    tp += positives[g];
    fp += negatives[g];
    if (positives[g] > 0) points.push({ x: tp / P, y: tp / (tp + fp) });
  }
  return thin(points, maxPoints);
}

export interface ReliabilityBin {
  /** Range of predicted probabilities in the bin. */
  p_min: number;
  p_max: number;
  mean_predicted: number;
  observed_frequency: number;
  count: number;
}

export interface Calibration {
  bins: ReliabilityBin[];
  /** Expected calibration error: Σ_b (n_b / n) · |mean predicted_b − observed frequency_b|. */
  ece: number;
}

/**
 * Reliability table of P(any fire) = 1 − exp(−rate) against y > 0.
 * `quantile` bins (default) hold about n / bins rows each, cut between distinct predicted values so
 * ties stay together: with ~1 positive in 1,000 cell-days, equal-width bins on [0, 1] would put
 * nearly every row in the first bin and say nothing. `uniform` bins split [0, 1] into equal widths.
 * Empty bins are dropped.
 */
export function calibration(y: ArrayLike<number>, rate: ArrayLike<number>, bins: number, strategy: 'quantile' | 'uniform' = 'quantile', order?: Uint32Array): Calibration {
  checkLengths(y, rate, 'calibration');
  const n = y.length;
  const prob = new Float64Array(n);
  for (let i = 0; i < n; i++) prob[i] = -Math.expm1(-Math.max(0, rate[i]));
  const binOf = new Int32Array(n);
  if (strategy === 'uniform') {
    for (let i = 0; i < n; i++) binOf[i] = Math.min(bins - 1, Math.floor(prob[i] * bins));
  } else {
    // Ascending order of probability = reverse of the descending order of rates.
    const desc = order ?? descendingOrder(rate);
    let bin = 0;
    let inBin = 0;
    let assigned = 0;
    for (let k = n - 1; k >= 0; k--) {
      const i = desc[k];
      const target = ((bin + 1) * n) / bins;
      if (inBin > 0 && assigned >= target && bin < bins - 1 && prob[i] !== prob[desc[k + 1]]) {
        bin++;
        inBin = 0;
      }
      binOf[i] = bin;
      inBin++;
      assigned++;
    }
  }
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  const pMin = new Float64Array(bins).fill(Infinity);
  const pMax = new Float64Array(bins).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const b = binOf[i];
    count[b]++;
    sumP[b] += prob[i];
    sumY[b] += y[i] > 0 ? 1 : 0;
    if (prob[i] < pMin[b]) pMin[b] = prob[i];
    if (prob[i] > pMax[b]) pMax[b] = prob[i];
  }
  const out: ReliabilityBin[] = [];
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    const meanP = sumP[b] / count[b];
    const freq = sumY[b] / count[b];
    out.push({ p_min: pMin[b], p_max: pMax[b], mean_predicted: meanP, observed_frequency: freq, count: count[b] });
    ece += (count[b] / n) * Math.abs(meanP - freq);
  }
  return { bins: out, ece: n ? ece : NaN };
}

/** Rows grouped by day: `rows` holds row indices day by day, `start[k]..start[k+1]` those of `days[k]`. */
export interface DayGroups {
  days: Int32Array;
  start: Int32Array;
  rows: Int32Array;
}

/** Groups rows by day; within a day rows keep the order in which `order` (default: row order) lists them. */
export function groupByDay(day: Int32Array, order?: ArrayLike<number>): DayGroups {
  const n = day.length;
  if (n === 0) return { days: new Int32Array(0), start: new Int32Array(1), rows: new Int32Array(0) };
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (day[i] < lo) lo = day[i];
    if (day[i] > hi) hi = day[i];
  }
  const span = hi - lo + 1;
  const counts = new Int32Array(span + 1);
  for (let i = 0; i < n; i++) counts[day[i] - lo + 1]++;
  for (let k = 0; k < span; k++) counts[k + 1] += counts[k];
  const rows = new Int32Array(n);
  const fill = counts.slice(0, span);
  for (let k = 0; k < n; k++) {
    const i = order ? order[k] : k;
    rows[fill[day[i] - lo]++] = i;
  }
  const days: number[] = [];
  const start: number[] = [];
  for (let k = 0; k < span; k++) {
    if (counts[k + 1] > counts[k]) {
      days.push(lo + k);
      start.push(counts[k]);
    }
  }
  start.push(n);
  return { days: Int32Array.from(days), start: Int32Array.from(start), rows };
}

export interface HotSpotAtShare {
  /** Share of cells selected each day (the top `share` of that day's cells by score). */
  share: number;
  /** Mean over days with fires of (fires in the selected cells / fires that day). */
  hit_rate: number;
  /** Mean over days with fires of hit rate / area share of the selected cells. */
  pai: number;
  /** Mean over days with fires of fires captured / the most any equally many cells could have captured. */
  pei: number;
  /** Pooled over all days: fires captured / all fires (days weighted by their fires). */
  pooled_hit_rate: number;
  /** Days that entered the averages (days with at least one fire). */
  days: number;
}

export interface HotSpotResult {
  at: HotSpotAtShare[];
  /** Pooled capture-rate curve: share of all fires captured vs share of area selected each day. */
  capture_curve: CurvePoint[];
  days_total: number;
  days_with_fires: number;
  /** Per share, each day's PAI in day order (NaN on days without fires): what `at[s].pai` averages. */
  daily_pai: Float64Array[];
}

export interface HotSpotInput {
  y: ArrayLike<number>;
  score: ArrayLike<number>;
  day: Int32Array;
  cellIndex: Int32Array;
  /** Area of each cell by cell_index; when absent every cell counts as one unit of area. */
  cellAreaKm2?: ArrayLike<number>;
}

/**
 * Hot-spot measures of spatial crime/fire forecasting, computed per day and then averaged over days.
 *
 * Each day the day's cells are ranked by score and the top m = max(1, round(share · cells)) are
 * selected. Cells tied at the cut enter fractionally (each tied cell with weight slots left / tied
 * cells), which is the expectation under random tie-breaking: a constant forecast then captures
 * exactly `share` of the fires on average instead of whatever an arbitrary order would give.
 *
 * Days without any fire have no defined hit rate, PAI or PEI (0 / 0): they are left out of all
 * three averages (and `days` says how many days entered). They still enter `pooled_hit_rate` and
 * the capture curve with zero weight, since those pool fires over all days.
 */
export function hotSpotMeasures(input: HotSpotInput, shares: number[], curvePoints = 101, order = descendingOrder(input.score)): HotSpotResult {
  const { y, score, day, cellIndex, cellAreaKm2 } = input;
  checkLengths(y, score, 'hotSpotMeasures');
  // Grouping rows by day in descending score order leaves each day's rows ranked.
  const groups = groupByDay(day, order);
  const nDays = groups.days.length;
  const sumHit = new Float64Array(shares.length);
  const sumPai = new Float64Array(shares.length);
  const sumPei = new Float64Array(shares.length);
  const pooledCaptured = new Float64Array(shares.length);
  const dailyPai = shares.map(() => new Float64Array(nDays).fill(NaN));
  const curveGrid = Array.from({ length: curvePoints }, (_, k) => k / (curvePoints - 1));
  const curveCaptured = new Float64Array(curvePoints);
  let totalFires = 0;
  let daysWithFires = 0;

  for (let k = 0; k < nDays; k++) {
    const from = groups.start[k];
    const n = groups.start[k + 1] - from;
    const idx = groups.rows.subarray(from, from + n);
    let fires = 0;
    for (let r = 0; r < n; r++) fires += y[idx[r]];
    if (fires <= 0) continue;
    daysWithFires++;
    totalFires += fires;
    // Prefix sums over the ranked cells, and for each rank the extent of its tie group.
    const cumFires = new Float64Array(n + 1);
    const cumArea = new Float64Array(n + 1);
    const groupStart = new Int32Array(n);
    const groupEnd = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const i = idx[r];
      cumFires[r + 1] = cumFires[r] + y[i];
      cumArea[r + 1] = cumArea[r] + (cellAreaKm2 ? cellAreaKm2[cellIndex[i]] : 1);
      groupStart[r] = r > 0 && score[idx[r - 1]] === score[i] ? groupStart[r - 1] : r;
    }
    for (let r = n - 1; r >= 0; r--) groupEnd[r] = r < n - 1 && groupStart[r + 1] === groupStart[r] ? groupEnd[r + 1] : r + 1;
    const expectedPrefix = (cum: Float64Array, m: number): number => {
      if (m <= 0) return 0;
      const s = groupStart[m - 1];
      const e = groupEnd[m - 1];
      return cum[s] + ((m - s) / (e - s)) * (cum[e] - cum[s]);
    };
    // The best possible selection of m cells: the m largest counts of the day.
    const sortedY = new Float64Array(n);
    for (let r = 0; r < n; r++) sortedY[r] = y[idx[r]];
    sortedY.sort();
    const bestPrefix = new Float64Array(n + 1);
    for (let r = 0; r < n; r++) bestPrefix[r + 1] = bestPrefix[r] + sortedY[n - 1 - r];
    const totalArea = cumArea[n];
    shares.forEach((share, s) => {
      const m = Math.min(n, Math.max(1, Math.round(share * n)));
      const captured = expectedPrefix(cumFires, m);
      const hit = captured / fires;
      const areaShare = expectedPrefix(cumArea, m) / totalArea;
      sumHit[s] += hit;
      sumPai[s] += hit / areaShare;
      dailyPai[s][k] = hit / areaShare;
      sumPei[s] += captured / bestPrefix[m];
      pooledCaptured[s] += captured;
    });
    curveGrid.forEach((share, c) => {
      curveCaptured[c] += expectedPrefix(cumFires, Math.round(share * n));
    });
  }

  const at = shares.map((share, s) => ({
    share,
    hit_rate: daysWithFires ? sumHit[s] / daysWithFires : NaN,
    pai: daysWithFires ? sumPai[s] / daysWithFires : NaN,
    pei: daysWithFires ? sumPei[s] / daysWithFires : NaN,
    pooled_hit_rate: totalFires ? pooledCaptured[s] / totalFires : NaN,
    days: daysWithFires,
  }));
  const capture_curve = totalFires ? curveGrid.map((share, c) => ({ x: share, y: curveCaptured[c] / totalFires })) : [];
  return { at, capture_curve, days_total: nDays, days_with_fires: daysWithFires, daily_pai: dailyPai };
}

export interface ForecastMetrics {
  rows: number;
  fires: number;
  /** Σ predicted expected fires, to compare with `fires` (overall calibration in the large). */
  predicted_fires: number;
  poisson_deviance: number;
  log_likelihood: number;
  brier: number;
  roc_auc: number;
  pr_auc: number;
  /** Share of cell-days with at least one fire: the PR-AUC of a random forecast. */
  base_rate: number;
  hot_spot: HotSpotAtShare[];
  ece: number;
  reliability: ReliabilityBin[];
  curves: { roc: CurvePoint[]; pr: CurvePoint[]; capture: CurvePoint[] };
}

export interface MetricOptions {
  topShares: number[];
  calibrationBins: number;
  calibrationStrategy?: 'quantile' | 'uniform';
}

/** Every metric of one forecaster on one set of cell-days. */
export function evaluateForecast(input: Omit<HotSpotInput, 'score'> & { rate: ArrayLike<number> }, options: MetricOptions): ForecastMetrics {
  const { y, rate } = input;
  checkLengths(y, rate, 'evaluateForecast');
  const order = descendingOrder(rate);
  const groups = rankGroups(y, rate, order);
  const hot = hotSpotMeasures({ ...input, score: rate }, options.topShares, 101, order);
  const cal = calibration(y, rate, options.calibrationBins, options.calibrationStrategy ?? 'quantile', order);
  let fires = 0;
  let predicted = 0;
  for (let i = 0; i < y.length; i++) {
    fires += y[i];
    predicted += rate[i];
  }
  return {
    rows: y.length,
    fires,
    predicted_fires: predicted,
    poisson_deviance: meanPoissonDeviance(y, rate),
    log_likelihood: poissonLogLikelihood(y, rate),
    brier: brierScore(y, rate),
    roc_auc: rocAuc(y, rate, groups),
    pr_auc: averagePrecision(y, rate, groups),
    base_rate: y.length ? groups.totalPositives / y.length : NaN,
    hot_spot: hot.at,
    ece: cal.ece,
    reliability: cal.bins,
    curves: { roc: rocCurve(groups), pr: precisionRecallCurve(groups), capture: hot.capture_curve },
  };
}
