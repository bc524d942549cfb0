/**
 * Standardisation of the model inputs. Statistics come only from `fitScaler` on the training window;
 * `applyScaler` uses them unchanged on any later data.
 */
export interface Scaler {
  mean: number[];
  std: number[];
}

/** Standardised values are clipped to this many standard deviations, so a far outlier cannot blow up exp(η). */
export const SCALED_CLIP = 10;

/**
 * Column means and standard deviations of a row-major matrix with `columns` columns, weighted by
 * `weights` when given (so a negatively subsampled window yields the statistics of the full window).
 * A constant column gets std 1.
 */
export function fitScaler(X: Float32Array, columns: number, weights?: Float32Array): Scaler {
  const rows = columns === 0 ? 0 : X.length / columns;
  if (!Number.isInteger(rows)) throw new RangeError(`matrix length ${X.length} is not a multiple of ${columns} columns`);
  if (weights && weights.length !== rows) throw new RangeError(`weights have ${weights.length} entries for ${rows} rows`);
  const sum = new Float64Array(columns);
  const sumSq = new Float64Array(columns);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const w = weights ? weights[i] : 1;
    total += w;
    const base = i * columns;
    for (let j = 0; j < columns; j++) {
      const v = X[base + j];
      sum[j] += w * v;
    }
  }
  const mean = Array.from(sum, (s) => (total > 0 ? s / total : 0));
  // Second pass around the mean: numerically safer than E[x²] − E[x]² for large offsets (day counts, coordinates).
  for (let i = 0; i < rows; i++) {
    const w = weights ? weights[i] : 1;
    const base = i * columns;
    for (let j = 0; j < columns; j++) {
      const d = X[base + j] - mean[j];
      sumSq[j] += w * d * d;
    }
  }
  const std = Array.from(sumSq, (s) => {
    const sd = total > 0 ? Math.sqrt(s / total) : 0;
    return sd > 1e-8 && Number.isFinite(sd) ? sd : 1;
  });
  return { mean, std };
}

/**
 * (x − mean) / std for every column, clipped to ±SCALED_CLIP. `columnIndex[j]` names the column of `X`
 * that holds the scaler's j-th feature (identity when omitted); `X` has `sourceColumns` columns.
 * Writes into `out` when given (length rows × scaler columns).
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
  for (let i = 0; i < rows; i++) {
    const src = i * sourceColumns;
    const dst = i * p;
    for (let j = 0; j < p; j++) {
      const z = (X[src + index[j]] - mean[j]) * inv[j];
      result[dst + j] = z > SCALED_CLIP ? SCALED_CLIP : z < -SCALED_CLIP ? -SCALED_CLIP : z;
    }
  }
  return result;
}
