import { cellDayUniform, selectRows, type FeatureMatrix } from '../features/matrix.ts';

/** A feature matrix whose rows carry importance weights (from negative subsampling). */
export interface WeightedMatrix extends FeatureMatrix {
  sampleWeight: Float32Array;
}

export const isWeighted = (matrix: FeatureMatrix): matrix is WeightedMatrix =>
  (matrix as Partial<WeightedMatrix>).sampleWeight instanceof Float32Array;

/** mulberry32: a small, fast, seedable PRNG returning uniforms in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded uniformly random permutation of 0..n−1 (Fisher–Yates). */
export function permutation(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const random = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/**
 * Negative subsampling for rare counts: every labelled row with at least one fire is kept with weight 1;
 * a zero row is kept with probability `negativeRate` and then weighted 1 / negativeRate, so weighted sums
 * (and hence a weighted Poisson fit) estimate the full-data ones without bias. Rows without a label
 * (NaN: not yet observed) are dropped. Existing sample weights are multiplied in.
 */
export function negativeSubsample(matrix: FeatureMatrix, negativeRate: number, seed: number): WeightedMatrix {
  const all = new Uint32Array(matrix.rows);
  for (let i = 0; i < matrix.rows; i++) all[i] = i;
  return subsampleRows(matrix, all, negativeRate, seed);
}

/**
 * `negativeSubsample` restricted to the rows `candidates` of `matrix`, without copying the others first
 * (a five-year training window is millions of rows, of which about 5 % are kept).
 */
export function subsampleRows(matrix: FeatureMatrix, candidates: ArrayLike<number>, negativeRate: number, seed: number): WeightedMatrix {
  if (!(negativeRate > 0 && negativeRate <= 1)) throw new RangeError(`negative_rate must lie in (0, 1], got ${negativeRate}`);
  const prior = isWeighted(matrix) ? matrix.sampleWeight : undefined;
  const keep: number[] = [];
  const weight: number[] = [];
  for (let k = 0; k < candidates.length; k++) {
    const i = candidates[k];
    const y = matrix.yFires[i];
    if (Number.isNaN(y)) continue;
    const w0 = prior ? prior[i] : 1;
    if (y > 0) {
      keep.push(i);
      weight.push(w0);
    } else if (negativeRate >= 1 || cellDayUniform(matrix.cellIndex[i], matrix.day[i], seed) < negativeRate) {
      keep.push(i);
      weight.push(w0 / negativeRate);
    }
  }
  const taken = selectRows(matrix, keep);
  const { sampleWeight: _, ...rows } = taken;
  return { ...rows, sampleWeight: Float32Array.from(weight) };
}


/** The rows of `a` followed by those of `b` (same feature columns), weights included. */
export function concatWeighted(a: WeightedMatrix, b: WeightedMatrix): WeightedMatrix {
  if (a.featureNames.join('\u0000') !== b.featureNames.join('\u0000')) throw new RangeError('concatWeighted: the matrices have different feature columns');
  const join = <T extends Float32Array | Int32Array>(x: T, y: T, make: (n: number) => T): T => {
    const out = make(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  const f32 = (n: number) => new Float32Array(n);
  const i32 = (n: number) => new Int32Array(n);
  return {
    featureNames: a.featureNames,
    rows: a.rows + b.rows,
    X: join(a.X, b.X, f32),
    cellIndex: join(a.cellIndex, b.cellIndex, i32),
    day: join(a.day, b.day, i32),
    yFires: join(a.yFires, b.yFires, f32),
    yAlarms: join(a.yAlarms, b.yAlarms, f32),
    ...(a.yOutdoorFires && b.yOutdoorFires ? { yOutdoorFires: join(a.yOutdoorFires, b.yOutdoorFires, f32) } : {}),
    sampleWeight: join(a.sampleWeight, b.sampleWeight, f32),
  };
}
