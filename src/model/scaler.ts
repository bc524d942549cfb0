/**
 * Input transforms and standardisation of the model inputs. Everything is learned only by `fitScaler`
 * on the training window; `applyScaler` uses it unchanged on any later data.
 *
 * Transform: a column whose training values are all non-negative and whose (weighted) skewness exceeds a
 * threshold (counts, rates, distances, attendances: heavy right tails) is fed as log(x + c), with c a low
 * quantile of its positive training values (1 for counts, a small rate for rates, so a rate enters almost
 * as log x). A log-link model is then additive in log(x + c), i.e. multiplicative in powers of x + c, and
 * a few extreme cells no longer squeeze everyone else into a sliver of the standardised range.
 */
export interface Scaler {
  /** Mean of each (transformed) column: the centre of the standardisation. */
  mean: number[];
  /** Standard deviation of each (transformed) column; 1 for a constant column. */
  std: number[];
  /** Per column: c > 0 = fed as log(max(x, 0) + c) before standardisation; 0 = raw (absent: none). */
  log_offset?: number[];
  /** Weighted mean of each column in its raw units (a reference value for drivers); absent in old models = mean. */
  raw_mean?: number[];
  /**
   * Smallest and largest standardised value of each column in the training window: later values are
   * clipped to this range, so the model never extrapolates beyond what it was fitted on (a hotter summer
   * than any in the training years scores as the hottest one seen). Absent in old models: ±SCALED_CLIP.
   */
  low?: number[];
  high?: number[];
}

/**
 * Default quantile of a column's positive training values used as the offset c of log(x + c): the median.
 * A low quantile (0.05 before 2026-11-29) made c tiny for indices with many values near 0 (FWI, ISI: c about
 * 1e-4), so that 0.0001 and 0.2, both "no fire danger", lay ten log units apart, more than the whole summer range.
 */
export const DEFAULT_LOG_OFFSET_QUANTILE = 0.5;

/** Standardised values are clipped to this many standard deviations, so a far outlier cannot blow up exp(η). */
export const SCALED_CLIP = 10;

export interface ScalerOptions {
  /**
   * Skewness above which a non-negative column is log-transformed; null: no transform. The transform is
   * kept only when it does not increase the absolute skewness (a two-valued column keeps its skewness).
   */
  logSkewness?: number | null;
  /** Quantile of a column's positive values used as its offset c in log(x + c). */
  logOffsetQuantile?: number;
}

interface Moments {
  mean: Float64Array;
  std: Float64Array;
  skew: Float64Array;
  min: Float64Array;
  max: Float64Array;
  total: number;
}

/** Weighted mean, standard deviation, skewness, minimum and maximum of every column after `transform`. */
function moments(X: Float32Array, columns: number, rows: number, weights: Float32Array | undefined, transform: (j: number, v: number) => number): Moments {
  const sum = new Float64Array(columns);
  const min = new Float64Array(columns).fill(Infinity);
  const max = new Float64Array(columns).fill(-Infinity);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const w = weights ? weights[i] : 1;
    total += w;
    const base = i * columns;
    for (let j = 0; j < columns; j++) {
      const v = transform(j, X[base + j]);
      sum[j] += w * v;
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
  }
  const mean = sum.map((s) => (total > 0 ? s / total : 0));
  // Second pass around the mean: numerically safer than E[x²] − E[x]² for large offsets (day counts, coordinates).
  const m2 = new Float64Array(columns);
  const m3 = new Float64Array(columns);
  for (let i = 0; i < rows; i++) {
    const w = weights ? weights[i] : 1;
    const base = i * columns;
    for (let j = 0; j < columns; j++) {
      const d = transform(j, X[base + j]) - mean[j];
      const wd2 = w * d * d;
      m2[j] += wd2;
      m3[j] += wd2 * d;
    }
  }
  const std = new Float64Array(columns);
  const skew = new Float64Array(columns);
  for (let j = 0; j < columns; j++) {
    const variance = total > 0 ? m2[j] / total : 0;
    std[j] = Math.sqrt(variance);
    skew[j] = variance > 1e-16 ? m3[j] / total / variance ** 1.5 : 0;
  }
  return { mean, std, skew, min, max, total };
}

/** Most rows read for a quantile: an evenly strided sample is plenty for an offset. */
const QUANTILE_SAMPLE_ROWS = 100_000;

/** Weighted `q`-quantile of the positive values of column j (0 when it has none). */
function positiveQuantile(X: Float32Array, columns: number, rows: number, j: number, weights: Float32Array | undefined, q: number): number {
  const stride = Math.max(1, Math.floor(rows / QUANTILE_SAMPLE_ROWS));
  const values: Array<[number, number]> = [];
  for (let i = 0; i < rows; i += stride) {
    const v = X[i * columns + j];
    if (v > 0) values.push([v, weights ? weights[i] : 1]);
  }
  if (values.length === 0) return 0;
  values.sort((a, b) => a[0] - b[0]);
  const total = values.reduce((s, [, w]) => s + w, 0);
  let cumulative = 0;
  for (const [v, w] of values) {
    cumulative += w;
    if (cumulative >= q * total) return v;
  }
  return values[values.length - 1][0];
}

const usableStd = (sd: number) => (sd > 1e-8 && Number.isFinite(sd) ? sd : 1);

/**
 * Transforms and standardisation statistics of a row-major matrix with `columns` columns, weighted by
 * `weights` when given (so a negatively subsampled window yields the statistics of the full window).
 * A constant column gets std 1. Without `options.log1pSkewness` no column is transformed.
 */
export function fitScaler(X: Float32Array, columns: number, weights?: Float32Array, options: ScalerOptions = {}): Scaler {
  const rows = columns === 0 ? 0 : X.length / columns;
  if (!Number.isInteger(rows)) throw new RangeError(`matrix length ${X.length} is not a multiple of ${columns} columns`);
  if (weights && weights.length !== rows) throw new RangeError(`weights have ${weights.length} entries for ${rows} rows`);
  const raw = moments(X, columns, rows, weights, (_, v) => v);
  const threshold = options.logSkewness;
  if (threshold === undefined || threshold === null) {
    const std = Array.from(raw.std, usableStd);
    return { mean: Array.from(raw.mean), std, ...standardisedRange(raw, raw.mean, std) };
  }
  const quantile = options.logOffsetQuantile ?? DEFAULT_LOG_OFFSET_QUANTILE;
  const offset = Array.from({ length: columns }, (_, j) => (raw.min[j] >= 0 && raw.skew[j] > threshold ? positiveQuantile(X, columns, rows, j, weights, quantile) : 0));
  const logged = moments(X, columns, rows, weights, (j, v) => (offset[j] > 0 ? Math.log(v + offset[j]) : v));
  const log_offset = offset.map((c, j) => (c > 0 && Math.abs(logged.skew[j]) <= Math.abs(raw.skew[j]) + 1e-9 ? c : 0));
  const pick = (j: number, a: Float64Array, b: Float64Array) => (log_offset[j] > 0 ? b[j] : a[j]);
  const mean = Array.from({ length: columns }, (_, j) => pick(j, raw.mean, logged.mean));
  const std = Array.from({ length: columns }, (_, j) => usableStd(pick(j, raw.std, logged.std)));
  const chosen = { min: Float64Array.from({ length: columns }, (_, j) => pick(j, raw.min, logged.min)), max: Float64Array.from({ length: columns }, (_, j) => pick(j, raw.max, logged.max)) };
  return { mean, std, log_offset, raw_mean: Array.from(raw.mean), ...standardisedRange(chosen, mean, std) };
}

/** The training range of every column in standardised units, within ±SCALED_CLIP (a column without rows: the full clip). */
function standardisedRange(range: { min: Float64Array; max: Float64Array }, mean: ArrayLike<number>, std: ArrayLike<number>): { low: number[]; high: number[] } {
  const bound = (v: number, j: number, fallback: number) => (Number.isFinite(v) ? Math.max(-SCALED_CLIP, Math.min(SCALED_CLIP, (v - mean[j]) / std[j])) : fallback);
  return {
    low: Array.from(range.min, (v, j) => bound(v, j, -SCALED_CLIP)),
    high: Array.from(range.max, (v, j) => bound(v, j, SCALED_CLIP)),
  };
}

/** The raw-unit reference value of every feature (its training-window mean). */
export const featureReference = (scaler: Scaler): number[] => scaler.raw_mean ?? scaler.mean;

/**
 * The scaler's transform, then (x − mean) / std for every column, clipped to the training range
 * (`low`..`high`; ±SCALED_CLIP for scalers without one).
 * `columnIndex[j]` names the column of `X` that holds the scaler's j-th feature (identity when omitted);
 * `X` has `sourceColumns` columns. Writes into `out` when given (length rows × scaler columns).
 */
export function applyScaler(
  X: Float32Array,
  sourceColumns: number,
  scaler: Scaler,
  columnIndex?: ArrayLike<number>,
  out?: Float32Array,
): Float32Array {
  const p = scaler.mean.length;
  const rows = sourceColumns === 0 ? 0 : X.length / sourceColumns;
  const result = out ?? new Float32Array(rows * p);
  if (result.length < rows * p) throw new RangeError(`output buffer holds ${result.length} values, needs ${rows * p}`);
  const index = columnIndex ?? Array.from({ length: p }, (_, j) => j);
  const mean = Float64Array.from(scaler.mean);
  const inv = Float64Array.from(scaler.std, (s) => 1 / s);
  const offset = Float64Array.from({ length: p }, (_, j) => scaler.log_offset?.[j] ?? 0);
  const low = Float64Array.from({ length: p }, (_, j) => scaler.low?.[j] ?? -SCALED_CLIP);
  const high = Float64Array.from({ length: p }, (_, j) => scaler.high?.[j] ?? SCALED_CLIP);
  for (let i = 0; i < rows; i++) {
    const src = i * sourceColumns;
    const dst = i * p;
    for (let j = 0; j < p; j++) {
      let v = X[src + index[j]];
      // A value below the training minimum of 0 (not expected for these columns) is treated as 0.
      if (offset[j] > 0) v = Math.log((v > 0 ? v : 0) + offset[j]);
      const z = (v - mean[j]) * inv[j];
      result[dst + j] = z > high[j] ? high[j] : z < low[j] ? low[j] : z;
    }
  }
  return result;
}
